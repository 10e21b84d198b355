/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), the server half of
 * k8s.io/apimachinery/pkg/util/strategicpatch (patch.go `StrategicMergeMapPatch` and what it calls,
 * as of apimachinery v0.3x), including its ordering rules and error texts. The Go struct tags it
 * reads come from a {@link PatchSchema} (see patch-strategies.ts).
 *
 * @module
 */
import { KubeEventsError } from '../../errors.ts';
import { cloneJson, isJsonObject } from '../json.ts';
import type { Json, JsonObject } from '../json.ts';
import type { PatchSchema } from './patch-strategies.ts';

const DIRECTIVE_MARKER = '$patch';
const DELETE_DIRECTIVE = 'delete';
const REPLACE_DIRECTIVE = 'replace';
const MERGE_DIRECTIVE = 'merge';
const RETAIN_KEYS_STRATEGY = 'retainKeys';
const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';

/**
 * How kube-apiserver answers a strategic merge patch that fails
 * (patch.go `interpretStrategicMergePatchError`): `BadRequest` (400) for a malformed directive,
 * `Invalid` (422, with the generic "the server rejected our request…" text) for a list of lists, and
 * `Unknown` (500 with no reason, the error text as message) for everything else.
 */
export type StrategicMergePatchFailure = 'BadRequest' | 'Invalid' | 'Unknown';

/**
 * A strategic merge patch that k8s.io/apimachinery/pkg/util/strategicpatch rejects, with its text.
 *
 * @example
 * ```ts
 * try {
 *   applyStrategicMergePatch(pod, { spec: { containers: [{ image: 'x' }] } }, schema);
 * } catch (err) {
 *   if (err instanceof StrategicMergePatchError) console.log(err.failure, err.message);
 *   // 'Unknown' 'map: map[image:x] does not contain declared merge key: name'
 * }
 * ```
 */
export class StrategicMergePatchError extends KubeEventsError {
  /** Always `ERR_STRATEGIC_MERGE_PATCH`. */
  readonly code = 'ERR_STRATEGIC_MERGE_PATCH';
  /** Which Status the real server turns this error into. */
  readonly failure: StrategicMergePatchFailure;

  /**
   * @param message - The upstream error text.
   * @param failure - Which Status the real server answers with.
   */
  constructor(message: string, failure: StrategicMergePatchFailure = 'Unknown') {
    super(message);
    this.failure = failure;
  }
}

// The sentinel errors of k8s.io/apimachinery/pkg/util/mergepatch/errors.go.
const errBadPatchFormatForPrimitiveList = (): StrategicMergePatchError => new StrategicMergePatchError('invalid patch format of primitive list', 'BadRequest');
const errBadPatchFormatForRetainKeys = (): StrategicMergePatchError => new StrategicMergePatchError('invalid patch format of retainKeys', 'BadRequest');
const errBadPatchFormatForSetElementOrderList = (): StrategicMergePatchError => new StrategicMergePatchError('invalid patch format of setElementOrder list', 'BadRequest');
const errNoListOfLists = (): StrategicMergePatchError => new StrategicMergePatchError('lists of lists are not supported', 'Invalid');

function errNoMergeKey(m: JsonObject, mergeKey: string): StrategicMergePatchError {
  return new StrategicMergePatchError(`map: ${goFormat(m)} does not contain declared merge key: ${mergeKey}`);
}

function errBadArgType(expected: string, actual: Json | undefined): StrategicMergePatchError {
  return new StrategicMergePatchError(`expected a ${expected}, but received a ${goTypeName(actual)}`);
}

function errBadPatchType(directive: Json, m: JsonObject): StrategicMergePatchError {
  let shown: string;
  if (typeof directive === 'string') shown = directive;
  else if (directive === null) shown = '%!s(<nil>)';
  else if (typeof directive === 'object') shown = goFormat(directive);
  else shown = `%!s(${goTypeName(directive)}=${goFormat(directive)})`;
  return new StrategicMergePatchError(`unknown patch type: ${shown} in map: ${goFormat(m)}`);
}

