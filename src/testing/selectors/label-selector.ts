/**
 * Label selectors as kube-apiserver parses and matches them: the full `labels.Parse` grammar
 * (`k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, `k>1`, `k<1`, comma = AND),
 * key and value validation with apimachinery's exact error texts, and `metav1.LabelSelector`
 * objects (`matchLabels` / `matchExpressions`).
 *
 * Followed upstream (read, not copied):
 * - k8s.io/apimachinery/pkg/labels/selector.go — lexer, parser, `NewRequirement`, `Matches`.
 * - k8s.io/apimachinery/pkg/api/validate/content/kube.go, dns.go, errors.go — `IsLabelKey`,
 *   `IsLabelValue`, `IsDNS1123Subdomain` and their messages.
 * - k8s.io/apimachinery/pkg/util/validation/field/{errors,path}.go — `field.Invalid` text
 *   (`<path>: Invalid value: "v": detail`, a nil path printing as `<nil>`) and aggregation.
 * - k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go — `LabelSelectorAsSelector`.
 */
import { goQuote, InvalidLabelSelectorError } from './selector-errors.ts';

/**
 * A requirement's operator, spelled as apimachinery's `selection.Operator`: `in`, `notin`, `=`,
 * `==`, `!=`, `exists`, `!` (does not exist), `gt`, `lt`.
 */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

/** One requirement of a label selector (`labels.Requirement`). */
export interface LabelRequirement {
  /** The label key, e.g. `app.kubernetes.io/name`. */
  readonly key: string;
  /** The operator. */
  readonly operator: LabelOperator;
  /** The values, sorted and without duplicates (empty for `exists` and `!`). */
  readonly values: readonly string[];
}

/** A parsed label selector: the AND of its requirements. */
export interface LabelSelector {
  /** The requirements, sorted by key; none selects everything. */
  readonly requirements: readonly LabelRequirement[];
  /** True for `labels.Nothing()` (what a null `metav1.LabelSelector` becomes): matches no object at all. */
  readonly matchesNothing: boolean;
}

/** A `metav1.LabelSelector` object, as in a Deployment's `spec.selector`. */
export interface LabelSelectorObject {
  /** Exact matches, ANDed. */
  matchLabels?: Readonly<Record<string, string>> | null;
  /** Set-based requirements, ANDed. */
  matchExpressions?: readonly LabelSelectorObjectRequirement[] | null;
}

/** One `metav1.LabelSelectorRequirement`. */
export interface LabelSelectorObjectRequirement {
  /** The label key. */
  key: string;
  /** `In`, `NotIn`, `Exists` or `DoesNotExist`. */
  operator: string;
  /** The values (must be non-empty for `In`/`NotIn`, empty for `Exists`/`DoesNotExist`). */
  values?: readonly string[] | null;
}

/**
 * Parses a label selector exactly as kube-apiserver's `labels.Parse` does. The empty string (or
 * only whitespace) selects everything.
 *
 * @throws {@link InvalidLabelSelectorError} with apimachinery's text when it does not parse.
 * @example
 * ```ts
 * import { parseLabelSelector, matchesLabels } from 'kube-events/testing';
 *
 * const sel = parseLabelSelector('app=web,tier notin (db),!canary');
 * matchesLabels(sel, { app: 'web', tier: 'frontend' }); // true
 * ```
 */
export function parseLabelSelector(text: string): LabelSelector {
  const requirements = new Parser(scan(text)).parse();
  return { requirements: sortByKey(requirements), matchesNothing: false };
}

/**
 * True when the labels satisfy every requirement of the selector. As upstream: `!=` and `notin`
 * match objects without the label, `gt`/`lt` need an integer label value.
 *
 * @example
 * ```ts
 * matchesLabels(parseLabelSelector('tier!=db'), {}); // true: there is no tier label
 * ```
 */
export function matchesLabels(selector: LabelSelector, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (selector.matchesNothing) return false;
  return selector.requirements.every((r) => matchesRequirement(r, labels ?? {}));
}

/**
 * Converts a `metav1.LabelSelector` object as `metav1.LabelSelectorAsSelector` does: null or
 * undefined selects nothing, an empty object selects everything.
 *
 * @throws {@link InvalidLabelSelectorError} with apimachinery's text for an unknown operator or an
 * invalid requirement.
 * @example
 * ```ts
 * const sel = labelSelectorFromObject({
 *   matchLabels: { app: 'web' },
 *   matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend', 'edge'] }],
 * });
 * matchesLabels(sel, { app: 'web', tier: 'edge' }); // true
 * ```
 */
