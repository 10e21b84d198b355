/**
 * Chaos property test: random schedules of Event writes and faults — dropped, stalled and torn
 * watches, compaction, API server restarts, injected 5xx/429, TTL expiry, and restarts of the
 * stream itself from a file checkpoint — and, at the end, 0 lost and 0 duplicated items against
 * the cluster's ground truth.
 *
 * Definitions:
 * - duplicated: the same (uid, resourceVersion) delivered twice as `added`/`updated` (across all
 *   stream instances of a run), or the same uid delivered as `deleted` twice.
 * - lost: once the faults stop, the consumer's view — for each uid, the resourceVersion of the
 *   last item it got, minus the uids it got `deleted` for — differs from the cluster's Events.
 *   (An Event written twice while the stream could not see it is legitimately seen once, at its
 *   latest version; one created and deleted in such a gap is legitimately never seen.)
 * Also checked: no item goes back to an older version of an Event (stale), and `added` never comes
 * for a uid the consumer has and `updated` never for one it does not (wrong type).
 *
 * The default run takes well under a minute; `KUBE_EVENTS_SOAK=1` runs a long soak.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';
import { createEventStream, createFileCheckpointStore } from '../../src/stream/index.ts';
import type { EventApi, EventStream } from '../../src/stream/index.ts';
import { EV, coreEvent } from './stream-helpers.ts';

const SOAK = process.env.KUBE_EVENTS_SOAK === '1';
const RUNS = SOAK ? 300 : 40;
const MIN_ACTIONS = SOAK ? 40 : 15;
const MAX_ACTIONS = SOAK ? 150 : 60;
const EVENT_TTL_MS = 60_000;

type Action =
  | { readonly k: 'create'; readonly n: number }
  | { readonly k: 'update'; readonly i: number }
  | { readonly k: 'delete'; readonly i: number }
  | { readonly k: 'drop' }
  | { readonly k: 'stall' }
  | { readonly k: 'tear' }
  | { readonly k: 'compact' }
  | { readonly k: 'restartServer'; readonly downtimeMs: number }
  | { readonly k: 'inject'; readonly status: 500 | 503 | 429; readonly verb: 'list' | 'watch'; readonly count: number }
  | { readonly k: 'restartStream' }
  | { readonly k: 'expire' }
  | { readonly k: 'wait'; readonly ms: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 4 }).map((n) => ({ k: 'create' as const, n })) },
  { weight: 5, arbitrary: fc.nat().map((i) => ({ k: 'update' as const, i })) },
  { weight: 2, arbitrary: fc.nat().map((i) => ({ k: 'delete' as const, i })) },
  { weight: 2, arbitrary: fc.constant({ k: 'drop' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'stall' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'tear' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'compact' as const }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }).map((downtimeMs) => ({ k: 'restartServer' as const, downtimeMs })) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('inject' as const),
      status: fc.constantFrom(500 as const, 503 as const, 429 as const),
      verb: fc.constantFrom('list' as const, 'watch' as const),
      count: fc.integer({ min: 1, max: 2 }),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ k: 'restartStream' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'expire' as const }) },
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 25 }).map((ms) => ({ k: 'wait' as const, ms })) },
);

/** What the consumer has seen, across every stream instance of a run. */
class Consumer {
  readonly view = new Map<string, { rv: string; name: string }>();
  readonly delivered = new Set<string>();
  readonly deleted = new Set<string>();
  duplicated = 0;
  stale = 0;
  wrongType = 0;
  items = 0;
  #wake: (() => void) | undefined;

  consume(stream: EventStream): Promise<void> {
    return (async () => {
      for await (const item of stream) {
        this.items++;
        if (item.type === 'added' || item.type === 'updated') {
          const { uid, resourceVersion: rv, name } = item.event;
          const key = `${uid}@${rv}`;
          if (this.delivered.has(key)) this.duplicated++;
          this.delivered.add(key);
          const prev = this.view.get(uid);
          // Test-only: the test cluster's resourceVersions are numbers, so "older" can be checked.
          if (prev && Number(rv) < Number(prev.rv)) this.stale++;
          if ((item.type === 'added') !== (prev === undefined)) this.wrongType++;
          this.view.set(uid, { rv, name });
        } else if (item.type === 'deleted') {
          if (this.deleted.has(item.key.uid)) this.duplicated++;
          if (!this.view.has(item.key.uid)) this.wrongType++;
          this.deleted.add(item.key.uid);
          this.view.delete(item.key.uid);
        }
        this.#wake?.();
      }
    })();
  }

  /** Resolves at the next item, or after `ms`. */
  next(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(t);
        this.#wake = undefined;
        resolve();
      };
    });
  }
}

interface RunTotals {
  runs: number;
  actions: number;
  items: number;
  lost: number;
  duplicated: number;
  stale: number;
  wrongType: number;
  streamRestarts: number;
  faults: number;
}

let cluster: TestCluster;
let dir: string;
let runNo = 0;
const totals: RunTotals = { runs: 0, actions: 0, items: 0, lost: 0, duplicated: 0, stale: 0, wrongType: 0, streamRestarts: 0, faults: 0 };

beforeAll(async () => {
  cluster = await startTestCluster({ bookmarkInterval: 200, eventTTL: EVENT_TTL_MS, historyWindow: 30_000 });
  dir = await mkdtemp(join(tmpdir(), 'kube-events-chaos-'));
});
afterAll(async () => {
  await cluster.close();
  await rm(dir, { recursive: true, force: true });
  console.log(
    `chaos: ${totals.runs} runs, ${totals.actions} actions (${totals.faults} faults, ${totals.streamRestarts} stream restarts), ${totals.items} items: ` +
      `lost ${totals.lost}, duplicated ${totals.duplicated}, stale ${totals.stale}, wrong type ${totals.wrongType}`,
  );
});

