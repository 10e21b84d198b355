/**
 * The helpers of payload layouts.
 *
 * @module
 */
import type { Helper } from './layout-engine.ts';

/** Handlebars passes an options object as the last argument of every helper call. */
function isOptions(value: unknown): value is { data?: { root?: unknown } } {
  return typeof value === 'object' && value !== null && 'hash' in value && 'data' in value;
}

/** The helper's arguments without Handlebars' trailing options object. */
function argsOf(args: readonly unknown[]): unknown[] {
  return isOptions(args.at(-1)) ? args.slice(0, -1) : [...args];
}

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'string' && value !== '') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : new Date(ms);
  }
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value);
  return undefined;
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

/**
 * The helpers of our layouts. `timestampMs`/`timestampIso` without an argument use the event's
 * own time, read from the root context's `timestamp` field.
 */
export function layoutHelpers(rootTimestamp: (root: unknown) => Date | undefined, rootMap: (root: unknown, which: 'labels' | 'annotations') => Readonly<Record<string, string>>): Record<string, Helper> {
  const eventTime = (args: readonly unknown[]): Date | undefined => {
    const a = argsOf(args);
    if (a.length > 0) return toDate(a[0]);
    const options = args.at(-1);
    return isOptions(options) ? rootTimestamp(options.data?.root) : undefined;
  };
  const mapValue = (which: 'labels' | 'annotations') => (...args: unknown[]): string => {
    const [key, fallback] = argsOf(args);
    const options = args.at(-1);
    const map = isOptions(options) ? rootMap(options.data?.root, which) : {};
    const k = text(key);
    return Object.hasOwn(map, k) ? (map[k] ?? '') : text(fallback);
  };
  return {
    toJson: (...args) => JSON.stringify(argsOf(args)[0] ?? null),
    toPrettyJson: (...args) => JSON.stringify(argsOf(args)[0] ?? null, null, 2),
    timestampMs: (...args) => {
      const d = eventTime(args);
      return d === undefined ? '' : d.getTime();
    },
    timestampIso: (...args) => {
      const d = eventTime(args);
      return d === undefined ? '' : d.toISOString();
    },
    lower: (...args) => text(argsOf(args)[0]).toLowerCase(),
    upper: (...args) => text(argsOf(args)[0]).toUpperCase(),
    default: (...args) => {
      const [value, fallback] = argsOf(args);
      return value === undefined || value === null || value === '' ? fallback : value;
    },
    truncate: (...args) => {
      const [value, length, suffix] = argsOf(args);
      const s = text(value);
      const max = typeof length === 'number' ? Math.max(0, Math.floor(length)) : Number(length);
      if (!Number.isFinite(max)) throw new Error('truncate needs a length: {{truncate message 200}}');
      const chars = Array.from(s);
      if (chars.length <= max) return s;
      const tail = suffix === undefined ? '…' : text(suffix);
      const keep = Math.max(0, max - Array.from(tail).length);
      return chars.slice(0, keep).join('') + tail;
    },
    label: mapValue('labels'),
    annotation: mapValue('annotations'),
  };
}
