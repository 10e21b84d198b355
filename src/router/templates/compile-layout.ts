/**
 * Payload layouts for our own schema: Handlebars templates over a {@link KubeEvent}, compiled
 * once and checked at load time.
 *
 * @module
 */
import type { KubeEvent } from '../../stream/kube-event.ts';
import { fromCoreV1Event } from '../../stream/kube-event.ts';
import type { InvolvedObject, OwnerReference } from '../route-spec.ts';
import type { Layout, LayoutEnvironment, LayoutFlavor, PathSchema, Payload } from './layout-engine.ts';
import { createLayoutEnvironment } from './layout-engine.ts';
import { layoutHelpers } from './layout-helpers.ts';
import { lastSeenMs, relatedOf } from '../event-fields.ts';

/**
 * What a render knows besides the event: the involved object (from enrichment) and the delivery
 * (a {@link Delivery} fits: `render(event, { ...delivery, involved })`).
 *
 * @example
 * ```ts
 * const payload = render(event, { involved, receiver: d.receiver, route: d.route, repeats: d.repeats });
 * ```
 */
export interface RenderContext {
  /** The involved object's labels, annotations and owners. @default none (empty maps) */
  readonly involved?: InvolvedObject | undefined;
  /** Repeats suppressed by a throttle, from {@link Delivery.repeats}. @default 0 */
  readonly repeats?: number;
  /** The receiver the payload is for. @default '' */
  readonly receiver?: string;
  /** The route that sent it. @default '' */
  readonly route?: string;
}

/**
 * A compiled layout: renders one event (and its delivery context) to a payload. Throws
 * {@link LayoutError} only if the template reads a map key the event does not have without a
 * fallback (see {@link compileLayout}).
 *
 * @example
 * ```ts
 * const body: Payload = render(event, { repeats: 3 });
 * ```
 */
export type LayoutRenderer = (event: KubeEvent, context?: RenderContext) => Payload;

/**
 * Options of {@link compileLayout}.
 *
 * @example
 * ```ts
 * compileLayout(layout, { sample: myTypicalEvent, sampleContext: { involved: { labels: { team: 'payments' } } } });
 * ```
 */
export interface CompileLayoutOptions {
  /**
   * The event every template is rendered against at load time, so that an error surfaces then.
   * @default a built-in Warning `BackOff` event about a Pod, with no labels or annotations
   */
  readonly sample?: KubeEvent;
  /** The render context of the sample. @default {} */
  readonly sampleContext?: RenderContext;
}

interface Input {
  readonly event: KubeEvent;
  readonly context: RenderContext | undefined;
}

const REFERENCE: PathSchema = { kind: 'leaf', name: 'leaf', namespace: 'leaf', uid: 'leaf', apiVersion: 'leaf', fieldPath: 'leaf', resourceVersion: 'leaf' };

/** The shape of a layout's context: every field a template may read. */
export const LAYOUT_SCHEMA: PathSchema = {
  api: 'leaf',
  uid: 'leaf',
  name: 'leaf',
  namespace: 'leaf',
  resourceVersion: 'leaf',
  type: 'leaf',
  reason: 'leaf',
  action: 'leaf',
  message: 'leaf',
  regarding: REFERENCE,
  related: REFERENCE,
  reportingController: 'leaf',
  reportingInstance: 'leaf',
  source: { component: 'leaf', host: 'leaf' },
  count: 'leaf',
  firstTimestamp: 'leaf',
  lastTimestamp: 'leaf',
  eventTime: 'leaf',
  creationTimestamp: 'leaf',
  timestamp: 'leaf',
  series: { count: 'leaf', lastObservedTime: 'leaf' },
  labels: 'map',
  annotations: 'map',
  timestampText: { firstTimestamp: 'leaf', lastTimestamp: 'leaf', eventTime: 'leaf', seriesLastObservedTime: 'leaf', creationTimestamp: 'leaf' },
  raw: 'any',
  involved: { labels: 'map', annotations: 'map', ownerReferences: 'any' },
  repeats: 'leaf',
  receiver: 'leaf',
  route: 'leaf',
};

