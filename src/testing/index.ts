/**
 * `kube-events/testing`: a Kubernetes API server that runs in your test process and speaks the
 * real wire protocol, for testing code that talks to Kubernetes with real clients
 * (`@kubernetes/client-node`, `kubectl`, kube-events itself) — plus a seeded workload simulator.
 *
 * @example
 * ```ts
 * import { CoreV1Api } from '@kubernetes/client-node';
 * import { startTestCluster } from 'kube-events/testing';
 *
 * const cluster = await startTestCluster();
 * const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
 * await core.createNamespacedEvent({ namespace: 'default', body: myEvent });
 * cluster.faults.dropWatches();
 * await cluster.close();
 * ```
 *
 * @packageDocumentation
 */
export { startTestCluster, DEFAULT_BOOKMARK_INTERVAL_MS, DEFAULT_EVENT_TTL_MS, DEFAULT_HISTORY_WINDOW_MS, DEFAULT_WATCH_TIMEOUT_SECONDS } from './test-cluster.ts';
export type { AnsweredRequest, FaultControls, InProcessClient, ResourceRef, TestCluster, TestClusterEvents, TestClusterOptions, WatchChange } from './test-cluster.ts';
export type { InjectedFailure, RequestMatch } from './fault-state.ts';
export type { PolicyRule, TestUser } from './auth.ts';
export type { TestClock } from './clock.ts';
export type { Json, JsonObject } from './json.ts';
export { ApiStatusError } from './status.ts';
export { createFakeRecorder } from './fake-recorder.ts';
export type { FakeRecorder, FakeRecorderOptions, RecordedEvent } from './fake-recorder.ts';
export { createWorkloadSimulator, SimulatorTargetError, DEV_REASON_MIX, STABLE_REASON_MIX, reasonMix } from './simulator/index.ts';
export type {
  WorkloadSimulator,
  WorkloadSimulatorEvents,
  WorkloadSimulatorOptions,
  WorkloadSimulatorStats,
  SimResource,
  SimulatedWrite,
  SimulatedCreate,
  SimulatedUpdate,
  SimulatedDelete,
  SimulatorClock,
  SimulatorTarget,
  ReasonShare,
  SimulatorProfile,
  SimulatorComponents,
} from './simulator/index.ts';
export type { ApiStatus, ApiStatusDetails, ApiStatusListMeta, StatusCause } from './status.ts';
