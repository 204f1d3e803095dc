// Encryption at rest of blobs (format in blob-cipher.ts): the writer side seals plaintext into records
// as it streams in; the reader side decrypts only the records a byte range touches. Data keys come from
// the key manager: one per blob, wrapped by the owning project's KEK and kept in the blob's header.
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { ApiError } from '../../common/errors/api-error.js';
import { gcmOpen, gcmSeal } from '../../key-manager/aes-gcm.js';
import { errors } from '../../common/errors/codes.js';
import {
  CHUNK_BYTES,
  decodeHeader,
  type BlobHeader,
  MAX_HEADER_BYTES,
  openRecord,
  plaintextBytes,
  RECORD_BYTES,
  recordCount,
  sealRecord,
} from './blob-cipher.js';

/** What the blob store needs of the key manager's KeyService. */
export interface BlobKeys {
  createDataKey(projectId: string): Promise<{ plaintext: Buffer; wrapped: Buffer }>;
  unwrapDataKey(projectId: string, wrapped: Buffer): Promise<Buffer>;
}

const customerAad = (projectId: string) => Buffer.from(`nuage-blob/v1/customer\0${projectId}`, 'utf8');

/**
 * SSE-C: the project-wrapped data key sealed under the customer's key, so that opening the blob needs
 * both the customer's key (never stored) and the project's KEK (crypto-erase still applies).
 */
export function customerWrap(customerKey: Buffer, projectId: string, wrapped: Buffer): Buffer {
  return gcmSeal(customerKey, wrapped, customerAad(projectId));
}

function customerUnwrap(header: BlobHeader, customerKey: Buffer | undefined): Buffer {
  if (!header.customerWrapped) {
    if (customerKey) throw errors.forbidden('This object was not stored with a customer-provided key.');
    return header.wrappedKey;
  }
  const opened = customerKey && gcmOpen(customerKey, header.wrappedKey, customerAad(header.projectId));
  if (!opened) throw errors.forbidden("The object's customer-provided key is missing or wrong.");
  return opened;
}

/**
 * Cuts a plaintext stream into CHUNK_BYTES records; finish() seals the (possibly empty) last one. The
 * caller must write what push() returns before pushing again (aligned input is sealed in place).
 */
export function createRecordSealer(key: Buffer) {
  // Reused: sealRecord's output never aliases its input, so the buffer is free again once sealed.
  const pending = Buffer.allocUnsafe(CHUNK_BYTES);
  let filled = 0;
  let index = 0;
  return {
    /** The full records `chunk` completes (sealed, in order). */
    push(chunk: Buffer): Buffer[] {
      const out: Buffer[] = [];
      let at = 0;
      while (at < chunk.length) {
        if (filled === 0 && chunk.length - at >= CHUNK_BYTES) {
          // Aligned full chunk: sealed straight from the caller's buffer, without a copy.
          out.push(...sealRecord(key, index, false, chunk.subarray(at, at + CHUNK_BYTES)));
          index += 1;
          at += CHUNK_BYTES;
          continue;
        }
        const take = Math.min(CHUNK_BYTES - filled, chunk.length - at);
        chunk.copy(pending, filled, at, at + take);
        filled += take;
        at += take;
        if (filled === CHUNK_BYTES) {
          out.push(...sealRecord(key, index, false, pending));
          index += 1;
          filled = 0;
        }
      }
      return out;
    },
    finish(): Buffer[] {
      return sealRecord(key, index, true, pending.subarray(0, filled));
    },
  };
}

/**
 * The key manager's "key destroyed" as the object store reports it: 403, since no retry will ever
 * succeed (a root of trust that is only unreachable stays the key manager's 503).
 */
function cryptoErased(err: unknown): unknown {
  if (err instanceof ApiError && err.code === 'KeyDestroyed') {
    return errors.forbidden(
      "The object's data is no longer readable: its project's encryption key was destroyed (crypto-erase).",
    );
  }
  return err;
}

async function readExactly(handle: FileHandle, length: number, position: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buffer, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buffer.subarray(0, got);
}

// Records read per disk read: large sequential reads keep throughput close to a plain file's.
const RECORDS_PER_READ = 16;

/**
 * A plaintext stream of the encrypted blob open in `handle` (inclusive byte range, as in HTTP). The data
 * key is unwrapped before this resolves, so a destroyed key is an error response, not a broken stream.
 * An SSE-C blob opens only with its `customerKey` (403 without it or with another one).
 */
export async function openEncrypted(
  handle: FileHandle,
  keys: BlobKeys,
  range?: { start: number; end: number },
  customerKey?: Buffer,
): Promise<Readable> {
  const { size } = await handle.stat();
  const decoded = decodeHeader(await readExactly(handle, Math.min(size, MAX_HEADER_BYTES), 0));
  if (!decoded) throw errors.internal(new Error('encrypted blob with a damaged header'));
  const wrapped = customerUnwrap(decoded.header, customerKey);
  const key = await keys.unwrapDataKey(decoded.header.projectId, wrapped).catch((err: unknown) => {
    throw cryptoErased(err);
  });
  const headerBytes = decoded.length;
  const bodyBytes = size - headerBytes;
  const total = plaintextBytes(bodyBytes);
  const start = range?.start ?? 0;
  const end = Math.min(range?.end ?? total - 1, total - 1);
  const lastIndex = recordCount(bodyBytes) - 1;

  async function* records(): AsyncGenerator<Buffer> {
    let index = Math.floor(start / CHUNK_BYTES);
    const stop = end < start ? index - 1 : Math.floor(end / CHUNK_BYTES);
    while (index <= stop) {
      const count = Math.min(RECORDS_PER_READ, stop - index + 1);
      const raw = await readExactly(handle, count * RECORD_BYTES, headerBytes + index * RECORD_BYTES);
      for (let i = 0; i < count; i += 1, index += 1) {
        const record = raw.subarray(i * RECORD_BYTES, Math.min(raw.length, (i + 1) * RECORD_BYTES));
        const plain = openRecord(key, index, index === lastIndex, record);
        if (!plain || (index !== lastIndex && record.length !== RECORD_BYTES)) {
          throw errors.internal(new Error(`encrypted blob record ${index} does not verify`));
        }
        const from = index * CHUNK_BYTES;
        yield plain.subarray(Math.max(0, start - from), Math.min(plain.length, end - from + 1));
      }
    }
  }
  const stream = Readable.from(records(), { objectMode: false });
  // On end, error or destroy, even if the generator never started (then its own cleanup would not run).
  stream.once('close', () => {
    key.fill(0);
    handle.close().catch(() => undefined);
  });
  return stream;
}
