/**
 * Go (RE2) regular expressions, as kubernetes-event-exporter's rules use them, translated to
 * JavaScript RegExps with the same meaning — or rejected, with the reason Go's `regexp` package
 * would give, when Go would not compile them either.
 *
 * Follows the syntax of Go's regexp/syntax (parse.go): `\pN`-style Unicode classes, `\x{…}`
 * beyond U+FFFF, ungreedy mode (`U`) and mid-pattern flag changes `(?i)` are not translated (an
 * error names them); everything else is. Known differences that remain: case-insensitive
 * matching folds case as JavaScript does (not Unicode simple folding), and `.`, `\s`, `^`/`$`
 * in multi-line mode treat `\r`, U+2028 and U+2029 as JavaScript does only where JavaScript's
 * semantics are used (`(?m)`); `.` and `\s` themselves are translated exactly.
 *
 * @module
 */

/**
 * The result of translating a Go regexp.
 *
 * @example
 * ```ts
 * const t: GoRegexpTranslation = translateGoRegexp('kube-.*');
 * if (t.ok) t.regexp.test('kube-system');
 * ```
 */
export type GoRegexpTranslation =
  | {
      /** It translated. */
      readonly ok: true;
      /** The JavaScript RegExp with the Go pattern's meaning. */
      readonly regexp: RegExp;
    }
  | {
      /** It did not. */
      readonly ok: false;
      /** Why, in Go's words when Go would reject the pattern too. */
      readonly reason: string;
      /** `true`: Go accepts the pattern but the translation does not support it; `false`: Go rejects it. */
      readonly unsupported: boolean;
    };

/** JavaScript supports `(?i:…)` modifiers from V8 12.5 (Node 23); older runtimes do not. */
const MODIFIERS = ((): boolean => {
  try {
    new RegExp('(?i:a)');
    return true;
  } catch {
    return false;
  }
})();

// RE2's \s is [\t\n\f\r ] (regexp/syntax perl_groups.go).
const SPACE = '\\t\\n\\f\\r ';
const POSIX: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};
const JS_SYNTAX = new Set(Array.from('^$\\.*+?()[]{}|/-'));

class Fail extends Error {
  readonly unsupported: boolean;
  constructor(reason: string, unsupported = false) {
    super(reason);
    this.unsupported = unsupported;
  }
}

function hex2(code: number): string {
  return `\\x${code.toString(16).padStart(2, '0')}`;
}

function literal(c: string): string {
  if (JS_SYNTAX.has(c)) return `\\${c}`;
  const code = c.charCodeAt(0);
  return code < 0x20 || code === 0x7f ? hex2(code) : c;
}

function isWordChar(c: string): boolean {
  return /^[0-9A-Za-z_]$/.test(c);
}

interface Scope {
  dotAll: boolean;
}

class Translator {
  readonly #p: string;
  #i = 0;
  #out = '';
  readonly #scopes: Scope[] = [];
  flags = '';

  constructor(pattern: string) {
    this.#p = pattern;
  }

