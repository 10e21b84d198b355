/**
 * Bad requests get the real API server's Status errors — never a crash or a hang.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';
import { call } from './http-helpers.ts';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(async () => {
  await cluster.close();
});

const segment = fc.oneof(
  fc.constantFrom('api', 'apis', 'v1', 'namespaces', 'default', 'events', 'pods', 'apps', 'events.k8s.io', 'watch', 'status', 'x', ''),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const query = fc.dictionary(
  fc.constantFrom('watch', 'resourceVersion', 'resourceVersionMatch', 'limit', 'continue', 'labelSelector', 'fieldSelector', 'timeoutSeconds', 'sendInitialEvents', 'allowWatchBookmarks'),
  fc.oneof(fc.string({ maxLength: 16 }), fc.constantFrom('0', '1', 'true', 'Exact', 'NotOlderThan', '-1', '99999999999999999999')),
  { maxKeys: 4 },
);
const body = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 40 }), fc.json({ maxDepth: 3 }), fc.constantFrom('{"kind":"Event"}', '[]', 'null', '{"metadata":{"name":"ok"}}'));

describe('hostile input', () => {
  it('every request is answered with a JSON body; every error is a Status with its code', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), fc.array(segment, { maxLength: 7 }), query, body, fc.constantFrom('application/json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json', 'text/plain'), async (method, segs, q, b, ct) => {
        // Keep watches short: a valid watch would otherwise stay open.
        const params = new URLSearchParams({ ...q, ...(q.watch !== undefined ? { timeoutSeconds: '1' } : {}) });
        const path = `/${segs.join('/')}?${params.toString()}`;
        const res = await call(cluster, method, path, b === undefined ? {} : { body: b, contentType: ct });
        expect(res.status).toBeGreaterThanOrEqual(200);
        expect(res.status).toBeLessThan(600);
        if (res.status >= 400) {
          expect(res.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: res.status });
          expect(typeof res.body.message).toBe('string');
        }
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});
