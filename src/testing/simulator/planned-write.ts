/** A write the simulated cluster has decided on, waiting to be handed to the target. */
import type { ObjectHandle } from './cluster-context.ts';
import type { SimulatedWrite } from './simulated-write.ts';

/** A decided write plus what the simulator needs around applying it. */
export interface PlannedWrite {
  readonly write: SimulatedWrite;
  /** The object a create/update writes, so the target's result can teach us its uid and resourceVersion. */
  readonly handle?: ObjectHandle;
  /** Runs just before the write is applied, to fill in what only earlier results told us (an Event's `involvedObject.uid` / `resourceVersion`). */
  readonly bind?: () => void;
}
