/**
 * kubernetes-event-exporter payload layouts: Go templates translated to Handlebars and run over
 * the event as the exporter's templates see it (`kube.EnhancedEvent`), with Go's zero values,
 * Go's printing (`<no value>`, `map[k:v]`, `2006-01-02 15:04:05 +0000 UTC`) and Go's JSON
 * (`toJson .` marshals fields in struct order, map keys sorted, `<`, `>`, `&` escaped).
 *
 * @module
 */
import type { KubeEvent } from '../../stream/kube-event.ts';
import { toCoreV1Event } from '../../stream/kube-event.ts';
import type { InvolvedObject } from '../route-spec.ts';
import type { Layout, LayoutEnvironment, LayoutFlavor, Payload } from '../templates/layout-engine.ts';
import { createLayoutEnvironment } from '../templates/layout-engine.ts';
import { sampleEvent } from '../templates/compile-layout.ts';
import type { GoType } from './go-schema.ts';
import { ENHANCED_EVENT, goTypeName, resolveGoPath } from './go-schema.ts';
import { translateGoTemplate } from './go-template.ts';

/** What a value read by a template is, beyond plain strings and numbers. */
class GoValue {
  readonly type: GoType;
  readonly value: unknown;
  constructor(type: GoType, value: unknown) {
    this.type = type;
    this.value = value;
  }
}

/** A Go template execution error, with how to avoid it. */
class GoExecError extends Error {
  readonly fix: string;
  constructor(message: string, fix: string) {
    super(message);
    this.fix = fix;
  }
}

/** A missing map key read with field syntax: Go prints `<no value>`. */
const NO_VALUE = Object.freeze({ goNoValue: true });

// ---------------------------------------------------------------------------------------------
// The EnhancedEvent view
// ---------------------------------------------------------------------------------------------

/** Field order of kube.EnhancedEvent's JSON: core/v1 Event's, then clusterName, then involvedObject. */
const EVENT_KEYS = ['kind', 'apiVersion', 'metadata', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'type', 'eventTime', 'series', 'action', 'related', 'reportingComponent', 'reportingInstance'] as const;

/**
 * The event as kubernetes-event-exporter's templates see it, as JSON: the core/v1 Event (what
 * `toCoreV1Event` gives, i.e. what the exporter decodes from its core/v1 watch), `clusterName`,
 * and `involvedObject` with the involved object's labels and annotations.
 */
function enhancedEventJson(event: KubeEvent, involved: InvolvedObject | undefined, clusterName: string): Record<string, unknown> {
  const core = toCoreV1Event(event) as unknown as Record<string, unknown>;
  const view: Record<string, unknown> = {};
  for (const k of EVENT_KEYS) if (Object.hasOwn(core, k)) view[k] = core[k];
  view.clusterName = clusterName;
  const ref = { ...(core.involvedObject as Record<string, unknown> | undefined) };
  if (involved?.labels !== undefined) ref.labels = involved.labels;
  if (involved?.annotations !== undefined) ref.annotations = involved.annotations;
  view.involvedObject = ref;
  return view;
}

// ---------------------------------------------------------------------------------------------
// Go's time, JSON and fmt
// ---------------------------------------------------------------------------------------------

const TIME_TEXT = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d+))?/;

/** A metav1.Time / MicroTime from its JSON text: ms since the epoch and the fraction digits. */
function parseTime(text: unknown): { ms: number; fraction: string } | undefined {
  if (typeof text !== 'string') return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  // The fraction of the instant in UTC (an offset never changes the sub-second part).
  const fraction = TIME_TEXT.exec(text)?.[3] ?? '';
  return { ms: Math.floor(ms / 1000) * 1000, fraction: fraction.slice(0, 9) };
}

