import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';
import { openWatch } from './http-helpers.ts';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({ bookmarkInterval: 0 });
});
afterAll(async () => {
  await cluster.close();
});

describe('cluster.simulate', () => {
  it('writes valid events and the objects they are about into the cluster, as watchers see them', async () => {
    const w = await openWatch(cluster, `/api/v1/events?watch=true&resourceVersion=${cluster.resourceVersion()}`);
    const sim = cluster.simulate({ seed: 7, profile: 'dev' });
    await sim.step(500);
    const stats = sim.stats();
    expect(stats.errors).toBe(0);
    const events = cluster.api.list({ apiVersion: 'v1', resource: 'events' });
    expect(events.length).toBeGreaterThan(0);
    // Every event's involved object (when the simulator keeps it) exists with the same uid, so an exporter can enrich.
    const pods = new Map(cluster.api.list({ apiVersion: 'v1', resource: 'pods' }).map((p: any) => [`${p.metadata.namespace}/${p.metadata.name}`, p.metadata.uid]));
    const podEvents = events.filter((e: any) => e.involvedObject.kind === 'Pod' && pods.has(`${e.involvedObject.namespace}/${e.involvedObject.name}`));
    expect(podEvents.length).toBeGreaterThan(0);
    for (const e of podEvents as any[]) expect(e.involvedObject.uid).toBe(pods.get(`${e.involvedObject.namespace}/${e.involvedObject.name}`));
    // Repeats are MODIFIED with a growing count.
    const first = await w.next(stats.writesByResource.events ?? 0);
    const modified = first.filter((e) => e.type === 'MODIFIED');
    expect(modified.length).toBeGreaterThan(0);
    expect(modified.every((e) => e.object.count >= 2)).toBe(true);
    w.close();
  });
});
