import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { startTestCluster } from '../../src/testing/index.ts';
import type { TestCluster } from '../../src/testing/index.ts';
import {
  createEventStream,
  EventStreamAuthError,
  EventStreamNetworkError,
  InvalidStreamObjectError,
  KubeApiError,
  StreamIdleTimeoutError,
} from '../../src/stream/index.ts';
import type { EventStreamError, GoneInfo, ReconnectInfo ,
  MalformedWatchLineError} from '../../src/stream/index.ts';
import { EV, FAST_BACKOFF, ManualClock, Recorder, coreEvent, once, record, streamOptions } from './stream-helpers.ts';
import { line, listBody, startFakeApi, wireEvent } from './fake-api.ts';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startTestCluster({
    bookmarkInterval: 0,
    namespaces: ['f-drop', 'f-stall', 'f-tear', 'f-gone', 'f-cont', 'f-restart', 'f-inj', 'f-bad'],
  });
});
afterAll(async () => {
  await cluster.close();
});

/** Every (uid, resourceVersion) delivered as added/updated at most once. */
function expectNoDuplicates(r: Recorder): void {
  const keys = r.items.flatMap((i) => (i.type === 'added' || i.type === 'updated' ? [`${i.event.uid}@${i.event.resourceVersion}`] : []));
  expect(new Set(keys).size).toBe(keys.length);
}

function errorCodes(r: Recorder): string[] {
  return r.ofType('error').map((i) => i.error.code);
}

