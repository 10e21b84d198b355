/**
 * The errors of label and field selectors: the parse errors the selector parsers throw (with
 * apimachinery's exact texts), and the `Status` errors kube-apiserver answers a list or watch with
 * when a selector does not parse or names a field the resource cannot select on.
 *
 * Followed upstream:
 * - k8s.io/apiserver/pkg/endpoints/handlers/get.go `ListResource`: a query that fails to decode
 *   (`labelSelector` or `fieldSelector` that does not parse) is `errors.NewBadRequest(err.Error())`;
 *   so is a field label the kind's field label conversion rejects (`FieldSelector.Transform`).
 * - k8s.io/apimachinery/pkg/apis/meta/v1/conversion.go `Convert_string_To_labels_Selector` /
 *   `Convert_string_To_fields_Selector`: the parse error is passed through unwrapped.
 * - k8s.io/kubernetes/pkg/apis/core/v1/conversion.go (and events/v1/conversion.go):
 *   `field label not supported: <label>`.
 * - k8s.io/apimachinery/pkg/runtime/scheme.go `DefaultMetaV1FieldSelectorConversion`: kinds with no
 *   conversion of their own answer `"<label>" is not a known field selector: only "metadata.name", "metadata.namespace"`.
 */
import { KubeEventsError } from '../../errors.ts';
import { badRequest, type ApiStatusError } from '../status.ts';
import type { FieldSelector } from './field-selector.ts';

/**
 * A label selector that does not parse, or a requirement that is not valid. The message is
 * apimachinery's own text, e.g. `unable to parse requirement: found '', expected: identifier`.
 *
 * @example
 * ```ts
 * import { parseLabelSelector, InvalidLabelSelectorError } from 'kube-events/testing';
 *
 * try {
 *   parseLabelSelector('app in (web');
 * } catch (err) {
 *   if (err instanceof InvalidLabelSelectorError) console.log(err.message);
 * }
 * ```
 */
export class InvalidLabelSelectorError extends KubeEventsError {
  /** Always `ERR_INVALID_LABEL_SELECTOR`. */
  readonly code = 'ERR_INVALID_LABEL_SELECTOR';
}

/**
 * A field selector that does not parse. The message is apimachinery's own text, e.g.
 * `invalid selector: 'foo'; can't understand 'foo'`.
 *
 * @example
 * ```ts
 * import { parseFieldSelector, InvalidFieldSelectorError } from 'kube-events/testing';
 *
 * try {
 *   parseFieldSelector('type=a\\b');
 * } catch (err) {
 *   if (err instanceof InvalidFieldSelectorError) console.log(err.message);
 * }
 * ```
 */
export class InvalidFieldSelectorError extends KubeEventsError {
  /** Always `ERR_INVALID_FIELD_SELECTOR`. */
  readonly code = 'ERR_INVALID_FIELD_SELECTOR';
}

/**
 * 400 BadRequest for a `labelSelector` query parameter that does not parse: the message is the
 * parser's text, unwrapped, as kube-apiserver sends it.
 *
 * @example
 * ```ts
 * try {
 *   parseLabelSelector(query.labelSelector);
 * } catch (err) {
 *   if (err instanceof InvalidLabelSelectorError) throw invalidLabelSelector(err);
 *   throw err;
 * }
 * ```
 */
export function invalidLabelSelector(err: InvalidLabelSelectorError): ApiStatusError {
  return badRequest(err.message);
}

/**
 * 400 BadRequest for a `fieldSelector` query parameter that does not parse: the message is the
 * parser's text, unwrapped, as kube-apiserver sends it.
 *
 * @example
 * ```ts
 * try {
 *   parseFieldSelector(query.fieldSelector);
 * } catch (err) {
 *   if (err instanceof InvalidFieldSelectorError) throw invalidFieldSelector(err);
 *   throw err;
 * }
 * ```
 */
export function invalidFieldSelector(err: InvalidFieldSelectorError): ApiStatusError {
  return badRequest(err.message);
}

/** The text of kinds with a field label conversion of their own (Events, Pods, …): `field label not supported: foo`. */
export function fieldLabelNotSupportedMessage(field: string): string {
  return `field label not supported: ${field}`;
}

/**
 * The text of kinds with no field label conversion of their own (e.g. Deployments, ConfigMaps),
 * which only select on `metadata.name` and `metadata.namespace`:
 * `"foo" is not a known field selector: only "metadata.name", "metadata.namespace"`.
 */
export function notAKnownFieldSelectorMessage(field: string): string {
  return `${goQuote(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`;
}

/**
 * 400 BadRequest for a field selector naming a field the resource does not support, e.g.
 * `field label not supported: foo`.
 *
 * @example
 * ```ts
 * throw unsupportedFieldLabel('message'); // 400 BadRequest "field label not supported: message"
 * ```
 */
export function unsupportedFieldLabel(field: string, message: (field: string) => string = fieldLabelNotSupportedMessage): ApiStatusError {
  return badRequest(message(field));
}

/** Options for {@link checkSupportedFields}. */
export interface CheckSupportedFieldsOptions {
  /**
   * Builds the error text for an unsupported field. Kinds with a field label conversion of their
   * own use {@link fieldLabelNotSupportedMessage}; kinds without one use
   * {@link notAKnownFieldSelectorMessage}.
   *
   * @default fieldLabelNotSupportedMessage
   */
  message?: (field: string) => string;
}

/**
 * Throws the real server's 400 BadRequest when the selector names a field outside `supported`.
 * Like kube-apiserver, which runs the kind's field label conversion over the parsed (sorted)
 * terms, the first unsupported field in the selector's order is the one reported.
 *
 * @example
 * ```ts
 * const sel = parseFieldSelector('involvedObject.name=web,message=oops');
 * checkSupportedFields(sel, new Set(['involvedObject.name', 'reason']));
 * // throws 400 BadRequest "field label not supported: message"
 * ```
 */
export function checkSupportedFields(sel: FieldSelector, supported: ReadonlySet<string>, options: CheckSupportedFieldsOptions = {}): void {
  for (const r of sel.requirements) {
    if (!supported.has(r.field)) throw unsupportedFieldLabel(r.field, options.message);
  }
}

/**
 * A string quoted as Go's `strconv.Quote` (and so `fmt`'s `%q`) quotes it: the quoting every
 * apimachinery error text uses for the values it names.
 *
 * @internal
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\ufffd'; // a lone surrogate reaches Go as U+FFFD
    else if (GO_PRINTABLE.test(ch)) out += ch;
    else out += escapeRune(cp);
  }
  return `${out}"`;
}

const GO_PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const SHORT_ESCAPES: Readonly<Record<number, string>> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };

function escapeRune(cp: number): string {
  const short = SHORT_ESCAPES[cp];
  if (short !== undefined) return short;
  if (cp < 0x20 || cp === 0x7f) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}