const MAP_TYPE = 'map[string]interface {}';
const SLICE_TYPE = '[]interface {}';

/**
 * Applies a strategic merge patch to `original` as kube-apiserver does for a built-in kind and
 * returns the result; neither argument is modified. `patch` may be `null` (the JSON body `null`),
 * which changes nothing.
 *
 * The result is also cleaned as decoding it into the kind's Go struct would clean it: directive
 * keys (`$patch`, `$retainKeys`, `$setElementOrder/…`, `$deleteFromPrimitiveList/…`) that upstream
 * copies into new values are dropped, and so are members whose value is `null`.
 *
 * @param schema - The kind's patch metadata; see `patchSchemaFor`.
 * @throws {@link StrategicMergePatchError} with upstream's text when the patch is rejected.
 * @example
 * ```ts
 * applyStrategicMergePatch(
 *   { spec: { containers: [{ name: 'app', image: 'app:1' }, { name: 'sidecar', image: 's:1' }] } },
 *   { spec: { containers: [{ name: 'app', image: 'app:2' }] } },
 *   patchSchemaFor({ group: '', version: 'v1', kind: 'Pod' }),
 * );
 * // → { spec: { containers: [{ name: 'app', image: 'app:2' }, { name: 'sidecar', image: 's:1' }] } }
 * ```
 */
export function applyStrategicMergePatch(original: JsonObject, patch: JsonObject | null, schema: PatchSchema | undefined): JsonObject {
  if (patch === null) return cloneJson(original);
  const merged = mergeMap(cloneJson(original), cloneJson(patch), schema);
  return dropLeftovers(merged);
}

// ---------------------------------------------------------------------------------------------
// Schema lookups (strategicpatch/meta.go `PatchMetaFromStruct`).

interface PatchMeta {
  /** The sub-schema: of the field's value, or of each element of a list. */
  readonly schema: PatchSchema | undefined;
  readonly strategies: readonly string[];
  readonly mergeKey: string;
}

function lookupPatchMeta(schema: PatchSchema | undefined, key: string): PatchMeta {
  const field = schema !== undefined && Object.hasOwn(schema.fields, key) ? schema.fields[key] : undefined;
  return {
    schema: field?.schema,
    strategies: field?.patchStrategy === undefined ? [] : field.patchStrategy.split(','),
    mergeKey: field?.patchMergeKey ?? '',
  };
}

/** patch.go `extractRetainKeysPatchStrategy`: the strategy other than `retainKeys`. */
function patchStrategyOf(strategies: readonly string[]): string {
  const [first, second, ...rest] = strategies;
  if (first === undefined) return '';
  if (second === undefined) return first === RETAIN_KEYS_STRATEGY ? '' : first;
  if (rest.length === 0) {
    if (first === RETAIN_KEYS_STRATEGY) return second;
    if (second === RETAIN_KEYS_STRATEGY) return first;
  }
  throw new StrategicMergePatchError(`unexpected patch strategy: ${goFormat([...strategies])}`);
}

// ---------------------------------------------------------------------------------------------
// Maps (patch.go `mergeMap` and its helpers).