describe('EventStream under faults (test cluster)', () => {
  it('dropped watch: reconnects from the last resourceVersion; nothing lost or repeated', async () => {
    cluster.api.create(EV, 'f-drop', coreEvent('e1', 'f-drop'));
    const r = record(cluster, { namespace: 'f-drop' });
    const [rv] = await once<[string | undefined]>(r.stream, 'watching');
    const again = once<[string | undefined]>(r.stream, 'watching');
    expect(cluster.faults.dropWatches()).toBe(1);
    cluster.api.create(EV, 'f-drop', coreEvent('e2', 'f-drop'));
    cluster.api.patch(EV, 'f-drop', 'e1', { count: 2 });
    expect(await again).toEqual([rv]);
    await r.until(() => r.names().length === 3, '3 event items');
    expect(r.names()).toEqual(['added:e1:1', 'added:e2:1', 'updated:e1:2']);
    expect(errorCodes(r)).toEqual(['ERR_STREAM_NETWORK']);
    expect(r.ofType('error')[0]).toMatchObject({ retrying: true, retryInMs: 5 });
    expectNoDuplicates(r);
    await r.stream.stop();
    await r.done;
  });

  it('stalled watch: the idle timeout (no byte, bookmark included) drops it and the stream resumes', async () => {
    const clock = new ManualClock();
    const delays: number[] = [];
    const r = record(cluster, { namespace: 'f-stall', clock, idleTimeout: 10_000, sleep: (ms) => (delays.push(ms), Promise.resolve()) });
    await once(r.stream, 'watching');
    expect(cluster.faults.stallWatches()).toBeGreaterThanOrEqual(1);
    cluster.api.create(EV, 'f-stall', coreEvent('during-stall', 'f-stall'));
    const again = once(r.stream, 'watching');
    clock.advance(9_999);
    expect(errorCodes(r)).toEqual([]);
    clock.advance(1);
    await again;
    await r.untilCount('added', 1);
    expect(r.names()).toEqual(['added:during-stall:1']);
    const err = r.ofType('error')[0]!.error;
    expect(err).toBeInstanceOf(StreamIdleTimeoutError);
    expect(err.message).toBe('watch: no data for 10000 ms; reconnecting');
    expect(delays).toEqual([5]);
    await r.stream.stop();
    await r.done;
  });

  it('half-written line then a drop: a network error, and the event arrives once after reconnecting', async () => {
    const r = record(cluster, { namespace: 'f-tear' });
    await once(r.stream, 'watching');
    expect(cluster.faults.tearWatches()).toBeGreaterThanOrEqual(1);
    cluster.api.create(EV, 'f-tear', coreEvent('torn', 'f-tear'));
    await r.untilCount('added', 1);
    expect(r.names()).toEqual(['added:torn:1']);
    const err = r.ofType('error')[0]!.error;
    expect(err).toBeInstanceOf(EventStreamNetworkError);
    expect(err.message).toMatch(/^watch: the connection broke in the middle of a line \(\d+ characters received of it\)$/);
    await r.stream.stop();
    await r.done;
  });

  it('410 Gone at watch start (compacted history): relists and delivers only what changed, deletions included', async () => {
    for (const n of ['a', 'b', 'c']) cluster.api.create(EV, 'f-gone', coreEvent(n, 'f-gone'));
    const r = record(cluster, { namespace: 'f-gone' });
    const [rv] = await once<[string | undefined]>(r.stream, 'watching');
    const gone = once<[GoneInfo]>(r.stream, 'gone');
    cluster.faults.dropWatches();
    cluster.api.patch(EV, 'f-gone', 'a', { count: 2 });
    cluster.api.delete(EV, 'f-gone', 'c');
    cluster.api.create(EV, 'f-gone', coreEvent('d', 'f-gone'));
    cluster.faults.compact();
    const [info] = await gone;
    expect(info).toMatchObject({ phase: 'watch', resourceVersion: rv });
    expect(info.message).toMatch(/^too old resource version/);
    await r.untilCount('synced', 2);
    const after = r.summary().slice(r.summary().indexOf('synced initial') + 1).filter((s) => !s.startsWith('error'));
    expect(after.map((s) => s.replace(/@\d+$/, ''))).toEqual(['updated a', 'added d', 'deleted c', 'synced relist']);
    const del = r.ofType('deleted')[0]!;
    expect(del).toMatchObject({ origin: 'list', event: undefined, key: { name: 'c', namespace: 'f-gone' } });
    expectNoDuplicates(r);
    await r.stream.stop();
    await r.done;
  });

  it('410 Gone on a list continue token: lists again without re-delivering the first pages', async () => {
    for (let i = 0; i < 5; i++) cluster.api.create(EV, 'f-cont', coreEvent(`p${i}`, 'f-cont'));
    const stream = createEventStream(streamOptions(cluster, { namespace: 'f-cont', pageSize: 2, bufferSize: 1 }));
    const gone: GoneInfo[] = [];
    stream.on('gone', (g) => gone.push(g));
    const it = stream[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value).toMatchObject({ type: 'added', event: { name: 'p0' } });
    // The list holds page 1 and waits for room; the snapshot its continue token names goes away.
    cluster.api.patch(EV, 'f-cont', 'p3', { count: 2 });
    cluster.faults.compact();
    const names: string[] = [];
    for (;;) {
      const { value } = await it.next();
      if (value?.type === 'added') names.push(`${value.event.name}:${value.event.count}`);
      if (value?.type === 'synced') break;
    }
    expect(names).toEqual(['p1:1', 'p2:1', 'p3:2', 'p4:1']);
    expect(gone).toHaveLength(1);
    expect(gone[0]!.phase).toBe('list');
    expect(gone[0]!.message).toMatch(/^The provided continue parameter is too old/);
    await it.return?.();
  });

  it('API server restart: retries through the downtime, then relists (the restart lost the history)', async () => {
    cluster.api.create(EV, 'f-restart', coreEvent('before', 'f-restart'));
    const r = record(cluster, { namespace: 'f-restart' });
    await once(r.stream, 'watching');
    const gone = once(r.stream, 'gone');
    const restarting = cluster.faults.restart({ downtimeMs: 150 });
    cluster.api.create(EV, 'f-restart', coreEvent('during', 'f-restart'));
    await restarting;
    await gone;
    await r.untilCount('synced', 2);
    expect(r.names()).toEqual(['added:before:1', 'added:during:1']);
    expect(errorCodes(r).length).toBeGreaterThanOrEqual(1);
    expect(new Set(errorCodes(r))).toEqual(new Set(['ERR_STREAM_NETWORK']));
    expectNoDuplicates(r);
    await r.stream.stop();
    await r.done;
  });

  it('injected 503/429 honour Retry-After; 500s back off; the stream recovers', async () => {
    const delays: number[] = [];
    const reconnects: ReconnectInfo[] = [];
    const m = { resource: 'events', namespace: 'f-inj' };
    cluster.faults.injectFailures({ status: 503, count: 1, retryAfterSeconds: 2, match: { ...m, verbs: ['list'] } });
    cluster.faults.injectFailures({ status: 429, count: 1, retryAfterSeconds: 3, match: { ...m, verbs: ['list'] } });
    cluster.faults.injectFailures({ status: 500, count: 2, match: { ...m, verbs: ['watch'] } });
    cluster.api.create(EV, 'f-inj', coreEvent('x', 'f-inj'));
    const r = record(cluster, { namespace: 'f-inj', sleep: (ms) => (delays.push(ms), Promise.resolve()) });
    r.stream.on('reconnecting', (info) => reconnects.push(info));
    await once(r.stream, 'watching');
    expect(delays).toEqual([2000, 3000, 20, 40]);
    expect(reconnects.map((x) => [(x.error as KubeApiError).statusCode, x.attempt])).toEqual([
      [503, 1],
      [429, 2],
      [500, 3],
      [500, 4],
    ]);
    const e429 = reconnects[1]!.error as KubeApiError;
    expect(e429).toBeInstanceOf(KubeApiError);
    expect(e429).toMatchObject({ reason: 'TooManyRequests', retryable: true, retryAfterMs: 3000, operation: 'list' });
    expect(r.names()).toEqual(['added:x:1']);
    cluster.api.create(EV, 'f-inj', coreEvent('y', 'f-inj'));
    await r.untilCount('added', 2);
    await r.stream.stop();
    await r.done;
  });

  it('a 4xx that retrying cannot fix (a bad selector) ends the stream: the iterator throws', async () => {
    const r = record(cluster, { namespace: 'f-bad', labelSelector: 'app in (' });
    const ended = once<[EventStreamError | undefined]>(r.stream, 'end');
    const err = await r.done;
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err).toMatchObject({ statusCode: 400, retryable: false, operation: 'list' });
    expect((await ended)[0]).toBe(err);
    expect(r.stream.state).toBe('failed');
    await r.stream.stop();
  });
});

