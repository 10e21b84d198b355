/**
 * `createFakeRecorder()`: an {@link EventRecorder} that writes nothing and keeps what it was
 * given, for unit tests of code that records Events — client-go's `record.FakeRecorder`.
 *
 * @module
 */
import { EventEmitter } from 'eventemitter3';
import type { EventExtra, EventRecorder, EventRecorderEvents, EventRecorderStats } from '../recorder/event-recorder.ts';
import type { EventApi } from '../recorder/event-writers.ts';
import type { EventObject, EventObjectReference } from '../recorder/object-reference.ts';
import { referenceOf } from '../recorder/object-reference.ts';
import type { EventType } from '../recorder/event-content.ts';
import { truncateNote, validateEventContent } from '../recorder/event-content.ts';
import { EventValidationError } from '../recorder/recorder-errors.ts';

/** One call a {@link FakeRecorder} captured. */
export interface RecordedEvent {
  /** `Normal` or `Warning`. */
  readonly type: EventType;
  /** The reason, e.g. `OnePilotFail`. */
  readonly reason: string;
  /** The message, truncated to 1024 bytes as the real recorder would. */
  readonly message: string;
  /** The object the event is about. */
  readonly object: EventObjectReference;
  /** `extra.action`, when given. */
  readonly action?: string;
  /** `extra.related`, when given. */
  readonly related?: EventObjectReference;
  /** `extra.annotations`, when given. */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Options of {@link createFakeRecorder}. */
export interface FakeRecorderOptions {
  /**
   * Append ` involvedObject{kind=…,apiVersion=…}` to each line of {@link FakeRecorder.lines}, as
   * client-go's `FakeRecorder.IncludeObject` does.
   * @defaultValue `false`
   */
  readonly includeObject?: boolean;
  /**
   * The API reported in `sent` payloads.
   * @defaultValue `'core/v1'`
   */
  readonly api?: EventApi;
}

/**
 * An {@link EventRecorder} for tests: same methods and argument checks as the real one (it
 * throws the same errors for a bad object, type, reason or action), but it keeps every call in
 * {@link FakeRecorder.events} instead of writing it, and emits `sent` for each at once.
 */
export interface FakeRecorder extends EventRecorder {
  /** Every call so far, in order. */
  readonly events: readonly RecordedEvent[];
  /** The calls as client-go's FakeRecorder formats them: `Warning OnePilotFail could not inject…`. */
  lines(): string[];
  /** Forgets the calls captured so far. */
  clear(): void;
}

class Fake extends EventEmitter<EventRecorderEvents> implements FakeRecorder {
  readonly #includeObject: boolean;
  readonly #api: EventApi;
  #events: RecordedEvent[] = [];
  #closed = false;
  #recorded = 0;
  #droppedClosed = 0;

  constructor(options: FakeRecorderOptions) {
    super();
    this.#includeObject = options.includeObject ?? false;
    this.#api = options.api ?? 'core/v1';
  }

  get events(): readonly RecordedEvent[] {
    return this.#events;
  }

  normal(obj: EventObject, reason: string, message: string, extra?: EventExtra): void {
    this.#record(obj, 'Normal', reason, message, extra);
  }

  warning(obj: EventObject, reason: string, message: string, extra?: EventExtra): void {
    this.#record(obj, 'Warning', reason, message, extra);
  }

  event(obj: EventObject, type: EventType, reason: string, message: string, extra?: EventExtra): void {
    this.#record(obj, type, reason, message, extra);
  }

  #record(obj: EventObject, type: EventType, reason: string, message: string, extra: EventExtra | undefined): void {
    const object = referenceOf(obj);
    if (typeof message !== 'string') throw new EventValidationError('message', `Expected \`message\` to be a string, got \`${String(message)}\` (${typeof message})`);
    validateEventContent(type, reason, extra?.action);
    const related = extra?.related === undefined ? undefined : referenceOf(extra.related, 'related');
    const note = truncateNote(message);
    if (this.#closed) {
      this.#droppedClosed++;
      this.emit('dropped', { reason: 'closed', object, type, eventReason: reason, message: note, occurrences: 1 });
      return;
    }
    const recorded: RecordedEvent = {
      type,
      reason,
      message: note,
      object,
      ...(extra?.action === undefined ? {} : { action: extra.action }),
      ...(related === undefined ? {} : { related }),
      ...(extra?.annotations === undefined ? {} : { annotations: { ...extra.annotations } }),
    };
    this.#events.push(recorded);
    this.#recorded++;
    this.emit('sent', { api: this.#api, verb: 'create', event: { type, reason, message: note, involvedObject: object }, occurrences: 1 });
  }

  lines(): string[] {
    return this.#events.map((e) => {
      const line = `${e.type} ${e.reason} ${e.message}`;
      return this.#includeObject ? `${line} involvedObject{kind=${e.object.kind},apiVersion=${e.object.apiVersion}}` : line;
    });
  }

  clear(): void {
    this.#events = [];
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  get stats(): EventRecorderStats {
    return {
      recorded: this.#recorded,
      coalesced: 0,
      written: this.#recorded,
      apiCalls: 0,
      retries: 0,
      skipped: 0,
      dropped: { 'queue-full': 0, 'spam-filtered': 0, invalid: 0, forbidden: 0, rejected: 0, failed: 0, closed: this.#droppedClosed },
      queued: 0,
      pendingWrites: 0,
      api: this.#api,
    };
  }
}

/**
 * Creates a {@link FakeRecorder}: pass it where your code takes an `EventRecorder`, then assert
 * on what it recorded. It validates arguments as the real recorder does, so a test also catches
 * an object without apiVersion/kind/name or a reason over 128 bytes.
 *
 * @example
 * ```ts
 * import { createFakeRecorder } from 'kube-events/testing';
 *
 * const recorder = createFakeRecorder();
 * await reconcile(deployment, { recorder });
 * expect(recorder.lines()).toEqual(['Warning OnePilotFail could not inject the sidecar: timeout']);
 * expect(recorder.events[0]?.object).toMatchObject({ kind: 'Deployment', name: 'web' });
 * ```
 */
export function createFakeRecorder(options: FakeRecorderOptions = {}): FakeRecorder {
  return new Fake(options);
}
