/**
 * The one error hierarchy of kube-events. Every error the library throws or emits is a
 * {@link KubeEventsError} with a literal `code`, so callers can branch on `err.code` without
 * `instanceof` across package copies.
 *
 * @module
 */

/**
 * Base class of every error kube-events throws or emits.
 *
 * @example
 * ```ts
 * import { KubeEventsError } from 'kube-events';
 *
 * try {
 *   await cluster.client.create(badEvent);
 * } catch (err) {
 *   if (err instanceof KubeEventsError) console.error(err.code, err.message);
 * }
 * ```
 */
export abstract class KubeEventsError extends Error {
  /** A stable, literal code for this kind of error, such as `ERR_INVALID_OPTION`. */
  abstract readonly code: string;

  /**
   * @param message - What went wrong and how to fix it.
   * @param options - `cause`: the underlying error, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * An option passed to a kube-events factory is invalid. The message names the option, what it
 * expects and what it got, in one shape:
 * ``Expected `bookmarkInterval` to be a finite number > 0, got `-1` (number)``.
 *
 * @example
 * ```ts
 * import { InvalidOptionError } from 'kube-events';
 *
 * try {
 *   await startTestCluster({ eventTTL: -1 });
 * } catch (err) {
 *   if (err instanceof InvalidOptionError) console.error(err.option); // 'eventTTL'
 * }
 * ```
 */
export class InvalidOptionError extends KubeEventsError {
  /** Always `ERR_INVALID_OPTION`. */
  readonly code = 'ERR_INVALID_OPTION';
  /** The option's name (a dotted path for nested options). */
  readonly option: string;
  /** The value that was rejected. */
  readonly value: unknown;

  /**
   * @param option - The option's name.
   * @param expected - What the option must be, e.g. `a finite number > 0`.
   * @param value - The rejected value.
   */
  constructor(option: string, expected: string, value: unknown) {
    super(`Expected \`${option}\` to be ${expected}, got \`${describeValue(value)}\` (${typeOfValue(value)})`);
    this.option = option;
    this.value = value;
  }
}

function typeOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'function') return '[function]';
  try {
    // JSON.stringify returns undefined for `undefined` and symbols, whatever its type says.
    const json = JSON.stringify(value) as string | undefined;
    return json ?? String(value);
  } catch {
    return String(value);
  }
}