describe('EventStream auth errors (401/403)', () => {
  let authCluster: TestCluster;
  beforeAll(async () => {
    authCluster = await startTestCluster({
      bookmarkInterval: 0,
      users: [
        { name: 'nobody', token: 'nobody-token', rules: [] },
        { name: 'lister', token: 'lister-token', rules: [{ verbs: ['list'], apiGroups: [''], resources: ['events'] }] },
      ],
    });
  });
  afterAll(async () => {
    await authCluster.close();
  });

  function withToken(token: string): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: authCluster.url, caData: Buffer.from(authCluster.caPem).toString('base64') }],
      users: [{ name: 'u', token }],
      contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
      currentContext: 'c',
    });
    return kc;
  }

  async function firstErrors(kubeConfig: KubeConfig, extra: Parameters<typeof createEventStream>[0] = {}): Promise<{ errors: EventStreamError[]; delays: number[] }> {
    const delays: number[] = [];
    const stream = createEventStream({
      kubeConfig,
      backoff: FAST_BACKOFF,
      sleep: (ms, signal) => {
        delays.push(ms);
        return new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 1);
          signal.addEventListener('abort', () => {
            clearTimeout(t);
            resolve();
          });
        });
      },
      ...extra,
    });
    const errors: EventStreamError[] = [];
    for await (const item of stream) {
      if (item.type === 'error') errors.push(item.error);
      if (errors.length === 2) break;
    }
    return { errors, delays };
  }

  it('403 on list names the denied verb, the API group and the Role rule; retries slowly', async () => {
    const { errors, delays } = await firstErrors(withToken('nobody-token'), { namespace: 'default' });
    const err = errors[0] as EventStreamAuthError;
    expect(err).toBeInstanceOf(EventStreamAuthError);
    expect(err).toMatchObject({ statusCode: 403, verb: 'list', apiGroup: '', namespace: 'default', missingVerbs: ['list', 'watch'], retryable: true });
    expect(err.requiredRule).toEqual({ apiGroups: [''], resources: ['events'], verbs: ['list', 'watch'] });
    expect(err.message).toContain('events is forbidden: User "nobody" cannot list resource "events" in API group "" in the namespace "default"');
    expect(err.message).toContain('rules: [{ apiGroups: [""], resources: ["events"], verbs: ["list", "watch"] }]');
    // Slowly: at least the backoff's largest delay every time.
    expect(delays.every((d) => d >= FAST_BACKOFF.maxDelay)).toBe(true);
  });

  it('403 on watch (list allowed) names "watch"; events.k8s.io/v1 names its API group', async () => {
    const { errors } = await firstErrors(withToken('lister-token'));
    expect(errors[0]).toMatchObject({ statusCode: 403, verb: 'watch', missingVerbs: ['watch'], namespace: '' });
    expect(errors[0]!.message).toContain('in all namespaces (a ClusterRole and ClusterRoleBinding)');
    const v1 = await firstErrors(withToken('lister-token'), { api: 'events.k8s.io/v1' });
    expect(v1.errors[0]).toMatchObject({ statusCode: 403, verb: 'list', apiGroup: 'events.k8s.io' });
    expect(v1.errors[0]!.message).toContain('cannot list resource "events" in API group "events.k8s.io" at the cluster scope');
  });

  it('401 (bad credentials) is an auth error too; stopOnAuthError ends the stream instead', async () => {
    const { errors } = await firstErrors(withToken('wrong'));
    expect(errors[0]).toMatchObject({ code: 'ERR_STREAM_AUTH', statusCode: 401 });
    const stream = createEventStream({ kubeConfig: withToken('wrong'), stopOnAuthError: true, backoff: FAST_BACKOFF });
    await expect(
      (async () => {
        for await (const item of stream) expect(item.type).toBe('error');
      })(),
    ).rejects.toBeInstanceOf(EventStreamAuthError);
    expect(stream.state).toBe('failed');
  });
});

