/**
 * Loading kubernetes-event-exporter config files (resmoio/kubernetes-event-exporter, formerly
 * opsgenie's) unchanged: its `route` tree and `receivers` list, validated at load time.
 *
 * @module
 */
import type { PathSegment } from '../config-issues.ts';
import { IssueList, closest, isPlainObject, show, typeName } from '../config-issues.ts';
import { parseYaml } from '../yaml-source.ts';
import type { YamlSource } from '../yaml-source.ts';
import type { Layout } from '../templates/layout-engine.ts';
import { LayoutError, UnsupportedGoTemplateError } from '../router-errors.ts';
import { expandEnv } from './expand-env.ts';
import { translateGoRegexp } from './go-regexp.ts';
import type { ExporterLayoutRenderer } from './exporter-layout.ts';
import { compileExporterLayout } from './exporter-layout.ts';

/**
 * One rule of a kubernetes-event-exporter route (its pkg/exporter/rule.go `Rule`). Every string is
 * a Go regular expression matched **unanchored** (Go's `regexp.MatchString`): `namespace: prod`
 * also matches `preprod`. An empty or absent field matches everything.
 *
 * @example
 * ```ts
 * const rule: ExporterRule = { kind: 'Pod|Deployment', labels: { version: 'dev' }, receiver: 'slack' };
 * ```
 */
export interface ExporterRule {
  /** A name some exporter versions report with deliveries. */
  readonly name?: string;
  /** The involved object's labels: each key must be present and its value match. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The involved object's annotations: each key must be present and its value match. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** The message. */
  readonly message?: string;
  /** The involved object's apiVersion. */
  readonly apiVersion?: string;
  /** The involved object's kind. */
  readonly kind?: string;
  /** The Event's namespace. */
  readonly namespace?: string;
  /** The reason. */
  readonly reason?: string;
  /** The type. */
  readonly type?: string;
  /** `source.component`. */
  readonly component?: string;
  /** `source.host`. */
  readonly host?: string;
  /** The core/v1 `count` must be at least this (0 when the Event has none). */
  readonly minCount?: number;
  /** Where a matching event is sent (match rules only). */
  readonly receiver?: string;
}

/**
 * A kubernetes-event-exporter route (its pkg/exporter/route.go `Route`): `drop` rules first (any
 * match: the event leaves this route), then every `match` rule that matches sends to its
 * receiver, then — only if all match rules matched — the sub-`routes`.
 *
 * @example
 * ```ts
 * const route: ExporterRoute = { drop: [{ type: 'Normal' }], match: [{ receiver: 'alerts' }] };
 * ```
 */
export interface ExporterRoute {
  /** Rules that drop an event from this route. */
  readonly drop?: readonly ExporterRule[];
  /** Rules that send an event to their receiver. */
  readonly match?: readonly ExporterRule[];
  /** Sub-routes, tried when every match rule matched. */
  readonly routes?: readonly ExporterRoute[];
}

/**
 * One receiver of a kubernetes-event-exporter config: its name, which sink it uses, the sink's
 * configuration (as written, for the sinks part), and its templates compiled.
 *
 * @example
 * ```ts
 * const body = receiver.layout?.(event, { involved }) ?? exporterEventJson(event, involved);
 * ```
 */
export interface ExporterReceiver {
  /** The receiver's name. */
  readonly name: string;
  /** The sink key (`webhook`, `elasticsearch`, `opsgenie`, `slack`, …). */
  readonly sink: string;
  /** The sink's configuration, as written (after environment expansion). */
  readonly config: Readonly<Record<string, unknown>>;
  /** The compiled `layout`, when the sink has one. */
  readonly layout?: ExporterLayoutRenderer;
  /** Every template field of the sink compiled, by key (`layout`, `message`, `alias`, `fields`, …). */
  readonly templates: Readonly<Record<string, ExporterLayoutRenderer>>;
}

/**
 * A loaded kubernetes-event-exporter config.
 *
 * @example
 * ```ts
 * const config = loadExporterConfig(text);
 * const routes = compileExporterRoute(config);
 * ```
 */
