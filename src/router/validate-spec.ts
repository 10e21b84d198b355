/**
 * The one validation of {@link RouterSpec}s, whether they come from the builder, from YAML or from
 * hand-written data: every problem is collected with its path and a fix, and a valid input is
 * returned as normalized plain data (RegExps become `{ regex, flags }`, only known keys are kept).
 *
 * @module
 */
import type { Condition, FieldPath, LabelMatcher, RouteSpec, RouterSpec, ThrottleSpec } from './route-spec.ts';
import type { PathSegment, PendingIssue } from './config-issues.ts';
import { IssueList, closest, isPlainObject, show, typeName } from './config-issues.ts';
import { parseDuration } from './duration.ts';
import { FIXED_FIELD_PATHS, REFERENCE_FIELDS, TOP_LEVEL_STRING_FIELDS, fieldGetter } from './event-fields.ts';
import { globProblem, regexProblem } from './string-matcher.ts';

/** Options of {@link validateSpec}. */
export interface ValidateSpecOptions {
  /** Names of the registered predicates; a `{ predicate: 'name' }` naming another is an issue. */
  readonly predicates: readonly string[];
  /** Receivers declared outside the spec (the YAML `receivers` map); merged with `spec.receivers`. */
  readonly receivers?: readonly string[];
}

const ROUTER_KEYS = ['receivers', 'drop', 'to', 'routes'] as const;
const ROUTE_KEYS = ['name', 'match', 'drop', 'to', 'throttle', 'continue', 'routes'] as const;
const COMBINATORS = ['all', 'any', 'not', 'predicate'] as const;
const MATCH_KEYS = [
  ...TOP_LEVEL_STRING_FIELDS,
  'kind',
  'regarding',
  'related',
  'source',
  'labels',
  'annotations',
  'involved',
  'minCount',
  'maxCount',
  'minAge',
  'maxAge',
] as const;
const THROTTLE_KEYS = ['per', 'window'] as const;

/** Keys of kubernetes-event-exporter rules, with the fix for writing them in our schema. */
const EXPORTER_HINTS: Readonly<Record<string, string>> = {
  receiver: 'send with `to: [name]` on the route; to load a kubernetes-event-exporter config unchanged use loadExporterConfig',
  component: 'match `source: { component: ... }`',
  host: 'match `source: { host: ... }`',
  apiVersion: 'match `regarding: { apiVersion: ... }`',
};

class Validator {
  readonly issues = new IssueList();
  readonly #predicates: ReadonlySet<string>;
  readonly #receivers: Set<string> | undefined;
  /** Receiver references, checked once every declaration is known. */
  readonly #references: { name: string; segments: PathSegment[] }[] = [];

  constructor(options: ValidateSpecOptions, declared: readonly string[] | undefined) {
    this.#predicates = new Set(options.predicates);
    this.#receivers = declared === undefined && options.receivers === undefined ? undefined : new Set([...(declared ?? []), ...(options.receivers ?? [])]);
  }