export function labelSelectorFromObject(sel: LabelSelectorObject | null | undefined): LabelSelector {
  if (sel === null || sel === undefined) return { requirements: [], matchesNothing: true };
  const requirements: LabelRequirement[] = [];
  // Go ranges over matchLabels in random order; sorting makes the first error reported stable.
  for (const key of Object.keys(sel.matchLabels ?? {}).sort(compareByteOrder)) {
    requirements.push(newRequirement(key, '=', [sel.matchLabels?.[key] ?? ''], null));
  }
  for (const expr of sel.matchExpressions ?? []) {
    const op = OBJECT_OPERATORS[expr.operator];
    if (op === undefined) throw new InvalidLabelSelectorError(`${goQuote(expr.operator)} is not a valid label selector operator`);
    // `append([]string(nil), expr.Values...)`: no values at all is a nil slice.
    const values = expr.values && expr.values.length > 0 ? [...expr.values] : null;
    requirements.push(newRequirement(expr.key, op, values, null));
  }
  return { requirements: sortByKey(requirements), matchesNothing: false };
}

/**
 * The selector as upstream's `Selector.String()` writes it, e.g. `app=web,tier notin (db,edge)`
 * (`metav1.FormatLabelSelector` shows `<none>` for the empty string).
 *
 * @example
 * ```ts
 * labelSelectorString(parseLabelSelector('b in (y,x), a')); // 'a,b in (x,y)'
 * ```
 */
export function labelSelectorString(selector: LabelSelector): string {
  return selector.requirements.map(requirementString).join(',');
}

/**
 * Compares two strings in Go's byte order (the order of their UTF-8 encodings, i.e. of code
 * points), which is how apimachinery sorts keys and values.
 *
 * @internal
 */
export function compareByteOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i) ?? 0;
    const cb = b.codePointAt(i) ?? 0;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length - b.length;
}

const OBJECT_OPERATORS: Readonly<Record<string, LabelOperator>> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

function sortByKey(requirements: readonly LabelRequirement[]): LabelRequirement[] {
  return [...requirements].sort((x, y) => compareByteOrder(x.key, y.key));
}

// ---------------------------------------------------------------------------------------------
// Matching (labels.Requirement.Matches).

function matchesRequirement(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return value !== undefined && r.values.includes(value);
    case 'notin':
    case '!=':
      return value === undefined || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (value === undefined || r.values.length !== 1) return false;
      const actual = parseInt64(value);
      const wanted = parseInt64(r.values[0] ?? '');
      if (actual === undefined || wanted === undefined) return false;
      return r.operator === 'gt' ? actual > wanted : actual < wanted;
    }
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go's `strconv.ParseInt(s, 10, 64)`: optional sign, decimal digits, within int64. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

// ---------------------------------------------------------------------------------------------
// Requirements and their validation (labels.NewRequirement, content.IsLabelKey / IsLabelValue).

/**
 * `labels.NewRequirement` with a nil field path: `values` null stands for Go's nil slice, which
 * `%#v` prints differently from an empty one.
 */
