/** Building {@link Offer}s. */
import type { Offer } from './cluster-context.ts';

/** An offer: its reason, mode, the reasons that typically follow, and the step. */
export function offer(reason: string, mode: Offer['mode'], then: readonly string[], run: () => void): Offer {
  return { reason, mode, then: then.length > PATH_HORIZON ? then.slice(0, PATH_HORIZON) : then, run };
}

/** How many Events ahead an offer's path looks. */
const PATH_HORIZON = 8;