function utcParts(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** Go's `Time.String()` in UTC: `2006-01-02 15:04:05.999999999 +0000 UTC`. */
function goTimeString(text: unknown): string {
  const t = parseTime(text);
  if (t === undefined) return '0001-01-01 00:00:00 +0000 UTC';
  const fraction = t.fraction.replace(/0+$/, '');
  return `${utcParts(t.ms).replace('T', ' ')}${fraction === '' ? '' : `.${fraction}`} +0000 UTC`;
}

/** metav1.Time / MicroTime MarshalJSON: RFC 3339 in UTC, to the second / with six fraction digits. */
function goTimeJson(text: unknown, micro: boolean): string {
  const t = parseTime(text);
  if (t === undefined) return 'null';
  return `"${utcParts(t.ms)}${micro ? `.${t.fraction.padEnd(6, '0').slice(0, 6)}` : ''}Z"`;
}

/** Go's encoding/json string escaping (HTML-safe: `<`, `>`, `&` as \u003c…). */
function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += '\ufffd';
    else out += ch;
  }
  return `${out}"`;
}

function isEmptyJson(value: unknown, type: GoType): boolean {
  if (value === undefined || value === null) return true;
  switch (type.kind) {
    case 'string':
      return value === '';
    case 'int':
      return value === 0;
    case 'map':
      return typeof value === 'object' && Object.keys(value).length === 0;
    case 'opaque':
      return value === '' || value === 0 || value === false || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && Object.keys(value).length === 0);
    case 'struct':
      // Only a nil pointer is empty (and it was caught above).
      return false;
    case 'time':
      // Time is a struct: omitempty never drops it.
      return false;
  }
}

/** Plain JSON (an opaque value) with Go's escaping; objects keep their key order (Go structs do). */
function plainJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return `"${value.toISOString().slice(0, 19)}Z"`;
  if (Array.isArray(value)) return `[${value.map(plainJson).join(',')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${goJsonString(k)}:${plainJson(v)}`)
      .join(',')}}`;
  }
  return 'null';
}

/** json.Marshal of a value of a Go type, from its JSON form. */
function marshal(value: unknown, type: GoType): string {
  switch (type.kind) {
    case 'string':
      return goJsonString(typeof value === 'string' ? value : '');
    case 'int':
      return typeof value === 'number' ? String(Math.trunc(value)) : '0';
    case 'time':
      return goTimeJson(value, type.micro);
    case 'map': {
      if (typeof value !== 'object' || value === null) return 'null';
      const m = value as Record<string, unknown>;
      return `{${Object.keys(m)
        .sort()
        .map((k) => `${goJsonString(k)}:${goJsonString(typeof m[k] === 'string' ? m[k] : '')}`)
        .join(',')}}`;
    }
    case 'opaque':
      return plainJson(value);
    case 'struct': {
      if (typeof value !== 'object' || value === null) return type.pointer ? 'null' : marshal({}, type);
      const obj = value as Record<string, unknown>;
      const parts: string[] = [];
      for (const field of type.fields) {
        const v = obj[field.json];
        if (field.omitempty && isEmptyJson(v, field.type)) continue;
        parts.push(`${goJsonString(field.json)}:${marshal(v, field.type)}`);
      }
      return `{${parts.join(',')}}`;
    }
  }
}

/** encoding/json Indent with prefix "" and indent "  " (what MarshalIndent does after Marshal). */
function indentJson(compact: string): string {
  let out = '';
  let depth = 0;
  let inString = false;
  for (let i = 0; i < compact.length; i++) {
    const c = compact[i] ?? '';
    if (inString) {
      out += c;
      if (c === '\\') out += compact[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    const next = compact[i + 1];
    switch (c) {
      case '"':
        inString = true;
        out += c;
        break;
      case '{':
      case '[':
        out += c;
        if (next === '}' || next === ']') {
          out += next;
          i++;
        } else {
          depth++;
          out += `\n${'  '.repeat(depth)}`;
        }
        break;
      case '}':
      case ']':
        depth--;
        out += `\n${'  '.repeat(depth)}${c}`;
        break;
      case ',':
        out += `,\n${'  '.repeat(depth)}`;
        break;
      case ':':
        out += ': ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

function toJsonOf(value: unknown): string {
  if (value === NO_VALUE || value === undefined || value === null) return 'null';
  if (value instanceof GoValue) return marshal(value.value, value.type);
  return plainJson(value);
}

/** How Go's fmt prints a value in a template. */
function goPrint(value: unknown): string {
  if (value === NO_VALUE) return '<no value>';
  if (value === null) return '<nil>';
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof GoValue) {
    const t = value.type;
    if (t.kind === 'time') return goTimeString(value.value);
    if (t.kind === 'map') {
      const m = (value.value ?? {}) as Record<string, string>;
      return `map[${Object.keys(m)
        .sort()
        .map((k) => `${k}:${m[k] ?? ''}`)
        .join(' ')}]`;
    }
    if (t.kind === 'struct' && t.pointer && (value.value === null || value.value === undefined)) return '<nil>';
    throw new GoExecError(`printing a ${goTypeName(t)} is not supported`, 'pass it to toJson');
  }
  return plainJson(value);
}

function goEmpty(value: unknown): boolean {
  if (value === NO_VALUE || value === undefined || value === null || value === '' || value === 0 || value === false) return true;
  if (value instanceof GoValue) {
    if (value.type.kind === 'map') return value.value === undefined || value.value === null || Object.keys(value.value).length === 0;
    if (value.type.kind === 'struct' && value.type.pointer) return value.value === null || value.value === undefined;
  }
  return false;
}

function asGoString(value: unknown, fn: string): string {
  if (typeof value === 'string') return value;
  if (value === NO_VALUE) throw new GoExecError(`error calling ${fn}: invalid value; expected string`, `a missing map key has no value: use \`index\` (empty when absent) or \`| default "…"\` before ${fn}`);
  throw new GoExecError(`error calling ${fn}: wrong type for value; expected string; got ${typeof value}`, `pass a string to ${fn}`);
}

