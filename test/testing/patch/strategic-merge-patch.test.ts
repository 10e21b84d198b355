import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { JsonObject } from '../../../src/testing/json.ts';
import { patchSchemaFor } from '../../../src/testing/patch/patch-strategies.ts';
import type { PatchField, PatchSchema } from '../../../src/testing/patch/patch-strategies.ts';
import { applyStrategicMergePatch, StrategicMergePatchError } from '../../../src/testing/patch/strategic-merge-patch.ts';

const POD = patchSchemaFor({ group: '', version: 'v1', kind: 'Pod' });
const DEPLOYMENT = patchSchemaFor({ group: 'apps', version: 'v1', kind: 'Deployment' });
const NODE = patchSchemaFor({ group: '', version: 'v1', kind: 'Node' });

function yaml(text: string): JsonObject {
  return parse(text) as JsonObject;
}

function smpError(fn: () => unknown): StrategicMergePatchError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StrategicMergePatchError) return err;
    throw err;
  }
  throw new Error('expected a StrategicMergePatchError');
}

/**
 * The `MergeItem` test type of upstream's strategicpatch/patch_test.go: a struct whose lists and maps
 * carry each kind of tag. The fixture-style cases below follow that file's expectations.
 */
const MERGE_ITEM: PatchSchema = (() => {
  const fields: Record<string, PatchField> = {};
  const schema: PatchSchema = { fields };
  const retainKeysItem: PatchSchema = {
    fields: { mergingIntList: { patchStrategy: 'merge' }, mergingList: { patchStrategy: 'merge', patchMergeKey: 'name', schema } },
  };
  Object.assign(fields, {
    mergingList: { patchStrategy: 'merge', patchMergeKey: 'name', schema },
    nonMergingList: { schema },
    mergingIntList: { patchStrategy: 'merge' },
    nonMergingIntList: {},
    mergeItemPtr: { patchStrategy: 'merge', patchMergeKey: 'name', schema },
    replacingItem: { patchStrategy: 'replace' },
    retainKeysMap: { patchStrategy: 'retainKeys', schema: retainKeysItem },
    retainKeysMergingList: { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name', schema },
  } satisfies Record<string, PatchField>);
  return schema;
})();

describe('applyStrategicMergePatch: the patch client-go and kubectl send', () => {
  it("applies client-go's EventCorrelator patch to a core/v1 Event", () => {
    const event = yaml(`
      apiVersion: v1
      kind: Event
      metadata: {name: web-1.17c2a1, namespace: default, resourceVersion: "41"}
      involvedObject: {kind: Pod, name: web-1, namespace: default}
      reason: BackOff
      message: Back-off restarting failed container
      type: Warning
      count: 1
      firstTimestamp: "2024-05-01T10:00:00Z"
      lastTimestamp: "2024-05-01T10:00:00Z"
      source: {component: kubelet, host: node-1}
    `);
    const patch = { count: 2, lastTimestamp: '2024-05-01T10:00:05Z', message: 'Back-off restarting failed container web' };
    const result = applyStrategicMergePatch(event, patch, patchSchemaFor({ group: '', version: 'v1', kind: 'Event' }));
    expect(result).toEqual({ ...event, count: 2, lastTimestamp: '2024-05-01T10:00:05Z', message: 'Back-off restarting failed container web' });
    expect(event['count']).toBe(1);
  });

  it('merges an events.k8s.io/v1 series update into the existing series', () => {
    const event = yaml(`
      metadata: {name: e, namespace: default}
      series: {count: 2, lastObservedTime: "2024-05-01T10:00:00.000000Z"}
      note: x
    `);
    const result = applyStrategicMergePatch(event, { series: { count: 3, lastObservedTime: '2024-05-01T10:00:09.000000Z' } }, patchSchemaFor({ group: 'events.k8s.io', version: 'v1', kind: 'Event' }));
    expect(result['series']).toEqual({ count: 3, lastObservedTime: '2024-05-01T10:00:09.000000Z' });
    expect(result['note']).toBe('x');
  });

  it("applies kubectl apply's patch for a new image and an env var added and removed", () => {
    const live = yaml(`
      metadata: {name: web, namespace: default, labels: {app: web}}
      spec:
        replicas: 2
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
            - name: app
              image: app:1
              env: [{name: A, value: "1"}, {name: B, value: "2"}]
              ports: [{containerPort: 8080, protocol: TCP}]
            - name: sidecar
              image: proxy:1
    `);
    // What kubectl computes (CreateThreeWayMergePatch) when the applied manifest moves app to app:2
    // and replaces env B with env C; the sidecar was injected and never applied.
    const patch = JSON.parse(
      '{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"}],"containers":[{"$setElementOrder/env":[{"name":"A"},{"name":"C"}],"env":[{"name":"C","value":"3"},{"$patch":"delete","name":"B"}],"image":"app:2","name":"app"}]}}}}',
    ) as JsonObject;
    const result = applyStrategicMergePatch(live, patch, DEPLOYMENT);
    expect(result).toEqual(
      yaml(`
        metadata: {name: web, namespace: default, labels: {app: web}}
        spec:
          replicas: 2
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - name: app
                image: app:2
                env: [{name: A, value: "1"}, {name: C, value: "3"}]
                ports: [{containerPort: 8080, protocol: TCP}]
              - name: sidecar
                image: proxy:1
      `),
    );
  });

  it('merges containers by name and ports by containerPort without $setElementOrder', () => {
    const pod = yaml(`
      spec:
        containers:
        - {name: a, image: a:1, ports: [{containerPort: 80, name: http}, {containerPort: 443, name: https}]}
        - {name: b, image: b:1}
    `);
    const result = applyStrategicMergePatch(pod, yaml('spec: {containers: [{name: a, ports: [{containerPort: 443, name: tls}]}]}'), POD);
    expect(result).toEqual(
      yaml(`
        spec:
          containers:
          - {name: a, image: a:1, ports: [{containerPort: 80, name: http}, {containerPort: 443, name: tls}]}
          - {name: b, image: b:1}
      `),
    );
  });

  it('deletes a container with $patch: delete', () => {
    const pod = yaml('spec: {containers: [{name: a, image: a:1}, {name: b, image: b:1}, {name: c, image: c:1}]}');
    const result = applyStrategicMergePatch(pod, { spec: { containers: [{ name: 'b', $patch: 'delete' }] } }, POD);
    expect(result).toEqual(yaml('spec: {containers: [{name: a, image: a:1}, {name: c, image: c:1}]}'));
  });

  it('reorders a merged list with $setElementOrder', () => {
    const pod = yaml('spec: {containers: [{name: a, image: a:1}, {name: b, image: b:1}, {name: c, image: c:1}]}');
    const patch = { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }], containers: [{ name: 'a', image: 'a:2' }] } };
    expect(applyStrategicMergePatch(pod, patch, POD)).toEqual(yaml('spec: {containers: [{name: c, image: c:1}, {name: a, image: a:2}, {name: b, image: b:1}]}'));
  });

  it('removes finalizers with $deleteFromPrimitiveList/finalizers and merges added ones as a set', () => {
    const obj = yaml('metadata: {name: x, finalizers: [example.com/a, example.com/b, example.com/c]}');
    expect(applyStrategicMergePatch(obj, { metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/b'] } }, POD)).toEqual(
      yaml('metadata: {name: x, finalizers: [example.com/a, example.com/c]}'),
    );
    // Without $setElementOrder, upstream puts the patch's new items ahead of the live ones.
    expect(applyStrategicMergePatch(obj, { metadata: { finalizers: ['example.com/d', 'example.com/a'] } }, POD)).toEqual(
      yaml('metadata: {name: x, finalizers: [example.com/d, example.com/a, example.com/b, example.com/c]}'),
    );
    // A deletion list for a list the object does not have changes nothing.
    expect(applyStrategicMergePatch({ metadata: { name: 'x' } }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, POD)).toEqual({ metadata: { name: 'x' } });
  });

  it('clears the keys missing from $retainKeys (Deployment strategy)', () => {
    const deployment = yaml('spec: {strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}, replicas: 1}');
    const result = applyStrategicMergePatch(deployment, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, DEPLOYMENT);
    expect(result).toEqual(yaml('spec: {strategy: {type: Recreate}, replicas: 1}'));
  });

  it('rejects a $retainKeys list that does not name a key the patch sets', () => {
    const err = smpError(() => applyStrategicMergePatch({ spec: { strategy: {} } }, { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }, DEPLOYMENT));
    expect(err.message).toBe('invalid patch format of retainKeys');
    expect(err.failure).toBe('BadRequest');
  });

  it('deletes keys set to null, and ignores nulls for keys that are absent', () => {
    const obj = yaml('metadata: {name: x, labels: {a: "1", b: "2"}, annotations: {n: v}}');
    const result = applyStrategicMergePatch(obj, { metadata: { labels: { a: null, c: null }, annotations: null, ownerReferences: null } }, POD);
    expect(result).toEqual(yaml('metadata: {name: x, labels: {b: "2"}}'));
  });

  it('replaces lists that have no patch strategy', () => {
    const pod = yaml('spec: {tolerations: [{key: a, operator: Exists}, {key: b, operator: Exists}], containers: [{name: c, args: [x, y]}]}');
    const result = applyStrategicMergePatch(pod, yaml('spec: {tolerations: [{key: c, operator: Exists}], containers: [{name: c, args: [z]}]}'), POD);
    expect(result).toEqual(yaml('spec: {tolerations: [{key: c, operator: Exists}], containers: [{name: c, args: [z]}]}'));
  });

  it('replaces a merged list whole with a $patch: replace element', () => {
    const pod = yaml('spec: {containers: [{name: a, image: a:1}, {name: b, image: b:1}]}');
    const result = applyStrategicMergePatch(pod, { spec: { containers: [{ $patch: 'replace' }, { name: 'z', image: 'z:1' }] } }, POD);
    expect(result).toEqual(yaml('spec: {containers: [{name: z, image: z:1}]}'));
  });

  it('replaces a map with $patch: replace and empties it with $patch: delete', () => {
    const pod = yaml('metadata: {labels: {a: "1", b: "2"}}\nspec: {nodeSelector: {disk: ssd}}');
    const result = applyStrategicMergePatch(pod, { metadata: { labels: { $patch: 'replace', c: '3' } }, spec: { nodeSelector: { $patch: 'delete' } } }, POD);
    expect(result).toEqual(yaml('metadata: {labels: {c: "3"}}\nspec: {nodeSelector: {}}'));
  });

  it('merges ownerReferences by uid, status.conditions by type and Node addresses by type', () => {
    const node = yaml(`
      metadata:
        ownerReferences: [{uid: u1, name: one, kind: K, apiVersion: v1}, {uid: u2, name: two, kind: K, apiVersion: v1}]
      status:
        conditions: [{type: Ready, status: "False"}, {type: MemoryPressure, status: "False"}]
        addresses: [{type: InternalIP, address: 10.0.0.1}, {type: Hostname, address: node-1}]
    `);
    const patch = yaml(`
      metadata: {ownerReferences: [{uid: u2, name: renamed}]}
      status:
        conditions: [{type: Ready, status: "True"}]
        addresses: [{type: InternalIP, address: 10.0.0.2}]
    `);
    expect(applyStrategicMergePatch(node, patch, NODE)).toEqual(
      yaml(`
        metadata:
          ownerReferences: [{uid: u1, name: one, kind: K, apiVersion: v1}, {uid: u2, name: renamed, kind: K, apiVersion: v1}]
        status:
          conditions: [{type: Ready, status: "True"}, {type: MemoryPressure, status: "False"}]
          addresses: [{type: InternalIP, address: 10.0.0.2}, {type: Hostname, address: node-1}]
      `),
    );
  });

  it('drops directives and nulls that would not survive decoding into the Go struct', () => {
    const pod = yaml('spec: {containers: [{name: a, image: a:1}]}');
    const patch = { spec: { containers: [{ name: 'b', image: 'b:1', '$setElementOrder/env': [{ name: 'X' }], env: [{ name: 'X', value: null }] }], volumes: [{ name: 'v', $patch: 'delete' }] } };
    expect(applyStrategicMergePatch(pod, patch, POD)).toEqual({ spec: { containers: [{ name: 'b', image: 'b:1', env: [{ name: 'X' }] }, { name: 'a', image: 'a:1' }], volumes: [] } });
  });

  it('changes nothing for the patch document null', () => {
    const obj = { a: { b: 1 } };
    expect(applyStrategicMergePatch(obj, null, POD)).toEqual(obj);
  });
});