describe('EventStream on a scripted API (wire cases the test cluster cannot produce)', () => {
  it('a malformed line is a typed error, never a crash: the stream reconnects from the last resourceVersion', async () => {
    const api = await startFakeApi((req, res, n) => {
      if (!(req.url ?? '').includes('watch=true')) {
        res.end(listBody('10', [wireEvent('e0', 'u0', '9')]));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (n === 2) {
        res.write(line('ADDED', wireEvent('e1', 'u1', '11')));
        res.end('this is not json\n');
      } else if (n === 3) {
        res.write(line('ADDED', wireEvent('e1', 'u1', '11'))); // replayed: already delivered
        res.write(line('ADDED', { metadata: { uid: 'u-bad', resourceVersion: '12' } })); // not an Event: skipped
        res.write(line('MODIFIED', wireEvent('e1', 'u1', '13', 2)));
        res.write(line('BOGUS', {}));
      } else {
        res.write(line('ADDED', wireEvent('e2', 'u2', '14')));
      }
    });
    const r = new Recorder(createEventStream({ kubeConfig: api.kubeConfig, backoff: FAST_BACKOFF }));
    await r.until(() => r.names().includes('added:e2:1'), 'e2');
    expect(r.names()).toEqual(['added:e0:1', 'added:e1:1', 'updated:e1:2', 'added:e2:1']);
    const errors = r.ofType('error').map((i) => i.error);
    expect(errors.map((e) => e.constructor.name)).toEqual(['MalformedWatchLineError', 'InvalidStreamObjectError', 'MalformedWatchLineError']);
    expect((errors[0] as MalformedWatchLineError).line).toBe('this is not json');
    expect(errors[1]).toBeInstanceOf(InvalidStreamObjectError);
    expect(errors[1]!.message).toContain('metadata.name');
    expect(r.ofType('error').map((i) => i.retrying)).toEqual([true, false, true]);
    expect(errors[2]!.message).toContain('unknown watch event type BOGUS');
    // Each reconnect resumes from the last resourceVersion the stream had.
    const watches = api.paths.filter((p) => p.includes('watch=true'));
    expect(watches[0]).toContain('resourceVersion=10');
    expect(watches[0]).toContain('allowWatchBookmarks=true');
    expect(watches[0]).toContain('timeoutSeconds=290');
    expect(watches[1]).toContain('resourceVersion=11');
    expect(watches[2]).toContain('resourceVersion=13');
    await r.stream.stop();
    await r.done;
    await api.close();
  });

  it('410 as an ERROR event mid-stream: relists; unchanged Events are not delivered again', async () => {
    let lists = 0;
    const api = await startFakeApi((req, res) => {
      if (!(req.url ?? '').includes('watch=true')) {
        lists++;
        res.end(
          lists === 1
            ? listBody('10', [wireEvent('e1', 'u1', '5')])
            : listBody('20', [wireEvent('e1', 'u1', '5'), wireEvent('e2', 'u2', '11'), wireEvent('e3', 'u3', '15')]),
        );
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if ((req.url ?? '').includes('resourceVersion=10')) {
        res.write(line('ADDED', wireEvent('e2', 'u2', '11')));
        res.end(line('ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 11 (14)', reason: 'Expired', code: 410 }));
      }
    });
    const r = new Recorder(createEventStream({ kubeConfig: api.kubeConfig, backoff: FAST_BACKOFF }));
    const gone = once<[GoneInfo]>(r.stream, 'gone');
    await r.untilCount('synced', 2);
    expect((await gone)[0]).toEqual({ phase: 'watch', resourceVersion: '11', message: 'too old resource version: 11 (14)' });
    expect(r.summary()).toEqual(['added e1@5', 'synced initial', 'added e2@11', 'added e3@15', 'synced relist']);
    expect(r.stream.position.resourceVersion).toBe('20');
    await r.stream.stop();
    await r.done;
    await api.close();
  });

  it('410 as the HTTP status of a watch, and 504 "Too large resource version": both relist', async () => {
    let lists = 0;
    const api = await startFakeApi((req, res) => {
      const url = req.url ?? '';
      if (!url.includes('watch=true')) {
        lists++;
        res.end(listBody(String(lists * 10), [wireEvent('e1', 'u1', '5')]));
        return;
      }
      if (url.includes('resourceVersion=10')) {
        res.writeHead(410, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'too old resource version: 10 (12)', reason: 'Expired', code: 410 }));
      } else if (url.includes('resourceVersion=20')) {
        res.writeHead(504, { 'Content-Type': 'application/json', 'Retry-After': '1' });
        res.end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            message: 'Timeout: Too large resource version: 20, current: 15',
            reason: 'Timeout',
            details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 },
            code: 504,
          }),
        );
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json' });
      }
    });
    const r = new Recorder(createEventStream({ kubeConfig: api.kubeConfig, backoff: FAST_BACKOFF }));
    const gone: GoneInfo[] = [];
    r.stream.on('gone', (g) => gone.push(g));
    await r.untilCount('synced', 3);
    expect(gone.map((g) => [g.phase, g.resourceVersion, g.message])).toEqual([
      ['watch', '10', 'too old resource version: 10 (12)'],
      ['watch', '20', 'Timeout: Too large resource version: 20, current: 15'],
    ]);
    // Each relist finds e1 at the resourceVersion already delivered: not delivered again.
    expect(r.summary().filter((s) => !s.startsWith('error'))).toEqual(['added e1@5', 'synced initial', 'synced relist', 'synced relist']);
    expect(r.names()).toEqual(['added:e1:1']);
    await r.stream.stop();
    await r.done;
    await api.close();
  });

  it('an ERROR event with a 500 Status is retried with backoff', async () => {
    const api = await startFakeApi((req, res, n) => {
      if (!(req.url ?? '').includes('watch=true')) {
        res.end(listBody('10', []));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (n === 2) res.end(line('ERROR', { kind: 'Status', status: 'Failure', message: 'etcdserver: leader changed', reason: 'InternalError', code: 500 }));
      else res.write(line('ADDED', wireEvent('e1', 'u1', '11')));
    });
    const r = new Recorder(createEventStream({ kubeConfig: api.kubeConfig, backoff: FAST_BACKOFF }));
    await r.untilCount('added', 1);
    expect(r.ofType('error')[0]!.error).toMatchObject({ code: 'ERR_KUBE_API', statusCode: 500, reason: 'InternalError', retryable: true });
    expect(r.ofType('error')[0]!.error.message).toBe('watch /api/v1/events failed: 500 InternalError: etcdserver: leader changed');
    await r.stream.stop();
    await r.done;
    await api.close();
  });
});
