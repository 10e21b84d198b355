import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/testing/json.ts';
import { objectAt, stringAt } from '../../../src/testing/json.ts';
import { createWorkloadSimulator } from '../../../src/testing/simulator/index.ts';
import type { SimulatorProfile } from '../../../src/testing/simulator/index.ts';
import { StoreTarget, steppingClock } from './store-target.ts';

async function run(profile: SimulatorProfile, events: number, seed = 3, extra: { nodes?: number } = {}): Promise<StoreTarget> {
  const target = new StoreTarget();
  const sim = createWorkloadSimulator({ target, seed, profile, clock: steppingClock(), batchObjects: true, ...extra });
  await sim.step(events);
  return target;
}

const reason = (e: JsonObject): string => stringAt(e, 'reason') ?? '';
const message = (e: JsonObject): string => stringAt(e, 'message') ?? '';
const nameOf = (e: JsonObject): string => stringAt(objectAt(e, 'metadata'), 'name') ?? '';
const involvedName = (e: JsonObject): string => stringAt(objectAt(e, 'involvedObject'), 'name') ?? '';

describe('simulated scenarios', () => {
  // Shared runs: each profile simulated once, checked by several tests.
  const dev = run('dev', 6000);
  const stable = run('stable', 3000);

  it.each([
    ['dev', dev],
    ['stable', stable],
  ] as const)('%s: every write is one a real API server accepts, and every Event refers to an existing object', async (_name, pending) => {
    const target = await pending;
    expect(target.problems).toEqual([]);
    expect(target.events().length).toBeGreaterThan(0);
  });

  it('creates namespaces, nodes and running workloads before the first Event', async () => {
    const target = await dev;
    const firstEvent = target.writes.findIndex((w) => w.resource === 'events');
    const before = target.writes.slice(0, firstEvent);
    expect(before.filter((w) => w.resource === 'namespaces')).toHaveLength(4);
    expect(before.filter((w) => w.resource === 'nodes')).toHaveLength(42);
    expect(before.some((w) => w.resource === 'deployments')).toBe(true);
    expect(before.some((w) => w.resource === 'pods')).toBe(true);
    expect(before.every((w) => w.verb === 'create')).toBe(true);
  });

  it('turns a repeated BackOff into updates of the same Event: count + 1, lastTimestamp moving on', async () => {
    const target = await dev;
    const backOffs = target.events().filter(({ event }) => reason(event) === 'BackOff' && message(event).startsWith('Back-off restarting failed container'));
    const updates = backOffs.filter((b) => b.verb === 'update');
    expect(updates.length).toBeGreaterThan(10);
    const byName = new Map<string, JsonObject[]>();
    for (const { event } of backOffs) byName.set(nameOf(event), [...(byName.get(nameOf(event)) ?? []), event]);
    let repeated = 0;
    for (const series of byName.values()) {
      expect(series.map((e) => e.count)).toEqual(series.map((_, i) => i + 1));
      const lasts = series.map((e) => stringAt(e, 'lastTimestamp') ?? '');
      expect([...lasts].sort()).toEqual(lasts);
      expect(new Set(series.map((e) => stringAt(e, 'firstTimestamp'))).size).toBe(1);
      expect(new Set(series.map((e) => message(e))).size).toBe(1);
      if (series.length > 1) {
        repeated += 1;
        expect(lasts[lasts.length - 1]! > lasts[0]!).toBe(true);
      }
    }
    expect(repeated).toBeGreaterThan(0);
    // Shape of the message: the container, then the pod as name_namespace(uid).
    const sample = updates[0]!.event;
    const pod = involvedName(sample);
    const ns = stringAt(objectAt(sample, 'involvedObject'), 'namespace') ?? '';
    expect(message(sample)).toMatch(new RegExp(`^Back-off restarting failed container \\S+ in pod ${pod}_${ns}\\([0-9a-f-]{36}\\)$`));
    expect(stringAt(objectAt(sample, 'involvedObject'), 'fieldPath')).toMatch(/^spec\.containers\{[a-z]+\}$/);
    expect(stringAt(sample, 'type')).toBe('Warning');
  });

  it('repeats ImagePullBackOff, ErrImagePull, FailedScheduling and Unhealthy as count updates too', async () => {
    const target = await dev;
    const updated = new Set(target.events().filter((e) => e.verb === 'update').map(({ event }) => `${reason(event)}: ${message(event).replace(/".*$/, '')}`));
    expect(updated).toContain('BackOff: Back-off pulling image ');
    expect(updated).toContain('Failed: Error: ImagePullBackOff');
    expect([...updated].some((u) => u.startsWith('FailedScheduling: 0/42 nodes are available'))).toBe(true);
    expect([...updated].some((u) => u.startsWith('Unhealthy: '))).toBe(true);
  });

  it('writes the messages the real components write', async () => {
    const target = await dev;
    const formats: Record<string, RegExp> = {
      Scheduled: /^Successfully assigned [a-z0-9-]+\/[a-z0-9-]+ to node-\d+$/,
      FailedScheduling: /^0\/42 nodes are available: 42 (Insufficient cpu|Insufficient memory|node\(s\) didn't match Pod's node affinity\/selector)\.$/,
      Pulling: /^Pulling image "[^"]+"$/,
      Pulled: /^(Container image "[^"]+" already present on machine|Successfully pulled image "[^"]+" in [\d.]+m?s \([\d.]+m?s including waiting\)\. Image size: \d+ bytes\.)$/,
      Created: /^Created container: [a-z]+$/,
      Started: /^Started container [a-z]+$/,
      Killing: /^(Stopping container [a-z]+|Container [a-z]+ failed liveness probe, will be restarted)$/,
      BackOff: /^(Back-off restarting failed container [a-z]+ in pod \S+_\S+\([0-9a-f-]+\)|Back-off pulling image "[^"]+")$/,
      Failed: /^(Failed to pull image "[^"]+": rpc error: .+|Error: ErrImagePull|Error: ImagePullBackOff)$/,
      Unhealthy: /^(Readiness|Liveness) probe failed: .+$/,
      FailedCreatePodSandBox: /^Failed to create pod sandbox: rpc error: code = \w+ desc = .+$/,
      SandboxChanged: /^Pod sandbox changed, it will be killed and re-created\.$/,
      FailedMount: /^MountVolume\.SetUp failed for volume "config" : configmap "[a-z-]+" not found$/,
      NodeNotReady: /^(Node node-\d+ status is now: NodeNotReady|Node is not ready)$/,
      NodeReady: /^Node node-\d+ status is now: NodeReady$/,
      ScalingReplicaSet: /^Scaled (up|down) replica set [a-z0-9-]+ to \d+ from \d+$/,
      SuccessfulCreate: /^(Created pod: [a-z0-9-]+|Created job [a-z0-9-]+)$/,
      SuccessfulDelete: /^(Deleted pod: [a-z0-9-]+|Deleted job [a-z0-9-]+)$/,
      FailedCreate: /^Error creating: pods "[a-z0-9-]+-" is forbidden: exceeded quota: compute-resources, requested: requests\.cpu=\d+m, used: requests\.cpu=\d+m, limited: requests\.cpu=4$/,
      Completed: /^Job completed$/,
      SawCompletedJob: /^Saw completed job: [a-z0-9-]+, status: Complete$/,
      DNSConfigForming: /^Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: [\d. ]+$/,
      ImageGCFailed: /^Failed to garbage collect required amount of images\. Attempted to free \d+ bytes, but only found 0 bytes eligible to free\.$/,
    };
    const seen = new Set<string>();
    for (const { event } of target.events()) {
      const format = formats[reason(event)];
      expect(format, `unexpected reason ${reason(event)}`).toBeDefined();
      expect(message(event)).toMatch(format!);
      seen.add(reason(event));
    }
    expect([...seen].sort()).toEqual(Object.keys(formats).sort());
    expect(target.events().some(({ event }) => message(event) === '0/42 nodes are available: 42 Insufficient cpu.')).toBe(true);
  });

  it('sets source, reporting fields and references as each component does', async () => {
    const target = await dev;
    const component: Record<string, string> = {
      Scheduled: 'default-scheduler',
      FailedScheduling: 'default-scheduler',
      ScalingReplicaSet: 'deployment-controller',
      FailedCreate: 'replicaset-controller',
      Completed: 'job-controller',
      SawCompletedJob: 'cronjob-controller',
      NodeReady: 'kubelet',
      Pulled: 'kubelet',
      Unhealthy: 'kubelet',
    };
    for (const { event } of target.events()) {
      const source = objectAt(event, 'source');
      const involved = objectAt(event, 'involvedObject');
      const want = component[reason(event)];
      if (want !== undefined) expect(stringAt(source, 'component')).toBe(want);
      if (stringAt(source, 'component') === 'kubelet') {
        expect(stringAt(source, 'host')).toMatch(/^node-\d+$/);
        expect(stringAt(event, 'reportingInstance')).toBe(stringAt(source, 'host'));
      } else {
        expect(source).not.toHaveProperty('host');
        expect(stringAt(event, 'reportingInstance')).toBe('');
      }
      if (['Pulling', 'Pulled', 'Created', 'Started', 'Unhealthy'].includes(reason(event))) {
        expect(stringAt(involved, 'fieldPath')).toMatch(/^spec\.containers\{[a-z]+\}$/);
      }
      if (['Scheduled', 'FailedScheduling', 'FailedCreatePodSandBox', 'FailedMount', 'SandboxChanged'].includes(reason(event))) {
        expect(involved).not.toHaveProperty('fieldPath');
      }
      if (stringAt(involved, 'kind') === 'Node') {
        expect(stringAt(objectAt(event, 'metadata'), 'namespace')).toBe('default');
        if (reason(event) === 'NodeReady') expect(involved).toEqual({ kind: 'Node', name: involvedName(event), uid: involvedName(event) });
      }
      if (stringAt(involved, 'kind') === 'Pod') expect(stringAt(involved, 'apiVersion')).toBe('v1');
      if (stringAt(involved, 'kind') === 'Deployment') expect(stringAt(involved, 'apiVersion')).toBe('apps/v1');
    }
  });

  it('unfolds a scale-up in order: ScalingReplicaSet, SuccessfulCreate, Scheduled, Pulled, Created, Started', async () => {
    const target = await dev;
    const events = target.events();
    let followed = 0;
    for (const { event, at } of events) {
      if (reason(event) !== 'SuccessfulCreate' || !message(event).startsWith('Created pod: ')) continue;
      const pod = message(event).slice('Created pod: '.length);
      const create = target.writes.findIndex((w) => w.resource === 'pods' && w.verb === 'create' && stringAt(objectAt(w.object, 'metadata'), 'name') === pod);
      expect(create).toBeGreaterThanOrEqual(0);
      expect(create).toBeLessThan(at);
      const chain = events.filter((e) => e.at > at && involvedName(e.event) === pod && e.verb === 'create').map((e) => reason(e.event));
      const order = ['Scheduled', 'Pulled', 'Created', 'Started'].map((r) => chain.indexOf(r));
      if (order.every((i) => i >= 0)) {
        followed += 1;
        expect([...order].sort((a, b) => a - b)).toEqual(order);
      }
    }
    expect(followed).toBeGreaterThan(20);
    const scaledUp = events.find(({ event }) => message(event).startsWith('Scaled up replica set '));
    expect(scaledUp).toBeDefined();
    const rs = /^Scaled up replica set (\S+) to/.exec(message(scaledUp!.event))![1]!;
    expect(events.some(({ event, at }) => at > scaledUp!.at && involvedName(event) === rs && reason(event) === 'SuccessfulCreate')).toBe(true);
  });

  it('emits Killing while the pod still exists, then deletes it; nothing refers to it afterwards', async () => {
    const target = await dev;
    let checked = 0;
    for (const { event, at } of target.events()) {
      if (reason(event) !== 'Killing' || !message(event).startsWith('Stopping container')) continue;
      const pod = involvedName(event);
      const ns = stringAt(objectAt(event, 'involvedObject'), 'namespace');
      const deletion = target.writes.findIndex((w, i) => i > at && w.verb === 'delete' && w.resource === 'pods' && w.name === pod && w.namespace === ns);
      expect(deletion).toBeGreaterThan(at);
      expect(target.writes.slice(at + 1, deletion).some((w) => w.resource === 'pods' && w.verb === 'create' && stringAt(objectAt(w.object, 'metadata'), 'name') === pod)).toBe(false);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(10);
    // Scale-downs: the ReplicaSet's SuccessfulDelete for a running pod comes before the kubelet's Killing.
    const deletes = target.events().filter(({ event }) => message(event).startsWith('Deleted pod: '));
    expect(deletes.length).toBeGreaterThan(0);
  });

  it('marks nodes NotReady (node and pods) and Ready again', async () => {
    const target = await dev;
    const lost = target.events().find(({ event }) => message(event).endsWith('status is now: NodeNotReady'));
    expect(lost).toBeDefined();
    const node = involvedName(lost!.event);
    const update = target.writes.slice(0, lost!.at).reverse().find((w) => w.resource === 'nodes' && w.verb === 'update');
    expect(update?.verb === 'update' && stringAt(objectAt(update.object, 'metadata'), 'name')).toBe(node);
    const conditions = (objectAt(update?.verb === 'update' ? update.object : {}, 'status')?.conditions ?? []) as JsonObject[];
    expect(conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
    expect(target.events().some(({ event, at }) => at > lost!.at && involvedName(event) === node && reason(event) === 'NodeReady')).toBe(true);
    expect(target.events().some(({ event }) => reason(event) === 'NodeNotReady' && message(event) === 'Node is not ready')).toBe(true);
  });

  it('runs CronJobs: Created job, Created pod, Job completed, Saw completed job', async () => {
    const target = await stable;
    const saw = target.events().find(({ event }) => reason(event) === 'SawCompletedJob');
    expect(saw).toBeDefined();
    const job = /^Saw completed job: (\S+), status: Complete$/.exec(message(saw!.event))![1]!;
    const created = target.events().findIndex(({ event }) => message(event) === `Created job ${job}`);
    const podCreated = target.events().findIndex(({ event }) => involvedName(event) === job && message(event).startsWith('Created pod: '));
    expect(created).toBeGreaterThanOrEqual(0);
    expect(podCreated).toBeGreaterThan(created);
    const jobWrites = target.writes.filter((w) => w.resource === 'jobs' && w.verb !== 'delete' && stringAt(objectAt(w.object, 'metadata'), 'name') === job);
    expect(jobWrites.map((w) => w.verb)).toEqual(['create', 'update']);
  });

  it('reads "0/N nodes are available" for the configured number of nodes', async () => {
    const target = await run('dev', 1500, 5, { nodes: 7 });
    const failures = target.events().filter(({ event }) => reason(event) === 'FailedScheduling');
    expect(failures.length).toBeGreaterThan(0);
    for (const { event } of failures) expect(message(event)).toMatch(/^0\/7 nodes are available: 7 /);
    expect(target.writes.filter((w) => w.resource === 'nodes' && w.verb === 'create')).toHaveLength(7);
    expect(target.problems).toEqual([]);
  });

  it('writes complete objects: pods owned by their ReplicaSet, with spec and status', async () => {
    const target = await dev;
    const pod = target.writes.find((w) => w.resource === 'pods' && w.verb === 'create' && objectAt(w.object, 'metadata')?.ownerReferences !== undefined);
    expect(pod?.verb).toBe('create');
    const object = pod?.verb === 'create' ? pod.object : {};
    expect(object).toMatchObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', controller: true, blockOwnerDeletion: true }] },
      spec: { restartPolicy: 'Always', schedulerName: 'default-scheduler' },
      status: { qosClass: 'Burstable' },
    });
    const labels = objectAt(objectAt(object, 'metadata'), 'labels') ?? {};
    expect(labels['pod-template-hash']).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{8,10}$/);
    expect(stringAt(objectAt(object, 'metadata'), 'name')).toMatch(/^[a-z]+-[bcdfghjklmnpqrstvwxz2456789]{8,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });
});