describe('applyStrategicMergePatch: upstream fixtures (strategicpatch/patch_test.go)', () => {
  const cases: [description: string, current: string, patch: string, result: string][] = [
    [
      'merge lists of maps, ordered by $setElementOrder',
      'mergingList: [{name: "1", other: a}, {name: "2", value: "2", other: b}]',
      '{$setElementOrder/mergingList: [{name: "4"}, {name: "1"}, {name: "2"}, {name: "3"}], mergingList: [{name: "4", value: "4"}, {name: "3", value: "3"}]}',
      'mergingList: [{name: "4", value: "4"}, {name: "1", other: a}, {name: "2", value: "2", other: b}, {name: "3", value: "3"}]',
    ],
    [
      'add map and delete map from merging list (the live order as upstream reads it after deleting in place)',
      'mergingList: [{name: "1"}, {name: "2", other: b}, {name: "4", other: c}]',
      '{$setElementOrder/mergingList: [{name: "2"}, {name: "3"}], mergingList: [{name: "3"}, {name: "1", $patch: delete}]}',
      'mergingList: [{name: "2", other: b}, {name: "4", other: c}, {name: "3"}]',
    ],
    [
      'delete missing map from merging list with conflict',
      'mergingList: [{name: "3", other: a}]',
      '{$setElementOrder/mergingList: [{name: "2"}], mergingList: [{name: "2"}, {name: "1", $patch: delete}]}',
      'mergingList: [{name: "2"}, {name: "3", other: a}]',
    ],
    [
      'nested patch merge with empty list',
      'name: hi',
      '{mergingList: [{name: hello}, {$patch: delete, name: doesntexist}]}',
      '{name: hi, mergingList: [{name: hello}]}',
    ],
    [
      'add and delete items in lists of scalars',
      'mergingIntList: [1, 2, 3, 4]',
      '{$setElementOrder/mergingIntList: [1, 2, 4], $deleteFromPrimitiveList/mergingIntList: [3], mergingIntList: [4]}',
      'mergingIntList: [1, 2, 4]',
    ],
    [
      'delete all duplicate items in lists of scalars',
      'mergingIntList: [1, 2, 3, 3, 4]',
      '{$setElementOrder/mergingIntList: [1, 2], $deleteFromPrimitiveList/mergingIntList: [3]}',
      'mergingIntList: [1, 2, 4]',
    ],
    [
      'retainKeys map adds an item and deletes an item in nested merging int list',
      'retainKeysMap: {name: foo, mergingIntList: [1, 2, 3, 4]}',
      '{retainKeysMap: {$retainKeys: [mergingIntList, name], mergingIntList: [5], $deleteFromPrimitiveList/mergingIntList: [2], $setElementOrder/mergingIntList: [1, 3, 5]}}',
      'retainKeysMap: {name: foo, mergingIntList: [1, 3, 5, 4]}',
    ],
    [
      'retainKeys map deletes nested non-merging list',
      'retainKeysMap: {name: foo, nonMergingList: [{name: a}, {name: b}]}',
      '{retainKeysMap: {$retainKeys: [name, value], value: bar, nonMergingList: null}}',
      'retainKeysMap: {name: foo, value: bar}',
    ],
    ['replace a replacingItem whole', 'replacingItem: {a: 1, b: {c: 2}}', '{replacingItem: {b: {d: 3}}}', 'replacingItem: {b: {d: 3}}'],
  ];

  it.each(cases)('%s', (_description, current, patch, result) => {
    expect(applyStrategicMergePatch(yaml(current), yaml(patch), MERGE_ITEM)).toEqual(yaml(result));
  });
});

