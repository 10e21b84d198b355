/**
 * Type-level tests of the router DSL: checked by `tsc` (the repo's typecheck covers test/), with
 * runtime assertions beside them so the file also runs.
 */
import { describe, expect, it } from 'vitest';
import { match } from 'ts-pattern';
import { glob, not, router } from '../../src/router/index.ts';
import type { Decision, Delivery, FieldPath, Router, RouterBuilder, RouterSpec, Duration, Condition } from '../../src/router/index.ts';
import { testEvent } from './support/events.ts';

// The usual exact-equality trick: the `T`s only exist to compare A and B.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

describe('router DSL types', () => {
  it('infers the declared receivers and only accepts them', () => {
    const b = router({ receivers: ['opsgenie', 'archive'] });
    expect<Expect<Equal<typeof b, RouterBuilder<'opsgenie' | 'archive'>>>>(true).toBe(true);
    const compiled = b.route((r) => r.to('opsgenie')).to('archive').compile();
    expect<Expect<Equal<typeof compiled, Router<'opsgenie' | 'archive'>>>>(true).toBe(true);
    const d = compiled.decide(testEvent());
    expect<Expect<Equal<typeof d, Decision<'opsgenie' | 'archive'>>>>(true).toBe(true);
    expect<Expect<Equal<Extract<typeof d, { type: 'deliver' }>['deliveries'][number], Delivery<'opsgenie' | 'archive'>>>>(true).toBe(true);
    expect<Expect<Equal<ReturnType<typeof b.toSpec>, RouterSpec<'opsgenie' | 'archive'>>>>(true).toBe(true);

    // @ts-expect-error 'slack' is not a declared receiver
    b.to('slack');
    // @ts-expect-error nor in a route
    b.route((r) => r.to('slack'));
    // @ts-expect-error `.to()` needs at least one receiver
    b.to();
    expect(d.type).toBe('deliver');
  });

  it('accepts any receiver name when none are declared', () => {
    const b = router();
    expect<Expect<Equal<typeof b, RouterBuilder<string>>>>(true).toBe(true);
    expect(b.to('anything').toSpec()).toEqual({ to: ['anything'] });
  });

  it('makes Decision a discriminated union that ts-pattern checks exhaustively', () => {
    expect<Expect<Equal<Decision['type'], 'dropped' | 'unrouted' | 'deliver' | 'suppressed'>>>(true).toBe(true);
    const d = router().to('a').compile().decide(testEvent());
    const n = match(d)
      .with({ type: 'deliver' }, (x) => x.deliveries.length)
      .with({ type: 'suppressed' }, (x) => -x.suppressed.length)
      .with({ type: 'dropped' }, { type: 'unrouted' }, () => 0)
      .exhaustive();
    expect(n).toBe(1);
    const incomplete = (): number =>
      match(d)
        .with({ type: 'deliver' }, () => 1)
        .with({ type: 'dropped' }, () => 0)
        // @ts-expect-error `unrouted` and `suppressed` are not handled
        .exhaustive();
    expect(typeof incomplete).toBe('function');
  });

  it('types conditions: field names, matcher shapes, counts, durations', () => {
    const ok: Condition = { type: 'Warning', kind: 'Pod', reason: [{ glob: 'Failed*' }, 'BackOff'], regarding: { name: { not: 'x' } }, involved: { labels: { team: { exists: true } } }, minCount: 2, maxAge: '10m' };
    expect(ok.minCount).toBe(2);
    const typo = (): unknown =>
      router().route((r) =>
        // @ts-expect-error `reasn` is not a field
        r.match({ reasn: 'x' }),
      );
    const badCount = (): unknown =>
      router().route((r) =>
        // @ts-expect-error minCount is a number
        r.match({ minCount: '3' }),
      );
    const badExists = (): unknown =>
      router().route((r) =>
        // @ts-expect-error `exists` only applies to labels and annotations
        r.match({ reason: { exists: true } }),
      );
    expect([typo, badCount, badExists].every((f) => typeof f === 'function')).toBe(true);

    const d1: Duration = '1h30m';
    const d2: Duration = 500;
    // @ts-expect-error not a duration
    const d3: Duration = 'soon';
    expect([d1, d2, d3]).toHaveLength(3);
  });

  it('types throttle keys as field paths', () => {
    const per: FieldPath[] = ['namespace', 'regarding.name', 'source.host', 'involved.labels.team', 'labels.app'];
    expect(per).toHaveLength(5);
    // @ts-expect-error `regarding.nam` is not a reference field
    const bad: FieldPath = 'regarding.nam';
    // @ts-expect-error `count` is not a string field
    const count: FieldPath = 'count';
    expect([bad, count]).toHaveLength(2);
    const b = router().route((r) => r.throttle({ per: ['reason'], window: '1m' }).to('x'));
    expect(b.toSpec().routes?.[0]?.throttle).toEqual({ per: ['reason'], window: '1m' });
  });

  it('keeps helper results precise', () => {
    const g = glob('Failed*');
    expect<Expect<Equal<typeof g, { readonly glob: string }>>>(true).toBe(true);
    const n = not('Normal');
    expect<Expect<Equal<typeof n, { readonly not: 'Normal' }>>>(true).toBe(true);
    expect([g, n]).toEqual([{ glob: 'Failed*' }, { not: 'Normal' }]);
  });
});