function newRequirement(key: string, operator: LabelOperator, values: string[] | null, path: string | null): LabelRequirement {
  const errs: string[] = [];
  const keyErr = validateLabelKey(key, child(path, 'key'));
  if (keyErr !== undefined) errs.push(keyErr);
  const vals = values ?? [];
  const valuesPath = child(path, 'values');
  switch (operator) {
    case 'in':
    case 'notin':
      if (vals.length === 0) errs.push(invalid(valuesPath, goStringSlice(values), "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (vals.length !== 1) errs.push(invalid(valuesPath, goStringSlice(values), 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (vals.length !== 0) errs.push(invalid(valuesPath, goStringSlice(values), 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (vals.length !== 1) errs.push(invalid(valuesPath, goStringSlice(values), "for 'Gt', 'Lt' operators, exactly one value is required"));
      vals.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(invalid(`${valuesPath}[${i}]`, goQuote(v), "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
  }
  vals.forEach((v, i) => {
    const problems = labelValueErrors(v);
    if (problems.length > 0) errs.push(invalid(`${valuesPath}[${i}][${key}]`, goQuote(v), problems.join('; ')));
  });
  if (errs.length > 0) throw new InvalidLabelSelectorError(aggregate(errs));
  return { key, operator, values: vals };
}

/** `field.Path.Child` on a possibly nil path (nil.Child("x") is the root path "x"). */
function child(path: string | null, name: string): string {
  return path === null ? name : `${path}.${name}`;
}

/** `field.Invalid(path, value, detail).Error()`; `value` is already formatted as Go prints it. */
function invalid(path: string, formattedValue: string, detail: string): string {
  return `${path}: Invalid value: ${formattedValue}: ${detail}`;
}

/** `%#v` of a `[]string`. */
function goStringSlice(values: readonly string[] | null): string {
  return values === null ? '[]string(nil)' : `[]string{${values.map(goQuote).join(', ')}}`;
}

/** `field.ErrorList.ToAggregate().Error()`: duplicates dropped, several in brackets. */
function aggregate(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? (unique[0] ?? '') : `[${unique.join(', ')}]`;
}

/** `validateLabelKey` in the parser: `<nil>: Invalid value: "k": …` (the parser's path is nil). */
function validateLabelKey(key: string, path: string): string | undefined {
  const problems = labelKeyErrors(key);
  return problems.length === 0 ? undefined : invalid(path, goQuote(key), problems.join('; '));
}

const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_KEY_RE = new RegExp(`^${LABEL_KEY_FMT}$`);
const LABEL_KEY_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`;
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

/** `content.RegexError`. */
function regexError(msg: string, re: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${re}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${re}')`;
}

/** `content.MaxLenError`: Go measures strings in bytes. */
function maxLenError(n: number): string {
  return `must be no more than ${n} bytes`;
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** `content.IsLabelKey` (formerly `validation.IsQualifiedName`). */
function labelKeyErrors(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0] ?? '';
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...dns1123SubdomainErrors(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a valid label key ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (byteLength(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!LABEL_KEY_RE.test(name)) errs.push(`name part ${regexError(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** `content.IsLabelValue`. */
function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!LABEL_VALUE_RE.test(value)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** `content.IsDNS1123Subdomain`. */
function dns1123SubdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!DNS1123_SUBDOMAIN_RE.test(value)) errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

// ---------------------------------------------------------------------------------------------
// Lexer (labels.Lexer). It works on characters where Go works on bytes; every character it
// treats specially is ASCII, so the tokens are the same.

type Token = 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';

interface ScannedItem {
  readonly tok: Token;
  readonly lit: string;
}

const LITERAL_TOKENS: ReadonlyMap<string, Token> = new Map<string, Token>([
  [')', ')'],
  [',', ','],
  ['!', '!'],
  ['==', '=='],
  ['=', '='],
  ['>', '>'],
  ['in', 'in'],
  ['<', '<'],
  ['!=', '!='],
  ['notin', 'notin'],
  ['(', '('],
]);

/** Go reads a 0 byte both at the end of the input and for an actual NUL. */
const END = '\0';

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function isSpecialSymbol(ch: string): boolean {
  return ch === '=' || ch === '!' || ch === '(' || ch === ')' || ch === ',' || ch === '>' || ch === '<';
}

/** Tokenizes the whole input, ending with an `eos` item. */
function scan(text: string): ScannedItem[] {
  let pos = 0;
  const read = (): string => (pos < text.length ? (text[pos++] ?? END) : END);
  const unread = (): void => {
    pos--;
  };

  const scanIdOrKeyword = (): ScannedItem => {
    let buffer = '';
    for (;;) {
      const ch = read();
      if (ch === END) break;
      if (isSpecialSymbol(ch) || isWhitespace(ch)) {
        unread();
        break;
      }
      buffer += ch;
    }
    const tok = LITERAL_TOKENS.get(buffer);
    return { tok: tok ?? 'id', lit: buffer };
  };

  const scanSpecialSymbol = (): ScannedItem => {
    let last: ScannedItem | undefined;
    let buffer = '';
    for (;;) {
      const ch = read();
      if (ch === END) break;
      if (!isSpecialSymbol(ch)) {
        unread();
        break;
      }
      buffer += ch;
      const tok = LITERAL_TOKENS.get(buffer);
      if (tok !== undefined) {
        last = { tok, lit: buffer };
      } else if (last !== undefined) {
        unread();
        break;
      }
    }
    // Every special symbol is a token on its own, so `last` is always set (Go's ErrorToken
    // branch, "error expected: keyword found '…'", cannot be reached).
    return last ?? { tok: 'eos', lit: '' };
  };

  const lex = (): ScannedItem => {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    if (ch === END) return { tok: 'eos', lit: '' };
    unread();
    return isSpecialSymbol(ch) ? scanSpecialSymbol() : scanIdOrKeyword();
  };

  const items: ScannedItem[] = [];
  for (;;) {
    const item = lex();
    items.push(item);
    if (item.tok === 'eos') return items;
  }
}

// ---------------------------------------------------------------------------------------------
// Parser (labels.Parser).

/** In a `values` context the keywords `in` and `notin` are plain identifiers. */
type Context = 'keyAndOperator' | 'values';

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

class Parser {
  readonly #items: readonly ScannedItem[];
  #position = 0;

  constructor(items: readonly ScannedItem[]) {
    this.#items = items;
  }

  #at(index: number, context: Context): ScannedItem {
    const item = this.#items[Math.min(index, this.#items.length - 1)] ?? { tok: 'eos', lit: '' };
    if (context === 'values' && (item.tok === 'in' || item.tok === 'notin')) return { tok: 'id', lit: item.lit };
    return item;
  }

  #lookahead(context: Context): ScannedItem {
    return this.#at(this.#position, context);
  }

  #consume(context: Context): ScannedItem {
    return this.#at(this.#position++, context);
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.#lookahead('values');
      if (tok === 'eos') return requirements;
      if (tok !== 'id' && tok !== '!') fail(`found '${lit}', expected: !, identifier, or 'end of string'`);
      try {
        requirements.push(this.#parseRequirement());
      } catch (err) {
        if (err instanceof InvalidLabelSelectorError) fail(`unable to parse requirement: ${err.message}`);
        throw err;
      }
      const next = this.#consume('values');
      if (next.tok === 'eos') return requirements;
      if (next.tok !== ',') fail(`found '${next.lit}', expected: ',' or 'end of string'`);
      const after = this.#lookahead('values');
      if (after.tok !== 'id' && after.tok !== '!') fail(`found '${after.lit}', expected: identifier after ','`);
    }
  }

  #parseRequirement(): LabelRequirement {
    const [key, inferred] = this.#parseKeyAndInferOperator();
    if (inferred !== undefined) return newRequirement(key, inferred, [], null);
    const operator = this.#parseOperator();
    const values = operator === 'in' || operator === 'notin' ? this.#parseValues() : this.#parseExactValue();
    return newRequirement(key, operator, [...values].sort(compareByteOrder), null);
  }

  /** The key, and `exists` / `!` when no binary operator follows. */
  #parseKeyAndInferOperator(): [string, LabelOperator | undefined] {
    let operator: LabelOperator | undefined;
    let item = this.#consume('values');
    if (item.tok === '!') {
      operator = '!';
      item = this.#consume('values');
    }
    if (item.tok !== 'id') fail(`found '${item.lit}', expected: identifier`);
    const keyErr = validateLabelKey(item.lit, '<nil>');
    if (keyErr !== undefined) fail(keyErr);
    const next = this.#lookahead('values').tok;
    if ((next === 'eos' || next === ',') && operator === undefined) operator = 'exists';
    return [item.lit, operator];
  }

  #parseOperator(): LabelOperator {
    const { tok, lit } = this.#consume('keyAndOperator');
    switch (tok) {
      case 'in':
        return 'in';
      case 'notin':
        return 'notin';
      case '=':
        return '=';
      case '==':
        return '==';
      case '!=':
        return '!=';
      case '>':
        return 'gt';
      case '<':
        return 'lt';
      default:
        return fail(`found '${lit}', expected: ${BINARY_OPERATORS}`);
    }
  }

  /** `(a,b,…)`; `()` is the set holding the empty string. */
  #parseValues(): Set<string> {
    const open = this.#consume('values');
    if (open.tok !== '(') fail(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.#lookahead('values');
    if (tok === 'id' || tok === ',') {
      const values = this.#parseIdentifiersList();
      // Upstream reports the literal that followed '(' here; parseIdentifiersList only returns
      // when ')' is next, so this cannot fail.
      if (this.#consume('values').tok !== ')') fail(`found '${lit}', expected: ')'`);
      return values;
    }
    if (tok === ')') {
      this.#consume('values');
      return new Set(['']);
    }
    return fail(`found '${lit}', expected: ',', ')' or identifier`);
  }

  /** A comma-separated list of possibly empty identifiers, up to (not including) `)`. */
  #parseIdentifiersList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const { tok, lit } = this.#consume('values');
      if (tok === 'id') {
        values.add(lit);
        const next = this.#lookahead('values');
        if (next.tok === ',') continue;
        if (next.tok === ')') return values;
        fail(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (tok !== ',') fail(`found '${lit}', expected: ',', or identifier`);
      if (values.size === 0) values.add(''); // "(,"
      const next = this.#lookahead('values').tok;
      if (next === ')') {
        values.add(''); // ",)"
        return values;
      }
      if (next === ',') values.add(''); // ",,"
    }
  }

  /** The one value of `=`, `==`, `!=`, `>` or `<`; nothing before `,` or the end is the empty string. */
  #parseExactValue(): Set<string> {
    const next = this.#lookahead('values').tok;
    if (next === 'eos' || next === ',') return new Set(['']);
    const { tok, lit } = this.#consume('values');
    if (tok === 'id') return new Set([lit]);
    return fail(`found '${lit}', expected: identifier`);
  }
}

function fail(message: string): never {
  throw new InvalidLabelSelectorError(message);
}

// ---------------------------------------------------------------------------------------------
// String form (labels.Requirement.String).

function requirementString(r: LabelRequirement): string {
  const values = r.values.length === 1 ? (r.values[0] ?? '') : [...r.values].sort(compareByteOrder).join(',');
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
      return `${r.key} in (${values})`;
    case 'notin':
      return `${r.key} notin (${values})`;
    case 'gt':
      return `${r.key}>${values}`;
    case 'lt':
      return `${r.key}<${values}`;
    default:
      return `${r.key}${r.operator}${values}`;
  }
}
