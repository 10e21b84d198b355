/**
 * The errors the sink runner, the spill and the built-in sinks reject with or emit.
 *
 * @module
 */
import { KubeEventsError } from '../errors.ts';

/**
 * `enqueue()` was called after `close()`. The item was not taken.
 *
 * @example
 * ```ts
 * import { SinkRunnerClosedError } from 'kube-events/sinks';
 *
 * await runner.close();
 * await runner.enqueue(ev).catch((err: unknown) => {
 *   if (err instanceof SinkRunnerClosedError) console.error(err.code); // 'ERR_SINK_RUNNER_CLOSED'
 * });
 * ```
 */
export class SinkRunnerClosedError extends KubeEventsError {
  /** Always `ERR_SINK_RUNNER_CLOSED`. */
  readonly code = 'ERR_SINK_RUNNER_CLOSED';

  /** @param sink - The sink's name. */
  constructor(sink: string) {
    super(`The runner of sink "${sink}" is closed`);
  }
}

/**
 * A sink broke its contract: `send()` resolved with a number of results other than one or the
 * batch's length, or with something that is not a result. Emitted as `error`; the batch's items
 * are counted as dropped with reason `permanent`, since retrying a broken sink would loop.
 *
 * @example
 * ```ts
 * runner.on('error', (err) => {
 *   if (err.code === 'ERR_SINK_CONTRACT') console.error(err.message);
 * });
 * ```
 */
export class SinkContractError extends KubeEventsError {
  /** Always `ERR_SINK_CONTRACT`. */
  readonly code = 'ERR_SINK_CONTRACT';

  /**
   * @param sink - The sink's name.
   * @param detail - What was wrong.
   */
  constructor(sink: string, detail: string) {
    super(`Sink "${sink}" broke the Sink contract: ${detail}`);
  }
}

/**
 * One attempt of `send()` took longer than the runner's `sendTimeout`; its signal was aborted and
 * the attempt counts as a retryable failure (the receiver may have stored the items anyway, which
 * is why sinks use idempotency keys).
 *
 * @example
 * ```ts
 * runner.on('retry', ({ error }) => {
 *   if (error.code === 'ERR_SINK_TIMEOUT') console.warn(error.message);
 * });
 * ```
 */
export class SinkTimeoutError extends KubeEventsError {
  /** Always `ERR_SINK_TIMEOUT`. */
  readonly code = 'ERR_SINK_TIMEOUT';

  /**
   * @param sink - The sink's name.
   * @param ms - The timeout.
   */
  constructor(sink: string, ms: number) {
    super(`Sink "${sink}" did not answer within ${ms} ms`);
  }
}

/**
 * A sink's `send()` threw (or rejected): the attempt counts as a retryable failure of every item
 * of the batch; `cause` holds what was thrown.
 *
 * @example
 * ```ts
 * runner.on('retry', ({ error }) => {
 *   if (error.code === 'ERR_SINK_SEND') console.warn(error.cause);
 * });
 * ```
 */
export class SinkSendError extends KubeEventsError {
  /** Always `ERR_SINK_SEND`. */
  readonly code = 'ERR_SINK_SEND';