/** Hints for the mistakes people make most, by the path's first segment. */
function hint(parts: readonly string[]): string | undefined {
  const [head, second] = parts;
  if (head === 'involvedObject' || head === 'InvolvedObject') return 'the involved object is `regarding` (`{{regarding.name}}`); its labels are `involved.labels`';
  if (head === 'note') return 'the note is `message`';
  if (head !== undefined && /^[A-Z]/.test(head)) return `fields are camelCase: \`${head.charAt(0).toLowerCase()}${head.slice(1)}\` (a Go template? load it with loadExporterConfig)`;
  if (second !== undefined && ['firstTimestamp', 'lastTimestamp', 'eventTime', 'creationTimestamp', 'timestamp'].includes(head ?? '')) {
    return `timestamps are ISO 8601 strings: \`{{${head ?? ''}}}\`, or \`{{timestampMs ${head ?? ''}}}\` for milliseconds`;
  }
  return undefined;
}

function iso(date: Date | undefined): string | undefined {
  return date?.toISOString();
}

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});
const NO_OWNERS: readonly OwnerReference[] = Object.freeze([]);

/** How each top-level field of the context is computed. */
const FIELDS: Readonly<Record<string, (e: KubeEvent, c: RenderContext | undefined) => unknown>> = {
  api: (e) => e.api,
  uid: (e) => e.uid,
  name: (e) => e.name,
  namespace: (e) => e.namespace,
  resourceVersion: (e) => e.resourceVersion,
  type: (e) => e.type,
  reason: (e) => e.reason,
  action: (e) => e.action,
  message: (e) => e.message,
  regarding: (e) => e.regarding,
  related: (e) => relatedOf(e),
  reportingController: (e) => e.reportingController,
  reportingInstance: (e) => e.reportingInstance,
  source: (e) => e.source,
  count: (e) => e.count,
  firstTimestamp: (e) => iso(e.firstTimestamp),
  lastTimestamp: (e) => iso(e.lastTimestamp),
  eventTime: (e) => iso(e.eventTime),
  creationTimestamp: (e) => iso(e.creationTimestamp),
  timestamp: (e) => {
    const seen = lastSeenMs(e);
    return seen === undefined ? undefined : new Date(seen).toISOString();
  },
  series: (e) => ({ count: e.series?.count ?? 0, lastObservedTime: iso(e.series?.lastObservedTime) }),
  labels: (e) => e.labels,
  annotations: (e) => e.annotations,
  timestampText: (e) => e.timestampText,
  raw: (e) => e.raw,
  involved: (_e, c) => ({
    labels: c?.involved?.labels ?? EMPTY,
    annotations: c?.involved?.annotations ?? EMPTY,
    ownerReferences: c?.involved?.ownerReferences ?? NO_OWNERS,
  }),
  repeats: (_e, c) => c?.repeats ?? 0,
  receiver: (_e, c) => c?.receiver ?? '',
  route: (_e, c) => c?.route ?? '',
};
const ALL_FIELDS = Object.keys(FIELDS);

/**
 * The context a layout template sees: the event's fields (timestamps as ISO 8601 strings,
 * `related` all `''` when absent), `timestamp` (when it last happened), `involved`, and the
 * delivery's `repeats`, `receiver` and `route` — only those the layout reads.
 */
function contextOf({ event, context }: Input, needed: ReadonlySet<string> | undefined): object {
  const out: Record<string, unknown> = {};
  for (const key of needed ?? ALL_FIELDS) {
    const compute = FIELDS[key];
    if (compute !== undefined) out[key] = compute(event, context);
  }
  return out;
}

function rootOf(root: unknown): Record<string, unknown> {
  return typeof root === 'object' && root !== null ? (root as Record<string, unknown>) : {};
}

const FLAVOR: LayoutFlavor<Input> = {
  helpers: layoutHelpers(
    (root) => {
      const t = rootOf(root).timestamp;
      return typeof t === 'string' ? new Date(t) : undefined;
    },
    (root, which) => {
      const involved = rootOf(root).involved;
      const map = typeof involved === 'object' && involved !== null ? (involved as Record<string, unknown>)[which] : undefined;
      return typeof map === 'object' && map !== null ? (map as Record<string, string>) : EMPTY;
    },
  ),
  schema: LAYOUT_SCHEMA,
  hint,
  source: (template) => template,
  context: contextOf,
  helperNeeds: { timestampMs: ['timestamp'], timestampIso: ['timestamp'], label: ['involved'], annotation: ['involved'] },
};