export interface ExporterConfig {
  /** The root route. */
  readonly route: ExporterRoute;
  /** The receivers, in file order. */
  readonly receivers: readonly ExporterReceiver[];
  /** `clusterName`, what `{{ .ClusterName }}` renders. */
  readonly clusterName: string;
  /** The other top-level settings (`logLevel`, `maxEventAgeSeconds`, `kubeQPS`, …), as written. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** What invalid regexes do (see {@link LoadExporterConfigOptions.onInvalidRegex}). */
  readonly onInvalidRegex: 'error' | 'never-match';
}

/**
 * Options of {@link loadExporterConfig}.
 *
 * @example
 * ```ts
 * loadExporterConfig(text, { env: { ELASTIC_API_KEY: 'k' } });
 * ```
 */
export interface LoadExporterConfigOptions {
  /**
   * The environment `${VAR}` / `$VAR` in the file expand from, as the exporter does with
   * `os.ExpandEnv` before parsing; `false` to leave the text as it is.
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>> | false;
  /**
   * What a rule whose regex Go cannot compile does. kubernetes-event-exporter ignores the compile
   * error and the rule then never matches — a bug that makes, for example, its own README's
   * `namespace: "*test*"` drop rule drop nothing. `'error'` reports it at load time; `'never-match'`
   * reproduces the bug (to migrate a config that relies on it).
   * @default 'error'
   */
  readonly onInvalidRegex?: 'error' | 'never-match';
}

/** Sink keys, in the order its GetSink (pkg/sinks/receiver.go) picks the first non-nil one. */
const SINKS = [
  'inMemory',
  'pipe',
  'webhook',
  'file',
  'syslog',
  'stdout',
  'elasticsearch',
  'kinesis',
  'firehose',
  'opensearch',
  'opsgenie',
  'sqs',
  'sns',
  'slack',
  'kafka',
  'pubsub',
  'opscenter',
  'teams',
  'bigquery',
  'eventbridge',
  'loki',
  'prometheus',
] as const;

/** Template-bearing fields of sinks besides `layout` (from the exporter's README and sinks). */
const TEMPLATE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  opsgenie: ['message', 'alias', 'description', 'tags', 'details'],
  slack: ['channel', 'message', 'title', 'author_name', 'footer', 'fields'],
  eventbridge: ['details'],
};

const RULE_STRING_KEYS = ['message', 'apiVersion', 'kind', 'namespace', 'reason', 'type', 'component', 'host'] as const;
const RULE_KEYS = [...RULE_STRING_KEYS, 'name', 'labels', 'annotations', 'minCount', 'receiver'];
const ROUTE_KEYS = ['drop', 'match', 'routes'];

class ExporterValidator {
  readonly issues = new IssueList();
  readonly #onInvalidRegex: 'error' | 'never-match';
  readonly receiverRefs: { name: string; at: PathSegment[] }[] = [];

  constructor(onInvalidRegex: 'error' | 'never-match') {
    this.#onInvalidRegex = onInvalidRegex;
  }

