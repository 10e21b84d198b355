/**
 * The errors the router throws: a bad route config (DSL, YAML or kubernetes-event-exporter
 * files), a bad payload layout, a Go template that cannot be translated, and a predicate that
 * threw while deciding.
 *
 * @module
 */
import { KubeEventsError } from '../errors.ts';

/**
 * What is wrong with one place of a route config. Each kind has a literal `code`:
 *
 * | code | meaning |
 * | --- | --- |
 * | `yaml-syntax` | the text is not valid YAML |
 * | `unknown-key` | a key the schema does not define (a typo, usually) |
 * | `invalid-type` | a value of the wrong type |
 * | `invalid-value` | a value of the right type that is out of range |
 * | `invalid-regex` | a regular expression that does not compile |
 * | `invalid-glob` | a glob pattern that does not parse |
 * | `invalid-duration` | a duration that is not `500ms`, `10s`, `10m`, `1h30m` or a number of ms |
 * | `unknown-receiver` | a route sends to a receiver that is not declared |
 * | `unknown-predicate` | a condition names a predicate that was not registered |
 * | `unknown-field` | a throttle key names a field the event does not have |
 * | `mixed-condition` | a combinator (`all`, `any`, `not`, `predicate`) with other keys beside it |
 * | `invalid-layout` | a receiver's payload layout does not compile (see `LayoutError`) |
 * | `unsupported` | a kubernetes-event-exporter feature the compatibility mode does not support |
 *
 * @example
 * ```ts
 * if (err.issues.some((i) => i.code === 'unknown-receiver')) console.error('declare your receivers');
 * ```
 */
export type RouterConfigIssueCode =
  | 'yaml-syntax'
  | 'unknown-key'
  | 'invalid-type'
  | 'invalid-value'
  | 'invalid-regex'
  | 'invalid-glob'
  | 'invalid-duration'
  | 'unknown-receiver'
  | 'unknown-predicate'
  | 'unknown-field'
  | 'mixed-condition'
  | 'invalid-layout'
  | 'unsupported';

/**
 * One problem found in a route config: where (`path`), what (`message`) and how to fix it (`fix`).
 *
 * @example
 * ```ts
 * for (const issue of err.issues) console.error(`${issue.path}: ${issue.message} (${issue.fix})`);
 * ```
 */
export interface RouterConfigIssue {
  /** What kind of problem this is. */
  readonly code: RouterConfigIssueCode;
  /** Where: a dotted path into the config, e.g. `routes[1].match.reason.regex`; `''` for the whole config. */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /** Line and column (1-based) in the YAML text, when the config was loaded from YAML. */
  readonly line?: number;
  /** Column (1-based) in the YAML text, when known. */
  readonly column?: number;
}

function formatIssue(issue: RouterConfigIssue): string {
  const where = issue.path === '' ? '(config)' : issue.path;
  const at = issue.line === undefined ? '' : ` (line ${issue.line}${issue.column === undefined ? '' : `, column ${issue.column}`})`;
  return `${where}${at}: ${issue.message}. Fix: ${issue.fix}`;
}

/**
 * A route config is invalid. Every problem found is in `issues`, each with its path and a fix;
 * the message lists them all. Thrown at load time — by {@link loadRouterConfig},
 * {@link loadExporterConfig}, the builder's `toSpec()`/`compile()` and {@link compileRouter} —
 * never while deciding. Not retryable: fix the config.
 *
 * @example
 * ```ts
 * import { loadRouterConfig, RouterConfigError } from 'kube-events/router';
 *
 * try {
 *   loadRouterConfig(text);
 * } catch (err) {
 *   if (err instanceof RouterConfigError) for (const i of err.issues) console.error(i.path, i.code, i.fix);
 * }
 * ```
 */
export class RouterConfigError extends KubeEventsError {
  /** Always `ERR_ROUTER_CONFIG`. */
  readonly code = 'ERR_ROUTER_CONFIG';
  /** Every problem found, in config order. */
  readonly issues: readonly RouterConfigIssue[];

  /**
   * @param issues - The problems found (at least one).
   * @param options - `cause`: the underlying error, if any (a YAML parse error).
   */
  constructor(issues: readonly RouterConfigIssue[], options?: ErrorOptions) {
    const head = issues.length === 1 ? 'Invalid route config' : `Invalid route config (${issues.length} problems)`;
    super(`${head}:\n${issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}`, options);
    this.issues = issues;
  }
}

