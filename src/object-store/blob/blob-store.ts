// Object bytes on disk. A blob is written to a temporary file, fsynced, renamed to its final name and the
// directory fsynced before write() resolves, so a blob that a caller can see is complete and durable.
// Blob ids are random: object names never become file paths. This is the one interface every byte of
// the object store (Swift, S3, images, backups) goes through, so encryption at rest lives here: with the
// key manager's keys, every new blob is encrypted (encrypted-blob.ts) and its id ends in ENCRYPTED_SUFFIX.
// That suffix, stored in the object's row with the id, is the per-object flag that keeps blobs written
// before encryption (plain 32-hex ids) readable as they are.
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { errors } from '../../common/errors/codes.js';
import { createRecordSealer, customerWrap, openEncrypted, type BlobKeys } from './encrypted-blob.js';
import { encodeHeader } from './blob-cipher.js';

export interface WrittenBlob {
  blobId: string;
  sizeBytes: number;
  md5Hex: string;
}

export interface BlobWriteOptions {
  /** The project that owns the bytes: its KEK wraps the blob's data key (crypto-erase is per project). */
  projectId: string;
  /** Refuse (and delete) the blob past this size: 413. */
  maxBytes: number;
  /** When the client declared a length, a different byte count is a 499-style abort (400). */
  expectedBytes?: number | undefined;
  /** Sees every chunk in order (extra checksums for S3). */
  onChunk?: ((chunk: Buffer) => void) | undefined;
  /** SSE-C: the customer's 32-byte key, which then also wraps the blob's data key (never stored). */
  customerKey?: Buffer | undefined;
}

export interface BlobReadOptions {
  /** The SSE-C key the blob was written with: required for such a blob, refused for any other. */
  customerKey?: Buffer | undefined;
}

export interface BlobStore {
  write(source: AsyncIterable<Buffer | Uint8Array | string>, options: BlobWriteOptions): Promise<WrittenBlob>;
  /** Byte range is inclusive, as in HTTP. Throws if the blob is missing. */
  read(blobId: string, range?: { start: number; end: number }, options?: BlobReadOptions): Promise<Readable>;
  remove(blobId: string): Promise<void>;
  /** Deletes temporary files left by a crash; returns how many. Call at start-up only. */
  removeTemporaryFiles(): number;
}

const ENCRYPTED_SUFFIX = '.e1';
const BLOB_ID = /^[0-9a-f]{32}(\.e1)?$/;

/** Whether the blob was written encrypted (as every blob is once the store has keys). */
export function isEncryptedBlob(blobId: string): boolean {
  return blobId.endsWith(ENCRYPTED_SUFFIX);
}

/** Plain bytes to disk as they are, or sealed records under a fresh data key with its header first. */
async function blobSink(
  handle: FileHandle,
  keys: BlobKeys | undefined,
  projectId: string,
  customerKey: Buffer | undefined,
) {
  if (!keys) {
    if (customerKey) throw errors.internal(new Error('SSE-C needs the key manager (encryption at rest)'));
    return { write: (chunk: Buffer) => handle.write(chunk), finish: async () => undefined };
  }
  const dataKey = await keys.createDataKey(projectId);
  const wrappedKey = customerKey ? customerWrap(customerKey, projectId, dataKey.wrapped) : dataKey.wrapped;
  await handle.write(encodeHeader({ projectId, wrappedKey, customerWrapped: customerKey !== undefined }));
  const sealer = createRecordSealer(dataKey.plaintext);
  return {
    async write(chunk: Buffer) {
      const pieces = sealer.push(chunk);
      if (pieces.length > 0) await handle.writev(pieces);
    },
    async finish() {
      try {
        await handle.writev(sealer.finish());
      } finally {
        dataKey.plaintext.fill(0);
      }
    },
  };
}

/** `keys` (the key manager) turns encryption at rest on; without it blobs are written in the clear. */
export function createBlobStore(root: string, keys?: BlobKeys): BlobStore {
  const tmpDir = join(root, 'tmp');
  const blobDir = join(root, 'blobs');
  mkdirSync(tmpDir, { recursive: true, mode: 0o700 });
  for (let i = 0; i < 256; i += 1)
    mkdirSync(join(blobDir, i.toString(16).padStart(2, '0')), { recursive: true, mode: 0o700 });

  const pathOf = (blobId: string) => {
    if (!BLOB_ID.test(blobId)) throw new Error(`invalid blob id ${blobId}`);
    return join(blobDir, blobId.slice(0, 2), blobId);
  };

  async function fsyncDir(dir: string): Promise<void> {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  return {
    async write(source, options) {
      const blobId = randomUUID().replaceAll('-', '') + (keys ? ENCRYPTED_SUFFIX : '');
      const tmpPath = join(tmpDir, `${blobId}.tmp`);
      const md5 = createHash('md5');
      let size = 0;
      const handle = await open(tmpPath, 'wx', 0o600);
      try {
        const sink = await blobSink(handle, keys, options.projectId, options.customerKey);
        for await (const piece of source) {
          const chunk =
            typeof piece === 'string'
              ? Buffer.from(piece)
              : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
          size += chunk.length;
          if (size > options.maxBytes) throw errors.payloadTooLarge('Your request is too large.');
          md5.update(chunk);
          options.onChunk?.(chunk);
          await sink.write(chunk);
        }
        if (options.expectedBytes !== undefined && size !== options.expectedBytes) {
          throw errors.badRequest('The body did not match Content-Length.');
        }
        await sink.finish();
        await handle.sync();
        await handle.close();
        await rename(tmpPath, pathOf(blobId));
        await fsyncDir(join(blobDir, blobId.slice(0, 2)));
      } catch (err) {
        await handle.close().catch(() => undefined);
        await unlink(tmpPath).catch(() => undefined);
        throw err;
      }
      return { blobId, sizeBytes: size, md5Hex: md5.digest('hex') };
    },

    async read(blobId, range, options) {
      const path = pathOf(blobId);
      // Open first so that a missing file is an error here, not a stream error mid-response. The stream
      // owns the FileHandle and closes it; handing it a bare fd instead would leave the FileHandle to be
      // closed again on garbage collection, which crashes the process with EBADF.
      const handle = await open(path, 'r');
      if (!isEncryptedBlob(blobId)) {
        if (options?.customerKey) {
          await handle.close();
          throw errors.forbidden('This object was not stored with a customer-provided key.');
        }
        return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
      }
      try {
        if (!keys) throw errors.internal(new Error(`blob ${blobId} is encrypted and this store has no keys`));
        return await openEncrypted(handle, keys, range, options?.customerKey);
      } catch (err) {
        await handle.close();
        throw err;
      }
    },

    async remove(blobId) {
      await unlink(pathOf(blobId)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    },

    removeTemporaryFiles() {
      const names = readdirSync(tmpDir);
      for (const name of names) rmSync(join(tmpDir, name), { force: true });
      return names.length;
    },
  };
}