  keys(value: Record<string, unknown>, allowed: readonly string[], at: PathSegment[], what: string): void {
    for (const key of Object.keys(value)) {
      if (allowed.includes(key)) continue;
      const near = closest(key, allowed);
      this.issues.add(
        'unknown-key',
        [...at, key],
        `unknown key \`${key}\` in ${what} (kubernetes-event-exporter ignores it silently, so the ${what} does not do what it says)`,
        near === undefined ? `remove it; ${what} keys are ${allowed.map((k) => `\`${k}\``).join(', ')}` : `did you mean \`${near}\`?`,
      );
    }
  }

  regex(pattern: string, at: PathSegment[]): void {
    if (pattern === '') return;
    const t = translateGoRegexp(pattern);
    if (t.ok) return;
    if (t.unsupported) {
      this.issues.add('unsupported', at, `\`${pattern}\`: ${t.reason}`, 'rewrite the regex without it, or use our own schema (loadRouterConfig), whose regexes are JavaScript');
      return;
    }
    if (this.#onInvalidRegex === 'never-match') return;
    const stripped = pattern.replace(/^\*+|\*+$/g, '');
    this.issues.add(
      'invalid-regex',
      at,
      `\`${pattern}\` is not a valid Go regular expression (${t.reason}); kubernetes-event-exporter ignores the error and this rule silently never matches`,
      pattern.startsWith('*')
        ? `rules are unanchored regexes, not globs: write \`${stripped === '' ? '.*' : stripped}\` to match values containing it${stripped === '' ? '' : ` (\`.*${stripped}.*\` means the same)`}; or pass onInvalidRegex: 'never-match' to keep the exporter's behaviour`
        : "fix the regex (Go RE2 syntax); or pass onInvalidRegex: 'never-match' to keep the exporter's behaviour",
    );
  }

  scalar(value: unknown, at: PathSegment[]): string | undefined {
    if (value === null || value === undefined) return '';
    if (typeof value === 'string') return value;
    // yaml.v2 decodes a number or boolean into a string field as its text.
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    this.issues.add('invalid-type', at, `expected a string, got \`${show(value)}\` (${typeName(value)})`, 'write a string (a Go regex)');
    return undefined;
  }

  rule(value: unknown, at: PathSegment[], isMatch: boolean): ExporterRule {
    if (!isPlainObject(value)) {
      this.issues.add('invalid-type', at, `expected a rule (a mapping), got \`${show(value)}\` (${typeName(value)})`, 'write `- namespace: kube-system`');
      return {};
    }
    this.keys(value, RULE_KEYS, at, 'a rule');
    const out: Record<string, unknown> = {};
    for (const key of RULE_STRING_KEYS) {
      const s = this.scalar(value[key], [...at, key]);
      if (s === undefined || s === '') continue;
      out[key] = s;
      this.regex(s, [...at, key]);
    }
    for (const key of ['labels', 'annotations'] as const) {
      const m = value[key];
      if (m === undefined || m === null) continue;
      if (!isPlainObject(m)) {
        this.issues.add('invalid-type', [...at, key], `expected a map of key → regex, got \`${show(m)}\` (${typeName(m)})`, `write \`${key}: { app: web }\``);
        continue;
      }
      const map: Record<string, string> = {};
      for (const [k, v] of Object.entries(m)) {
        const s = this.scalar(v, [...at, key, k]);
        if (s === undefined) continue;
        map[k] = s;
        this.regex(s, [...at, key, k]);
      }
      out[key] = map;
    }
    const minCount = value.minCount;
    if (minCount !== undefined && minCount !== null) {
      if (typeof minCount !== 'number' || !Number.isInteger(minCount) || minCount < -2147483648 || minCount > 2147483647) {
        this.issues.add('invalid-type', [...at, 'minCount'], `expected an int32, got \`${show(minCount)}\` (${typeName(minCount)})`, 'write `minCount: 5`');
      } else {
        out.minCount = minCount;
      }
    }
    const name = this.scalar(value.name, [...at, 'name']);
    if (name !== undefined && name !== '') out.name = name;
    const receiver = this.scalar(value.receiver, [...at, 'receiver']);
    if (receiver !== undefined && receiver !== '') {
      if (!isMatch) {
        this.issues.add('invalid-value', [...at, 'receiver'], 'a drop rule has no receiver (kubernetes-event-exporter ignores it)', 'move the rule under `match`, or remove `receiver`');
      } else {
        out.receiver = receiver;
        this.receiverRefs.push({ name: receiver, at: [...at, 'receiver'] });
      }
    }
    return out;
  }

  rules(value: unknown, at: PathSegment[], isMatch: boolean): ExporterRule[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) {
      this.issues.add('invalid-type', at, `expected a list of rules, got \`${show(value)}\` (${typeName(value)})`, `write \`${isMatch ? 'match' : 'drop'}:\` followed by \`- rule\` items`);
      return undefined;
    }
    return value.map((r, i) => this.rule(r, [...at, i], isMatch));
  }

  route(value: unknown, at: PathSegment[]): ExporterRoute {
    if (value === null || value === undefined) return {};
    if (!isPlainObject(value)) {
      this.issues.add('invalid-type', at, `expected a route (a mapping), got \`${show(value)}\` (${typeName(value)})`, 'write `drop:`, `match:` and `routes:` keys');
      return {};
    }
    this.keys(value, ROUTE_KEYS, at, 'a route');
    const out: { drop?: ExporterRule[]; match?: ExporterRule[]; routes?: ExporterRoute[] } = {};
    const drop = this.rules(value.drop, [...at, 'drop'], false);
    if (drop !== undefined) out.drop = drop;
    const match = this.rules(value.match, [...at, 'match'], true);
    if (match !== undefined) out.match = match;
    const routes = value.routes;
    if (routes !== undefined && routes !== null) {
      if (!Array.isArray(routes)) {
        this.issues.add('invalid-type', [...at, 'routes'], `expected a list of routes, got \`${show(routes)}\` (${typeName(routes)})`, 'write `routes:` followed by `- match: …` items');
      } else {
        out.routes = routes.map((r, i) => this.route(r, [...at, 'routes', i]));
      }
    }
    return out;
  }
}

