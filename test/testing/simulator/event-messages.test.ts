import { describe, expect, it } from 'vitest';
import {
  backOffRestartMessage,
  failedSchedulingMessage,
  fullyQualified,
  goDuration,
  pulledMessage,
  quotaExceededMessage,
  scalingReplicaSetMessage,
  unauthorizedPullError,
} from '../../../src/testing/simulator/event-messages.ts';

describe('event messages', () => {
  it('formats durations as Go does', () => {
    expect(goDuration(313)).toBe('313ms');
    expect(goDuration(1000)).toBe('1s');
    expect(goDuration(1661)).toBe('1.661s');
    expect(goDuration(1600)).toBe('1.6s');
    expect(goDuration(62_500)).toBe('1m2.5s');
  });

  it('spells the messages as the components do', () => {
    expect(failedSchedulingMessage(42, 'cpu')).toBe('0/42 nodes are available: 42 Insufficient cpu.');
    expect(backOffRestartMessage('app', 'web-6d4cf56db6-abcde', 'prod', 'u-1')).toBe(
      'Back-off restarting failed container app in pod web-6d4cf56db6-abcde_prod(u-1)',
    );
    expect(scalingReplicaSetMessage('up', 'web-6d4cf56db6', 3, 0)).toBe('Scaled up replica set web-6d4cf56db6 to 3 from 0');
    expect(pulledMessage('nginx:1.25', 1661, 1661, 71_012_834)).toBe(
      'Successfully pulled image "nginx:1.25" in 1.661s (1.661s including waiting). Image size: 71012834 bytes.',
    );
    expect(quotaExceededMessage('web-6d4cf56db6-', '250m', '3900m', '4')).toBe(
      'Error creating: pods "web-6d4cf56db6-" is forbidden: exceeded quota: compute-resources, requested: requests.cpu=250m, used: requests.cpu=3900m, limited: requests.cpu=4',
    );
  });

  it('normalises image references like Docker', () => {
    expect(fullyQualified('nginx:1.25')).toBe('docker.io/library/nginx:1.25');
    expect(fullyQualified('grafana/grafana:10.4.2')).toBe('docker.io/grafana/grafana:10.4.2');
    expect(fullyQualified('ghcr.io/acme/api:v1')).toBe('ghcr.io/acme/api:v1');
    expect(unauthorizedPullError('ghcr.io/acme/api:v1')).toContain('https://ghcr.io/v2/acme/api/manifests/v1: 401 Unauthorized');
  });
});