/**
 * A payload layout is invalid: a template that does not parse, names a field the event does not
 * have, calls a helper that does not exist, or fails when rendered against the sample event.
 * `path` is where in the layout (`details.reason`, `''` for a layout that is one string).
 * Thrown by {@link compileLayout} at load time; also thrown when rendering a real event fails
 * (a label the template reads without `default` is absent), with the event's name in the message.
 *
 * @example
 * ```ts
 * import { compileLayout, LayoutError } from 'kube-events/router';
 *
 * try {
 *   compileLayout({ text: '{{reson}}' });
 * } catch (err) {
 *   if (err instanceof LayoutError) console.error(err.path, err.message); // 'text', unknown field `reson`
 * }
 * ```
 */
export class LayoutError extends KubeEventsError {
  /** Always `ERR_ROUTER_LAYOUT`. */
  readonly code = 'ERR_ROUTER_LAYOUT';
  /** Where in the layout: a dotted path to the template string, `''` for a layout that is one string. */
  readonly path: string;
  /** How to fix it. */
  readonly fix: string;

  /**
   * @param path - Where in the layout.
   * @param message - What is wrong.
   * @param fix - How to fix it.
   * @param options - `cause`: the Handlebars error, if any.
   */
  constructor(path: string, message: string, fix: string, options?: ErrorOptions) {
    super(`Invalid layout${path === '' ? '' : ` at \`${path}\``}: ${message}. Fix: ${fix}`, options);
    this.path = path;
    this.fix = fix;
  }
}

/**
 * A kubernetes-event-exporter (Go `text/template`) layout uses something the translation to
 * Handlebars does not support. `construct` names it (`if`, `range`, `printf`, a `$variable`…);
 * `path` is where in the layout.
 *
 * @example
 * ```ts
 * import { translateGoTemplate, UnsupportedGoTemplateError } from 'kube-events/router';
 *
 * try {
 *   translateGoTemplate('{{ if .Message }}x{{ end }}');
 * } catch (err) {
 *   if (err instanceof UnsupportedGoTemplateError) console.error(err.construct); // 'if'
 * }
 * ```
 */
export class UnsupportedGoTemplateError extends KubeEventsError {
  /** Always `ERR_UNSUPPORTED_GO_TEMPLATE`. */
  readonly code = 'ERR_UNSUPPORTED_GO_TEMPLATE';
  /** The unsupported construct, e.g. `if`, `printf`, `$x`. */
  readonly construct: string;
  /** Where in the layout (a dotted path; `''` when translating a lone template). */
  readonly path: string;

  /**
   * @param construct - The construct.
   * @param template - The template text.
   * @param path - Where in the layout.
   * @param detail - Extra explanation, if any.
   */
  constructor(construct: string, template: string, path = '', detail = '') {
    super(
      `Unsupported Go template construct \`${construct}\`${path === '' ? '' : ` at \`${path}\``} in ${JSON.stringify(template)}` +
        `${detail === '' ? '' : `: ${detail}`}. The translation supports field access (\`{{ .InvolvedObject.Name }}\`), ` +
        '`toJson`, `toPrettyJson`, `.GetTimestampMs`, `.GetTimestampISO8601`, `index`, `lower`, `upper`, `default`, `trunc` and `|` pipelines ' +
        'of those. Fix: rewrite this layout in Handlebars (see compileLayout)',
    );
    this.construct = construct;
    this.path = path;
  }
}

/**
 * A predicate function in a route condition threw while deciding. `route` is the path of the
 * condition's route; `cause` is what the predicate threw. The decision is abandoned.
 *
 * @example
 * ```ts
 * import { RoutePredicateError } from 'kube-events/router';
 *
 * try {
 *   routes.decide(ev);
 * } catch (err) {
 *   if (err instanceof RoutePredicateError) console.error(err.route, err.cause);
 * }
 * ```
 */
export class RoutePredicateError extends KubeEventsError {
  /** Always `ERR_ROUTE_PREDICATE`. */
  readonly code = 'ERR_ROUTE_PREDICATE';
  /** The path of the condition that called the predicate, e.g. `routes[0].match`. */
  readonly route: string;

  /**
   * @param route - The condition's path.
   * @param options - `cause`: what the predicate threw.
   */
  constructor(route: string, options: ErrorOptions) {
    super(`The predicate at \`${route}\` threw; fix the predicate (it must return a boolean and not throw)`, options);
    this.route = route;
  }
}