function compileTemplate(validator: ExporterValidator, layout: unknown, at: PathSegment[], clusterName: string): ExporterLayoutRenderer | undefined {
  try {
    return compileExporterLayout(layout as Layout, { clusterName });
  } catch (err) {
    if (err instanceof UnsupportedGoTemplateError) {
      const extra = err.path === '' ? [] : err.path.split(/\.|\[(\d+)\]/).filter((s): s is string => typeof s === 'string' && s !== '').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      validator.issues.add('unsupported', [...at, ...extra], err.message.replace(/ Fix: .*$/s, ''), 'rewrite this template in the supported subset, or use our own schema with a Handlebars layout');
      return undefined;
    }
    if (err instanceof LayoutError) {
      const extra = err.path === '' ? [] : err.path.split(/\.|\[(\d+)\]/).filter((s): s is string => typeof s === 'string' && s !== '').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      validator.issues.add('invalid-layout', [...at, ...extra], err.message.replace(/^Invalid layout( at `[^`]*`)?: /, '').replace(/\. Fix: .*$/s, ''), err.fix);
      return undefined;
    }
    throw err;
  }
}

/**
 * Loads a kubernetes-event-exporter config file unchanged — its `route` and `receivers`
 * (other top-level settings are returned in `settings`) — after expanding `${VAR}` as the
 * exporter does. Routing follows its semantics exactly; see {@link compileExporterRoute}.
 *
 * Checked at load time, where the exporter fails silently at run time:
 * - a regex Go cannot compile (`"*test*"`): the exporter's rule never matches; here it is an
 *   `invalid-regex` issue (unless `onInvalidRegex: 'never-match'`);
 * - a rule sending to a receiver that is not declared (the exporter logs and drops);
 * - an unknown key in a route or rule (the exporter ignores it: `namespaces: x` matches
 *   every namespace);
 * - a receiver with no sink, or several (the exporter uses the first in its own order);
 * - templates (`layout` and the opsgenie/slack/eventbridge template fields): translated and
 *   compiled now; Go errors and unsupported constructs are issues.
 *
 * @param text - The YAML text of the config file.
 * @param options - Environment and invalid-regex handling.
 * @returns The loaded config.
 * @throws {@link RouterConfigError} listing every problem with its path, line and fix.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { compileExporterRoute, loadExporterConfig } from 'kube-events/router';
 *
 * const config = loadExporterConfig(await readFile('config.yaml', 'utf8'));
 * const routes = compileExporterRoute(config);
 * routes.decide(event, involved); // deliveries in the exporter's order, duplicates included
 * ```
 */
export function loadExporterConfig(text: string, options: LoadExporterConfigOptions = {}): ExporterConfig {
  const env = options.env ?? process.env;
  const onInvalidRegex = options.onInvalidRegex ?? 'error';
  const source: YamlSource = parseYaml(env === false ? text : expandEnv(text, env));
  const value = source.value;
  const v = new ExporterValidator(onInvalidRegex);
  if (!isPlainObject(value)) {
    v.issues.add('invalid-type', [], `expected a mapping with \`route\` and \`receivers\`, got \`${show(value)}\` (${typeName(value)})`, 'write the exporter config as a YAML mapping');
    source.fail(v.issues.all);
  }
  const clusterNameValue = value.clusterName;
  const clusterName = typeof clusterNameValue === 'string' ? clusterNameValue : '';
  if (clusterNameValue !== undefined && clusterNameValue !== null && typeof clusterNameValue !== 'string') {
    v.issues.add('invalid-type', ['clusterName'], `expected a string, got \`${show(clusterNameValue)}\``, 'quote it');
  }
  const route = v.route(value.route, ['route']);

  const receivers: ExporterReceiver[] = [];
  const rawReceivers = value.receivers;
  if (rawReceivers !== undefined && rawReceivers !== null && !Array.isArray(rawReceivers)) {
    v.issues.add('invalid-type', ['receivers'], `expected a list of receivers, got \`${show(rawReceivers)}\` (${typeName(rawReceivers)})`, 'write `receivers:` followed by `- name: …` items');
  }
  const names = new Set<string>();
  (Array.isArray(rawReceivers) ? rawReceivers : []).forEach((r, i) => {
    const at: PathSegment[] = ['receivers', i];
    if (!isPlainObject(r)) {
      v.issues.add('invalid-type', at, `expected a receiver (a mapping), got \`${show(r)}\` (${typeName(r)})`, 'write `- name: dump` and a sink key');
      return;
    }
    const name = r.name;
    if (typeof name !== 'string' || name === '') {
      v.issues.add('invalid-value', [...at, 'name'], 'a receiver needs a `name`', 'add `name: <receiver name>`');
      return;
    }
    if (names.has(name)) v.issues.add('invalid-value', [...at, 'name'], `receiver \`${name}\` is declared twice (the exporter keeps only one)`, 'rename or remove one');
    names.add(name);
    const sinks = SINKS.filter((s) => r[s] !== undefined && r[s] !== null);
    const [sink] = sinks;
    if (sink === undefined) {
      const other = Object.keys(r).filter((k) => k !== 'name');
      const near = other.map((k) => closest(k, SINKS)).find((k) => k !== undefined);
      v.issues.add(
        'invalid-value',
        at,
        `receiver \`${name}\` has no sink (the exporter fails with "unknown sink")`,
        near === undefined ? `add one of ${SINKS.map((s) => `\`${s}\``).join(', ')}` : `did you mean \`${near}\`?`,
      );
      return;
    }
    if (sinks.length > 1) {
      v.issues.add('invalid-value', at, `receiver \`${name}\` has several sinks (${sinks.join(', ')}); the exporter silently uses only \`${sink}\``, 'split it into one receiver per sink');
    }
    const config = r[sink];
    if (!isPlainObject(config)) {
      v.issues.add('invalid-type', [...at, sink], `expected the ${sink} settings (a mapping), got \`${show(config)}\` (${typeName(config)})`, `write \`${sink}:\` followed by its settings (the exporter fails to parse this file)`);
      return;
    }
    const templates: Record<string, ExporterLayoutRenderer> = {};
    for (const key of ['layout', ...(TEMPLATE_FIELDS[sink] ?? [])]) {
      const t = config[key];
      if (t === undefined || t === null) continue;
      const compiled = compileTemplate(v, t, [...at, sink, key], clusterName);
      if (compiled !== undefined) templates[key] = compiled;
    }
    const receiver: ExporterReceiver = templates.layout === undefined ? { name, sink, config, templates } : { name, sink, config, templates, layout: templates.layout };
    receivers.push(receiver);
  });
  for (const ref of v.receiverRefs) {
    if (names.has(ref.name)) continue;
    const near = closest(ref.name, [...names]);
    v.issues.add(
      'unknown-receiver',
      ref.at,
      `receiver \`${ref.name}\` is not declared (the exporter logs "There is no channel" and drops the event)`,
      near === undefined ? `declare it under \`receivers\`${names.size > 0 ? ` or use one of ${[...names].map((n) => `\`${n}\``).join(', ')}` : ''}` : `did you mean \`${near}\`?`,
    );
  }
  if (v.issues.all.length > 0) source.fail(v.issues.all);
  const settings: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(value)) if (k !== 'route' && k !== 'receivers') settings[k] = val;
  return { route, receivers, clusterName, settings, onInvalidRegex };
}
