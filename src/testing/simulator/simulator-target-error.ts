/** The error the workload simulator emits when its target fails to apply a write. */
import { KubeEventsError } from '../../errors.ts';
import { objectAt, stringAt } from '../json.ts';
import type { JsonObject } from '../json.ts';
import type { SimulatedWrite } from './simulated-write.ts';

/**
 * A {@link SimulatorTarget} threw or rejected while applying a write. The simulator emits it on its
 * `error` event, with the target's error as `cause`, and carries on with the next write.
 *
 * @example
 * ```ts
 * import { createWorkloadSimulator } from 'kube-events/testing';
 *
 * const sim = createWorkloadSimulator({ target: cluster.simulatorTarget, seed: 1 });
 * sim.on('error', (err) => {
 *   console.error(err.code, err.write.verb, err.write.resource, err.cause);
 * });
 * ```
 */
export class SimulatorTargetError extends KubeEventsError {
  /** Always `ERR_SIMULATOR_TARGET`. */
  readonly code = 'ERR_SIMULATOR_TARGET';
  /** The write the target failed to apply. */
  readonly write: SimulatedWrite;

  /**
   * @param write - The write that failed.
   * @param cause - What the target threw or rejected with.
   */
  constructor(write: SimulatedWrite, cause: unknown) {
    const what = write.verb === 'delete' ? write.name : nameOf(write.object);
    const where = write.namespace === '' ? what : `${write.namespace}/${what}`;
    super(`Simulator target failed to ${write.verb} ${write.resource} ${where}: ${describe(cause)}`, { cause });
    this.write = write;
  }
}

function nameOf(object: JsonObject): string {
  return stringAt(objectAt(object, 'metadata'), 'name') ?? '<unnamed>';
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return String(cause);
}
