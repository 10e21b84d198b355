import { describe, expect, it } from 'vitest';
import { stringAt } from '../../../src/testing/json.ts';
import { createWorkloadSimulator, DEV_REASON_MIX, reasonMix, STABLE_REASON_MIX } from '../../../src/testing/simulator/index.ts';
import type { SimulatorProfile } from '../../../src/testing/simulator/index.ts';
import { steppingClock } from './store-target.ts';

describe('reason mixes', () => {
  it.each([
    ['stable', STABLE_REASON_MIX],
    ['dev', DEV_REASON_MIX],
  ] as const)('%s sums to 100 % with each reason once', (_profile, table) => {
    const total = table.reduce((sum, row) => sum + row.percent, 0);
    expect(total).toBeCloseTo(100, 9);
    expect(new Set(table.map((row) => row.reason)).size).toBe(table.length);
    expect(table.every((row) => row.percent > 0)).toBe(true);
  });

  it('keeps the figures measured in the KubeCon 2019 talk', () => {
    const talk = (table: typeof STABLE_REASON_MIX): Record<string, number> =>
      Object.fromEntries(table.filter((row) => row.source === 'talk').map((row) => [row.reason, row.percent]));
    expect(talk(STABLE_REASON_MIX)).toEqual({ SuccessfulCreate: 21, Scheduled: 18, Pulled: 18, Created: 18, Started: 18, SawCompletedJob: 4.7 });
    expect(talk(DEV_REASON_MIX)).toEqual({
      Unhealthy: 11,
      BackOff: 8,
      Pulling: 7.8,
      Pulled: 7.8,
      Created: 7.8,
      Started: 7.8,
      Killing: 5.8,
      FailedScheduling: 5.5,
      FailedCreatePodSandBox: 1.2,
    });
  });

  it('reasonMix() gives fractions', () => {
    expect(reasonMix('stable').get('SuccessfulCreate')).toBeCloseTo(0.21, 12);
    expect(reasonMix('dev').get('Unhealthy')).toBeCloseTo(0.11, 12);
    expect(reasonMix('dev').get('SawCompletedJob')).toBeGreaterThan(0);
  });

  // The long-run check: 20 000 Event writes (creates plus count updates) per profile.
  it.each<[SimulatorProfile, number]>([
    ['stable', 101],
    ['dev', 202],
  ])('%s: 20 000 simulated Events match the mix within 1 percentage point', async (profile, seed) => {
    const byReason = new Map<string, number>();
    let total = 0;
    const sim = createWorkloadSimulator({
      seed,
      profile,
      clock: steppingClock(),
      target: {
        apply: (write) => {
          if (write.resource !== 'events' || write.verb === 'delete') return;
          const reason = stringAt(write.object, 'reason') ?? '';
          byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
          total += 1;
        },
      },
    });
    await sim.step(20_000);
    expect(total).toBe(20_000);
    const mix = reasonMix(profile);
    expect([...byReason.keys()].filter((r) => !mix.has(r))).toEqual([]);
    let worst = 0;
    let chiSquare = 0;
    for (const [reason, share] of mix) {
      const observed = byReason.get(reason) ?? 0;
      const expected = share * total;
      worst = Math.max(worst, Math.abs(observed / total - share));
      chiSquare += (observed - expected) ** 2 / expected;
    }
    expect(worst).toBeLessThanOrEqual(0.01);
    // For scale: an i.i.d. sample would give about one degree of freedom per reason.
    expect(chiSquare).toBeLessThan(mix.size * 20);
  }, 60_000);
});