function mergeMap(original: JsonObject, patch: JsonObject, schema: PatchSchema | undefined): JsonObject {
  if (Object.hasOwn(patch, DIRECTIVE_MARKER)) return handleDirectiveInMergeMap(patch[DIRECTIVE_MARKER] ?? null, patch);

  applyRetainKeysDirective(original, patch);
  mergePatchIntoOriginal(original, patch, schema);

  for (const [patchKey, patchV] of Object.entries(patch)) {
    let k = patchKey;
    let isDeleteList = false;
    if (k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) {
      k = extractKey(k, DELETE_FROM_PRIMITIVE_LIST_PREFIX);
      isDeleteList = true;
    }

    // A null deletes the key, whether or not the original has it.
    if (patchV === null) {
      Reflect.deleteProperty(original, k);
      continue;
    }

    const originalV = Object.hasOwn(original, k) ? original[k] : undefined;
    if (originalV === undefined || goType(originalV) !== goType(patchV)) {
      // Not in the original, or of another type: take the patch value (a deletion list is ignored).
      if (!isDeleteList) {
        discardNullValuesFromPatch(patchV);
        const [value, keep] = removeDirectives(patchV);
        if (keep) setMember(original, k, value);
        else Reflect.deleteProperty(original, k);
      }
      continue;
    }

    if (isJsonObject(originalV) && isJsonObject(patchV)) {
      const meta = lookupPatchMeta(schema, k);
      const strategy = patchStrategyOf(meta.strategies);
      setMember(original, k, strategy === REPLACE_DIRECTIVE ? patchV : mergeMap(originalV, patchV, meta.schema));
    } else if (Array.isArray(originalV) && Array.isArray(patchV)) {
      const meta = lookupPatchMeta(schema, k);
      const strategy = patchStrategyOf(meta.strategies);
      setMember(original, k, mergeSliceHandler(originalV, patchV, meta.schema, strategy, meta.mergeKey, isDeleteList));
    } else {
      setMember(original, k, patchV);
    }
  }
  return original;
}

/** patch.go `handleDirectiveInMergeMap`: `$patch` on a map. */
function handleDirectiveInMergeMap(directive: Json, patch: JsonObject): JsonObject {
  if (directive === REPLACE_DIRECTIVE) {
    Reflect.deleteProperty(patch, DIRECTIVE_MARKER);
    return patch;
  }
  if (directive === DELETE_DIRECTIVE) return {};
  throw errBadPatchType(directive, patch);
}

/** patch.go `extractKey`: the field a parallel-list directive key names. */
function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf('/');
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    throw prefix === DELETE_FROM_PRIMITIVE_LIST_PREFIX ? errBadPatchFormatForPrimitiveList() : errBadPatchFormatForSetElementOrderList();
  }
  return s.slice(slash + 1);
}

/**
 * patch.go `applyRetainKeysDirective`: with `$retainKeys`, every other key of the patch must be in
 * the list, and keys of the original that are not in it are cleared.
 */
function applyRetainKeysDirective(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const retainKeys = patch[RETAIN_KEYS_DIRECTIVE];
  Reflect.deleteProperty(patch, RETAIN_KEYS_DIRECTIVE);
  if (!Array.isArray(retainKeys)) throw errBadPatchFormatForRetainKeys();
  const retained = new Set(retainKeys.map(scalarKey));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) || k.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    if (!retained.has(scalarKey(k))) throw errBadPatchFormatForRetainKeys();
  }
  for (const k of Object.keys(original)) {
    if (!retained.has(scalarKey(k))) Reflect.deleteProperty(original, k);
  }
}

/**
 * patch.go `mergePatchIntoOriginal`: merges each list named by a `$setElementOrder/<field>`
 * directive and orders it: `$setElementOrder` first, then the patch's order, then the live order.
 */