describe('applyStrategicMergePatch: errors with upstream texts', () => {
  it.each([
    ['a list element without its merge key', 'mergingList: [{name: a}]', '{mergingList: [{value: x, other: "1"}]}', 'Unknown', 'map: map[other:1 value:x] does not contain declared merge key: name'],
    ['$patch: merge on a map', 'mergeItemPtr: {name: a}', '{mergeItemPtr: {$patch: merge, value: b}}', 'Unknown', 'unknown patch type: merge in map: map[$patch:merge value:b]'],
    ['$patch: merge in a list', 'mergingList: [{name: a}]', '{mergingList: [{$patch: merge}]}', 'Unknown', 'merging lists cannot yet be specified in the patch'],
    ['an unknown list directive', 'mergingList: [{name: a}]', '{mergingList: [{$patch: frob, name: a}]}', 'Unknown', 'unknown patch type: frob in map: map[$patch:frob name:a]'],
    ['a list of lists', 'mergingIntList: [[1]]', '{mergingIntList: [[2]]}', 'Invalid', 'lists of lists are not supported'],
    ['mixed element types', 'mergingIntList: [1]', '{mergingIntList: [a]}', 'Unknown', 'list element types are not identical: [[1] [a]]'],
    ['$retainKeys that is not a list', 'retainKeysMap: {name: a}', '{retainKeysMap: {$retainKeys: name}}', 'BadRequest', 'invalid patch format of retainKeys'],
    ['a $setElementOrder key without a field', 'mergingList: []', '{$setElementOrder: []}', 'BadRequest', 'invalid patch format of setElementOrder list'],
    ['a $deleteFromPrimitiveList key without a field', 'mergingIntList: [1]', '{$deleteFromPrimitiveListX: [1]}', 'BadRequest', 'invalid patch format of primitive list'],
    ['a $setElementOrder that is not a list', 'mergingIntList: [1]', '{$setElementOrder/mergingIntList: 1}', 'Unknown', 'expected a []interface {}, but received a int64'],
    [
      'a patch list out of $setElementOrder order',
      'mergingList: [{name: a}, {name: b}]',
      '{$setElementOrder/mergingList: [{name: a}, {name: b}], mergingList: [{name: b}, {name: a}]}',
      'Unknown',
      "the order in patch list:\n[map[name:b] map[name:a]]\n doesn't match $setElementOrder list:\n[map[name:a] map[name:b]]",
    ],
  ])('%s', (_description, current, patch, failure, message) => {
    const err = smpError(() => applyStrategicMergePatch(yaml(current), yaml(patch), MERGE_ITEM));
    expect(err.message).toBe(message);
    expect(err.failure).toBe(failure);
    expect(err.code).toBe('ERR_STRATEGIC_MERGE_PATCH');
  });
});