function truth(ns: string): Map<string, string> {
  return new Map(cluster.api.list(EV, ns).map((o: any) => [o.metadata.uid as string, o.metadata.resourceVersion as string]));
}

function lostCount(consumer: Consumer, ns: string): number {
  const t = truth(ns);
  let lost = 0;
  for (const [uid, rv] of t) if (consumer.view.get(uid)?.rv !== rv) lost++;
  for (const uid of consumer.view.keys()) if (!t.has(uid)) lost++;
  return lost;
}

async function runSchedule(actions: readonly Action[], api: EventApi, initialList: 'list' | 'streaming', timeoutSeconds: number, resyncInterval: number): Promise<void> {
  const ns = `chaos-${++runNo}`;
  cluster.api.create({ apiVersion: 'v1', resource: 'namespaces' }, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const checkpointPath = join(dir, `${ns}.json`);
  const consumer = new Consumer();
  let created = 0;
  const start = (): { stream: EventStream; done: Promise<void> } => {
    const stream = createEventStream({
      kubeConfig: cluster.kubeConfig,
      namespace: ns,
      api,
      initialList,
      timeoutSeconds,
      resyncInterval,
      idleTimeout: 400,
      backoff: { initialDelay: 5, maxDelay: 50 },
      checkpoint: createFileCheckpointStore(checkpointPath),
      checkpointInterval: 10,
    });
    return { stream, done: consumer.consume(stream) };
  };
  // Some Events exist before the first start.
  for (let i = 0; i < 3; i++) cluster.api.create(EV, ns, coreEvent(`e-${created++}`, ns));
  let current = start();
  try {
    for (const a of actions) {
      totals.actions++;
      const live = cluster.api.list(EV, ns).map((o: any) => o.metadata.name as string);
      switch (a.k) {
        case 'create':
          for (let i = 0; i < a.n; i++) cluster.api.create(EV, ns, coreEvent(`e-${created++}`, ns));
          break;
        case 'update': {
          const name = live[a.i % Math.max(1, live.length)];
          if (name !== undefined) {
            const count = Number((cluster.api.get(EV, ns, name) as any).count ?? 1);
            cluster.api.patch(EV, ns, name, { count: count + 1 });
          }
          break;
        }
        case 'delete': {
          const name = live[a.i % Math.max(1, live.length)];
          if (name !== undefined) cluster.api.delete(EV, ns, name);
          break;
        }
        case 'drop':
          totals.faults++;
          cluster.faults.dropWatches();
          break;
        case 'stall':
          totals.faults++;
          cluster.faults.stallWatches();
          break;
        case 'tear':
          totals.faults++;
          cluster.faults.tearWatches();
          break;
        case 'compact':
          totals.faults++;
          cluster.faults.compact();
          break;
        case 'restartServer':
          totals.faults++;
          await cluster.faults.restart({ downtimeMs: a.downtimeMs });
          break;
        case 'inject':
          totals.faults++;
          cluster.faults.injectFailures({ status: a.status, count: a.count, retryAfterSeconds: 0, match: { resource: 'events', namespace: ns, verbs: [a.verb] } });
          break;
        case 'restartStream':
          totals.streamRestarts++;
          await current.stream.stop();
          await current.done;
          current = start();
          break;
        case 'expire':
          // Past the TTL of Events not written lately (and past the history window: a compaction too).
          totals.faults++;
          cluster.clock.advance(EVENT_TTL_MS / 2);
          break;
        case 'wait':
          await new Promise((r) => setTimeout(r, a.ms));
          break;
      }
    }
    cluster.faults.clear();
    // Converge: the faults are over; the view must reach the cluster's state.
    const deadline = Date.now() + 15_000;
    while (lostCount(consumer, ns) > 0 && Date.now() < deadline) await consumer.next(100);
  } finally {
    cluster.faults.clear();
    await current.stream.stop();
    await current.done;
  }
  const lost = lostCount(consumer, ns);
  totals.runs++;
  totals.items += consumer.items;
  totals.lost += lost;
  totals.duplicated += consumer.duplicated;
  totals.stale += consumer.stale;
  totals.wrongType += consumer.wrongType;
  expect({ lost, duplicated: consumer.duplicated, stale: consumer.stale, wrongType: consumer.wrongType }).toEqual({ lost: 0, duplicated: 0, stale: 0, wrongType: 0 });
}

describe('EventStream chaos (property)', () => {
  it(
    `0 lost, 0 duplicated over ${RUNS} random schedules of writes, faults and stream restarts`,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(action, { minLength: MIN_ACTIONS, maxLength: MAX_ACTIONS }),
          fc.constantFrom<EventApi>('core/v1', 'events.k8s.io/v1'),
          fc.constantFrom('list' as const, 'streaming' as const),
          fc.integer({ min: 1, max: 30 }),
          fc.constantFrom(0, 0, 30, 150),
          async (actions, api, initialList, timeoutSeconds, resyncInterval) => {
            await runSchedule(actions, api, initialList, timeoutSeconds, resyncInterval);
          },
        ),
        { numRuns: RUNS, endOnFailure: true },
      );
      expect(totals.lost + totals.duplicated).toBe(0);
    },
    SOAK ? 3_600_000 : 120_000,
  );
});