  /**
   * @param sink - The sink's name.
   * @param cause - What `send()` threw.
   */
  constructor(sink: string, cause: unknown) {
    super(`Sink "${sink}" failed to send: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * The spill directory could not be used: it is held by another live process (`LOCK` names its
 * pid), or it could not be created, read or written. `cause` holds the file-system error.
 *
 * @example
 * ```ts
 * try {
 *   createSinkRunner(sink, { overflow: 'spill', spill: { directory: '/var/lib/kube-events/webhook' } });
 * } catch (err) {
 *   if (err instanceof SpillError) console.error(err.directory, err.message);
 * }
 * ```
 */
export class SpillError extends KubeEventsError {
  /** Always `ERR_SPILL`. */
  readonly code = 'ERR_SPILL';
  /** The spill directory. */
  readonly directory: string;

  /**
   * @param directory - The spill directory.
   * @param message - What went wrong.
   * @param options - `cause`: the file-system error.
   */
  constructor(directory: string, message: string, options?: ErrorOptions) {
    super(`Spill directory ${directory}: ${message}`, options);
    this.directory = directory;
  }
}

/**
 * Records in a spill segment failed their length or checksum check when it was reopened: a torn
 * write at the tail of the newest segment (a crash mid-append; the tail is truncated), or damage
 * inside an older one (the rest of that segment is skipped). Emitted as `error`; the records lost
 * this way are counted as dropped with reason `corrupt` when their number is known.
 *
 * @example
 * ```ts
 * runner.on('error', (err) => {
 *   if (err instanceof SpillCorruptError) console.warn(`${err.segment}: ${err.bytes} bytes discarded`);
 * });
 * ```
 */
export class SpillCorruptError extends KubeEventsError {
  /** Always `ERR_SPILL_CORRUPT`. */
  readonly code = 'ERR_SPILL_CORRUPT';
  /** The segment file. */
  readonly segment: string;
  /** Byte offset of the first bad record. */
  readonly offset: number;
  /** Bytes discarded from `offset` on. */
  readonly bytes: number;

  /**
   * @param segment - The segment file.
   * @param offset - Where the first bad record starts.
   * @param bytes - Bytes discarded.
   * @param detail - What was wrong with it.
   */
  constructor(segment: string, offset: number, bytes: number, detail: string) {
    super(`Spill segment ${segment}: ${detail} at byte ${offset}; ${bytes} bytes discarded`);
    this.segment = segment;
    this.offset = offset;
    this.bytes = bytes;
  }
}

/**
 * A webhook answered with a status that is not 2xx; `status` and the start of the response
 * `body` say why. 408, 429 and 5xx are retryable, other statuses permanent.
 *
 * @example
 * ```ts
 * runner.on('drop', ({ reason, error }) => {
 *   if (error instanceof HttpStatusError) console.error(reason, error.status, error.body);
 * });
 * ```
 */
export class HttpStatusError extends KubeEventsError {
  /** Always `ERR_SINK_HTTP_STATUS`. */
  readonly code = 'ERR_SINK_HTTP_STATUS';
  /** The HTTP status code. */
  readonly status: number;
  /** Up to the first 1 KiB of the response body. */
  readonly body: string;

  /**
   * @param sink - The sink's name.
   * @param status - The HTTP status.
   * @param body - The start of the response body.
   */
  constructor(sink: string, status: number, body: string) {
    super(`Sink "${sink}" got HTTP ${status}${body === '' ? '' : `: ${body}`}`);
    this.status = status;
    this.body = body;
  }
}

/**
 * A request could not be made or its response not read (connection refused, reset, TLS failure,
 * DNS). Retryable; `cause` holds the socket error.
 *
 * @example
 * ```ts
 * runner.on('retry', ({ error }) => {
 *   if (error instanceof HttpRequestError) console.warn(error.cause);
 * });
 * ```
 */
export class HttpRequestError extends KubeEventsError {
  /** Always `ERR_SINK_HTTP_REQUEST`. */
  readonly code = 'ERR_SINK_HTTP_REQUEST';

  /**
   * @param sink - The sink's name.
   * @param cause - The socket, TLS or DNS error.
   */
  constructor(sink: string, cause: unknown) {
    super(`Sink "${sink}" request failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * Writing to a stream or file failed. Retryable for files (a full disk may free up), permanent for
 * a broken stream (a closed pipe does not come back); `cause` holds the error.
 *
 * @example
 * ```ts
 * runner.on('drop', ({ error }) => {
 *   if (error instanceof SinkWriteError) console.error(error.cause);
 * });
 * ```
 */
export class SinkWriteError extends KubeEventsError {
  /** Always `ERR_SINK_WRITE`. */
  readonly code = 'ERR_SINK_WRITE';

  /**
   * @param sink - The sink's name.
   * @param cause - The write error.
   */
  constructor(sink: string, cause: unknown) {
    super(`Sink "${sink}" could not write: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * A sink run by {@link runSinkConformance} did not behave as the Sink contract requires; the
 * message says what was expected and what happened.
 *
 * @example
 * ```ts
 * // Thrown inside a conformance test case, so the test runner reports it as a failure.
 * ```
 */
export class SinkConformanceError extends KubeEventsError {
  /** Always `ERR_SINK_CONFORMANCE`. */
  readonly code = 'ERR_SINK_CONFORMANCE';
}
