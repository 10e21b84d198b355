import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/testing/json.ts';
import { patchSchemaFor } from '../../../src/testing/patch/patch-strategies.ts';
import { applyStrategicMergePatch } from '../../../src/testing/patch/strategic-merge-patch.ts';

const pod = patchSchemaFor({ group: '', version: 'v1', kind: 'Pod' });

describe('patchSchemaFor', () => {
  it.each([
    ['', 'v1', 'Event'],
    ['', 'v1', 'Pod'],
    ['', 'v1', 'Namespace'],
    ['', 'v1', 'Node'],
    ['', 'v1', 'ConfigMap'],
    ['apps', 'v1', 'Deployment'],
    ['apps', 'v1', 'ReplicaSet'],
    ['coordination.k8s.io', 'v1', 'Lease'],
    ['events.k8s.io', 'v1', 'Event'],
  ])('knows that the metadata of %s/%s %s is an ObjectMeta', (group, version, kind) => {
    const schema = patchSchemaFor({ group, version, kind });
    const result = applyStrategicMergePatch({ metadata: { finalizers: ['a'] } }, { metadata: { finalizers: ['b'] } }, schema);
    expect(result).toEqual({ metadata: { finalizers: ['b', 'a'] } });
  });

  it('gives kinds outside the table an ObjectMeta-only schema, whose other lists are replaced', () => {
    const schema = patchSchemaFor({ group: 'batch', version: 'v1', kind: 'Job' });
    const job: JsonObject = { metadata: { ownerReferences: [{ uid: '1', name: 'a' }] }, spec: { template: { spec: { containers: [{ name: 'a' }, { name: 'b' }] } } } };
    const result = applyStrategicMergePatch(job, { metadata: { ownerReferences: [{ uid: '2', name: 'b' }] }, spec: { template: { spec: { containers: [{ name: 'b', image: 'x' }] } } } }, schema);
    expect(result).toEqual({ metadata: { ownerReferences: [{ uid: '2', name: 'b' }, { uid: '1', name: 'a' }] }, spec: { template: { spec: { containers: [{ name: 'b', image: 'x' }] } } } });
  });

  it('merges init and ephemeral containers by name, and their env, volume mounts and devices by their keys', () => {
    const original: JsonObject = {
      spec: {
        initContainers: [{ name: 'init', env: [{ name: 'A', value: '1' }], volumeMounts: [{ mountPath: '/a', name: 'v' }], volumeDevices: [{ devicePath: '/dev/a', name: 'd' }] }],
        ephemeralContainers: [{ name: 'debug', image: 'busybox', envFrom: [{ configMapRef: { name: 'x' } }] }],
      },
    };
    const patch: JsonObject = {
      spec: {
        initContainers: [{ name: 'init', env: [{ name: 'B', value: '2' }], volumeMounts: [{ mountPath: '/a', readOnly: true }], volumeDevices: [{ devicePath: '/dev/b', name: 'e' }] }],
        ephemeralContainers: [{ name: 'debug', envFrom: [{ secretRef: { name: 'y' } }] }],
      },
    };
    expect(applyStrategicMergePatch(original, patch, pod)).toEqual({
      spec: {
        initContainers: [
          {
            name: 'init',
            env: [{ name: 'B', value: '2' }, { name: 'A', value: '1' }],
            volumeMounts: [{ mountPath: '/a', name: 'v', readOnly: true }],
            volumeDevices: [{ devicePath: '/dev/b', name: 'e' }, { devicePath: '/dev/a', name: 'd' }],
          },
        ],
        // envFrom has no strategy: replaced.
        ephemeralContainers: [{ name: 'debug', image: 'busybox', envFrom: [{ secretRef: { name: 'y' } }] }],
      },
    });
  });

  it('merges the PodSpec lists that carry a merge key and replaces the atomic ones', () => {
    const original: JsonObject = {
      spec: {
        volumes: [{ name: 'a', emptyDir: {} }],
        imagePullSecrets: [{ name: 'r1' }],
        hostAliases: [{ ip: '10.0.0.1', hostnames: ['a'] }],
        topologySpreadConstraints: [{ topologyKey: 'zone', maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' }],
        schedulingGates: [{ name: 'g1' }],
        tolerations: [{ key: 'a', operator: 'Exists' }],
        readinessGates: [{ conditionType: 'x' }],
      },
      status: { podIPs: [{ ip: '10.1.0.1' }], hostIPs: [{ ip: '192.168.0.1' }], conditions: [{ type: 'Ready', status: 'False' }] },
    };
    const patch: JsonObject = {
      spec: {
        volumes: [{ name: 'b', configMap: { name: 'c' } }],
        imagePullSecrets: [{ name: 'r2' }],
        hostAliases: [{ ip: '10.0.0.1', hostnames: ['b'] }],
        topologySpreadConstraints: [{ topologyKey: 'zone', maxSkew: 2 }],
        schedulingGates: [{ name: 'g2' }],
        tolerations: [{ key: 'b', operator: 'Exists' }],
        readinessGates: [{ conditionType: 'y' }],
      },
      status: { podIPs: [{ ip: '10.1.0.2' }], hostIPs: [{ ip: '192.168.0.1' }], conditions: [{ type: 'Ready', status: 'True' }] },
    };
    expect(applyStrategicMergePatch(original, patch, pod)).toEqual({
      spec: {
        volumes: [{ name: 'b', configMap: { name: 'c' } }, { name: 'a', emptyDir: {} }],
        imagePullSecrets: [{ name: 'r2' }, { name: 'r1' }],
        hostAliases: [{ ip: '10.0.0.1', hostnames: ['b'] }],
        topologySpreadConstraints: [{ topologyKey: 'zone', maxSkew: 2, whenUnsatisfiable: 'DoNotSchedule' }],
        schedulingGates: [{ name: 'g2' }, { name: 'g1' }],
        tolerations: [{ key: 'b', operator: 'Exists' }],
        readinessGates: [{ conditionType: 'y' }],
      },
      status: { podIPs: [{ ip: '10.1.0.2' }, { ip: '10.1.0.1' }], hostIPs: [{ ip: '192.168.0.1' }], conditions: [{ type: 'Ready', status: 'True' }] },
    });
  });

  it('replaces Namespace spec.finalizers and Node taints but merges Node podCIDRs', () => {
    const ns = patchSchemaFor({ group: '', version: 'v1', kind: 'Namespace' });
    expect(applyStrategicMergePatch({ spec: { finalizers: ['kubernetes'] } }, { spec: { finalizers: ['other'] } }, ns)).toEqual({ spec: { finalizers: ['other'] } });
    const node = patchSchemaFor({ group: '', version: 'v1', kind: 'Node' });
    const result = applyStrategicMergePatch({ spec: { taints: [{ key: 'a', effect: 'NoSchedule' }], podCIDRs: ['10.0.0.0/24'] } }, { spec: { taints: [{ key: 'b', effect: 'NoSchedule' }], podCIDRs: ['fd00::/64'] } }, node);
    expect(result).toEqual({ spec: { taints: [{ key: 'b', effect: 'NoSchedule' }], podCIDRs: ['fd00::/64', '10.0.0.0/24'] } });
  });

  it('merges ReplicaSet pod template containers and status conditions', () => {
    const rs = patchSchemaFor({ group: 'apps', version: 'v1', kind: 'ReplicaSet' });
    const original: JsonObject = { spec: { template: { spec: { containers: [{ name: 'a', image: 'a:1' }] } } }, status: { conditions: [{ type: 'ReplicaFailure', status: 'True' }] } };
    const patch: JsonObject = { spec: { template: { spec: { containers: [{ name: 'a', image: 'a:2' }] } } }, status: { conditions: [{ type: 'ReplicaFailure', status: 'False' }] } };
    expect(applyStrategicMergePatch(original, patch, rs)).toEqual(patch);
  });
});
