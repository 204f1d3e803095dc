// Streaming decoder for `Content-Encoding: aws-chunked` request bodies: strips the chunk framing,
// verifies the chained chunk signatures and the trailer signature, checks the decoded length, and
// collects the trailers (such as x-amz-checksum-crc32). Memory is bounded by one chunk.
import assert from 'node:assert';
import { createHash, type Hash } from 'node:crypto';
import { S3AuthError, incompleteBody, malformedChunkedBody, signatureMismatch } from './s3-auth-error.js';
import { EMPTY_SHA256_HEX, sha256Hex, signString, signaturesEqual } from './signing-key.js';
import type { PayloadMode, VerifiedSigV4 } from './sigv4.js';

export type StreamingPayloadMode = Extract<PayloadMode, `streaming-${string}`>;

/** The default and the ceiling for one chunk's data; S3 clients send 64 KiB to 8 MiB. */
export const DEFAULT_MAX_CHUNK_BYTES = 16 * 1024 * 1024;
/** Chunk headers are ~90 bytes and trailer lines ~70; anything near this is not a client. */
const MAX_LINE_BYTES = 4096;
const MAX_TRAILERS = 16;
const TRAILER_SIGNATURE = 'x-amz-trailer-signature';
const SIGNED_HEADER = /^([0-9a-fA-F]{1,16});chunk-signature=([0-9a-fA-F]{64})$/;
const UNSIGNED_HEADER = /^([0-9a-fA-F]{1,16})(?:;.*)?$/;

/** What chunk signatures are chained from: the verified request's key, time, scope and signature. */
export interface ChunkSigning {
  signingKey: Buffer;
  amzDate: string;
  scope: string;
  seedSignature: string;
}

export interface AwsChunkedDecoderOptions {
  payloadMode: StreamingPayloadMode;
  /** x-amz-decoded-content-length: the decoded body must be exactly this long. */
  decodedContentLength: number;
  /** Required for the two signed modes. */
  signing?: ChunkSigning;
  /** Lowercase names from x-amz-trailer; each must arrive, and no other may. */
  expectedTrailers?: readonly string[];
  maxChunkBytes?: number;
}

/** Decoder options for a verified streaming request. */
export function awsChunkedOptionsFor(
  verified: VerifiedSigV4,
  maxChunkBytes = DEFAULT_MAX_CHUNK_BYTES,
): AwsChunkedDecoderOptions {
  const { payloadMode, decodedContentLength } = verified;
  assert(payloadMode.startsWith('streaming-'), `payload mode ${payloadMode} is not aws-chunked`);
  assert(decodedContentLength !== undefined, 'streaming requests carry a decoded length');
  return {
    payloadMode: payloadMode as StreamingPayloadMode,
    decodedContentLength,
    signing: verified,
    expectedTrailers: verified.trailerNames,
    maxChunkBytes,
  };
}

/** Whether a Content-Encoding value starts with aws-chunked (it may be followed by e.g. gzip). */
export function hasAwsChunkedEncoding(contentEncoding: string | undefined): boolean {
  return contentEncoding?.split(',')[0]?.trim().toLowerCase() === 'aws-chunked';
}

/** The Content-Encoding to store with the object: the value without aws-chunked. */
export function stripAwsChunkedEncoding(contentEncoding: string): string {
  return contentEncoding
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '' && coding.toLowerCase() !== 'aws-chunked')
    .join(', ');
}

type State = 'header' | 'data' | 'data-end' | 'trailers' | 'done';

/**
 * Decodes one aws-chunked body. Use each instance once:
 *
 * @example
 * const decoder = new AwsChunkedDecoder(awsChunkedOptionsFor(verified));
 * await pipeline(request, (body) => decoder.decode(body), destination);
 * decoder.trailers.get('x-amz-checksum-crc32');
 *
 * A signed chunk's bytes are yielded only after its signature has been verified, so a tampered chunk
 * never reaches the destination; the chunks before it may have, so a failed decode means the whole
 * upload must be discarded. The source must not reuse buffers it has yielded.
 */
