/**
 * The Handlebars machinery behind payload layouts, shared by our layouts and the translated
 * kubernetes-event-exporter ones: an isolated Handlebars environment (strict, no HTML escaping,
 * known helpers only, prototype access off), a static check of every path a template reads, and
 * the walk over nested layouts (objects and arrays whose string leaves are templates).
 *
 * @module
 */
import Handlebars from 'handlebars';
import { LayoutError } from '../router-errors.ts';

/**
 * A payload layout: a template string, or an object/array (as deep as you like) whose string
 * leaves are templates; numbers, booleans and `null` are kept as they are.
 *
 * @example
 * ```ts
 * const layout: Layout = { text: '{{reason}} on {{regarding.kind}}/{{regarding.name}}', tags: ['k8s', '{{namespace}}'], priority: 3 };
 * ```
 */
export type Layout = string | number | boolean | null | readonly Layout[] | { readonly [key: string]: Layout };

/**
 * A rendered layout: the layout's shape with every template rendered to a string.
 *
 * @example
 * ```ts
 * const body = JSON.stringify(render(event) satisfies Payload);
 * ```
 */
export type Payload = string | number | boolean | null | Payload[] | { [key: string]: Payload };

/** A helper function. */
export type Helper = (...args: unknown[]) => unknown;

/** What a template may read: the shape of its context. */
export type PathSchema =
  /** A value with no fields (a string, a number, a Date). */
  | 'leaf'
  /** Any path below is fine (raw objects, lists). */
  | 'any'
  /** A string map: one more segment (any key), then a leaf. */
  | 'map'
  /** An object with these fields. */
  | { readonly [field: string]: PathSchema };

/** How a flavor of layouts works. */
export interface LayoutFlavor<C> {
  /** Helpers by name (Handlebars' `if`, `unless`, `each`, `with`, `lookup` are always there). */
  readonly helpers: Readonly<Record<string, Helper>>;
  /** The context's shape, to check paths against. */
  readonly schema: PathSchema;
  /** Hints for paths that are wrong in a known way: a fix, by the first segment. */
  readonly hint: (parts: readonly string[]) => string | undefined;
  /** Turns a layout string into Handlebars source (the identity, or a Go-template translation). */
  readonly source: (template: string, path: string) => string;
  /**
   * The context a render of `input` sees. `needed` lists the top-level fields the layout's
   * templates read (`undefined`: it may read any, e.g. `{{toJson this}}`); the others may be left
   * out.
   */
  readonly context: (input: C, needed: ReadonlySet<string> | undefined) => object;
  /** Top-level context fields a helper reads by itself (e.g. `timestampIso` reads `timestamp`). */
  readonly helperNeeds?: Readonly<Record<string, readonly string[]>>;
}

const BUILTIN_HELPERS = ['if', 'unless', 'each', 'with', 'lookup'] as const;
/** Block helpers that change `this` in their main block. */
const CONTEXT_BLOCKS = new Set(['each', 'with']);

// Prototype access: Handlebars >= 4.6 refuses inherited properties and methods by default
// (`allowProtoPropertiesByDefault`/`allowProtoMethodsByDefault` false), and those defaults are
// kept. Paths are also checked statically against the context's shape, and `lookup` is replaced
// by an own-properties-only version, so `constructor` or `__proto__` are never reached.

function describeLoc(node: hbs.AST.Node): string {
  return `line ${node.loc.start.line}, column ${node.loc.start.column + 1}`;
}

function checkPath(parts: readonly string[], schema: PathSchema): { depth: number; problem: string } | undefined {
  let s: PathSchema = schema;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (s === 'any') return undefined;
    if (s === 'leaf') return { depth: i, problem: `\`${parts.slice(0, i).join('.')}\` has no field \`${part}\`` };
    if (s === 'map') {
      if (i + 1 < parts.length) return { depth: i + 1, problem: `\`${parts.slice(0, i + 1).join('.')}\` is a string and has no fields` };
      return undefined;
    }
    if (!Object.hasOwn(s, part)) {
      return { depth: i, problem: `unknown field \`${parts.slice(0, i + 1).join('.')}\`` };
    }
    s = s[part] as PathSchema;
  }
  return undefined;
}

/** The schema node a valid path ends on (`leaf` past a map key, `any` below `any`). */
function schemaAt(schema: PathSchema, parts: readonly string[]): PathSchema {
  let s: PathSchema = schema;
  for (const part of parts) {
    if (s === 'any') return 'any';
    if (s === 'map' || s === 'leaf') return 'leaf';
    s = s[part] ?? 'leaf';
  }
  return s;
}

