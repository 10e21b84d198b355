/**
 * Compiles a validated {@link Condition} once into a plain `(event, involved) => boolean` closure
 * tree: no interpretation of the config happens while deciding.
 *
 * @module
 */
import type { KubeEvent } from '../stream/kube-event.ts';
import type { Condition, EventMatchOf, EventPredicate, InvolvedObject, LabelMatcher, StringMatcher } from './route-spec.ts';
import { REFERENCE_FIELDS, TOP_LEVEL_STRING_FIELDS, lastSeenMs, ownValue, relatedOf } from './event-fields.ts';
import { parseDuration } from './duration.ts';
import { compileStringMatcher } from './string-matcher.ts';
import { RoutePredicateError } from './router-errors.ts';

/** A compiled condition. */
export type EventTest = (event: KubeEvent, involved: InvolvedObject | undefined) => boolean;

/** What compiling a condition needs besides the condition. */
export interface ConditionContext {
  /** The clock age bounds are measured with (ms since the epoch). */
  readonly now: () => number;
  /** Registered predicates by name. */
  readonly predicates: Readonly<Record<string, EventPredicate>>;
}

const ALWAYS: EventTest = () => true;

/** The conjunction of tests, unrolled for the common short lists. */
export function allOf(tests: readonly EventTest[]): EventTest {
  const [a, b, c, d] = tests;
  if (a === undefined) return ALWAYS;
  if (b === undefined) return a;
  if (c === undefined) return (e, i) => a(e, i) && b(e, i);
  if (d === undefined) return (e, i) => a(e, i) && b(e, i) && c(e, i);
  if (tests.length === 4) return (e, i) => a(e, i) && b(e, i) && c(e, i) && d(e, i);
  return (e, i) => {
    for (const t of tests) if (!t(e, i)) return false;
    return true;
  };
}

/** The disjunction of tests. */
export function anyOf(tests: readonly EventTest[]): EventTest {
  const [a, b, c] = tests;
  if (a === undefined) return () => false;
  if (b === undefined) return a;
  if (c === undefined) return (e, i) => a(e, i) || b(e, i);
  return (e, i) => {
    for (const t of tests) if (t(e, i)) return true;
    return false;
  };
}

function eventMatchTests(m: EventMatchOf<StringMatcher, LabelMatcher>, ctx: ConditionContext): EventTest[] {
  const tests: EventTest[] = [];
  for (const key of Object.keys(m)) {
    if ((TOP_LEVEL_STRING_FIELDS as readonly string[]).includes(key)) {
      const field = key as (typeof TOP_LEVEL_STRING_FIELDS)[number];
      const matcher = m[field];
      if (matcher === undefined) continue;
      // The common exact match without the matcher's own closure.
      if (typeof matcher === 'string') {
        tests.push((e) => e[field] === matcher);
        continue;
      }
      const t = compileStringMatcher(matcher);
      tests.push((e) => t(e[field]));
    }
    if (key === 'kind' && m.kind !== undefined) {
      const kind = m.kind;
      if (typeof kind === 'string') {
        tests.push((e) => e.regarding.kind === kind);
        continue;
      }
      const t = compileStringMatcher(kind);
      tests.push((e) => t(e.regarding.kind));
    }
    if (key === 'regarding' || key === 'related') {
      const ref = m[key] ?? {};
      for (const f of REFERENCE_FIELDS) {
        const matcher = ref[f];
        if (matcher === undefined) continue;
        const t = compileStringMatcher(matcher);
        tests.push(key === 'regarding' ? (e) => t(e.regarding[f]) : (e) => t(relatedOf(e)[f]));
      }
    }
    if (key === 'source') {
      const { component, host } = m.source ?? {};
      if (component !== undefined) {
        const t = compileStringMatcher(component);
        tests.push((e) => t(e.source.component));
      }
      if (host !== undefined) {
        const t = compileStringMatcher(host);
        tests.push((e) => t(e.source.host));
      }
    }
    if (key === 'labels' || key === 'annotations') {
      for (const [k, matcher] of Object.entries(m[key] ?? {})) {
        const t = compileStringMatcher(matcher);
        tests.push(key === 'labels' ? (e) => t(ownValue(e.labels, k)) : (e) => t(ownValue(e.annotations, k)));
      }
    }
    if (key === 'involved') {
      for (const [k, matcher] of Object.entries(m.involved?.labels ?? {})) {
        const t = compileStringMatcher(matcher);
        tests.push((_e, i) => t(ownValue(i?.labels, k)));
      }
      for (const [k, matcher] of Object.entries(m.involved?.annotations ?? {})) {
        const t = compileStringMatcher(matcher);
        tests.push((_e, i) => t(ownValue(i?.annotations, k)));
      }
    }
  }
  // Counts and ages last: the string tests are the selective ones.
  const { minCount, maxCount } = m;
  if (minCount !== undefined) tests.push((e) => e.count >= minCount);
  if (maxCount !== undefined) tests.push((e) => e.count <= maxCount);
  const minAge = m.minAge === undefined ? undefined : parseDuration(m.minAge);
  const maxAge = m.maxAge === undefined ? undefined : parseDuration(m.maxAge);
  if (minAge !== undefined || maxAge !== undefined) {
    const lo = minAge ?? 0;
    const hi = maxAge ?? Number.POSITIVE_INFINITY;
    const now = ctx.now;
    tests.push((e) => {
      const seen = lastSeenMs(e);
      if (seen === undefined) return false;
      const age = now() - seen;
      return age >= lo && age <= hi;
    });
  }
  return tests;
}

/**
 * Compiles a validated condition.
 *
 * @param condition - The condition (validated: see `validateSpec`).
 * @param ctx - Clock and predicates.
 * @param path - Where the condition is, for predicate errors.
 * @returns The compiled test.
 */
export function compileCondition(condition: Condition, ctx: ConditionContext, path: string): EventTest {
  if ('all' in condition) return allOf(condition.all.map((c, i) => compileCondition(c, ctx, `${path}.all[${i}]`)));
  if ('any' in condition) return anyOf(condition.any.map((c, i) => compileCondition(c, ctx, `${path}.any[${i}]`)));
  if ('not' in condition) {
    const inner = compileCondition(condition.not, ctx, `${path}.not`);
    return (e, i) => !inner(e, i);
  }
  if ('predicate' in condition) {
    const p = condition.predicate;
    const fn = typeof p === 'function' ? p : ctx.predicates[p];
    if (fn === undefined) throw new Error(`unregistered predicate ${String(p)} (validation should have caught it)`);
    return (e, i) => {
      let result: boolean;
      try {
        result = fn(e, i);
      } catch (err) {
        throw new RoutePredicateError(path, { cause: err });
      }
      return result;
    };
  }
  return allOf(eventMatchTests(condition, ctx));
}