  keys(value: Record<string, unknown>, allowed: readonly string[], at: PathSegment[], what: string): void {
    for (const key of Object.keys(value)) {
      if (allowed.includes(key)) continue;
      const hint = EXPORTER_HINTS[key];
      const near = closest(key, allowed);
      this.issues.add(
        'unknown-key',
        [...at, key],
        `unknown key \`${key}\` in ${what}`,
        hint ?? (near === undefined ? `remove it; ${what} keys are ${allowed.map((k) => `\`${k}\``).join(', ')}` : `did you mean \`${near}\`?`),
      );
    }
  }

  receiverList(value: unknown, at: PathSegment[]): string[] | undefined {
    if (value === undefined) return undefined;
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || !list.every((r): r is string => typeof r === 'string' && r !== '')) {
      this.issues.add('invalid-type', at, `expected a list of receiver names, got \`${show(value)}\` (${typeName(value)})`, 'write `to: [receiver-name, ...]`');
      return undefined;
    }
    list.forEach((name, i) => {
      this.#references.push({ name, segments: typeof value === 'string' ? at : [...at, i] });
    });
    return [...list];
  }

  checkReferences(): void {
    const declared = this.#receivers;
    if (declared === undefined) return;
    for (const ref of this.#references) {
      if (declared.has(ref.name)) continue;
      const near = closest(ref.name, [...declared]);
      this.issues.add(
        'unknown-receiver',
        ref.segments,
        `receiver \`${ref.name}\` is not declared`,
        near === undefined
          ? `declare it under \`receivers\` or send to one of ${[...declared].map((r) => `\`${r}\``).join(', ') || '(none declared)'}`
          : `did you mean \`${near}\`?`,
      );
    }
  }

  conditions(value: unknown, at: PathSegment[]): Condition[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) {
      this.issues.add('invalid-type', at, `expected a list of conditions, got \`${show(value)}\` (${typeName(value)})`, 'write `drop: [{ ...condition }, ...]` (any of them drops the event)');
      return undefined;
    }
    return value.map((c, i) => this.condition(c, [...at, i]));
  }

  condition(value: unknown, at: PathSegment[]): Condition {
    if (!isPlainObject(value)) {
      const fix = Array.isArray(value)
        ? 'a condition is one object; for any of several write `{ any: [...] }`, for all of them `{ all: [...] }`'
        : 'write an object of field matchers, e.g. `{ type: Warning, reason: BackOff }`';
      this.issues.add('invalid-type', at, `expected a condition, got \`${show(value)}\` (${typeName(value)})`, fix);
      return {};
    }
    const combinator = COMBINATORS.find((k) => k in value);
    if (combinator !== undefined) {
      const others = Object.keys(value).filter((k) => k !== combinator);
      if (others.length > 0) {
        this.issues.add(
          'mixed-condition',
          at,
          `\`${combinator}\` cannot have other keys beside it (found ${others.map((k) => `\`${k}\``).join(', ')})`,
          `wrap them: \`{ all: [{ ${others.join(', ')} }, { ${combinator}: ... }] }\``,
        );
        return {};
      }
      const inner = value[combinator];
      switch (combinator) {
        case 'all':
        case 'any': {
          if (!Array.isArray(inner)) {
            this.issues.add('invalid-type', [...at, combinator], `expected a list of conditions, got \`${show(inner)}\` (${typeName(inner)})`, `write \`${combinator}: [{ ... }, { ... }]\``);
            return {};
          }
          const items = inner.map((c, i) => this.condition(c, [...at, combinator, i]));
          return combinator === 'all' ? { all: items } : { any: items };
        }
        case 'not':
          return { not: this.condition(inner, [...at, 'not']) };
        case 'predicate':
          if (typeof inner === 'function') return { predicate: inner as (...args: never[]) => boolean } as Condition;
          if (typeof inner !== 'string' || !this.#predicates.has(inner)) {
            const names = [...this.#predicates];
            const near = typeof inner === 'string' ? closest(inner, names) : undefined;
            this.issues.add(
              'unknown-predicate',
              [...at, 'predicate'],
              typeof inner === 'string' ? `predicate \`${inner}\` is not registered` : `expected a predicate name or function, got \`${show(inner)}\` (${typeName(inner)})`,
              near !== undefined
                ? `did you mean \`${near}\`?`
                : `register it: compileRouter(spec, { predicates: { ${typeof inner === 'string' ? inner : 'name'}: (event, involved) => boolean } })${names.length > 0 ? `; registered: ${names.join(', ')}` : ''}`,
            );
            return {};
          }
          return { predicate: inner };
      }
    }
    return this.eventMatch(value, at);
  }

  eventMatch(value: Record<string, unknown>, at: PathSegment[]): Condition {
    this.keys(value, MATCH_KEYS, at, 'a condition');
    const out: Record<string, unknown> = {};
    for (const key of [...TOP_LEVEL_STRING_FIELDS, 'kind'] as const) {
      if (value[key] !== undefined) out[key] = this.stringMatcher(value[key], [...at, key], false);
    }
    for (const key of ['regarding', 'related'] as const) {
      const ref = value[key];
      if (ref === undefined) continue;
      if (!isPlainObject(ref)) {
        this.issues.add('invalid-type', [...at, key], `expected an object of reference fields, got \`${show(ref)}\` (${typeName(ref)})`, `write \`${key}: { kind: Pod, name: web-0 }\``);
        continue;
      }
      this.keys(ref, REFERENCE_FIELDS, [...at, key], `\`${key}\``);
      const refOut: Record<string, unknown> = {};
      for (const f of REFERENCE_FIELDS) if (ref[f] !== undefined) refOut[f] = this.stringMatcher(ref[f], [...at, key, f], false);
      out[key] = refOut;
    }
    const source = value.source;
    if (source !== undefined) {
      if (!isPlainObject(source)) {
        this.issues.add('invalid-type', [...at, 'source'], `expected \`{ component, host }\`, got \`${show(source)}\` (${typeName(source)})`, 'write `source: { component: kubelet }`');
      } else {
        this.keys(source, ['component', 'host'], [...at, 'source'], '`source`');
        const sourceOut: Record<string, unknown> = {};
        for (const f of ['component', 'host'] as const) if (source[f] !== undefined) sourceOut[f] = this.stringMatcher(source[f], [...at, 'source', f], false);
        out.source = sourceOut;
      }
    }
    for (const key of ['labels', 'annotations'] as const) {
      if (value[key] !== undefined) out[key] = this.labelMap(value[key], [...at, key]);
    }
    const involved = value.involved;
    if (involved !== undefined) {
      if (!isPlainObject(involved)) {
        this.issues.add('invalid-type', [...at, 'involved'], `expected \`{ labels, annotations }\`, got \`${show(involved)}\` (${typeName(involved)})`, 'write `involved: { labels: { team: payments } }`');
      } else {
        this.keys(involved, ['labels', 'annotations'], [...at, 'involved'], '`involved`');
        const involvedOut: Record<string, unknown> = {};
        for (const f of ['labels', 'annotations'] as const) if (involved[f] !== undefined) involvedOut[f] = this.labelMap(involved[f], [...at, 'involved', f]);
        out.involved = involvedOut;
      }
    }
    for (const key of ['minCount', 'maxCount'] as const) {
      const n = value[key];
      if (n === undefined) continue;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
        this.issues.add('invalid-value', [...at, key], `expected an integer >= 0, got \`${show(n)}\` (${typeName(n)})`, `write \`${key}: 3\``);
      } else {
        out[key] = n;
      }
    }
    for (const key of ['minAge', 'maxAge'] as const) {
      const d = value[key];
      if (d === undefined) continue;
      if (parseDuration(d) === undefined) {
        this.issues.add('invalid-duration', [...at, key], `\`${show(d)}\` is not a duration`, "write milliseconds or a string such as '30s', '10m', '1h30m' (units ms, s, m, h, d)");
      } else {
        out[key] = d;
      }
    }
    return out;
  }

  labelMap(value: unknown, at: PathSegment[]): Record<string, LabelMatcher> {
    if (!isPlainObject(value)) {
      this.issues.add('invalid-type', at, `expected a map of key → matcher, got \`${show(value)}\` (${typeName(value)})`, 'write `{ team: payments, app: { glob: "web-*" } }`');
      return {};
    }
    const out: Record<string, LabelMatcher> = {};
    for (const [k, m] of Object.entries(value)) out[k] = this.stringMatcher(m, [...at, k], true);
    return out;
  }

  stringMatcher(value: unknown, at: PathSegment[], label: boolean): LabelMatcher {
    if (typeof value === 'string') return value;
    if (value instanceof RegExp) {
      const problem = regexProblem(value.source, value.flags);
      if (problem !== undefined) {
        this.issues.add('invalid-regex', at, `${String(value)}: ${problem}`, 'remove the `g` and `y` flags (the router tests each value once)');
      }
      return value.flags === '' ? { regex: value.source } : { regex: value.source, flags: value.flags };
    }
    if (Array.isArray(value)) {
      if (value.length === 0) {
        this.issues.add('invalid-value', at, 'an empty list matches nothing', 'list at least one value, or remove the key');
        return [];
      }
      return value.map((m, i) => this.stringMatcher(m, [...at, i], label));
    }
    if (isPlainObject(value)) {
      const keys = Object.keys(value);
      const kind = keys.find((k) => k === 'regex' || k === 'glob' || k === 'not' || (label && k === 'exists'));
      if (kind === undefined || (keys.length > 1 && !(kind === 'regex' && keys.length === 2 && keys.includes('flags')))) {
        const allowed = label ? '`regex` (with optional `flags`), `glob`, `not` or `exists`' : '`regex` (with optional `flags`), `glob` or `not`';
        const near = keys.map((k) => closest(k, label ? ['regex', 'flags', 'glob', 'not', 'exists'] : ['regex', 'flags', 'glob', 'not'])).find((k) => k !== undefined);
        const isExists = !label && keys.includes('exists');
        this.issues.add(
          isExists ? 'invalid-value' : 'unknown-key',
          at,
          `a matcher object has exactly one of ${allowed}; got keys ${keys.map((k) => `\`${k}\``).join(', ') || '(none)'}`,
          isExists
            ? '`exists` applies to labels and annotations only; event fields are always present (`\'\'` when empty): match `\'\'` instead'
            : near !== undefined && !keys.includes(near)
              ? `did you mean \`${near}\`?`
              : 'write `{ regex: "^x" }`, `{ glob: "x*" }` or `{ not: ... }`',
        );
        return [];
      }
      switch (kind) {
        case 'regex': {
          const source = value.regex;
          const flags = value.flags ?? '';
          if (typeof source !== 'string' || typeof flags !== 'string') {
            this.issues.add('invalid-type', at, `\`regex\` and \`flags\` must be strings, got \`${show(value)}\``, 'write `{ regex: "^test-", flags: "i" }`');
            return [];
          }
          const problem = regexProblem(source, flags);
          if (problem !== undefined) {
            this.issues.add(
              'invalid-regex',
              [...at, 'regex'],
              `\`${source}\` is not a valid regular expression: ${problem}`,
              source.startsWith('*') || source.includes('(*')
                ? `a regex cannot start with \`*\`: for "contains" write \`${source.replace(/^\*+|\*+$/g, '')}\` (regexes are unanchored) or use \`{ glob: "${source}" }\``
                : 'fix the pattern (JavaScript RegExp syntax), or use `{ glob: ... }` for wildcards',
            );
            return [];
          }
          return flags === '' ? { regex: source } : { regex: source, flags };
        }
        case 'glob': {
          const pattern = value.glob;
          if (typeof pattern !== 'string') {
            this.issues.add('invalid-type', [...at, 'glob'], `expected a string, got \`${show(pattern)}\` (${typeName(pattern)})`, 'write `{ glob: "Failed*" }`');
            return [];
          }
          const problem = globProblem(pattern);
          if (problem !== undefined) {
            this.issues.add('invalid-glob', [...at, 'glob'], `\`${pattern}\` is not a valid glob: ${problem}`, 'escape a literal `\\` as `\\\\`');
            return [];
          }
          return { glob: pattern };
        }
        case 'not':
          return { not: this.stringMatcher(value.not, [...at, 'not'], label) };
        case 'exists':
          if (typeof value.exists !== 'boolean') {
            this.issues.add('invalid-type', [...at, 'exists'], `expected true or false, got \`${show(value.exists)}\``, 'write `{ exists: true }` or `{ exists: false }`');
            return [];
          }
          return { exists: value.exists };
      }
    }
    const fix =
      typeof value === 'number' || typeof value === 'boolean'
        ? `quote it: \`'${String(value)}'\` (values are matched as strings)`
        : 'write a string, `{ regex: ... }`, `{ glob: ... }`, `{ not: ... }` or a list of them';
    this.issues.add('invalid-type', at, `expected a string matcher, got \`${show(value)}\` (${typeName(value)})`, fix);
    return [];
  }

  throttle(value: unknown, at: PathSegment[]): ThrottleSpec | undefined {
    if (value === undefined) return undefined;
    if (!isPlainObject(value)) {
      this.issues.add('invalid-type', at, `expected \`{ per, window }\`, got \`${show(value)}\` (${typeName(value)})`, "write `throttle: { per: [namespace, regarding.name], window: '10m' }`");
      return undefined;
    }
    this.keys(value, THROTTLE_KEYS, at, '`throttle`');
    const window = value.window;
    if (window === undefined || parseDuration(window) === undefined || parseDuration(window) === 0) {
      this.issues.add(
        window === undefined ? 'invalid-value' : 'invalid-duration',
        [...at, 'window'],
        window === undefined ? 'a throttle needs a `window`' : `\`${show(window)}\` is not a duration > 0`,
        "write `window: '10m'` (units ms, s, m, h, d) or a number of milliseconds",
      );
    }
    const per = value.per;
    let perOut: FieldPath[] | undefined;
    if (per !== undefined) {
      if (!Array.isArray(per) || per.length === 0) {
        this.issues.add('invalid-type', [...at, 'per'], `expected a non-empty list of field paths, got \`${show(per)}\``, 'write `per: [namespace, regarding.name]`, or leave `per` out for client-go\'s dedup key');
      } else {
        perOut = [];
        per.forEach((p, i) => {
          if (typeof p === 'string' && fieldGetter(p) !== undefined) {
            perOut?.push(p as FieldPath);
            return;
          }
          const near = typeof p === 'string' ? closest(p, FIXED_FIELD_PATHS) : undefined;
          this.issues.add(
            'unknown-field',
            [...at, 'per', i],
            `\`${show(p)}\` is not a field of an event`,
            near !== undefined ? `did you mean \`${near}\`?` : 'use a string field (`reason`, `regarding.name`, `source.host`, …) or `labels.<key>`, `involved.labels.<key>`',
          );
        });
      }
    }
    const out: { per?: FieldPath[]; window: ThrottleSpec['window'] } = { window: window as ThrottleSpec['window'] };
    if (perOut !== undefined) out.per = perOut;
    return out;
  }

  route(value: unknown, at: PathSegment[]): RouteSpec {
    if (!isPlainObject(value)) {
      this.issues.add('invalid-type', at, `expected a route object, got \`${show(value)}\` (${typeName(value)})`, 'write `{ match: { ... }, to: [receiver] }`');
      return {};
    }
    this.keys(value, ROUTE_KEYS, at, 'a route');
    const out: { -readonly [K in keyof RouteSpec]: RouteSpec[K] } = {};
    if (value.name !== undefined) {
      if (typeof value.name === 'string' && value.name !== '') out.name = value.name;
      else this.issues.add('invalid-type', [...at, 'name'], `expected a non-empty string, got \`${show(value.name)}\``, 'name the route with a string, or leave `name` out');
    }
    if (value.match !== undefined) {
      if (Array.isArray(value.match)) {
        this.issues.add(
          'invalid-type',
          [...at, 'match'],
          'a route\'s `match` is one condition, not a list',
          'for events matching any of them write `match: { any: [...] }`; to load a kubernetes-event-exporter config (whose `match` is a list of rules) use loadExporterConfig',
        );
      } else {
        out.match = this.condition(value.match, [...at, 'match']);
      }
    }
    const drop = this.conditions(value.drop, [...at, 'drop']);
    if (drop !== undefined) out.drop = drop;
    const to = this.receiverList(value.to, [...at, 'to']);
    if (to !== undefined) out.to = to;
    const throttle = this.throttle(value.throttle, [...at, 'throttle']);
    if (throttle !== undefined) out.throttle = throttle;
    if (value.continue !== undefined) {
      if (typeof value.continue === 'boolean') out.continue = value.continue;
      else this.issues.add('invalid-type', [...at, 'continue'], `expected true or false, got \`${show(value.continue)}\``, 'write `continue: true` to keep trying the next routes after this one matched');
    }
    const routes = this.routes(value.routes, [...at, 'routes']);
    if (routes !== undefined) out.routes = routes;
    return out;
  }

  routes(value: unknown, at: PathSegment[]): RouteSpec[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) {
      this.issues.add('invalid-type', at, `expected a list of routes, got \`${show(value)}\` (${typeName(value)})`, 'write `routes: [{ match: ..., to: [...] }, ...]`');
      return undefined;
    }
    return value.map((r, i) => this.route(r, [...at, i]));
  }
}

