/**
 * Field selectors as kube-apiserver parses and matches them (`fields.ParseSelector`):
 * comma-separated `field=value`, `field==value` and `field!=value` terms, ANDed, with `\`, `,`
 * and `=` backslash-escaped in values.
 *
 * Followed upstream (read, not copied): k8s.io/apimachinery/pkg/fields/selector.go —
 * `splitTerms`, `splitTerm`, `parseSelector`, `EscapeValue`, `UnescapeValue`, `hasTerm` /
 * `notHasTerm` (`Matches`, `Transform`, `String`), `andTerm.RequiresExactMatch`.
 */
import { compareByteOrder } from './label-selector.ts';
import { InvalidFieldSelectorError } from './selector-errors.ts';

/** A field requirement's operator, as `selection.Operator`: `=` (for both `=` and `==`) or `!=`. */
export type FieldOperator = '=' | '!=';

/** One term of a field selector (`fields.Requirement`). */
export interface FieldRequirement {
  /** The field label, e.g. `involvedObject.name`. */
  readonly field: string;
  /** `=` or `!=`. */
  readonly operator: FieldOperator;
  /** The value, unescaped. */
  readonly value: string;
}

/** A parsed field selector: the AND of its terms. */
export interface FieldSelector {
  /** The terms, in upstream's order (sorted by their text); none selects everything. */
  readonly requirements: readonly FieldRequirement[];
}

/**
 * Parses a field selector exactly as kube-apiserver's `fields.ParseSelector` does. The empty
 * string selects everything; so do empty terms (`a=b,,`) and a bare `=` or `!=`, which upstream
 * drops.
 *
 * @throws {@link InvalidFieldSelectorError} with apimachinery's text when it does not parse.
 * @example
 * ```ts
 * import { parseFieldSelector, matchesFields } from 'kube-events/testing';
 *
 * const sel = parseFieldSelector('involvedObject.kind=Pod,type!=Normal');
 * matchesFields(sel, { 'involvedObject.kind': 'Pod', type: 'Warning' }); // true
 * ```
 */
export function parseFieldSelector(text: string): FieldSelector {
  const parts = splitTerms(text).sort(compareByteOrder);
  const requirements: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const term = splitTerm(part);
    if (term === undefined) throw new InvalidFieldSelectorError(`invalid selector: '${text}'; can't understand '${part}'`);
    const value = unescapeFieldValue(term.rhs);
    // hasTerm/notHasTerm.Transform turn a term with neither field nor value into Everything().
    if (term.lhs === '' && value === '') continue;
    requirements.push({ field: term.lhs, operator: term.op === '!=' ? '!=' : '=', value });
  }
  return { requirements };
}

/**
 * The selector's terms as `{ field, operator, value }` (`Selector.Requirements()`).
 *
 * @example
 * ```ts
 * fieldSelectorRequirements(parseFieldSelector('b!=2,a==1'));
 * // [{ field: 'a', operator: '=', value: '1' }, { field: 'b', operator: '!=', value: '2' }]
 * ```
 */
export function fieldSelectorRequirements(sel: FieldSelector): FieldRequirement[] {
  return sel.requirements.map((r) => ({ ...r }));
}

/**
 * True when the fields satisfy every term. As upstream, a field absent from `fields` reads as the
 * empty string, so `f!=v` matches an object without `f` and `f=` matches it too.
 *
 * @example
 * ```ts
 * matchesFields(parseFieldSelector('reason!=Killing'), { reason: 'Started' }); // true
 * ```
 */
export function matchesFields(selector: FieldSelector, fields: Readonly<Record<string, string>>): boolean {
  return selector.requirements.every((r) => {
    const actual = Object.hasOwn(fields, r.field) ? (fields[r.field] ?? '') : '';
    return r.operator === '=' ? actual === r.value : actual !== r.value;
  });
}

/**
 * The value the selector requires `field` to equal, if one of its `=` terms names it
 * (`Selector.RequiresExactMatch`); kube-apiserver uses it to check that a watch on a named object
 * and a `metadata.name` field selector agree.
 *
 * @example
 * ```ts
 * fieldSelectorExactMatch(parseFieldSelector('metadata.name=web'), 'metadata.name'); // 'web'
 * ```
 */
export function fieldSelectorExactMatch(sel: FieldSelector, field: string): string | undefined {
  return sel.requirements.find((r) => r.field === field && r.operator === '=')?.value;
}

/**
 * The selector as upstream's `Selector.String()` writes it, values escaped, e.g. `a=1,b!=x\,y`.
 *
 * @example
 * ```ts
 * fieldSelectorString(parseFieldSelector('b!=x\\,y,a==1')); // 'a=1,b!=x\\,y'
 * ```
 */
export function fieldSelectorString(sel: FieldSelector): string {
  return sel.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
}

/**
 * Escapes a literal value for use in a field selector, as `fields.EscapeValue`: `\` becomes `\\`,
 * `,` becomes `\,` and `=` becomes `\=`.
 *
 * @example
 * ```ts
 * `involvedObject.name=${escapeFieldValue('a,b=c')}`; // 'involvedObject.name=a\\,b\\=c'
 * ```
 */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (ch) => `\\${ch}`);
}

/**
 * Unescapes a field selector value, as `fields.UnescapeValue`: `\\`, `\,` and `\=` are the only
 * escapes, and an unescaped `,` or `=` is an error.
 *
 * @throws {@link InvalidFieldSelectorError}, e.g. `invalid field selector: invalid escape sequence: \x`
 * or `invalid field selector: unescaped character in value: 61` (Go prints the rune as a number).
 * @example
 * ```ts
 * unescapeFieldValue('a\\,b\\=c'); // 'a,b=c'
 * ```
 */
export function unescapeFieldValue(text: string): string {
  let out = '';
  let inSlash = false;
  for (const ch of text) {
    if (inSlash) {
      if (ch !== '\\' && ch !== ',' && ch !== '=') throw new InvalidFieldSelectorError(`invalid field selector: invalid escape sequence: \\${ch}`);
      out += ch;
      inSlash = false;
    } else if (ch === '\\') {
      inSlash = true;
    } else if (ch === ',' || ch === '=') {
      throw new InvalidFieldSelectorError(`invalid field selector: unescaped character in value: ${ch.codePointAt(0) ?? 0}`);
    } else {
      out += ch;
    }
  }
  // A trailing single backslash is an invalid sequence.
  if (inSlash) throw new InvalidFieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** The comma-separated terms; an escaped comma stays in its term, backslash and all. */
function splitTerms(text: string): string[] {
  if (text === '') return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inSlash) inSlash = false;
    else if (ch === '\\') inSlash = true;
    else if (ch === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

const TERM_OPERATORS = ['!=', '==', '='] as const;

/** Splits at the first operator: the field cannot escape anything. `==` is tried before `=`. */
function splitTerm(term: string): { lhs: string; op: (typeof TERM_OPERATORS)[number]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}
