/**
 * The workload simulator of `kube-events/testing`: seeded, realistic cluster traffic.
 *
 * @module
 */
export { createWorkloadSimulator } from './workload-simulator.ts';
export type { SimulatorClock, WorkloadSimulator, WorkloadSimulatorEvents, WorkloadSimulatorOptions, WorkloadSimulatorStats } from './workload-simulator.ts';
export type { SimResource, SimulatedCreate, SimulatedDelete, SimulatedUpdate, SimulatedWrite, SimulatorTarget } from './simulated-write.ts';
export { SimulatorTargetError } from './simulator-target-error.ts';
export { DEV_REASON_MIX, reasonMix, STABLE_REASON_MIX } from './reason-mix.ts';
export type { ReasonShare, SimulatorProfile } from './reason-mix.ts';
export type { SimulatorComponents } from './simulator-components.ts';