  #peek(offset = 0): string {
    return this.#p[this.#i + offset] ?? '';
  }

  #scope(): Scope {
    return this.#scopes.at(-1) ?? { dotAll: false };
  }

  run(): string {
    this.#leadingFlags();
    this.#scopes.push({ dotAll: this.flags.includes('s') });
    const p = this.#p;
    while (this.#i < p.length) {
      const c = p[this.#i++] ?? '';
      switch (c) {
        case '\\':
          this.#out += this.#escape(false);
          break;
        case '[':
          this.#class();
          break;
        case '(':
          this.#group();
          break;
        case ')':
          if (this.#scopes.length <= 1) throw new Fail('unexpected ): `' + p + '`');
          this.#scopes.pop();
          this.#out += ')';
          break;
        case '.':
          this.#out += this.#scope().dotAll ? '[\\s\\S]' : '[^\\n]';
          break;
        case '{':
          this.#brace();
          break;
        default:
          this.#out += c;
      }
    }
    if (this.#scopes.length > 1) throw new Fail('missing closing ): `' + p + '`');
    // `s` was applied to `.` by hand; JavaScript's own flag is not needed.
    this.flags = this.flags.replace('s', '');
    return this.#out;
  }

  /** `(?ims)` at the very start applies to the whole pattern: JavaScript flags. */
  #leadingFlags(): void {
    const m = /^\(\?([imsU-]+)\)/.exec(this.#p);
    if (m === null) return;
    const spec = m[1] ?? '';
    const [on = '', off = ''] = spec.split('-');
    if (spec.split('-').length > 2 || spec.endsWith('-')) throw new Fail(`invalid or unsupported Perl syntax: \`${m[0]}\``);
    if (on.includes('U') || off.includes('U')) throw new Fail('the ungreedy flag `U` is not supported', true);
    this.flags = Array.from(new Set(on)).filter((f) => !off.includes(f)).join('');
    this.#i = m[0].length;
  }

  #group(): void {
    if (this.#peek() !== '?') {
      this.#scopes.push({ ...this.#scope() });
      this.#out += '(';
      return;
    }
    const rest = this.#p.slice(this.#i);
    const named = /^\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
    if (named !== null) {
      this.#i += named[0].length;
      this.#scopes.push({ ...this.#scope() });
      this.#out += `(?<${named[1] ?? ''}>`;
      return;
    }
    if (rest.startsWith('?:')) {
      this.#i += 2;
      this.#scopes.push({ ...this.#scope() });
      this.#out += '(?:';
      return;
    }
    const flagGroup = /^\?([imsU]*)(?:-([imsU]*))?(:|\))/.exec(rest);
    if (flagGroup !== null && (flagGroup[1] !== '' || (flagGroup[2] ?? '') !== '')) {
      const on = flagGroup[1] ?? '';
      const off = flagGroup[2] ?? '';
      if (on.includes('U') || off.includes('U')) throw new Fail('the ungreedy flag `U` is not supported', true);
      if (flagGroup[3] === ')') throw new Fail(`a flag change in the middle of the pattern (\`(${flagGroup[0]}\`) is not supported; put it at the start or use \`(?${on}${off === '' ? '' : `-${off}`}:…)\``, true);
      this.#i += flagGroup[0].length;
      const dotAll = on.includes('s') ? true : off.includes('s') ? false : this.#scope().dotAll;
      this.#scopes.push({ dotAll });
      const js = (f: string): string => f.replace(/s/g, '');
      const jsOn = js(on);
      const jsOff = js(off);
      if (jsOn === '' && jsOff === '') {
        this.#out += '(?:';
      } else {
        if (!MODIFIERS) throw new Fail('scoped flags `(?i:…)` need Node.js 23 or later', true);
        this.#out += `(?${jsOn}${jsOff === '' ? '' : `-${jsOff}`}:`;
      }
      return;
    }
    const head = /^\?(<[=!]|[=!#]|P=|P>|[^)]?)/.exec(rest)?.[0] ?? '?';
    throw new Fail(`invalid or unsupported Perl syntax: \`(${head}\``);
  }

  /** A `{`: a repetition `{n}`, `{n,}`, `{n,m}` (n, m ≤ 1000) or a literal brace, as in Go. */
  #brace(): void {
    const m = /^(\d+)(?:(,)(\d*))?\}/.exec(this.#p.slice(this.#i));
    if (m === null) {
      this.#out += '\\{';
      return;
    }
    const lo = Number(m[1]);
    const hi = m[3] === undefined || m[3] === '' ? lo : Number(m[3]);
    if (lo > 1000 || hi > 1000 || (m[3] !== undefined && m[3] !== '' && hi < lo)) throw new Fail(`invalid repeat count: \`{${m[0]}\``);
    this.#i += m[0].length;
    this.#out += `{${m[0]}`;
  }

  #class(): void {
    const p = this.#p;
    let out = '[';
    if (this.#peek() === '^') {
      out += '^';
      this.#i++;
    }
    // A `]` first in a class is a literal in Go.
    if (this.#peek() === ']') {
      out += '\\]';
      this.#i++;
    }
    for (;;) {
      if (this.#i >= p.length) throw new Fail(`missing closing ]: \`${p}\``);
      const c = p[this.#i++] ?? '';
      if (c === ']') break;
      if (c === '[' && this.#peek() === ':') {
        const m = /^:(\^?)([a-z]+):\]/.exec(p.slice(this.#i));
        if (m !== null) {
          const ranges = POSIX[m[2] ?? ''];
          if (ranges === undefined) throw new Fail(`invalid character class range: \`[${m[0]}\``);
          if (m[1] === '^') throw new Fail(`negated POSIX classes (\`[${m[0]}\`) are not supported`, true);
          this.#i += m[0].length;
          out += ranges;
          continue;
        }
      }
      if (c === '\\') {
        out += this.#escape(true);
        continue;
      }
      out += c === '[' ? '\\[' : c;
    }
    this.#out += `${out}]`;
  }

  /** An escape after the `\`, inside a class or not. */
  #escape(inClass: boolean): string {
    const p = this.#p;
    const c = p[this.#i++] ?? '';
    if (c === '') throw new Fail('trailing backslash at end of expression');
    if (c >= '1' && c <= '7' && !(this.#peek() >= '0' && this.#peek() <= '7')) {
      throw new Fail(`invalid escape sequence: \`\\${c}\` (Go has no backreferences)`);
    }
    if (c >= '0' && c <= '7') {
      let digits = c;
      while (digits.length < 3 && this.#peek() >= '0' && this.#peek() <= '7') digits += p[this.#i++] ?? '';
      return hex2(parseInt(digits, 8));
    }
    switch (c) {
      case 'a':
        return '\\x07';
      case 'f':
      case 't':
      case 'n':
      case 'r':
      case 'v':
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return `\\${c}`;
      case 's':
        return inClass ? SPACE : `[${SPACE}]`;
      case 'S':
        if (inClass) throw new Fail('`\\S` inside a character class is not supported', true);
        return `[^${SPACE}]`;
      case 'b':
      case 'B':
        if (inClass) throw new Fail(`invalid escape sequence: \`\\${c}\``);
        return `\\${c}`;
      case 'A':
      case 'z':
        if (inClass) throw new Fail(`invalid escape sequence: \`\\${c}\``);
        return c === 'A' ? '(?<![\\s\\S])' : '(?![\\s\\S])';
      case 'x': {
        const braced = /^\{([0-9A-Fa-f]+)\}/.exec(p.slice(this.#i));
        if (braced !== null) {
          const code = parseInt(braced[1] ?? '', 16);
          if (code > 0x10ffff) throw new Fail(`invalid escape sequence: \`\\x${braced[0]}\``);
          if (code > 0xffff) throw new Fail(`\`\\x${braced[0]}\` (beyond U+FFFF) is not supported`, true);
          this.#i += braced[0].length;
          return `\\u${code.toString(16).padStart(4, '0')}`;
        }
        const two = /^[0-9A-Fa-f]{2}/.exec(p.slice(this.#i));
        if (two === null) throw new Fail('invalid escape sequence: `\\x`');
        this.#i += 2;
        return `\\x${two[0]}`;
      }
      case 'Q': {
        const end = p.indexOf('\\E', this.#i);
        const text = p.slice(this.#i, end === -1 ? undefined : end);
        this.#i = end === -1 ? p.length : end + 2;
        return Array.from(text).map((ch) => (inClass && ch === ']' ? '\\]' : literal(ch))).join('');
      }
      case 'p':
      case 'P':
        throw new Fail(`Unicode classes (\`\\${c}…\`) are not supported`, true);
      default:
        if (isWordChar(c) || c.charCodeAt(0) >= 0x80) throw new Fail(`invalid escape sequence: \`\\${c}\``);
        // An escaped punctuation character is itself.
        return literal(c);
    }
  }
}

/**
 * Go's message for a repetition operator with nothing to repeat or applied to another one
 * (regexp/syntax `ErrMissingRepeatArgument`, `ErrInvalidRepeatOp`), which JavaScript words
 * differently. Escapes, classes and `{n,m}` counts are looked through.
 */
function repetitionMisuse(pattern: string): string | undefined {
  const s = pattern
    .replace(/^\(\?[imsU-]+\)/, '')
    .replace(/\\./g, 'x')
    .replace(/\[\^?\]?[^\]]*\]/g, 'x')
    .replace(/\{\d+(?:,\d*)?\}/g, '\uE000')
    .replace(/\(\?(?:P?<[A-Za-z_]\w*>|[imsU]*(?:-[imsU]*)?:)/g, '(');
  const bare = /^([*+?\uE000])|[(|]([*+?\uE000])/.exec(s);
  if (bare !== null) {
    const op = bare[1] ?? bare[2] ?? '*';
    return `missing argument to repetition operator: \`${op === '\uE000' ? '{…}' : op}\``;
  }
  const nested = /[*+?\uE000]\??[*+\uE000]|[*+?\uE000]\?\?/.exec(s);
  if (nested !== null) return `invalid nested repetition operator: \`${nested[0].replace(/\uE000/g, '{…}')}\``;
  return undefined;
}

/**
 * Translates a Go regexp (RE2 syntax, as `regexp.MatchString` takes it) into a JavaScript
 * RegExp that matches the same strings, unanchored as Go's `MatchString` is.
 *
 * @param pattern - The Go pattern.
 * @returns The RegExp, or why Go would reject the pattern (`unsupported: false`) or why the
 * translation does not support it (`unsupported: true`).
 *
 * @example
 * ```ts
 * translateGoRegexp('kube-*'); // { ok: true, regexp: /kube-*\/ }
 * translateGoRegexp('*test*'); // { ok: false, reason: 'missing argument to repetition operator: `*`', unsupported: false }
 * ```
 */
export function translateGoRegexp(pattern: string): GoRegexpTranslation {
  const t = new Translator(pattern);
  let source: string;
  try {
    source = t.run();
  } catch (err) {
    if (err instanceof Fail) return { ok: false, reason: err.message, unsupported: err.unsupported };
    throw err;
  }
  const misuse = repetitionMisuse(pattern);
  if (misuse !== undefined) return { ok: false, reason: misuse, unsupported: false };
  try {
    return { ok: true, regexp: new RegExp(source, t.flags) };
  } catch (err) {
    return { ok: false, reason: (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, ''), unsupported: false };
  }
}
