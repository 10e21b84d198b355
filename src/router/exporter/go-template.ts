/**
 * Translates the common subset of Go `text/template` (with the sprig functions
 * kubernetes-event-exporter configs use) into Handlebars source over the helpers of
 * exporter layouts. Anything outside the subset is an {@link UnsupportedGoTemplateError} naming
 * it; what Go itself would reject (an unknown field, a syntax error) is a {@link LayoutError}.
 *
 * Supported: text; `{{ .Field.Chain }}` over `kube.EnhancedEvent` (map keys too:
 * `.InvolvedObject.Labels.app`); `{{ . }}` only as a function argument; the methods
 * `.GetTimestampMs` and `.GetTimestampISO8601`; `toJson`, `toPrettyJson`, `index`, `lower`,
 * `upper`, `default`, `trunc`; `|` pipelines and parentheses; string, number and boolean
 * literals; `{{-`/`-}}` trimming and `{{/* comments *\/}}`.
 *
 * @module
 */
import { LayoutError, UnsupportedGoTemplateError } from '../router-errors.ts';
import type { GoType } from './go-schema.ts';
import { ENHANCED_EVENT, EVENT_METHODS, PROMOTED_FROM_METADATA, goField, goTypeName } from './go-schema.ts';

/** What a translated expression is, as far as printing and argument checks need to know. */
type StaticType = 'string' | 'int' | 'bool' | 'time' | 'map' | 'mapvalue' | 'struct' | 'event' | 'any';

interface Expr {
  /** Handlebars expression: a sub-expression `( … )` or a literal. */
  readonly hbs: string;
  readonly type: StaticType;
  /** The Go text it came from, for messages. */
  readonly go: string;
}

type Token =
  | { readonly t: 'field'; readonly chain: readonly string[]; readonly text: string }
  | { readonly t: 'dot' }
  | { readonly t: 'ident'; readonly name: string }
  | { readonly t: 'string'; readonly value: string; readonly text: string }
  | { readonly t: 'number'; readonly value: number; readonly text: string }
  | { readonly t: 'pipe' }
  | { readonly t: 'open' }
  | { readonly t: 'close' }
  | { readonly t: 'other'; readonly text: string };

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);
const SPACE = ' \t\r\n';

const FUNCTIONS: Readonly<Record<string, { readonly helper: string; readonly arity: number | 'variadic'; readonly result: StaticType }>> = {
  toJson: { helper: 'goToJson', arity: 1, result: 'string' },
  toPrettyJson: { helper: 'goToPrettyJson', arity: 1, result: 'string' },
  index: { helper: 'goIndex', arity: 'variadic', result: 'string' },
  lower: { helper: 'goLower', arity: 1, result: 'string' },
  upper: { helper: 'goUpper', arity: 1, result: 'string' },
  default: { helper: 'goDefault', arity: 2, result: 'any' },
  trunc: { helper: 'goTrunc', arity: 2, result: 'string' },
};

function hex(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}

/** Go's strconv.Unquote for an interpreted string literal's body. */
function unquote(body: string): string | undefined {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? '';
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i] ?? '';
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"' };
    if (e in simple) {
      out += simple[e] ?? '';
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const digits = body.slice(i + 1, i + 1 + n);
      if (!/^[0-9A-Fa-f]+$/.test(digits) || digits.length !== n) return undefined;
      const code = parseInt(digits, 16);
      if (code > 0x10ffff) return undefined;
      out += e === 'x' ? String.fromCharCode(code) : String.fromCodePoint(code);
      i += n;
    } else if (e >= '0' && e <= '7') {
      const digits = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(digits)) return undefined;
      out += String.fromCharCode(parseInt(digits, 8));
      i += 2;
    } else {
      return undefined;
    }
  }
  return out;
}

class GoTemplateTranslator {
  readonly #src: string;
  readonly #path: string;
  #pos = 0;

  constructor(src: string, path: string) {
    this.#src = src;
    this.#path = path;
  }

