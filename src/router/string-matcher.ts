/**
 * Compiles validated string matchers (exact, regex, glob, any-of, not, exists) into plain
 * `(value) => boolean` functions, picking the cheapest test for each: `===`, a `Set`, `startsWith`,
 * `endsWith`, `includes`, or a RegExp.
 *
 * @module
 */
import type { LabelMatcher } from './route-spec.ts';

/** A compiled matcher: `undefined` is an absent label or annotation. */
export type StringTest = (value: string | undefined) => boolean;

/** Regex flags a route may use: those that keep `RegExp#test` stateless. */
export const ALLOWED_REGEX_FLAGS = 'imsu';

/**
 * Why a regex does not compile or is not allowed, or `undefined` when it is fine.
 *
 * @param source - The pattern.
 * @param flags - The flags.
 * @returns The problem, or `undefined`.
 */
export function regexProblem(source: string, flags: string): string | undefined {
  for (const f of flags) {
    if (!ALLOWED_REGEX_FLAGS.includes(f)) {
      return `flag \`${f}\` is not allowed (${f === 'g' || f === 'y' ? 'it makes RegExp#test stateful' : 'allowed flags are `imsu`'})`;
    }
  }
  try {
    new RegExp(source, flags);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** A glob's parts: literal text and wildcards. */
type GlobToken = { readonly literal: string } | { readonly star: true } | { readonly one: true };

function tokenizeGlob(pattern: string): GlobToken[] | string {
  const tokens: GlobToken[] = [];
  let literal = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '\\') {
      if (i + 1 >= pattern.length) return 'a trailing `\\` escapes nothing';
      literal += pattern[++i] ?? '';
    } else if (c === '*' || c === '?') {
      if (literal !== '') tokens.push({ literal });
      literal = '';
      // `**` is the same as `*`.
      if (c === '*') {
        const last = tokens.at(-1);
        if (last === undefined || !('star' in last)) tokens.push({ star: true });
      } else {
        tokens.push({ one: true });
      }
    } else {
      literal += c;
    }
  }
  if (literal !== '') tokens.push({ literal });
  return tokens;
}

/**
 * Why a glob does not parse, or `undefined` when it is fine.
 *
 * @param pattern - The glob.
 * @returns The problem, or `undefined`.
 */
export function globProblem(pattern: string): string | undefined {
  const tokens = tokenizeGlob(pattern);
  return typeof tokens === 'string' ? tokens : undefined;
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/**
 * A test for a valid glob, matched against the whole value.
 *
 * @param pattern - The glob.
 * @returns The test.
 */
export function compileGlob(pattern: string): (value: string) => boolean {
  const tokens = tokenizeGlob(pattern);
  if (typeof tokens === 'string') throw new Error(tokens);
  const isLiteral = (t: GlobToken | undefined): t is { literal: string } => t !== undefined && 'literal' in t;
  const isStar = (t: GlobToken | undefined): boolean => t !== undefined && 'star' in t;
  const [a, b, c] = tokens;
  if (tokens.length === 0) return (v) => v === '';
  if (tokens.length === 1 && isLiteral(a)) {
    const s = a.literal;
    return (v) => v === s;
  }
  if (tokens.length === 1 && isStar(a)) return () => true;
  if (tokens.length === 2 && isLiteral(a) && isStar(b)) {
    const s = a.literal;
    return (v) => v.startsWith(s);
  }
  if (tokens.length === 2 && isStar(a) && isLiteral(b)) {
    const s = b.literal;
    return (v) => v.endsWith(s);
  }
  if (tokens.length === 3 && isStar(a) && isLiteral(b) && isStar(c)) {
    const s = b.literal;
    return (v) => v.includes(s);
  }
  // `s` so that `*` and `?` also match line breaks (messages have them).
  const re = new RegExp(
    `^${tokens.map((t) => ('literal' in t ? escapeRegex(t.literal) : 'star' in t ? '[\\s\\S]*' : '[\\s\\S]')).join('')}$`,
    'u',
  );
  return (v) => re.test(v);
}

/**
 * Compiles a validated matcher (see {@link LabelMatcher}) into a test. Arrays of plain strings
 * become a `Set` lookup (or `===` chains for up to three).
 *
 * @param matcher - The validated matcher.
 * @returns The test; `undefined` values (absent keys) match only `{ exists: false }` and negations.
 */
export function compileStringMatcher(matcher: LabelMatcher): StringTest {
  if (typeof matcher === 'string') return (v) => v === matcher;
  if (Array.isArray(matcher)) {
    const items = matcher as readonly LabelMatcher[];
    if (items.every((m) => typeof m === 'string')) {
      const strings = items;
      const [a, b, c] = strings;
      if (strings.length === 0) return () => false;
      if (strings.length === 1) return (v) => v === a;
      if (strings.length === 2) return (v) => v === a || v === b;
      if (strings.length === 3) return (v) => v === a || v === b || v === c;
      const set = new Set(strings);
      return (v) => v !== undefined && set.has(v);
    }
    const tests = items.map(compileStringMatcher);
    return (v) => {
      for (const t of tests) if (t(v)) return true;
      return false;
    };
  }
  const m = matcher as Exclude<LabelMatcher, string | readonly unknown[]>;
  if ('not' in m) {
    const inner = compileStringMatcher(m.not);
    return (v) => !inner(v);
  }
  if ('exists' in m) {
    const want = m.exists;
    return (v) => (v !== undefined) === want;
  }
  if ('glob' in m) {
    const test = compileGlob(m.glob);
    return (v) => v !== undefined && test(v);
  }
  const re = new RegExp(m.regex, m.flags ?? '');
  return (v) => v !== undefined && re.test(v);
}