let environment: LayoutEnvironment<Input> | undefined;

/**
 * The built-in sample event layouts are rendered against at load time: a core/v1 Warning
 * `BackOff` about a Pod, with no labels or annotations (so a template that reads a label without
 * a fallback fails at load, not on the first real event without it).
 *
 * @example
 * ```ts
 * compileLayout(layout, { sample: { ...sampleEvent(), namespace: 'prod' } });
 * ```
 */
export function sampleEvent(): KubeEvent {
  return fromCoreV1Event({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web-0.17cb3c8a1e2f4b5d', namespace: 'default', uid: '0f6c1b1e-7a8b-4c3d-9e0f-1a2b3c4d5e6f', resourceVersion: '1000', creationTimestamp: '2024-05-01T10:00:00Z' },
    involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'default', apiVersion: 'v1', uid: '8b0a7c3e-8f5d-4f0e-9b8a-2c1d3e4f5a6b', fieldPath: 'spec.containers{app}' },
    reason: 'BackOff',
    message: 'Back-off restarting failed container app in pod web-0_default',
    type: 'Warning',
    count: 4,
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2024-05-01T10:00:00Z',
    lastTimestamp: '2024-05-01T10:05:00Z',
    reportingComponent: 'kubelet',
    reportingInstance: 'node-1',
  });
}

/**
 * Compiles a payload layout once. A layout is a Handlebars template string, or an object/array
 * whose string leaves are templates (numbers, booleans and `null` are kept). Every template is
 * parsed, every field it reads is checked against the event's shape, and the whole layout is
 * rendered against a sample event — so an unknown field (`{{reson}}`), an unknown helper, or a
 * label read without a fallback is a {@link LayoutError} now, with the layout path and a fix,
 * never an empty string later.
 *
 * Templates see the event's fields (`reason`, `message`, `regarding.kind`, `source.host`,
 * `count`, `labels.<key>`…; timestamps as ISO 8601 strings, `timestamp` = when it last
 * happened), `involved.labels`/`involved.annotations`/`involved.ownerReferences`, and the
 * delivery's `repeats`, `receiver` and `route`. Output is not HTML-escaped. Prototype access is
 * disabled.
 *
 * Helpers: `toJson x`, `toPrettyJson x`, `timestampMs [date]`, `timestampIso [date]` (the event's
 * time when no date is given), `lower s`, `upper s`, `default value fallback` (fallback when
 * value is absent, null or `''`), `truncate s n [suffix='…']` (at most `n` characters, suffix
 * included), `label "key" [fallback]` / `annotation "key" [fallback]` (the involved object's,
 * `''` or the fallback when absent), and Handlebars' `if`, `unless`, `each`, `with`, `lookup`.
 *
 * Reading `{{labels.team}}` (or `involved.labels.team`) directly requires the key: rendering an
 * event without it throws. Use `{{label "team"}}` or `{{default involved.labels.team "none"}}`.
 *
 * @param layout - The layout.
 * @param options - The sample event to check against.
 * @returns The renderer: `(event, context?) => payload`.
 * @throws {@link LayoutError} for a template that does not parse, reads an unknown field, calls an
 * unknown helper, or fails on the sample event.
 *
 * @example
 * ```ts
 * import { compileLayout } from 'kube-events/router';
 *
 * const render = compileLayout({
 *   title: '{{upper type}} {{reason}} on {{regarding.kind}} {{namespace}}/{{regarding.name}}',
 *   text: '{{truncate message 200}}{{#if repeats}} (and {{repeats}} more){{/if}}',
 *   team: '{{label "team" "unowned"}}',
 *   at: '{{timestampIso}}',
 * });
 * const payload = render(event, { involved, repeats: delivery.repeats });
 * ```
 */
export function compileLayout(layout: Layout, options: CompileLayoutOptions = {}): LayoutRenderer {
  environment ??= createLayoutEnvironment(FLAVOR, ({ event }) => `event ${event.namespace === '' ? '' : `${event.namespace}/`}${event.name}`);
  const render = environment.compile(layout, { event: options.sample ?? sampleEvent(), context: options.sampleContext });
  return (event, context) => render({ event, context });
}