/**
 * Validates a router spec and returns it as normalized plain data, or the issues found.
 *
 * @param input - The spec (from the builder, YAML or hand-written).
 * @param options - Registered predicates and externally declared receivers.
 * @returns The normalized spec, or every issue found.
 */
export function validateSpec(input: unknown, options: ValidateSpecOptions): { spec: RouterSpec } | { issues: readonly PendingIssue[] } {
  const receiversValue = isPlainObject(input) ? input.receivers : undefined;
  const declared =
    Array.isArray(receiversValue) && receiversValue.every((r): r is string => typeof r === 'string') ? receiversValue : undefined;
  const v = new Validator(options, declared);
  if (!isPlainObject(input)) {
    v.issues.add('invalid-type', [], `expected a router spec object, got \`${show(input)}\` (${typeName(input)})`, 'write `{ drop: [...], routes: [...], to: [...] }`');
    return { issues: v.issues.all };
  }
  v.keys(input, ROUTER_KEYS, [], 'the router');
  const out: { -readonly [K in keyof RouterSpec]: RouterSpec[K] } = {};
  if (receiversValue !== undefined) {
    if (declared === undefined || declared.some((r) => r === '')) {
      v.issues.add('invalid-type', ['receivers'], `expected a list of receiver names, got \`${show(receiversValue)}\``, 'write `receivers: [alerting, archive]`');
    } else {
      const seen = new Set<string>();
      declared.forEach((r, i) => {
        if (seen.has(r)) v.issues.add('invalid-value', ['receivers', i], `receiver \`${r}\` is declared twice`, 'remove the duplicate');
        seen.add(r);
      });
      out.receivers = [...declared];
    }
  }
  const drop = v.conditions(input.drop, ['drop']);
  if (drop !== undefined) out.drop = drop;
  const to = v.receiverList(input.to, ['to']);
  if (to !== undefined) out.to = to;
  const routes = v.routes(input.routes, ['routes']);
  if (routes !== undefined) out.routes = routes;
  v.checkReferences();
  return v.issues.all.length > 0 ? { issues: v.issues.all } : { spec: out };
}
