/**
 * Splits a text stream into lines, on demand, so that a reader can stop between lines (to honour
 * backpressure) and keep the rest of a chunk for later.
 *
 * @module
 */

/**
 * Newline-delimited lines from chunks of text. `push()` appends a chunk; `next()` returns the next
 * complete line (without its `\n` or `\r\n`), or `undefined` when only part of a line is left.
 * Blank lines are skipped. Chunks are decoded text (a response with `setEncoding('utf8')`, whose
 * decoder keeps a multi-byte character split across packets whole); lines are slices of them, so
 * nothing is copied.
 */
export class LineSplitter {
  #text = '';
  #position = 0;

  /** Characters received but not yet returned as lines. */
  get pendingChars(): number {
    return this.#text.length - this.#position;
  }

  /** Appends a chunk. */
  push(chunk: string): void {
    this.#text = this.#position >= this.#text.length ? chunk : this.#text.slice(this.#position) + chunk;
    this.#position = 0;
  }

  /** The next complete line, or `undefined` when there is none yet. */
  next(): string | undefined {
    const text = this.#text;
    for (;;) {
      const start = this.#position;
      if (start >= text.length) return undefined;
      const end = text.indexOf('\n', start);
      if (end < 0) return undefined;
      this.#position = end + 1;
      const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
      if (stop > start) return text.slice(start, stop);
    }
  }

  /** The incomplete rest (for error messages), and forgets it. */
  takeRest(): string {
    const rest = this.#text.slice(this.#position);
    this.#text = '';
    this.#position = 0;
    return rest;
  }
}