// ---------------------------------------------------------------------------------------------
// Helpers and the flavor
// ---------------------------------------------------------------------------------------------

interface ExporterInput {
  readonly event: KubeEvent;
  readonly involved: InvolvedObject | undefined;
  readonly clusterName: string;
}

interface ExporterContext {
  readonly view: Record<string, unknown>;
}

function viewOf(args: readonly unknown[]): Record<string, unknown> {
  const options = args.at(-1) as { data?: { root?: ExporterContext } } | undefined;
  return options?.data?.root?.view ?? {};
}

function withoutOptions(args: readonly unknown[]): unknown[] {
  return args.slice(0, -1);
}

const literals = new Map<string, string>();
const ZERO_TIME_MS = -6795364578871; // Go's zero Time's UnixNano()/1e6, overflowed as Go computes it.

function eventTimestamp(view: Record<string, unknown>): { ms: number; zero: boolean } {
  // pkg/kube/event.go: FirstTimestamp, else EventTime.
  const t = parseTime(view.firstTimestamp) ?? parseTime(view.eventTime);
  if (t === undefined) return { ms: ZERO_TIME_MS, zero: true };
  return { ms: t.ms + Number(t.fraction.padEnd(3, '0').slice(0, 3)), zero: false };
}

const HELPERS = {
  goDot: (...args: unknown[]) => new GoValue(ENHANCED_EVENT, viewOf(args)),
  goLit: (...args: unknown[]) => {
    const hex = String(withoutOptions(args)[0]);
    let s = literals.get(hex);
    if (s === undefined) {
      s = Buffer.from(hex, 'hex').toString('utf8');
      literals.set(hex, s);
    }
    return s;
  },
  goField: (...args: unknown[]) => {
    const chain = String(withoutOptions(args)[0]).split('.');
    const resolved = resolveGoPath(chain);
    if (resolved === undefined) throw new Error(`can't evaluate field ${chain.join('.')}`);
    let v: unknown = viewOf(args);
    for (const step of resolved.steps) {
      if (v === null || v === undefined) {
        if (step.from.kind === 'struct' && step.from.pointer) {
          throw new GoExecError(
            `nil pointer evaluating ${goTypeName(step.from)}.${step.go}`,
            `\`${chain.slice(0, chain.indexOf(step.go)).join('.')}\` is nil for most events (kubernetes-event-exporter fails to render them); use \`{{ toJson .${chain.slice(0, chain.indexOf(step.go)).join('.')} }}\` (null when absent)`,
          );
        }
        v = undefined;
        break;
      }
      v = (v as Record<string, unknown>)[step.json];
    }
    const last = resolved.steps.at(-1);
    const type = last?.type ?? ENHANCED_EVENT;
    if (resolved.mapKey !== undefined) {
      const m = v as Record<string, unknown> | undefined | null;
      return m !== null && m !== undefined && Object.hasOwn(m, resolved.mapKey) ? m[resolved.mapKey] : NO_VALUE;
    }
    switch (type.kind) {
      case 'string':
        return typeof v === 'string' ? v : '';
      case 'int':
        return typeof v === 'number' ? v : 0;
      case 'struct':
        return new GoValue(type, v ?? (type.pointer ? null : {}));
      default:
        return new GoValue(type, v);
    }
  },
  goPrint: (...args: unknown[]) => goPrint(withoutOptions(args)[0]),
  goToJson: (...args: unknown[]) => toJsonOf(withoutOptions(args)[0]),
  goToPrettyJson: (...args: unknown[]) => indentJson(toJsonOf(withoutOptions(args)[0])),
  goIndex: (...args: unknown[]) => {
    const [target, key] = withoutOptions(args);
    const m = target instanceof GoValue ? (target.value as Record<string, unknown> | null | undefined) : undefined;
    const k = asGoString(key, 'index');
    return m !== null && m !== undefined && Object.hasOwn(m, k) ? m[k] : '';
  },
  goLower: (...args: unknown[]) => asGoString(withoutOptions(args)[0], 'lower').toLowerCase(),
  goUpper: (...args: unknown[]) => asGoString(withoutOptions(args)[0], 'upper').toUpperCase(),
  goDefault: (...args: unknown[]) => {
    const [d, given] = withoutOptions(args);
    return goEmpty(given) ? d : given;
  },
  goTrunc: (...args: unknown[]) => {
    const [n, s] = withoutOptions(args);
    // sprig's trunc slices bytes.
    const bytes = Buffer.from(asGoString(s, 'trunc'), 'utf8');
    const c = Number(n);
    if (c < 0 && bytes.length + c > 0) return new TextDecoder().decode(bytes.subarray(bytes.length + c));
    if (c >= 0 && bytes.length > c) return new TextDecoder().decode(bytes.subarray(0, c));
    return bytes.toString('utf8');
  },
  goTimestampMs: (...args: unknown[]) => eventTimestamp(viewOf(args)).ms,
  goTimestampIso: (...args: unknown[]) => {
    const t = eventTimestamp(viewOf(args));
    return t.zero ? '0001-01-01T00:00:00.000Z' : new Date(t.ms).toISOString();
  },
};

