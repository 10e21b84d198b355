/**
 * Loading our YAML route config: the same {@link RouterSpec} the builder produces, validated the
 * same way, plus the receivers' own configuration (opaque to the router; the sinks read it).
 *
 * @module
 */
import type { EventPredicate, RouterSpec } from './route-spec.ts';
import type { Layout } from './templates/layout-engine.ts';
import type { PendingIssue } from './config-issues.ts';
import { IssueList, isPlainObject, show, typeName } from './config-issues.ts';
import { validateSpec } from './validate-spec.ts';
import { parseYaml } from './yaml-source.ts';
import type { YamlSource } from './yaml-source.ts';
import { compileLayout } from './templates/compile-layout.ts';
import { LayoutError } from './router-errors.ts';

/**
 * One receiver's configuration from a YAML config: whatever the sink needs (the router does not
 * read it), with an optional payload `layout` that is checked at load time.
 *
 * @example
 * ```ts
 * const slack: ReceiverConfig = { webhook: { url: 'https://hooks.slack.com/…' }, layout: { text: '{{reason}}' } };
 * ```
 */
export interface ReceiverConfig {
  /** A payload layout (see {@link compileLayout}); validated when the config is loaded. */
  readonly layout?: Layout;
  /** Anything else the receiver's sink reads. */
  readonly [key: string]: unknown;
}

/**
 * A loaded YAML config: the router spec and the receivers' configurations.
 *
 * @example
 * ```ts
 * const { spec, receivers } = loadRouterConfig(text);
 * const routes = compileRouter(spec);
 * ```
 */
export interface RouterConfig {
  /** The routes: what `compileRouter` takes; equal to what the builder makes of the same routes. */
  readonly spec: RouterSpec;
  /** Each declared receiver's configuration (`{}` when the YAML gives none), by name. */
  readonly receivers: Readonly<Record<string, ReceiverConfig>>;
}

/**
 * Options of {@link loadRouterConfig}.
 *
 * @example
 * ```ts
 * loadRouterConfig(text, { predicates: ['isCritical'] });
 * ```
 */
export interface LoadRouterConfigOptions {
  /**
   * Names of the predicates the config may use (`{ predicate: isCritical }`); pass the same
   * functions to `compileRouter(spec, { predicates })`.
   * @default []
   */
  readonly predicates?: readonly string[] | Readonly<Record<string, EventPredicate>>;
}

/**
 * Loads a YAML route config. Its schema is {@link RouterSpec}'s, except that `receivers` (which
 * is required) may be a map of name → receiver configuration as well as a list of names:
 *
 * ```yaml
 * receivers:
 *   alerting: { layout: { text: "{{reason}} on {{regarding.kind}} {{namespace}}/{{regarding.name}}" } }
 *   archive: {}
 * drop:
 *   - namespace: { glob: "test-*" }
 *   - type: Normal
 * routes:
 *   - match: { kind: Pod, namespace: prod, reason: { glob: "Failed*" } }
 *     to: [alerting]
 * to: [archive]
 * ```
 *
 * Regexes are `{ regex: "^test-", flags: "i" }` (unanchored, as in the DSL), globs
 * `{ glob: "Failed*" }`, any-of a YAML list, negation `{ not: ... }`. Every problem — invalid
 * YAML, an unknown key, a wrong type, an invalid regex or glob or duration, a receiver that is not
 * declared, a layout that does not compile — is reported at once, each with its path, line and a
 * fix.
 *
 * @param text - The YAML text.
 * @param options - The predicate names the config may use.
 * @returns The spec and the receivers' configurations.
 * @throws {@link RouterConfigError} listing every problem.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { compileRouter, loadRouterConfig } from 'kube-events/router';
 *
 * const { spec, receivers } = loadRouterConfig(await readFile('routes.yaml', 'utf8'));
 * const routes = compileRouter(spec);
 * ```
 */
export function loadRouterConfig(text: string, options: LoadRouterConfigOptions = {}): RouterConfig {
  // Annotated so that `source.fail(...)` narrows as a `never` call.
  const source: YamlSource = parseYaml(text);
  const value = source.value;
  const issues = new IssueList();
  const predicates = Array.isArray(options.predicates) ? (options.predicates as readonly string[]) : Object.keys(options.predicates ?? {});
  if (!isPlainObject(value)) {
    issues.add('invalid-type', [], `expected a mapping with \`receivers\`, \`drop\`, \`routes\` and \`to\`, got \`${show(value)}\` (${typeName(value)})`, 'write a YAML mapping (see the example in the docs)');
    source.fail(issues.all);
  }
  if ('route' in value) {
    issues.add('unknown-key', ['route'], 'unknown key `route`: this looks like a kubernetes-event-exporter config', 'load it with loadExporterConfig, or write `routes:` in our schema');
  }
  const receivers: Record<string, ReceiverConfig> = {};
  const raw = value.receivers;
  if (raw === undefined) {
    issues.add('invalid-value', ['receivers'], 'a config must declare its `receivers`', 'add `receivers: { archive: {} }` (a map of name → receiver config) or `receivers: [archive]`');
  } else if (Array.isArray(raw)) {
    raw.forEach((name, i) => {
      if (typeof name !== 'string' || name === '') {
        issues.add('invalid-type', ['receivers', i], `expected a receiver name, got \`${show(name)}\` (${typeName(name)})`, 'list receiver names as strings');
      } else if (Object.hasOwn(receivers, name)) {
        issues.add('invalid-value', ['receivers', i], `receiver \`${name}\` is declared twice`, 'remove the duplicate');
      } else {
        receivers[name] = {};
      }
    });
  } else if (isPlainObject(raw)) {
    for (const [name, config] of Object.entries(raw)) {
      if (config === null || config === undefined) {
        receivers[name] = {};
      } else if (!isPlainObject(config)) {
        issues.add('invalid-type', ['receivers', name], `expected the receiver's configuration (a mapping), got \`${show(config)}\` (${typeName(config)})`, `write \`${name}: {}\` when it needs none`);
      } else {
        receivers[name] = config;
        if (config.layout !== undefined) {
          try {
            compileLayout(config.layout as Layout);
          } catch (err) {
            if (!(err instanceof LayoutError)) throw err;
            const at = err.path === '' ? [] : err.path.split(/\.|\[(\d+)\]/).filter((s): s is string => typeof s === 'string' && s !== '');
            const rest = err.message.replace(/^Invalid layout( at `[^`]*`)?: /, '').replace(/\. Fix: .*$/s, '');
            issues.add('invalid-layout', ['receivers', name, 'layout', ...at.map((s) => (/^\d+$/.test(s) ? Number(s) : s))], rest, err.fix);
          }
        }
      }
    }
  } else {
    issues.add('invalid-type', ['receivers'], `expected a map of receiver name → config, or a list of names, got \`${show(raw)}\` (${typeName(raw)})`, 'write `receivers: { archive: {} }`');
  }
  const specInput: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== 'receivers' && k !== 'route') specInput[k] = v;
  const result = validateSpec(specInput, { predicates, receivers: Object.keys(receivers) });
  const all: PendingIssue[] = [...issues.all, ...('issues' in result ? result.issues : [])];
  if (all.length > 0 || 'issues' in result) source.fail(all);
  return { spec: { receivers: Object.keys(receivers), ...result.spec }, receivers };
}