function fieldsAt(schema: PathSchema, parts: readonly string[]): string[] {
  let s: PathSchema = schema;
  for (const p of parts) {
    if (typeof s !== 'object') return [];
    s = s[p] ?? 'leaf';
  }
  return typeof s === 'object' ? Object.keys(s) : [];
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

/** Checks every path a parsed template reads against the flavor's schema. */
class PathChecker<C> {
  readonly #flavor: LayoutFlavor<C>;
  readonly #layoutPath: string;
  readonly #known: ReadonlySet<string>;
  /** Helpers the template calls. */
  readonly helpers: Set<string>;
  /** Top-level context fields it reads; `undefined` once it may read anything. */
  needed: Set<string> | undefined;

  constructor(flavor: LayoutFlavor<C>, layoutPath: string, helpers: Set<string>, needed: Set<string> | undefined) {
    this.#flavor = flavor;
    this.#layoutPath = layoutPath;
    this.#known = new Set([...BUILTIN_HELPERS, ...Object.keys(flavor.helpers)]);
    this.helpers = helpers;
    this.needed = needed;
  }

  #use(head: string | undefined): void {
    if (head === undefined) this.needed = undefined;
    else this.needed?.add(head);
  }

  #fail(node: hbs.AST.Node, message: string, fix: string): never {
    throw new LayoutError(this.#layoutPath, `${message} (${describeLoc(node)})`, fix);
  }

  program(program: hbs.AST.Program, depth: number): void {
    for (const statement of program.body) this.statement(statement, depth);
  }

  statement(node: hbs.AST.Statement, depth: number): void {
    switch (node.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        return;
      case 'MustacheStatement': {
        const m = node as hbs.AST.MustacheStatement;
        this.call(m.path, m.params, m.hash, depth, false);
        return;
      }
      case 'BlockStatement': {
        const b = node as hbs.AST.BlockStatement;
        this.call(b.path, b.params, b.hash, depth, true);
        const name = b.path.original;
        // Inside `each`/`with` paths are relative to something else: assume anything is read.
        if (CONTEXT_BLOCKS.has(name)) this.needed = undefined;
        this.program(b.program, CONTEXT_BLOCKS.has(name) ? depth + 1 : depth);
        // `program.blockParams` (`as |item|`) names are fine: they are only checked as heads below.
        if ((b as { inverse?: hbs.AST.Program }).inverse !== undefined) this.program(b.inverse, depth);
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement':
        this.#fail(node, 'partials are not supported', 'inline the partial\'s text, or split the layout into fields');
        break;
      case 'Decorator':
      case 'DecoratorBlock':
        this.#fail(node, 'decorators are not supported', 'remove the `{{* ...}}` decorator');
        break;
      default:
        this.#fail(node, `unsupported template statement ${node.type}`, 'use mustaches, `{{#if}}`, `{{#each}}`, `{{#with}}`');
    }
  }

  call(path: hbs.AST.PathExpression | hbs.AST.Literal, params: readonly hbs.AST.Expression[], hash: hbs.AST.Hash | undefined, depth: number, block: boolean): void {
    const isHelperCall = params.length > 0 || (hash?.pairs.length ?? 0) > 0 || block;
    if (path.type === 'PathExpression') {
      const p = path as hbs.AST.PathExpression;
      const simple = p.parts.length === 1 && p.depth === 0 && !p.data && p.parts[0] !== undefined;
      if (isHelperCall) {
        if (!simple || !this.#known.has(p.original)) {
          this.#fail(
            path,
            `unknown helper \`${p.original}\``,
            `use one of ${[...this.#known].map((h) => `\`${h}\``).join(', ')}`,
          );
        }
        this.#helper(p.original);
      } else if (simple && this.#known.has(p.original)) {
        this.#helper(p.original);
      } else {
        this.path(p, depth, !block);
      }
    }
    for (const param of params) this.expression(param, depth);
    for (const pair of hash?.pairs ?? []) this.expression(pair.value, depth);
  }

  #helper(name: string): void {
    this.helpers.add(name);
    for (const head of this.#flavor.helperNeeds?.[name] ?? []) this.#use(head);
  }

  expression(node: hbs.AST.Expression, depth: number): void {
    if (node.type === 'PathExpression') this.path(node as hbs.AST.PathExpression, depth);
    else if (node.type === 'SubExpression') {
      const s = node as hbs.AST.SubExpression;
      this.call(s.path, s.params, s.hash, depth, true);
    }
  }

  path(p: hbs.AST.PathExpression, depth: number, printed = false): void {
    const flavor = this.#flavor;
    let parts = p.parts;
    if (p.data) {
      // `@root.x` reads the context; `@index`, `@key`, `@first`, `@last` are loop data.
      if (parts[0] !== 'root') return;
      parts = parts.slice(1);
    } else if (depth - p.depth > 0) {
      // Relative to an `each`/`with` block: the shape below is not known statically.
      return;
    }
    // `this` (no parts) is the whole context.
    this.#use(parts[0]);
    const problem = checkPath(parts, flavor.schema);
    if (problem === undefined) {
      const node = schemaAt(flavor.schema, parts);
      if (printed && (typeof node === 'object' || (node === 'map' && parts.length > 0 && schemaAt(flavor.schema, parts.slice(0, -1)) !== 'map'))) {
        this.#fail(p, `\`{{${p.original}}}\` would print an object as "[object Object]"`, `print one of its fields, or \`{{toJson ${p.original}}}\``);
      }
      return;
    }
    const original = p.original;
    const hint = flavor.hint(parts);
    const fields = fieldsAt(flavor.schema, parts.slice(0, problem.depth));
    const wrong = parts[problem.depth] ?? '';
    const near = fields
      .map((f) => ({ f, d: f.toLowerCase() === wrong.toLowerCase() ? 0 : editDistance(f, wrong) }))
      .filter((x) => x.d <= 2)
      .sort((a, b) => a.d - b.d)[0]?.f;
    this.#fail(
      p,
      `\`{{${original}}}\`: ${problem.problem}`,
      hint ??
        (near === undefined
          ? `use a field of the event (${fields.slice(0, 12).map((f) => `\`${[...parts.slice(0, problem.depth), f].join('.')}\``).join(', ')}${fields.length > 12 ? ', …' : ''})`
          : `did you mean \`${[...parts.slice(0, problem.depth), near].join('.')}\`?`),
    );
  }
}