function mergePatchIntoOriginal(original: JsonObject, patch: JsonObject, schema: PatchSchema | undefined): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER_PREFIX) || !Object.hasOwn(patch, key)) continue;
    const setElementOrder = patch[key];
    Reflect.deleteProperty(patch, key);
    if (!Array.isArray(setElementOrder)) throw errBadArgType(SLICE_TYPE, setElementOrder);
    const originalKey = extractKey(key, SET_ELEMENT_ORDER_PREFIX);

    const foundOriginal = Object.hasOwn(original, originalKey);
    const foundPatch = Object.hasOwn(patch, originalKey);
    const originalList = original[originalKey];
    const patchList = patch[originalKey];
    let originalFieldValue: Json[] = [];
    let patchFieldValue: Json[] = [];
    if (foundOriginal) {
      if (!Array.isArray(originalList)) throw errBadArgType(SLICE_TYPE, originalList);
      originalFieldValue = originalList;
    }
    if (foundPatch) {
      if (!Array.isArray(patchList)) throw errBadArgType(SLICE_TYPE, patchList);
      patchFieldValue = patchList;
    }
    const meta = lookupPatchMeta(schema, originalKey);
    const strategy = patchStrategyOf(meta.strategies);
    validatePatchWithSetOrderList(patchFieldValue, setElementOrder, meta.mergeKey);

    let merged: Json[];
    if (foundOriginal && !foundPatch) {
      merged = originalFieldValue;
    } else if (!foundOriginal && foundPatch) {
      const [value] = removeDirectives(patchFieldValue);
      merged = Array.isArray(value) ? value : [];
    } else if (foundOriginal && foundPatch) {
      const result = mergeSliceHandlerWithAliases(originalFieldValue, patchFieldValue, meta.schema, strategy, meta.mergeKey, false);
      merged = result.merged;
      // Upstream keeps using its slice of the original list, which the merge wrote into.
      originalFieldValue = result.originalAfter;
    } else {
      continue;
    }

    const [patchItems, serverOnlyItems] =
      meta.mergeKey === '' ? partitionPrimitivesByPresentInList(merged, setElementOrder) : partitionMapsByPresentInList(merged, setElementOrder, meta.mergeKey);
    const kind = sliceElementType(originalFieldValue, patchFieldValue);
    setMember(original, originalKey, normalizeElementOrder(patchItems, serverOnlyItems, setElementOrder, originalFieldValue, meta.mergeKey, kind));
    Reflect.deleteProperty(patch, originalKey);
  }
}

/**
 * patch.go `validatePatchWithSetOrderList`: the patch list's items (deletions aside) must appear in
 * the `$setElementOrder` list, in the same relative order.
 */
function validatePatchWithSetOrderList(patchList: Json[], setOrderList: Json[], mergeKey: string): void {
  if (setOrderList.length === 0 || patchList.length === 0) return;
  const nonDeleteList = mergeKey === '' ? patchList : extractToDeleteItems(patchList)[0];
  let patchIndex = 0;
  let setOrderIndex = 0;
  while (patchIndex < nonDeleteList.length && setOrderIndex < setOrderList.length) {
    const item = nonDeleteList[patchIndex] ?? null;
    if (isJsonObject(item) && Object.hasOwn(item, DIRECTIVE_MARKER)) {
      patchIndex++;
      continue;
    }
    if (mergeKeyValueEqual(item, setOrderList[setOrderIndex] ?? null, mergeKey)) patchIndex++;
    setOrderIndex++;
  }
  if (patchIndex < nonDeleteList.length && setOrderIndex >= setOrderList.length) {
    throw new StrategicMergePatchError(`the order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goFormat(setOrderList)}`);
  }
}

