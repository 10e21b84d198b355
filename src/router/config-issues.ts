/**
 * Collecting config issues with their path, shared by the validators of our schema and of
 * kubernetes-event-exporter configs.
 *
 * @module
 */
import type { RouterConfigIssue, RouterConfigIssueCode } from './router-errors.ts';

/** One segment of a config path: an object key or an array index. */
export type PathSegment = string | number;

/** An issue with its path as segments (to find the YAML node it came from). */
export interface PendingIssue {
  /** The issue's code. */
  readonly code: RouterConfigIssueCode;
  /** Where, as segments. */
  readonly segments: readonly PathSegment[];
  /** What is wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * A path as text: `routes[1].match.reason`, with keys that are not identifiers quoted
 * (`involved.labels["app.kubernetes.io/name"]`).
 *
 * @param segments - The segments.
 * @returns The dotted path.
 */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (IDENTIFIER.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** The issue as the error reports it (line and column are added by the YAML loaders). */
export function toIssue(p: PendingIssue, position?: { line: number; column: number }): RouterConfigIssue {
  const base = { code: p.code, path: formatPath(p.segments), message: p.message, fix: p.fix };
  return position === undefined ? base : { ...base, line: position.line, column: position.column };
}

/** Accumulates issues while a validator walks a config. */
export class IssueList {
  readonly #issues: PendingIssue[] = [];

  /** Records an issue. */
  add(code: RouterConfigIssueCode, segments: readonly PathSegment[], message: string, fix: string): void {
    this.#issues.push({ code, segments: [...segments], message, fix });
  }

  /** The issues recorded so far. */
  get all(): readonly PendingIssue[] {
    return this.#issues;
  }
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}

/**
 * The closest of `candidates` to `word` (case-insensitive equal, or at most 2 edits away), if any.
 *
 * @param word - What was written.
 * @param candidates - What is allowed.
 * @returns The suggestion, or `undefined`.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    if (c.toLowerCase() === word.toLowerCase()) return c;
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** A value's type for messages: `null`, `array`, `RegExp`, or `typeof`. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof RegExp) return 'RegExp';
  return typeof value;
}

/** A short rendering of a value for messages. */
export function show(value: unknown): string {
  let text: string;
  if (typeof value === 'function') text = '[function]';
  else if (value instanceof RegExp) text = String(value);
  else {
    try {
      // JSON.stringify returns undefined for `undefined` and symbols, whatever its type says.
      const json = JSON.stringify(value) as string | undefined;
      text = json ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** True for a plain object (not null, not an array, not a RegExp). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof RegExp);
}