  #unsupported(construct: string, detail = ''): never {
    throw new UnsupportedGoTemplateError(construct, this.#src, this.#path, detail);
  }

  #invalid(message: string, fix: string): never {
    throw new LayoutError(this.#path, `the Go template ${JSON.stringify(this.#src)} is invalid: ${message}; kubernetes-event-exporter fails to render it and silently does not send the event`, fix);
  }

  translate(): string {
    const src = this.#src;
    let out = '';
    let text = '';
    let trimNext = false;
    const flushText = (beforeAction: boolean, trimRight: boolean): void => {
      let t = text;
      if (trimNext) t = t.replace(/^[ \t\r\n]+/, '');
      if (trimRight) t = t.replace(/[ \t\r\n]+$/, '');
      // A backslash right before a mustache would escape it in Handlebars: double it.
      if (beforeAction && t.endsWith('\\')) t += '\\';
      out += t;
      text = '';
    };
    while (this.#pos < src.length) {
      const open = src.indexOf('{{', this.#pos);
      if (open === -1) {
        text += src.slice(this.#pos);
        this.#pos = src.length;
        break;
      }
      text += src.slice(this.#pos, open);
      this.#pos = open + 2;
      const trimLeft = src[this.#pos] === '-' && SPACE.includes(src[this.#pos + 1] ?? 'x');
      if (trimLeft) this.#pos += 2;
      const { tokens, trimRight, comment } = this.#lexAction();
      flushText(!comment, trimLeft);
      trimNext = trimRight;
      if (comment) continue;
      const expr = this.#pipeline(tokens);
      out += `{{goPrint ${expr.hbs}}}`;
      if (expr.type === 'struct' || expr.type === 'event') {
        this.#unsupported(`{{ ${expr.go} }}`, `printing a struct (${expr.go}) gives Go's %v form; use {{ toJson ${expr.go} }}`);
      }
    }
    flushText(false, false);
    return out;
  }

  /** Lexes one action up to `}}`; the opening `{{` (and `- `) are consumed. */
  #lexAction(): { tokens: Token[]; trimRight: boolean; comment: boolean } {
    const src = this.#src;
    const tokens: Token[] = [];
    for (;;) {
      while (SPACE.includes(src[this.#pos] ?? 'x') && src[this.#pos] !== undefined) this.#pos++;
      if (this.#pos >= src.length) this.#invalid('unclosed action', 'close every `{{` with `}}`');
      if (src.startsWith('/*', this.#pos) && tokens.length === 0) {
        const end = src.indexOf('*/', this.#pos + 2);
        if (end === -1) this.#invalid('unclosed comment', 'close the comment with `*/}}`');
        this.#pos = end + 2;
        const rest = /^( -)?\}\}/.exec(src.slice(this.#pos));
        if (rest === null) this.#invalid('comment ends before the action', 'write comments as `{{/* … */}}`');
        this.#pos += rest[0].length;
        return { tokens, trimRight: rest[1] !== undefined, comment: true };
      }
      if (src.startsWith('-}}', this.#pos) && SPACE.includes(src[this.#pos - 1] ?? 'x')) {
        this.#pos += 3;
        return { tokens, trimRight: true, comment: false };
      }
      if (src.startsWith('}}', this.#pos)) {
        this.#pos += 2;
        return { tokens, trimRight: false, comment: false };
      }
      tokens.push(this.#token());
    }
  }

  #token(): Token {
    const src = this.#src;
    const rest = src.slice(this.#pos);
    const c = rest[0] ?? '';
    let m: RegExpExecArray | null;
    if (c === '|') {
      this.#pos++;
      return { t: 'pipe' };
    }
    if (c === '(') {
      this.#pos++;
      return { t: 'open' };
    }
    if (c === ')') {
      this.#pos++;
      return { t: 'close' };
    }
    if ((m = /^(?:\.[A-Za-z_][A-Za-z0-9_]*)+/.exec(rest)) !== null) {
      this.#pos += m[0].length;
      return { t: 'field', chain: m[0].slice(1).split('.'), text: m[0] };
    }
    if (c === '.') {
      this.#pos++;
      return { t: 'dot' };
    }
    if ((m = /^"((?:[^"\\\n]|\\.)*)"/.exec(rest)) !== null) {
      this.#pos += m[0].length;
      const value = unquote(m[1] ?? '');
      if (value === undefined) this.#invalid(`bad string literal ${m[0]}`, 'fix the escape sequences');
      return { t: 'string', value, text: m[0] };
    }
    if ((m = /^`([^`]*)`/.exec(rest)) !== null) {
      this.#pos += m[0].length;
      return { t: 'string', value: m[1] ?? '', text: m[0] };
    }
    if ((m = /^-?\d+(?![.\w])/.exec(rest)) !== null) {
      this.#pos += m[0].length;
      return { t: 'number', value: Number(m[0]), text: m[0] };
    }
    if ((m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest)) !== null) {
      this.#pos += m[0].length;
      return { t: 'ident', name: m[0] };
    }
    m = /^(\$[A-Za-z0-9_]*|:=|=|,|'(?:[^'\\]|\\.)*'|[^\s}]+)/.exec(rest);
    const text = m?.[0] ?? c;
    this.#pos += text.length;
    return { t: 'other', text };
  }

  /** Splits tokens on top-level `|` and translates the pipeline. */
  #pipeline(tokens: readonly Token[]): Expr {
    if (tokens.length === 0) this.#invalid('missing value for command', 'put a value in every `{{ }}`');
    const first = tokens[0];
    if (first?.t === 'ident' && KEYWORDS.has(first.name)) this.#unsupported(first.name, `\`{{ ${first.name} … }}\` actions are not translated`);
    const commands: Token[][] = [[]];
    let depth = 0;
    for (const tok of tokens) {
      if (tok.t === 'open') depth++;
      if (tok.t === 'close') depth--;
      if (depth < 0) this.#invalid('unexpected ")"', 'balance the parentheses');
      if (tok.t === 'pipe' && depth === 0) commands.push([]);
      else commands.at(-1)?.push(tok);
    }
    if (depth !== 0) this.#invalid('unclosed left paren', 'balance the parentheses');
    let acc: Expr | undefined;
    for (const cmd of commands) {
      if (cmd.length === 0) this.#invalid('missing command in pipeline', 'remove the stray `|`');
      acc = this.#command(cmd, acc);
    }
    return acc as Expr;
  }

  /** One command; `piped` is the previous command's value, passed as the last argument. */
  #command(cmd: readonly Token[], piped: Expr | undefined): Expr {
    const operands = this.#operands(cmd);
    const [head, ...args] = operands;
    if (head === undefined) this.#invalid('missing command', 'put a value in every `{{ }}`');
    if (head.kind === 'function') {
      const fn = FUNCTIONS[head.name];
      if (fn === undefined) {
        if (head.name === 'nil') this.#unsupported('nil');
        if (head.name === 'true' || head.name === 'false') {
          if (args.length > 0 || piped !== undefined) this.#invalid(`${head.name} is not a function`, 'remove the arguments');
          return { hbs: head.name, type: 'bool', go: head.name };
        }
        this.#unsupported(head.name, `the function \`${head.name}\` is not translated`);
      }
      const all = [...args.map((a) => this.#valueOf(a)), ...(piped === undefined ? [] : [piped])];
      if (fn.arity !== 'variadic' && all.length !== fn.arity) {
        this.#invalid(`wrong number of args for ${head.name}: want ${fn.arity} got ${all.length}`, `call it as \`${head.name}${' x'.repeat(fn.arity)}\``);
      }
      this.#checkArgs(head.name, all);
      return { hbs: `(${fn.helper} ${all.map((a) => a.hbs).join(' ')})`, type: fn.result, go: [head.name, ...all.map((a) => a.go)].join(' ') };
    }
    if (args.length > 0 || piped !== undefined) {
      this.#invalid(`can't give argument to non-function ${head.expr.go}`, 'only functions (toJson, index, lower, …) take arguments');
    }
    return this.#valueOf(head);
  }

  #checkArgs(name: string, args: readonly Expr[]): void {
    const stringy = (e: Expr): boolean => e.type === 'string' || e.type === 'mapvalue' || e.type === 'any';
    switch (name) {
      case 'lower':
      case 'upper':
        if (!stringy(args[0] as Expr)) this.#invalid(`wrong type for value; expected string; got ${args[0]?.go ?? ''}`, `pass a string field to ${name}`);
        return;
      case 'trunc':
        if (args[0]?.type !== 'int' && args[0]?.type !== 'any') this.#invalid('trunc takes the length first: `trunc 100 .Message` or `.Message | trunc 100`', 'put the length first');
        if (!stringy(args[1] as Expr)) this.#invalid(`wrong type for value; expected string; got ${args[1]?.go ?? ''}`, 'truncate a string field');
        return;
      case 'index': {
        const [target, ...keys] = args;
        if (target === undefined || keys.length === 0) this.#invalid('index needs a map and a key', 'write `index .InvolvedObject.Labels "app"`');
        if (target.type !== 'map' && target.type !== 'any') this.#unsupported(`index ${target.go}`, 'only maps (Labels, Annotations) can be indexed');
        if (keys.length > 1) this.#invalid(`can't index item of type string (index ${target.go} with ${keys.length} keys)`, 'index a label map with one key');
        if (!stringy(keys[0] as Expr)) this.#invalid('index of a map needs a string key', 'write the key as a string: "app"');
        return;
      }
      default:
        return;
    }
  }

  #valueOf(op: Operand): Expr {
    if (op.kind === 'value') return op.expr;
    if (op.name === 'true' || op.name === 'false') return { hbs: op.name, type: 'bool', go: op.name };
    const fn = FUNCTIONS[op.name];
    if (fn === undefined) this.#unsupported(op.name, `the function \`${op.name}\` is not translated`);
    this.#invalid(`wrong number of args for ${op.name}: want ${String(fn.arity)} got 0`, `pass ${op.name} its arguments`);
  }

  #operands(cmd: readonly Token[]): Operand[] {
    const out: Operand[] = [];
    for (let i = 0; i < cmd.length; i++) {
      const tok = cmd[i] as Token;
      switch (tok.t) {
        case 'ident':
          if (KEYWORDS.has(tok.name)) this.#unsupported(tok.name);
          out.push({ kind: 'function', name: tok.name });
          break;
        case 'field':
          out.push({ kind: 'value', expr: this.#field(tok.chain, tok.text) });
          break;
        case 'dot':
          out.push({ kind: 'value', expr: { hbs: '(goDot)', type: 'event', go: '.' } });
          break;
        case 'string':
          out.push({ kind: 'value', expr: { hbs: `(goLit "${hex(tok.value)}")`, type: 'string', go: tok.text } });
          break;
        case 'number':
          out.push({ kind: 'value', expr: { hbs: String(tok.value), type: 'int', go: tok.text } });
          break;
        case 'open': {
          let depth = 0;
          let j = i;
          for (; j < cmd.length; j++) {
            const t = cmd[j] as Token;
            if (t.t === 'open') depth++;
            if (t.t === 'close' && --depth === 0) break;
          }
          const inner = this.#pipeline(cmd.slice(i + 1, j));
          const after = cmd[j + 1];
          if (after?.t === 'field') this.#unsupported(`(…)${after.text}`, 'field access on a parenthesized value is not translated');
          out.push({ kind: 'value', expr: { hbs: inner.hbs, type: inner.type, go: `(${inner.go})` } });
          i = j;
          break;
        }
        case 'close':
          this.#invalid('unexpected ")"', 'balance the parentheses');
          break;
        case 'pipe':
          break;
        case 'other':
          if (tok.text.startsWith('$')) this.#unsupported(tok.text, 'template variables are not translated');
          if (tok.text.startsWith("'")) this.#unsupported(tok.text, 'character constants are not translated');
          if (tok.text === ':=' || tok.text === '=') this.#unsupported(tok.text, 'variable assignment is not translated');
          this.#unsupported(tok.text);
      }
    }
    return out;
  }

  /** `.A.B.C` against the EnhancedEvent's Go type. */
  #field(chain: readonly string[], text: string): Expr {
    const [first] = chain;
    if (first !== undefined && first in EVENT_METHODS) {
      if (chain.length > 1) this.#invalid(`can't evaluate field ${chain[1] ?? ''} of a method result (${text})`, 'call the method alone');
      const method = first as keyof typeof EVENT_METHODS;
      return { hbs: method === 'GetTimestampMs' ? '(goTimestampMs)' : '(goTimestampIso)', type: method === 'GetTimestampMs' ? 'int' : 'string', go: text };
    }
    let type: GoType = ENHANCED_EVENT;
    let resolved: StaticType = 'event';
    for (let i = 0; i < chain.length; i++) {
      const name = chain[i] ?? '';
      if (type.kind === 'map') {
        if (i + 1 < chain.length) this.#invalid(`can't evaluate field ${chain[i + 1] ?? ''} in type string (${text})`, 'a label value is a string');
        return { hbs: `(goField "${chain.join('.')}")`, type: 'mapvalue', go: text };
      }
      if (type.kind !== 'struct') {
        if (type.kind === 'opaque') this.#unsupported(text, `fields of ${chain.slice(0, i).join('.')} are not translated`);
        this.#invalid(`can't evaluate field ${name} in type ${goTypeName(type)} (${text})`, `${chain.slice(0, i).join('.')} has no fields`);
      }
      const field = goField(type, name) ?? (type === ENHANCED_EVENT && PROMOTED_FROM_METADATA.has(name) ? goField(ENHANCED_EVENT.fields[2]?.type ?? type, name) : undefined);
      if (field === undefined) {
        const names = type.fields.map((x) => x.go);
        const near = names.find((n) => n.toLowerCase() === name.toLowerCase());
        this.#invalid(
          `can't evaluate field ${name} in type ${goTypeName(type)} (${text})`,
          near === undefined ? `use one of its fields: ${names.join(', ')}` : `did you mean \`${near}\`? (Go field names are case-sensitive)`,
        );
      }
      type = field.type;
      if (type.kind === 'opaque' && i + 1 < chain.length) this.#unsupported(text, `fields of ${chain.slice(0, i + 1).join('.')} are not translated`);
    }
    switch (type.kind) {
      case 'string':
        resolved = 'string';
        break;
      case 'int':
        resolved = 'int';
        break;
      case 'time':
        resolved = 'time';
        break;
      case 'map':
        resolved = 'map';
        break;
      case 'struct':
        resolved = 'struct';
        break;
      case 'opaque':
        resolved = 'any';
        break;
    }
    return { hbs: `(goField "${chain.join('.')}")`, type: resolved, go: text };
  }
}

type Operand = { readonly kind: 'value'; readonly expr: Expr } | { readonly kind: 'function'; readonly name: string };

/**
 * Translates a kubernetes-event-exporter Go template into the Handlebars source that exporter
 * layouts run (see {@link compileExporterLayout}).
 *
 * @param template - The Go template.
 * @param path - Where it is in the layout, for errors.
 * @returns The Handlebars source.
 * @throws {@link UnsupportedGoTemplateError} for constructs outside the supported subset,
 * {@link LayoutError} for what Go itself would reject.
 *
 * @example
 * ```ts
 * translateGoTemplate('{{ .InvolvedObject.Name }}'); // '{{goPrint (goField "InvolvedObject.Name")}}'
 * ```
 */
export function translateGoTemplate(template: string, path = ''): string {
  return new GoTemplateTranslator(template, path).translate();
}
