/** Shared helpers of the recorder tests: namespaces, reading Events back, driving a manual clock. */
import type { JsonObject, TestCluster } from '../../../src/testing/index.ts';
import type { ManualClock } from './manual-clock.ts';

let seq = 0;

/** Creates a fresh namespace, so each test reads only its own Events. */
export function freshNamespace(cluster: TestCluster, prefix = 'rec'): string {
  const name = `${prefix}-${++seq}`;
  cluster.api.create({ apiVersion: 'v1', resource: 'namespaces' }, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

/** The core/v1 Events of a namespace, as the server holds them. */
export function coreEvents(cluster: TestCluster, namespace: string): any[] {
  return cluster.api.list({ apiVersion: 'v1', resource: 'events' }, namespace) as any[];
}

/** The events.k8s.io/v1 Events of a namespace. */
export function v1Events(cluster: TestCluster, namespace: string): any[] {
  return cluster.api.list({ apiVersion: 'events.k8s.io/v1', resource: 'events' }, namespace) as any[];
}

/** A Deployment-like object to record about. */
export function deployment(namespace: string, name = 'web'): { apiVersion: string; kind: string; metadata: JsonObject & { name: string; namespace: string; uid: string } } {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace, uid: `uid-${namespace}-${name}` } };
}

/**
 * Settles `work` that waits on `clock`'s timers (retry sleeps): whenever the recorder sets a
 * timer of at most `max` ms, moves the clock to it. Returns the delays it advanced by, in order.
 */
export async function driveClock(clock: ManualClock, work: Promise<unknown>, max = 60_000): Promise<number[]> {
  const state = { done: false };
  const finished = work.then(
    () => {
      state.done = true;
    },
    () => {
      state.done = true;
    },
  );
  const delays: number[] = [];
  for (;;) {
    const next = await Promise.race([finished.then(() => undefined), clock.nextTimer(max)]);
    if (next === undefined || state.done) break;
    delays.push(next);
    clock.advance(next);
  }
  return delays;
}
