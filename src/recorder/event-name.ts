/**
 * Event names as client-go makes them: `<object name>.<unix nanoseconds in hex>`, or a random
 * UUID when that is not a valid object name (client-go `tools/record/util.GenerateEventName`,
 * kubernetes/kubernetes#127594).
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { isDnsSubdomain } from './qualified-name.ts';

/** Makes unique Event names; names made by one namer never repeat, even within a millisecond. */
export class EventNamer {
  #last = 0n;

  /**
   * A name for an Event about `objectName` made at `ms` (milliseconds since the epoch). The
   * nanoseconds are the clock's milliseconds × 10⁶, moved forward by 1 ns when needed so that no
   * two names collide.
   */
  name(objectName: string, ms: number): string {
    let nanos = BigInt(Math.floor(ms)) * 1_000_000n;
    if (nanos <= this.#last) nanos = this.#last + 1n;
    this.#last = nanos;
    const name = `${objectName}.${nanos.toString(16)}`;
    return isDnsSubdomain(name) ? name : randomUUID();
  }
}
