// Reads an async byte stream in exact amounts without buffering more than one chunk: the tar reader
// takes 512-byte headers from it and streams member data through it chunk by chunk.
import assert from 'node:assert';

const EMPTY = Buffer.alloc(0);

/** The input ended in the middle of something. */
export class TruncatedInputError extends Error {}

export class ByteSource {
  private readonly iterator: AsyncIterator<Buffer | Uint8Array | string>;
  private pending: Buffer = EMPTY;
  private ended = false;
  /** Bytes handed out (read, streamed or skipped) so far. */
  position = 0;

  constructor(source: AsyncIterable<Buffer | Uint8Array | string>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.iterator.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    const value = next.value;
    const chunk = typeof value === 'string' ? Buffer.from(value) : Buffer.from(value);
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    return true;
  }

  /**
   * Exactly `length` bytes (length is small: headers, pax records), or undefined at a clean end of
   * input. Throws TruncatedInputError if the input ends part-way.
   */
  async read(length: number): Promise<Buffer | undefined> {
    assert(length >= 0 && length <= 16 * 1024 * 1024, 'read() is for small, bounded amounts');
    while (this.pending.length < length) {
      if (!(await this.pull())) {
        if (this.pending.length === 0) return undefined;
        throw new TruncatedInputError('truncated header');
      }
    }
    const out = this.pending.subarray(0, length);
    this.pending = this.pending.subarray(length);
    this.position += length;
    return out;
  }

  /** Streams exactly `length` bytes chunk by chunk; throws TruncatedInputError if the input ends first. */
  async *take(length: number): AsyncGenerator<Buffer> {
    let remaining = length;
    while (remaining > 0) {
      if (this.pending.length === 0 && !(await this.pull())) {
        throw new TruncatedInputError('unexpected end of data');
      }
      const piece = this.pending.subarray(0, Math.min(remaining, this.pending.length));
      this.pending = this.pending.subarray(piece.length);
      remaining -= piece.length;
      this.position += piece.length;
      yield piece;
    }
  }

  /** Discards `length` bytes. */
  async skip(length: number): Promise<void> {
    for await (const _chunk of this.take(length)) {
      // Discarded on purpose.
    }
  }

  /** Reads and discards what is left, up to `maxBytes`; returns whether the input ended. */
  async drain(maxBytes: number): Promise<boolean> {
    let seen = this.pending.length;
    this.pending = EMPTY;
    while (seen <= maxBytes) {
      if (!(await this.pull())) return true;
      seen += this.pending.length;
      this.pending = EMPTY;
    }
    return false;
  }
}