/** An environment for one flavor of layouts. */
export interface LayoutEnvironment<C> {
  /** Compiles a layout once; checks every template and renders it against `sample`. */
  compile(layout: Layout, sample: C): (input: C) => Payload;
}

/** Where a leaf's rendered text goes in the payload. */
type Shape = (texts: readonly string[]) => Payload;

/** A leaf template that failed, with its index (the block helper adds it). */
class LeafError extends Error {
  readonly leaf: number;
  constructor(leaf: number, options: ErrorOptions) {
    super('layout leaf failed', options);
    this.leaf = leaf;
  }
}

/**
 * Creates the layout environment of a flavor.
 *
 * A layout compiles to one Handlebars template, whatever its number of leaves: each leaf's parsed
 * program becomes the body of an internal `__leaf` block that stores its text, so a render costs
 * one Handlebars call (its per-call setup wraps every registered helper: only the helpers the
 * layout uses are registered, in an environment of its own).
 *
 * @param flavor - Helpers, schema, translation and context.
 * @param describeInput - Names an input in render errors (e.g. the event's namespace/name).
 * @returns The environment.
 */
export function createLayoutEnvironment<C>(flavor: LayoutFlavor<C>, describeInput: (input: C) => string): LayoutEnvironment<C> {
  // Handlebars' own `lookup` reaches inherited properties (only to refuse them with a console
  // warning); this one reads own properties only.
  const lookup = (obj: unknown, key: unknown): unknown =>
    typeof obj === 'object' && obj !== null && (typeof key === 'string' || typeof key === 'number') && Object.hasOwn(obj, key)
      ? (obj as Record<string | number, unknown>)[key]
      : undefined;

  function parseLeaf(template: string, path: string, helpers: Set<string>, needed: Set<string> | undefined): { program: hbs.AST.Program; needed: Set<string> | undefined } | string {
    const source = flavor.source(template, path);
    let ast: hbs.AST.Program;
    try {
      // Parsing applies Handlebars' whitespace control (standalone lines, `~`) to this leaf alone.
      ast = Handlebars.parse(source);
    } catch (err) {
      throw new LayoutError(path, `the template does not parse: ${(err as Error).message.split('\n')[0] ?? ''}`, 'fix the Handlebars syntax ({{field}}, {{helper arg}}, {{#if x}}…{{/if}})', { cause: err });
    }
    const checker = new PathChecker(flavor, path, helpers, needed);
    checker.program(ast, 0);
    // Plain text needs no Handlebars at all.
    if (ast.body.every((st) => st.type === 'ContentStatement')) return ast.body.map((st) => (st as hbs.AST.ContentStatement).value).join('');
    return { program: ast, needed: checker.needed };
  }

  return {
    compile(layout, sample) {
      const leaves: { path: string; program: hbs.AST.Program }[] = [];
      const helpers = new Set<string>();
      let needed: Set<string> | undefined = new Set<string>();

      function shapeOf(node: Layout, path: string): Shape {
        if (typeof node === 'string') {
          const leaf = parseLeaf(node, path, helpers, needed);
          if (typeof leaf === 'string') return () => leaf;
          needed = leaf.needed;
          const index = leaves.length;
          leaves.push({ path, program: leaf.program });
          return (texts) => texts[index] ?? '';
        }
        if (node === null || typeof node === 'number' || typeof node === 'boolean') {
          if (typeof node === 'number' && !Number.isFinite(node)) throw new LayoutError(path, `${String(node)} is not a JSON number`, 'use a finite number');
          return () => node;
        }
        if (Array.isArray(node)) {
          const items = (node as readonly Layout[]).map((n, i) => shapeOf(n, `${path}[${i}]`));
          return (texts) => items.map((r) => r(texts));
        }
        if (typeof node !== 'object') {
          throw new LayoutError(path, `a layout holds strings, numbers, booleans, null, arrays and objects, not a ${typeof node}`, 'remove the value');
        }
        const entries = Object.entries(node as Readonly<Record<string, Layout>>).map(([k, v]) => [k, shapeOf(v, path === '' ? k : `${path}.${k}`)] as const);
        return (texts) => {
          const out: Record<string, Payload> = {};
          for (const [k, r] of entries) out[k] = r(texts);
          return out;
        };
      }

      const shape = shapeOf(layout, '');
      let renderTexts: (context: object, describe: () => string) => readonly string[] = () => [];
      if (leaves.length > 0) {
        const hb = Handlebars.create();
        for (const name of Object.keys(hb.helpers)) hb.unregisterHelper(name);
        const knownHelpers: Record<string, boolean> = { __leaf: true };
        for (const name of helpers) {
          const fn = name === 'lookup' ? lookup : flavor.helpers[name];
          if (fn !== undefined) hb.registerHelper(name, fn as Handlebars.HelperDelegate);
          else hb.registerHelper(name, (Handlebars.helpers as Record<string, Handlebars.HelperDelegate>)[name] as Handlebars.HelperDelegate);
          knownHelpers[name] = true;
        }
        hb.registerHelper('__leaf', function (this: unknown, index: number, options: Handlebars.HelperOptions) {
          const out = (options.data as { out: string[] }).out;
          try {
            // A one-mustache program returns its value as is (a number, say): the payload holds text.
            const text: unknown = options.fn(this);
            out[index] = typeof text === 'string' ? text : String(text);
          } catch (err) {
            throw new LeafError(index, { cause: err });
          }
          return '';
        });
        const loc = { source: '', start: { line: 1, column: 0 }, end: { line: 1, column: 0 } };
        const strip = { open: false, close: false };
        const root = {
          type: 'Program',
          loc,
          blockParams: [],
          body: leaves.map((leaf, i) => ({
            type: 'BlockStatement',
            loc,
            path: { type: 'PathExpression', loc, data: false, depth: 0, parts: ['__leaf'], original: '__leaf' },
            params: [{ type: 'NumberLiteral', loc, value: i, original: i }],
            hash: undefined,
            program: leaf.program,
            inverse: undefined,
            openStrip: strip,
            inverseStrip: strip,
            closeStrip: strip,
          })),
        };
        let template: Handlebars.TemplateDelegate;
        try {
          // The leaves were whitespace-processed when parsed; `ignoreStandalone` keeps a second pass from changing them.
          template = hb.compile(root, { strict: true, noEscape: true, knownHelpers, knownHelpersOnly: true, preventIndent: true, ignoreStandalone: true });
        } catch (err) {
          throw new LayoutError('', (err as Error).message, 'use only the documented helpers', { cause: err });
        }
        renderTexts = (context, describe) => {
          const out: string[] = new Array<string>(leaves.length);
          try {
            template(context, { data: { out } });
          } catch (err) {
            const leaf = err instanceof LeafError ? leaves[err.leaf] : undefined;
            const cause = err instanceof LeafError ? err.cause : err;
            const message = (cause as Error).message;
            const missing = /^"(.*)" not defined in/.exec(message);
            const fix = (cause as { fix?: unknown }).fix;
            throw new LayoutError(
              leaf?.path ?? '',
              missing === null ? `rendering ${describe()} failed: ${message}` : `rendering ${describe()} failed: \`${missing[1] ?? ''}\` is absent (${message})`,
              typeof fix === 'string'
                ? fix
                : missing === null
                  ? 'check the helper arguments'
                  : 'a map key the event may not have must be read with a fallback: `{{default labels.team "none"}}`, `{{label "team"}}` or `{{lookup labels "team"}}`',
              { cause },
            );
          }
          return out;
        };
      }
      const fields: ReadonlySet<string> | undefined = needed;
      // Render once against the sample: an error surfaces now, at load time.
      shape(renderTexts(flavor.context(sample, fields), () => `the sample event (${describeInput(sample)})`));
      return (input) => shape(renderTexts(flavor.context(input, fields), () => describeInput(input)));
    },
  };
}