function mergeKeyValueEqual(left: Json, right: Json, mergeKey: string): boolean {
  if (mergeKey === '') return goEqual(left, right);
  if (!isJsonObject(left)) throw errBadArgType(MAP_TYPE, left);
  if (!isJsonObject(right)) throw errBadArgType(MAP_TYPE, right);
  if (!Object.hasOwn(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!Object.hasOwn(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return goEqual(left[mergeKey] ?? null, right[mergeKey] ?? null);
}

/** The newer patch.go `discardNullValuesFromPatch`: drops null members, at any depth. */
function discardNullValuesFromPatch(value: Json): void {
  if (Array.isArray(value)) {
    value.forEach(discardNullValuesFromPatch);
  } else if (isJsonObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (v === null) Reflect.deleteProperty(value, k);
      else discardNullValuesFromPatch(v);
    }
  }
}

/**
 * The newer patch.go `removeDirectives`: drops every map that carries `$patch`; the boolean is false
 * when `value` itself is such a map.
 */
function removeDirectives(value: Json): [Json, boolean] {
  if (isJsonObject(value)) {
    if (Object.hasOwn(value, DIRECTIVE_MARKER)) return [null, false];
    for (const [k, v] of Object.entries(value)) {
      const [inner, keep] = removeDirectives(v);
      if (keep) setMember(value, k, inner);
      else Reflect.deleteProperty(value, k);
    }
    return [value, true];
  }
  if (Array.isArray(value)) {
    const kept: Json[] = [];
    for (const item of value) {
      const [inner, keep] = removeDirectives(item);
      if (keep) kept.push(inner);
    }
    return [kept, true];
  }
  return [value, true];
}

// ---------------------------------------------------------------------------------------------
// Lists (patch.go `mergeSliceHandler`, `mergeSlice` and their helpers).

type ElementKind = 'map' | 'scalar';

function mergeSliceHandler(original: Json[], patch: Json[], schema: PatchSchema | undefined, strategy: string, mergeKey: string, isDeleteList: boolean): Json[] {
  return mergeSliceHandlerWithAliases(original, patch, schema, strategy, mergeKey, isDeleteList).merged;
}

/** A merged list, and what the caller's slice of the original list holds afterwards. */
interface SliceMergeResult {
  readonly merged: Json[];
  /**
   * The caller's view of the original list once the merge is done. Upstream deletes and appends
   * in the original's backing array (`append(original[:i], original[i+1:]...)`, then
   * `append(original, item)`), so a caller that still holds the original slice sees the shifted
   * survivors, then the appended items, then stale copies; `$setElementOrder` reads the live order
   * from that slice.
   */
  readonly originalAfter: Json[];
}

function mergeSliceHandlerWithAliases(
  original: Json[],
  patch: Json[],
  schema: PatchSchema | undefined,
  strategy: string,
  mergeKey: string,
  isDeleteList: boolean,
): SliceMergeResult {
  // A deletion list is handled the same way whatever the field's strategy.
  if (strategy === MERGE_DIRECTIVE || isDeleteList) return mergeSlice(original, patch, schema, mergeKey, isDeleteList);
  return { merged: patch, originalAfter: original };
}

function mergeSlice(original: Json[], patch: Json[], schema: PatchSchema | undefined, mergeKey: string, isDeleteList: boolean): SliceMergeResult {
  if (original.length === 0 && patch.length === 0) return { merged: original, originalAfter: original };
  const kind = sliceElementType(original, patch);
  if (kind === 'scalar') {
    if (isDeleteList) return { merged: deleteFromSlice(original, patch), originalAfter: original };
    const merged = deduplicateScalars([...original, ...patch]);
    const [patchItems, serverOnlyItems] = partitionPrimitivesByPresentInList(merged, patch);
    return { merged: normalizeElementOrder(patchItems, serverOnlyItems, patch, original, mergeKey, kind), originalAfter: original };
  }
  if (mergeKey === '') throw new StrategicMergePatchError('cannot merge lists without merge key for struct');

  // The caller's backing array, `live` elements of which are the current original list.
  const backing = [...original];
  let live = backing.length;
  const { plain, replace } = mergeSliceWithSpecialElements(patch, mergeKey, (value) => {
    // deleteMatchingEntries
    for (;;) {
      const index = findMapInSliceBasedOnKeyValue(backing.slice(0, live), mergeKey, value);
      if (index < 0) break;
      backing.copyWithin(index, index + 1, live);
      live--;
    }
  });
  const remaining = replace ? plain : backing.slice(0, live);
  const patchItemsInOrder = replace ? [] : plain;
  const merged = mergeSliceWithoutSpecialElements(remaining, patchItemsInOrder, mergeKey, schema, (item) => {
    // An append lands in the backing array while it has room.
    if (!replace && live < backing.length) backing[live] = item;
    live++;
  });
  const [patchItems, serverOnlyItems] = partitionMapsByPresentInList(merged, patchItemsInOrder, mergeKey);
  return { merged: normalizeElementOrder(patchItems, serverOnlyItems, patchItemsInOrder, remaining, mergeKey, kind), originalAfter: backing };
}

/**
 * patch.go `mergeSliceWithSpecialElements`: applies `$patch: delete` elements (through
 * `deleteMatching`) and notes `$patch: replace`; returns the patch without them.
 */
function mergeSliceWithSpecialElements(patch: Json[], mergeKey: string, deleteMatching: (value: Json) => void): { plain: Json[]; replace: boolean } {
  const plain: Json[] = [];
  let replace = false;
  for (const item of patch) {
    if (!isJsonObject(item)) throw errBadArgType(MAP_TYPE, item);
    if (!Object.hasOwn(item, DIRECTIVE_MARKER)) {
      plain.push(item);
      continue;
    }
    const directive = item[DIRECTIVE_MARKER] ?? null;
    if (directive === DELETE_DIRECTIVE) {
      if (!Object.hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      deleteMatching(item[mergeKey] ?? null);
    } else if (directive === REPLACE_DIRECTIVE) {
      // Keep going, to drop any other `$patch` elements.
      replace = true;
    } else if (directive === MERGE_DIRECTIVE) {
      throw new StrategicMergePatchError('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(directive, item);
    }
  }
  return { plain, replace };
}

/** patch.go `mergeSliceWithoutSpecialElements`: merges elements by merge key, appends new ones. */
function mergeSliceWithoutSpecialElements(
  original: Json[],
  patch: Json[],
  mergeKey: string,
  schema: PatchSchema | undefined,
  onAppend: (item: Json) => void,
): Json[] {
  const result = [...original];
  for (const item of patch) {
    if (!isJsonObject(item)) throw errBadArgType(MAP_TYPE, item);
    if (!Object.hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    const index = findMapInSliceBasedOnKeyValue(result, mergeKey, item[mergeKey] ?? null);
    const found = index < 0 ? undefined : result[index];
    if (found !== undefined && isJsonObject(found)) {
      // mergeMap merges into `found` itself, so the caller's backing array sees it too.
      result[index] = mergeMap(found, item, schema);
    } else {
      result.push(item);
      onAppend(item);
    }
  }
  return result;
}

/** patch.go `findMapInSliceBasedOnKeyValue`: the index of the first map whose key equals value. */
function findMapInSliceBasedOnKeyValue(list: Json[], mergeKey: string, value: Json): number {
  for (const [i, entry] of list.entries()) {
    if (!isJsonObject(entry)) throw new StrategicMergePatchError(`value for key ${i} is not a map`);
    if (Object.hasOwn(entry, mergeKey) && goEqual(entry[mergeKey] ?? null, value)) return i;
  }
  return -1;
}

/** patch.go `deleteFromSlice`: removes every element equal to one in the deletion list. */
function deleteFromSlice(current: Json[], toDelete: Json[]): Json[] {
  const deleted = new Set(toDelete.map(scalarKey));
  return current.filter((v) => !deleted.has(scalarKey(v)));
}

/** patch.go `deduplicateScalars`, including its swap-with-last order. */
function deduplicateScalars(s: Json[]): Json[] {
  const out = [...s];
  let length = out.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (goEqual(out[i] ?? null, out[j] ?? null)) {
        out[j] = out[length] ?? null;
        out.length = length;
        length--;
        j--;
      }
    }
  }
  return out;
}

/** patch.go `sliceElementType`: every element of every list must have the same Go type. */
function sliceElementType(...lists: Json[][]): ElementKind {
  let prev: string | undefined;
  for (const list of lists) {
    for (const item of list) {
      const current = goType(item);
      if (prev === undefined) {
        if (current === 'nil') {
          // Upstream dereferences the nil type here and panics; the panic handler answers 500.
          throw new StrategicMergePatchError('runtime error: invalid memory address or nil pointer dereference');
        }
        prev = current;
        if (current === 'slice') throw errNoListOfLists();
      } else if (prev !== current) {
        throw new StrategicMergePatchError(`list element types are not identical: ${goFormat(lists)}`);
      }
    }
  }
  if (prev === undefined) throw new StrategicMergePatchError('no elements in any of the given slices');
  return prev === 'map' ? 'map' : 'scalar';
}

function partitionPrimitivesByPresentInList(list: Json[], partitionBy: Json[]): [Json[], Json[]] {
  for (const v of [...partitionBy, ...list]) {
    if (isJsonObject(v) || Array.isArray(v)) throw new StrategicMergePatchError(`runtime error: hash of unhashable type ${goTypeName(v)}`);
  }
  const inPatch = new Set(partitionBy.map(scalarKey));
  const patch: Json[] = [];
  const serverOnly: Json[] = [];
  for (const v of list) (inPatch.has(scalarKey(v)) ? patch : serverOnly).push(v);
  return [patch, serverOnly];
}

function partitionMapsByPresentInList(list: Json[], partitionBy: Json[], mergeKey: string): [Json[], Json[]] {
  const patch: Json[] = [];
  const serverOnly: Json[] = [];
  for (const v of list) {
    if (!isJsonObject(v)) throw errBadArgType(MAP_TYPE, v);
    if (!Object.hasOwn(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    const found = findMapInSliceBasedOnKeyValue(partitionBy, mergeKey, v[mergeKey] ?? null) >= 0;
    (found ? patch : serverOnly).push(v);
  }
  return [patch, serverOnly];
}

// ---------------------------------------------------------------------------------------------
// Ordering (patch.go `normalizeElementOrder`, `normalizeSliceOrder`, `mergeSortedSlice`).

/**
 * Sorts `patch` items by `patchOrder` and server-only items by `serverOrder`, then merges the two,
 * keeping a server-only item ahead of a patch item only when the live list had it ahead.
 */
function normalizeElementOrder(patch: Json[], serverOnly: Json[], patchOrder: Json[], serverOrder: Json[], mergeKey: string, kind: ElementKind): Json[] {
  const sortedPatch = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const sortedServerOnly = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(sortedServerOnly, sortedPatch, serverOrder, mergeKey, kind);
}

function normalizeSliceOrder(toSort: Json[], order: Json[], mergeKey: string, kind: ElementKind): Json[] {
  let items = [...toSort];
  let toDelete: Json[] = [];
  if (kind === 'map') {
    for (const item of [...items, ...order]) {
      if (!isJsonObject(item)) throw errBadArgType(MAP_TYPE, item);
      if (!Object.hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    }
    [items, toDelete] = extractToDeleteItems(items);
  }
  const indexOf = indexer(order, mergeKey, kind);
  // sort.SliceStable with upstream's comparator, which reports "less" whenever either item is
  // missing from `order`. Go sorts short slices by insertion; so do we, whatever the length.
  for (let i = 1; i < items.length; i++) {
    for (let j = i; j > 0; j--) {
      const a = items[j] ?? null;
      const b = items[j - 1] ?? null;
      const ia = indexOf(a);
      const ib = indexOf(b);
      const less = ia >= 0 && ib >= 0 ? ia < ib : true;
      if (!less) break;
      items[j] = b;
      items[j - 1] = a;
    }
  }
  return [...items, ...toDelete];
}

function mergeSortedSlice(left: Json[], right: Json[], serverOrder: Json[], mergeKey: string, kind: ElementKind): Json[] {
  const indexOf = indexer(serverOrder, mergeKey, kind);
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const l = left[i] ?? null;
    const r = right[j] ?? null;
    const li = indexOf(l);
    const ri = indexOf(r);
    if (li >= 0 && ri >= 0 && li < ri) {
      out.push(l);
      i++;
    } else {
      out.push(r);
      j++;
    }
  }
  return [...out, ...left.slice(i), ...right.slice(j)];
}

/** patch.go `index` as a lookup: the first position of an item (by merge key for maps), or -1. */
function indexer(list: Json[], mergeKey: string, kind: ElementKind): (item: Json) => number {
  const valueOf = (item: Json): Json => (kind === 'map' ? (isJsonObject(item) && Object.hasOwn(item, mergeKey) ? (item[mergeKey] ?? null) : null) : item);
  const positions = new Map<string, number>();
  list.forEach((item, i) => {
    const key = comparableKey(valueOf(item));
    if (key !== undefined && !positions.has(key)) positions.set(key, i);
  });
  return (item) => {
    const key = comparableKey(valueOf(item));
    return key === undefined ? -1 : (positions.get(key) ?? -1);
  };
}

/** patch.go `extractToDeleteItems`: splits `$patch: delete` elements off a list of maps. */
function extractToDeleteItems(list: Json[]): [Json[], Json[]] {
  const nonDelete: Json[] = [];
  const toDelete: Json[] = [];
  for (const item of list) {
    if (!isJsonObject(item)) throw errBadArgType(MAP_TYPE, item);
    (item[DIRECTIVE_MARKER] === DELETE_DIRECTIVE ? toDelete : nonDelete).push(item);
  }
  return [nonDelete, toDelete];
}

// ---------------------------------------------------------------------------------------------
// Go value semantics.

type GoType = 'nil' | 'map' | 'slice' | 'string' | 'int64' | 'float64' | 'bool';

/**
 * The Go type a decoded JSON value has in the server (integers are kept as int64 by
 * `UnmarshalCaseSensitivePreserveInts` and by the unstructured converter; other numbers are float64).
 */
function goType(value: Json | undefined): GoType {
  if (value === null || value === undefined) return 'nil';
  if (Array.isArray(value)) return 'slice';
  if (isJsonObject(value)) return 'map';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  if (typeof value === 'boolean') return 'bool';
  return 'string';
}

function goTypeName(value: Json | undefined): string {
  const type = goType(value);
  if (type === 'nil') return '%!s(<nil>)';
  if (type === 'map') return MAP_TYPE;
  if (type === 'slice') return SLICE_TYPE;
  return type;
}

/** Go `==` on two interface values holding decoded JSON; maps and slices never compare equal. */
function goEqual(a: Json, b: Json): boolean {
  const key = comparableKey(a);
  return key !== undefined && key === comparableKey(b);
}

/** A string that is equal for Go-equal comparable values; undefined for maps and slices. */
function comparableKey(value: Json): string | undefined {
  if (isJsonObject(value) || Array.isArray(value)) return undefined;
  return `${goType(value)}:${String(value)}`;
}

/** A key for a scalar in a Go `map[interface{}]…`. */
function scalarKey(value: Json): string {
  return comparableKey(value) ?? `unhashable:${JSON.stringify(value)}`;
}

/** Go's `%v` of a decoded JSON value: `map[a:1 b:[x y]]`, `<nil>`, `1e+06`. */
function goFormat(value: Json | Json[][] | undefined): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map((v) => goFormat(v)).join(' ')}]`;
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((k) => `${k}:${goFormat(value[k])}`).join(' ')}]`;
  }
  if (typeof value === 'number') return goFormatNumber(value);
  return String(value);
}

/** `%v` of an int64, or of a float64 (strconv 'g', shortest digits: %e from 1e+06 up and below 1e-04). */
function goFormatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const [mantissa = '', exponentText = '0'] = n.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(n);
}

// ---------------------------------------------------------------------------------------------
// The result as the Go struct would decode it.

/**
 * Drops what decoding into the kind's Go struct would drop: directive keys upstream copied in with
 * new values, and members set to null.
 */
function dropLeftovers(value: JsonObject): JsonObject {
  for (const [k, v] of Object.entries(value)) {
    if (v === null || isDirectiveKey(k)) Reflect.deleteProperty(value, k);
    else setMember(value, k, dropLeftoversIn(v));
  }
  return value;
}

function dropLeftoversIn(value: Json): Json {
  if (Array.isArray(value)) return value.map(dropLeftoversIn);
  if (isJsonObject(value)) return dropLeftovers(value);
  return value;
}

function isDirectiveKey(k: string): boolean {
  return k === DIRECTIVE_MARKER || k === RETAIN_KEYS_DIRECTIVE || k.startsWith(`${SET_ELEMENT_ORDER_PREFIX}/`) || k.startsWith(`${DELETE_FROM_PRIMITIVE_LIST_PREFIX}/`);
}

/** `obj[key] = value` that also works for a key named `__proto__`. */
function setMember(obj: JsonObject, key: string, value: Json): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
