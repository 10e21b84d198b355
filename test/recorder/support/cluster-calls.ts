/** Counts the Event writes a test cluster answers, by verb, for asserting API-call costs. */
import type { AnsweredRequest, TestCluster } from '../../../src/testing/index.ts';

/** Event writes seen since the counter started. */
export interface EventCallCounter {
  /** Every answered request to an events path (POST, PATCH, …). */
  readonly calls: AnsweredRequest[];
  /** POST and PATCH requests to events. */
  writes(): number;
  /** Requests of one verb. */
  count(verb: string): number;
  /**
   * Resolves once `n` calls have been seen, then stops counting. The cluster reports a request
   * when its response has gone out, which can be after the client has read it: a test that has
   * flushed waits here for the recorder's own `stats.apiCalls` before comparing.
   */
  until(n: number): Promise<void>;
  /** Stops counting. */
  stop(): void;
}

/** Starts counting requests to `/api/v1/…/events` and `/apis/events.k8s.io/v1/…/events`, of one namespace if given. */
export function countEventCalls(cluster: TestCluster, namespace?: string): EventCallCounter {
  const calls: AnsweredRequest[] = [];
  let waiter: { n: number; resolve: () => void } | undefined;
  const on = (r: AnsweredRequest): void => {
    if (/\/events(\/|\?|$)/.test(r.path) && (namespace === undefined || r.path.includes(`/namespaces/${namespace}/`))) calls.push(r);
    if (waiter !== undefined && calls.length >= waiter.n) {
      waiter.resolve();
      waiter = undefined;
    }
  };
  cluster.events.on('request', on);
  return {
    calls,
    writes: () => calls.filter((c) => c.verb === 'POST' || c.verb === 'PATCH').length,
    count: (verb) => calls.filter((c) => c.verb === verb).length,
    until: async (n) => {
      if (calls.length < n) await new Promise<void>((resolve) => (waiter = { n, resolve }));
      cluster.events.off('request', on);
    },
    stop: () => {
      cluster.events.off('request', on);
    },
  };
}
