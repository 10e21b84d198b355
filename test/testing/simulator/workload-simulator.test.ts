import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidOptionError, KubeEventsError } from '../../../src/errors.ts';
import { objectAt, stringAt } from '../../../src/testing/json.ts';
import { createWorkloadSimulator, SimulatorTargetError } from '../../../src/testing/simulator/index.ts';
import type { SimulatedWrite, WorkloadSimulatorOptions } from '../../../src/testing/simulator/index.ts';
import { StoreTarget, steppingClock } from './store-target.ts';

function collect(): { writes: SimulatedWrite[]; target: { apply: (w: SimulatedWrite) => void } } {
  const writes: SimulatedWrite[] = [];
  return { writes, target: { apply: (w) => void writes.push(w) } };
}

async function transcript(options: Partial<WorkloadSimulatorOptions>, events: number): Promise<string> {
  const { writes, target } = collect();
  const sim = createWorkloadSimulator({ target, clock: steppingClock(), ...options });
  await sim.step(events);
  return JSON.stringify(writes);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createWorkloadSimulator', () => {
  it('replays the same writes, byte for byte, for the same seed and clock', async () => {
    const a = await transcript({ seed: 42 }, 1500);
    const b = await transcript({ seed: 42 }, 1500);
    expect(a).toBe(b);
    expect(a.length).toBeGreaterThan(100_000);
  });

  it('writes something else for another seed or profile', async () => {
    const base = await transcript({ seed: 42 }, 300);
    expect(await transcript({ seed: 43 }, 300)).not.toBe(base);
    expect(await transcript({ seed: 42, profile: 'stable' }, 300)).not.toBe(base);
  });

  it('step(n) applies exactly n Event writes plus the object writes they need', async () => {
    const { writes, target } = collect();
    const sim = createWorkloadSimulator({ target, seed: 1, clock: steppingClock() });
    await sim.step(250);
    const events = writes.filter((w) => w.resource === 'events');
    expect(events).toHaveLength(250);
    expect(writes.length).toBeGreaterThan(250);
    await sim.step();
    expect(writes.filter((w) => w.resource === 'events')).toHaveLength(251);
    await sim.step(0);
    expect(sim.stats().events).toBe(251);
  });

  it('counts what it hands over in stats()', async () => {
    const { writes, target } = collect();
    const sim = createWorkloadSimulator({ target, seed: 9, clock: steppingClock() });
    await sim.step(800);
    const stats = sim.stats();
    expect(stats.writes).toBe(writes.length);
    expect(stats.events).toBe(800);
    expect(stats.writesByVerb.create + stats.writesByVerb.update + stats.writesByVerb.delete).toBe(writes.length);
    expect(stats.writesByVerb.update).toBe(writes.filter((w) => w.verb === 'update').length);
    expect(stats.writesByResource.events).toBe(800);
    expect(stats.writesByResource.pods).toBe(writes.filter((w) => w.resource === 'pods').length);
    expect(Object.values(stats.eventsByReason).reduce((a, b) => a + b, 0)).toBe(800);
    expect((stats.eventsByType.Normal ?? 0) + (stats.eventsByType.Warning ?? 0)).toBe(800);
    const backOffs = writes.filter((w) => w.verb !== 'delete' && w.resource === 'events' && stringAt(w.object, 'reason') === 'BackOff').length;
    expect(stats.eventsByReason.BackOff).toBe(backOffs);
    expect(stats.errors).toBe(0);
    // A snapshot, not a live view.
    (stats.eventsByReason as Record<string, number>).BackOff = -1;
    expect(sim.stats().eventsByReason.BackOff).toBe(backOffs);
  });

  it('emits each applied write on `write`', async () => {
    const { writes, target } = collect();
    const sim = createWorkloadSimulator({ target, seed: 2, clock: steppingClock() });
    const emitted: SimulatedWrite[] = [];
    sim.on('write', (w) => emitted.push(w));
    await sim.step(100);
    expect(emitted).toEqual(writes);
  });

  it('waits for a target that returns promises, applying one write at a time in order', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const applied: SimulatedWrite[] = [];
    const sim = createWorkloadSimulator({
      seed: 4,
      clock: steppingClock(),
      target: {
        apply: async (w: SimulatedWrite) => {
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((resolve) => setImmediate(resolve));
          applied.push(w);
          inFlight -= 1;
        },
      },
    });
    await sim.step(60);
    expect(maxInFlight).toBe(1);
    expect(applied.filter((w) => w.resource === 'events')).toHaveLength(60);
    expect(JSON.stringify(applied)).toBe(await transcript({ seed: 4 }, 60));
  });

  it('reports a target that throws or rejects on `error`, and carries on', async () => {
    let calls = 0;
    const sim = createWorkloadSimulator({
      seed: 5,
      clock: steppingClock(),
      target: {
        apply: (w: SimulatedWrite) => {
          calls += 1;
          if (calls % 7 === 0) throw new Error(`boom ${calls}`);
          if (calls % 11 === 0) return Promise.reject(new Error('async boom'));
          return w.verb === 'delete' ? Promise.resolve() : undefined;
        },
      },
    });
    const errors: SimulatorTargetError[] = [];
    sim.on('error', (err) => errors.push(err));
    await sim.step(200);
    expect(sim.stats().events).toBe(200);
    expect(errors.length).toBe(sim.stats().errors);
    expect(errors.length).toBeGreaterThan(20);
    const first = errors[0]!;
    expect(first).toBeInstanceOf(SimulatorTargetError);
    expect(first).toBeInstanceOf(KubeEventsError);
    expect(first.code).toBe('ERR_SIMULATOR_TARGET');
    expect(first.cause).toBeInstanceOf(Error);
    expect(first.message).toMatch(/^Simulator target failed to (create|update|delete) \w+ .+: boom 7$/);
    expect(errors.some((e) => e.message.endsWith(': async boom'))).toBe(true);
    expect(first.write.resource).toBeDefined();
  });

  it('references objects by the uid and resourceVersion the target returns', async () => {
    const store = new StoreTarget({ returnStored: true, serverUids: true });
    const sim = createWorkloadSimulator({ target: { apply: (w: SimulatedWrite) => store.applyReturning(w) }, seed: 6, clock: steppingClock(), batchObjects: true });
    await sim.step(1500);
    expect(store.problems).toEqual([]);
    const podEvents = store.events().filter(({ event, verb }) => verb === 'create' && stringAt(objectAt(event, 'involvedObject'), 'kind') === 'Pod');
    expect(podEvents.length).toBeGreaterThan(100);
    for (const { event } of podEvents) {
      const involved = objectAt(event, 'involvedObject');
      expect(stringAt(involved, 'uid')).toMatch(/^00000000-0000-4000-8000-\d{12}$/);
      expect(stringAt(involved, 'resourceVersion')).toMatch(/^\d+$/);
    }
  });

  it('omits involvedObject.resourceVersion when the target does not say', async () => {
    const target = new StoreTarget();
    const sim = createWorkloadSimulator({ target, seed: 6, clock: steppingClock() });
    await sim.step(200);
    for (const { event } of target.events()) expect(objectAt(event, 'involvedObject')).not.toHaveProperty('resourceVersion');
  });

  it('uses the configured namespaces and component names', async () => {
    const target = new StoreTarget();
    const sim = createWorkloadSimulator({
      target,
      seed: 8,
      clock: steppingClock(),
      namespaces: ['shop', 'payments'],
      batchObjects: true,
      components: { scheduler: 'my-scheduler', kubelet: 'my-kubelet' },
    });
    await sim.step(600);
    expect(target.problems).toEqual([]);
    const namespaces = new Set(target.writes.filter((w) => w.resource !== 'nodes' && w.resource !== 'namespaces').map((w) => w.namespace));
    expect([...namespaces].sort()).toEqual(['default', 'payments', 'shop'].filter((ns) => namespaces.has(ns)));
    const components = new Set(target.events().map(({ event }) => stringAt(objectAt(event, 'source'), 'component')));
    expect(components).toContain('my-scheduler');
    expect(components).toContain('my-kubelet');
    expect(components).not.toContain('kubelet');
    expect(components).not.toContain('default-scheduler');
  });

  it('does not write Jobs and CronJobs unless batchObjects is on', async () => {
    const { writes, target } = collect();
    await createWorkloadSimulator({ target, seed: 3, profile: 'stable', clock: steppingClock() }).step(500);
    expect(writes.some((w) => w.resource === 'jobs' || w.resource === 'cronjobs')).toBe(false);
    expect(writes.some((w) => w.verb !== 'delete' && stringAt(w.object, 'reason') === 'SawCompletedJob')).toBe(true);
  });

  describe('start() and stop()', () => {
    it('emits rate × seconds Events on timers, and leaves no timer behind', async () => {
      vi.useFakeTimers();
      const { writes, target } = collect();
      const sim = createWorkloadSimulator({ target, seed: 11, rate: 50 });
      expect(sim.running).toBe(false);
      sim.start();
      sim.start(); // idempotent
      expect(sim.running).toBe(true);
      expect(vi.getTimerCount()).toBe(1);
      vi.advanceTimersByTime(10_000);
      expect(writes.filter((w) => w.resource === 'events')).toHaveLength(500);
      vi.advanceTimersByTime(2_000);
      expect(sim.stats().events).toBe(600);
      await sim.stop();
      expect(sim.running).toBe(false);
      expect(vi.getTimerCount()).toBe(0);
      vi.advanceTimersByTime(5_000);
      expect(sim.stats().events).toBe(600);
    });

    it.each([
      [0.5, 20_000, 10],
      [8, 3_000, 24],
      [7, 3_003, 21],
      [1234, 2_000, 2468],
    ])('keeps to rate %d per second', async (rate, ms, expected) => {
      vi.useFakeTimers();
      const { target } = collect();
      const sim = createWorkloadSimulator({ target, seed: 12, rate });
      sim.start();
      vi.advanceTimersByTime(ms);
      await sim.stop();
      expect(sim.stats().events).toBe(expected);
    });

    it('uses an unref’d timer, which never keeps the process alive', async () => {
      const timeouts = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
      const before = timeouts();
      const sim = createWorkloadSimulator({ target: { apply: () => undefined }, seed: 13, rate: 5 });
      sim.start();
      expect(timeouts()).toBe(before);
      await sim.stop();
    });

    it('stop() resolves once the write in flight has settled', async () => {
      vi.useFakeTimers();
      const releases: (() => void)[] = [];
      const sim = createWorkloadSimulator({
        seed: 14,
        rate: 50,
        target: { apply: () => new Promise<void>((resolve) => releases.push(resolve)) },
      });
      sim.start();
      vi.advanceTimersByTime(100);
      expect(releases).toHaveLength(1);
      let stopped = false;
      const stopping = sim.stop().then(() => {
        stopped = true;
      });
      await Promise.resolve();
      expect(stopped).toBe(false);
      // The first Event's writes (bootstrap objects, then the Event) finish; nothing new starts.
      while (!stopped) {
        releases.shift()?.();
        await vi.advanceTimersByTimeAsync(0);
      }
      await stopping;
      expect(vi.getTimerCount()).toBe(0);
      expect(sim.stats().events).toBe(1);
    });

    it('drops Events it cannot deliver in time instead of queueing without bound', async () => {
      vi.useFakeTimers();
      const sim = createWorkloadSimulator({ seed: 15, rate: 100, target: { apply: () => new Promise<void>(() => undefined) } });
      sim.start();
      vi.advanceTimersByTime(10_000);
      await Promise.resolve();
      expect(sim.stats().dropped).toBeGreaterThan(0);
      expect(sim.stats().dropped).toBeLessThanOrEqual(1000);
      void sim.stop();
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  describe('options', () => {
    const target = { apply: () => undefined };
    it.each<[string, Partial<WorkloadSimulatorOptions> & Record<string, unknown>]>([
      ['target', { target: {} as never }],
      ['seed', { seed: 1.5 }],
      ['seed', { seed: Number.NaN }],
      ['rate', { rate: 0 }],
      ['rate', { rate: Number.POSITIVE_INFINITY }],
      ['profile', { profile: 'prod' as never }],
      ['namespaces', { namespaces: [] }],
      ['namespaces[1]', { namespaces: ['ok', 'Not_A_Label'] }],
      ['namespaces[1]', { namespaces: ['ok', 'ok'] }],
      ['nodes', { nodes: 0 }],
      ['nodes', { nodes: 2.5 }],
      ['clock', { clock: { now: 5 } as never }],
      ['components.scheduler', { components: { scheduler: '' } }],
      ['components.etcd', { components: { etcd: 'x' } as never }],
      ['batchObjects', { batchObjects: 'yes' as never }],
    ])('rejects a bad %s with InvalidOptionError', (option, bad) => {
      const attempt = (): unknown => createWorkloadSimulator({ target, ...bad });
      expect(attempt).toThrow(InvalidOptionError);
      try {
        attempt();
      } catch (err) {
        expect((err as InvalidOptionError).option).toBe(option);
        expect((err as InvalidOptionError).code).toBe('ERR_INVALID_OPTION');
      }
    });

    it('rejects a bad step count', async () => {
      const sim = createWorkloadSimulator({ target });
      await expect(sim.step(-1)).rejects.toBeInstanceOf(InvalidOptionError);
      await expect(sim.step(1.5)).rejects.toBeInstanceOf(InvalidOptionError);
    });

    it('defaults to 42 nodes, four namespaces, the dev profile and Date.now', async () => {
      const { writes, target: collecting } = collect();
      const before = Date.now();
      const sim = createWorkloadSimulator({ target: collecting });
      await sim.step(20);
      expect(writes.filter((w) => w.resource === 'nodes' && w.verb === 'create')).toHaveLength(42);
      expect(writes.filter((w) => w.resource === 'namespaces').map((w) => (w.verb === 'create' ? stringAt(objectAt(w.object, 'metadata'), 'name') : ''))).toEqual([
        'prod',
        'staging',
        'dev',
        'monitoring',
      ]);
      const event = writes.find((w) => w.resource === 'events');
      const time = Date.parse(event?.verb === 'create' ? (stringAt(event.object, 'firstTimestamp') ?? '') : '');
      expect(time).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(time).toBeLessThanOrEqual(Date.now());
    });
  });
});