const FLAVOR: LayoutFlavor<ExporterInput> = {
  helpers: HELPERS,
  // Translated templates read everything through helpers: no path is valid.
  schema: {},
  hint: () => 'exporter layouts are Go templates: write `{{ .Reason }}`',
  source: (template, path) => translateGoTemplate(template, path),
  context: (input) => ({ view: enhancedEventJson(input.event, input.involved, input.clusterName) }) satisfies ExporterContext,
  helperNeeds: {},
};

let environment: LayoutEnvironment<ExporterInput> | undefined;

/**
 * A compiled exporter layout: renders one event as kubernetes-event-exporter would.
 *
 * @example
 * ```ts
 * const payload = render(event, { involved: { labels: pod.metadata.labels } });
 * ```
 */
export type ExporterLayoutRenderer = (event: KubeEvent, context?: { readonly involved?: InvolvedObject | undefined }) => Payload;

/**
 * Options of {@link compileExporterLayout}.
 *
 * @example
 * ```ts
 * compileExporterLayout(layout, { clusterName: 'prod-eu' });
 * ```
 */
export interface CompileExporterLayoutOptions {
  /** What `{{ .ClusterName }}` renders (the exporter's `clusterName` setting). @default '' */
  readonly clusterName?: string;
  /** The event every template is rendered against at load time. @default the built-in sample event */
  readonly sample?: KubeEvent;
}