export class AwsChunkedDecoder {
  readonly #options: Required<Omit<AwsChunkedDecoderOptions, 'signing'>>;
  readonly #signing: ChunkSigning | undefined;
  #state: State = 'header';
  #started = false;
  /** Bytes of a line (chunk header or trailer) not yet ended by LF. */
  #lineParts: Buffer[] = [];
  #lineBytes = 0;
  #remaining = 0;
  #crlfSeen = 0;
  #chunkSignature = '';
  #chunkHash: Hash | undefined;
  /** Data of the signed chunk being received, held back until its signature checks out. */
  #held: Buffer[] = [];
  #previousSignature: string;
  #decodedBytes = 0;
  #chunkCount = 0;
  readonly #trailers = new Map<string, string>();
  #trailerSignature: string | undefined;
  #trailerCanonical = '';
  #blankLineSeen = false;

  constructor(options: AwsChunkedDecoderOptions) {
    const signed = options.payloadMode !== 'streaming-unsigned-trailer';
    assert(!signed || options.signing, `${options.payloadMode} needs the request's signing context`);
    assert(Number.isSafeInteger(options.decodedContentLength) && options.decodedContentLength >= 0);
    const maxChunkBytes = options.maxChunkBytes ?? DEFAULT_MAX_CHUNK_BYTES;
    assert(Number.isSafeInteger(maxChunkBytes) && maxChunkBytes >= 1 && maxChunkBytes <= 1 << 30);
    this.#options = {
      payloadMode: options.payloadMode,
      decodedContentLength: options.decodedContentLength,
      expectedTrailers: options.payloadMode === 'streaming-signed' ? [] : (options.expectedTrailers ?? []),
      maxChunkBytes,
    };
    this.#signing = signed ? options.signing : undefined;
    this.#previousSignature = this.#signing?.seedSignature.toLowerCase() ?? '';
  }

  /** Trailers by lowercase name, in arrival order; complete once decode() has finished. */
  get trailers(): ReadonlyMap<string, string> {
    return this.#trailers;
  }

  get decodedBytes(): number {
    return this.#decodedBytes;
  }

  get finished(): boolean {
    return this.#state === 'done';
  }

  /**
   * Yields the decoded body. Throws S3AuthError `SignatureDoesNotMatch` for a bad chunk or trailer
   * signature, `IncompleteBody` for a truncated body or a decoded length other than declared,
   * `InvalidArgument` for an oversized chunk and `InvalidRequest` for malformed framing or trailers.
   */
  async *decode(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer, void, undefined> {
    assert(!this.#started, 'an AwsChunkedDecoder decodes one body only');
    this.#started = true;
    const ready: Buffer[] = [];
    for await (const piece of source) {
      assert(piece instanceof Uint8Array, 'aws-chunked bodies are bytes, not strings');
      const buffer = Buffer.isBuffer(piece)
        ? piece
        : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      let offset = 0;
      while (offset < buffer.length) {
        offset = this.#step(buffer, offset, ready);
        // Handing each verified chunk on at once keeps at most one chunk plus one piece in memory,
        // and lets a later bad chunk in the same piece fail only itself.
        if (ready.length > 0) {
          for (const out of ready) yield out;
          ready.length = 0;
        }
      }
    }
    this.#endOfBody();
  }

  /** Consumes bytes from `offset` in the current state; returns where it stopped. */
  #step(buffer: Buffer, offset: number, ready: Buffer[]): number {
    switch (this.#state) {
      case 'header': {
        const { line, next } = this.#readLine(buffer, offset);
        if (line !== undefined) this.#startChunk(line);
        return next;
      }
      case 'data':
        return this.#takeData(buffer, offset, ready);
      case 'data-end':
        return this.#takeDataEnd(buffer, offset, ready);
      case 'trailers': {
        const { line, next } = this.#readLine(buffer, offset);
        if (line !== undefined) this.#takeTrailerLine(line);
        return next;
      }
      case 'done':
        throw malformedChunkedBody('data follows the end of the body');
    }
  }

  /** The next CRLF-terminated line, or undefined (all of `buffer` consumed) if it has not ended yet. */
  #readLine(buffer: Buffer, offset: number): { line: string | undefined; next: number } {
    const lf = buffer.indexOf(0x0a, offset);
    const end = lf === -1 ? buffer.length : lf;
    this.#lineBytes += end - offset;
    if (this.#lineBytes > MAX_LINE_BYTES)
      throw malformedChunkedBody('a chunk header or trailer line is too long');
    this.#lineParts.push(buffer.subarray(offset, end));
    if (lf === -1) return { line: undefined, next: buffer.length };
    const bytes = Buffer.concat(this.#lineParts);
    this.#lineParts = [];
    this.#lineBytes = 0;
    if (bytes[bytes.length - 1] !== 0x0d) throw malformedChunkedBody('a line does not end with CRLF');
    return { line: bytes.toString('latin1', 0, bytes.length - 1), next: lf + 1 };
  }

  #startChunk(header: string): void {
    const match = (this.#signing ? SIGNED_HEADER : UNSIGNED_HEADER).exec(header);
    if (!match?.[1]) throw malformedChunkedBody(`the chunk header "${header.slice(0, 100)}" is not valid`);
    const size = Number.parseInt(match[1], 16);
    if (size > this.#options.maxChunkBytes) {
      throw new S3AuthError(
        'InvalidArgument',
        `Chunks may be at most ${this.#options.maxChunkBytes} bytes.`,
        {
          details: { ArgumentName: 'chunk-size', ArgumentValue: String(size) },
        },
      );
    }
    if (this.#decodedBytes + size > this.#options.decodedContentLength) {
      throw incompleteBody('the chunks hold more data than x-amz-decoded-content-length');
    }
    this.#chunkSignature = match[2]?.toLowerCase() ?? '';
    this.#chunkCount++;
    if (size === 0) {
      this.#endOfData();
      return;
    }
    this.#remaining = size;
    this.#chunkHash = this.#signing ? createHash('sha256') : undefined;
    this.#state = 'data';
  }

  #takeData(buffer: Buffer, offset: number, ready: Buffer[]): number {
    const take = Math.min(this.#remaining, buffer.length - offset);
    const data = buffer.subarray(offset, offset + take);
    if (this.#chunkHash) {
      this.#chunkHash.update(data);
      this.#held.push(data);
    } else {
      ready.push(data);
    }
    this.#remaining -= take;
    this.#decodedBytes += take;
    if (this.#remaining === 0) {
      this.#state = 'data-end';
      this.#crlfSeen = 0;
    }
    return offset + take;
  }

  /** The CRLF after chunk data, which may arrive split across pieces; then the signature check. */
  #takeDataEnd(buffer: Buffer, offset: number, ready: Buffer[]): number {
    const expected = this.#crlfSeen === 0 ? 0x0d : 0x0a;
    if (buffer[offset] !== expected) throw malformedChunkedBody('chunk data is not followed by CRLF');
    this.#crlfSeen++;
    if (this.#crlfSeen === 2) {
      if (this.#chunkHash) {
        this.#verifyChunk(this.#chunkHash.digest('hex'));
        ready.push(...this.#held);
        this.#held = [];
      }
      this.#state = 'header';
    }
    return offset + 1;
  }

  /** Checks the current chunk's signature against the chain and advances the chain. */
  #verifyChunk(dataSha256Hex: string): void {
    const signing = this.#signing;
    if (!signing) return;
    const toSign = [
      'AWS4-HMAC-SHA256-PAYLOAD',
      signing.amzDate,
      signing.scope,
      this.#previousSignature,
      EMPTY_SHA256_HEX,
      dataSha256Hex,
    ].join('\n');
    const expected = signString(signing.signingKey, toSign);
    if (!signaturesEqual(expected, this.#chunkSignature)) {
      throw signatureMismatch({ StringToSign: toSign }, { chunk: this.#chunkCount });
    }
    this.#previousSignature = expected;
  }

  /** The zero-length chunk: verify it, check the length, move on to the trailers. */
  #endOfData(): void {
    this.#verifyChunk(EMPTY_SHA256_HEX);
    if (this.#decodedBytes !== this.#options.decodedContentLength) {
      throw incompleteBody('the chunks hold less data than x-amz-decoded-content-length');
    }
    this.#state = 'trailers';
  }

  #takeTrailerLine(line: string): void {
    if (line === '') {
      // The AWS trailer example puts a blank line between the final chunk and the trailers, while the
      // SDKs do not; so one blank line before any trailer ends the body only if nothing follows it.
      const trailersMayFollow =
        this.#trailers.size === 0 &&
        this.#trailerSignature === undefined &&
        !this.#blankLineSeen &&
        this.#options.expectedTrailers.length > 0;
      this.#blankLineSeen = true;
      if (!trailersMayFollow) this.#completeTrailers();
      return;
    }
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (colon <= 0 || name === '') throw malformedChunkedBody('a trailer is not a name:value line');
    if (this.#trailerSignature !== undefined)
      throw malformedChunkedBody('a trailer follows the trailer signature');
    if (name === TRAILER_SIGNATURE) {
      if (this.#options.payloadMode !== 'streaming-signed-trailer') {
        throw malformedChunkedBody('a trailer signature was sent with unsigned trailers');
      }
      this.#trailerSignature = value;
      return;
    }
    if (!this.#options.expectedTrailers.includes(name)) {
      throw new S3AuthError('InvalidRequest', `The trailer ${name} was not declared in x-amz-trailer.`);
    }
    if (this.#trailers.has(name) || this.#trailers.size >= MAX_TRAILERS) {
      throw malformedChunkedBody(`the trailer ${name} is repeated`);
    }
    this.#trailers.set(name, value);
    this.#trailerCanonical += `${name}:${value}\n`;
  }

  /** All trailers are in: each declared one present, and the trailer signature right. */
  #completeTrailers(): void {
    for (const name of this.#options.expectedTrailers) {
      if (!this.#trailers.has(name)) {
        throw new S3AuthError(
          'InvalidRequest',
          `The trailer ${name} declared in x-amz-trailer was not sent.`,
        );
      }
    }
    const signing = this.#signing;
    const needsSignature = this.#trailers.size > 0 || this.#trailerSignature !== undefined;
    if (signing && this.#options.payloadMode === 'streaming-signed-trailer' && needsSignature) {
      if (this.#trailerSignature === undefined)
        throw malformedChunkedBody('the trailer signature is missing');
      const toSign = [
        'AWS4-HMAC-SHA256-TRAILER',
        signing.amzDate,
        signing.scope,
        this.#previousSignature,
        sha256Hex(Buffer.from(this.#trailerCanonical, 'latin1')),
      ].join('\n');
      if (!signaturesEqual(signString(signing.signingKey, toSign), this.#trailerSignature)) {
        throw signatureMismatch({ StringToSign: toSign }, { trailer: true });
      }
    }
    this.#state = 'done';
  }

  /** The source has ended: fine after the trailers (a last line may lack its CRLF), else truncated. */
  #endOfBody(): void {
    if (this.#state === 'trailers') {
      if (this.#lineBytes > 0) {
        const last = Buffer.concat(this.#lineParts).toString('latin1').replace(/\r$/, '');
        this.#lineParts = [];
        this.#lineBytes = 0;
        this.#takeTrailerLine(last);
      }
      if (this.#state === 'trailers') this.#completeTrailers();
    }
    if (this.#state !== 'done') throw incompleteBody(`the body ended in state ${this.#state}`);
  }
}