/**
 * Compiles a kubernetes-event-exporter layout (a Go template string, or a map/list whose string
 * leaves are Go templates, as in its `layout:` settings) once, translating the templates to
 * Handlebars, and renders events the way the exporter does: `{{ .InvolvedObject.Name }}`,
 * `{{ .InvolvedObject.Labels.app }}` (`<no value>` when absent, as in Go),
 * `{{ index .InvolvedObject.Labels "app.kubernetes.io/name" }}` (`''` when absent),
 * `{{ toJson . }}` and `{{ toPrettyJson . }}` (Go's encoding/json: struct field order, sorted map
 * keys, HTML-safe escaping), `{{ .GetTimestampMs }}` and `{{ .GetTimestampISO8601 }}`
 * (`firstTimestamp`, else `eventTime`), plus sprig's `lower`, `upper`, `default`, `trunc` and
 * `|` pipelines.
 *
 * Differences from the exporter, all deliberate: a construct outside that subset is an
 * {@link UnsupportedGoTemplateError} at load time; a template Go would fail on (a syntax error,
 * an unknown field such as `.InvolvedObject.Nme`) is a {@link LayoutError} at load time, where the
 * exporter fails every send and logs it; numbers and booleans in a layout are kept (the exporter
 * writes `null` for them, a bug); times print in UTC (the exporter prints the container's local
 * time, which is UTC in its image).
 *
 * @param layout - The layout.
 * @param options - The cluster name and the sample event.
 * @returns The renderer.
 * @throws {@link UnsupportedGoTemplateError} or {@link LayoutError}.
 *
 * @example
 * ```ts
 * import { compileExporterLayout } from 'kube-events/router';
 *
 * const render = compileExporterLayout({
 *   createdAt: '{{ .GetTimestampMs }}',
 *   details: { kind: '{{ .InvolvedObject.Kind }}', labels: '{{ toJson .InvolvedObject.Labels }}' },
 * });
 * render(event, { involved });
 * ```
 */
export function compileExporterLayout(layout: Layout, options: CompileExporterLayoutOptions = {}): ExporterLayoutRenderer {
  environment ??= createLayoutEnvironment(FLAVOR, ({ event }) => `event ${event.namespace === '' ? '' : `${event.namespace}/`}${event.name}`);
  const clusterName = options.clusterName ?? '';
  const render = environment.compile(layout, { event: options.sample ?? sampleEvent(), involved: undefined, clusterName });
  return (event, context) => render({ event, involved: context?.involved, clusterName });
}

/**
 * The event as kubernetes-event-exporter marshals it (`{{ toJson . }}`, and its sinks' default
 * body when no layout is set): the core/v1 Event, `clusterName`, and `involvedObject` with the
 * involved object's labels and annotations, in Go's field order with Go's escaping.
 *
 * @param event - The event.
 * @param involved - The involved object's metadata.
 * @param clusterName - The exporter's `clusterName`.
 * @returns The JSON text.
 *
 * @example
 * ```ts
 * await fetch(url, { method: 'POST', body: exporterEventJson(event, involved) });
 * ```
 */
export function exporterEventJson(event: KubeEvent, involved?: InvolvedObject, clusterName = ''): string {
  return marshal(enhancedEventJson(event, involved, clusterName), ENHANCED_EVENT);
}
