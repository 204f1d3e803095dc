import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { gcmOpen, gcmSeal } from '../../key-manager/aes-gcm.js';
import { kmErrors } from '../../key-manager/key-manager-errors.js';
import { CHUNK_BYTES } from './blob-cipher.js';
import { createBlobStore, isEncryptedBlob } from './blob-store.js';
import type { BlobKeys } from './encrypted-blob.js';

/** Data keys wrapped under one KEK per project, as the key manager does; destroy() crypto-erases one. */
function projectKeys() {
  const keks = new Map<string, Buffer | 'destroyed'>();
  const keys: BlobKeys & { destroy(projectId: string): void } = {
    async createDataKey(projectId) {
      if (!keks.has(projectId)) keks.set(projectId, randomBytes(32));
      const kek = keks.get(projectId);
      if (kek === 'destroyed' || !kek) throw kmErrors.keyDestroyed(projectId, 'k');
      const plaintext = randomBytes(32);
      return { plaintext, wrapped: gcmSeal(kek, plaintext, Buffer.from(projectId)) };
    },
    async unwrapDataKey(projectId, wrapped) {
      const kek = keks.get(projectId);
      if (kek === 'destroyed' || !kek) throw kmErrors.keyDestroyed(projectId, 'k');
      const plain = gcmOpen(kek, wrapped, Buffer.from(projectId));
      if (!plain) throw kmErrors.unwrapFailed('test');
      return plain;
    },
    destroy(projectId) {
      keks.set(projectId, 'destroyed');
    },
  };
  return keys;
}

async function text(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

/** Every file under the store's blob directory, concatenated. */
function rawBlobs(root: string): Buffer {
  const dir = join(root, 'blobs');
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return Buffer.concat(files.map((e) => readFileSync(join(e.parentPath, e.name))));
}

async function* source(...parts: Buffer[]): AsyncGenerator<Buffer> {
  yield* parts;
}

const dirs: string[] = [];
function storeDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nuage-blob-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const MARKER = 'the-known-plaintext-marker-';
/** A body of `size` bytes made of the marker repeated (so any clear fragment is findable). */
function body(size: number): Buffer {
  return Buffer.from(MARKER.repeat(Math.ceil(size / MARKER.length)).slice(0, size));
}
const options = { projectId: 'p1', maxBytes: 1 << 30 };

describe('blob store with keys (encryption at rest)', () => {
  it('writes only ciphertext and reads the plaintext back, with the plaintext size and MD5', async () => {
    const root = storeDir();
    const blobs = createBlobStore(root, projectKeys());
    for (const size of [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES + 17]) {
      const plain = body(size);
      const written = await blobs.write(source(plain.subarray(0, 5), plain.subarray(5)), options);
      expect(isEncryptedBlob(written.blobId)).toBe(true);
      expect(written.sizeBytes).toBe(size);
      expect(written.md5Hex).toBe(createHash('md5').update(plain).digest('hex'));
      expect((await text(await blobs.read(written.blobId))).equals(plain)).toBe(true);
    }
    expect(rawBlobs(root).includes(MARKER.slice(0, 12))).toBe(false);
  });

  it('serves ranges across record boundaries, decrypting only what they touch', async () => {
    const blobs = createBlobStore(storeDir(), projectKeys());
    const plain = randomBytes(4 * CHUNK_BYTES + 100);
    const { blobId } = await blobs.write(source(plain), options);
    const ranges = [
      [0, 0],
      [CHUNK_BYTES - 1, CHUNK_BYTES],
      [CHUNK_BYTES, 2 * CHUNK_BYTES - 1],
      [10, 3 * CHUNK_BYTES + 5],
      [4 * CHUNK_BYTES, 4 * CHUNK_BYTES + 99],
      [4 * CHUNK_BYTES + 99, 4 * CHUNK_BYTES + 99],
    ];
    for (const [start, end] of ranges) {
      const got = await text(await blobs.read(blobId, { start: start!, end: end! }));
      expect(got.equals(plain.subarray(start, end! + 1))).toBe(true);
    }
  });

  it('still reads blobs written in the clear before encryption', async () => {
    const root = storeDir();
    const { blobId } = await createBlobStore(root).write(source(body(1000)), options);
    expect(isEncryptedBlob(blobId)).toBe(false);
    const blobs = createBlobStore(root, projectKeys());
    expect((await text(await blobs.read(blobId))).equals(body(1000))).toBe(true);
    expect((await text(await blobs.read(blobId, { start: 10, end: 19 }))).equals(body(20).subarray(10))).toBe(
      true,
    );
  });

  it('refuses a read once the project key is destroyed (403), and a tampered record', async () => {
    const root = storeDir();
    const keys = projectKeys();
    const blobs = createBlobStore(root, keys);
    const { blobId } = await blobs.write(source(body(2 * CHUNK_BYTES)), options);
    const path = join(root, 'blobs', blobId.slice(0, 2), blobId);
    const raw = readFileSync(path);
    const at = raw.length - CHUNK_BYTES;
    raw.writeUInt8(raw.readUInt8(at) ^ 1, at);
    writeFileSync(path, raw);
    await expect(text(await blobs.read(blobId))).rejects.toMatchObject({ status: 500 });
    raw.writeUInt8(raw.readUInt8(at) ^ 1, at);
    writeFileSync(path, raw.subarray(0, raw.length - 20));
    await expect(text(await blobs.read(blobId))).rejects.toMatchObject({ status: 500 });
    writeFileSync(path, raw);
    keys.destroy('p1');
    await expect(blobs.read(blobId)).rejects.toMatchObject({ status: 403, code: 'Forbidden' });
  });
});

describe('blob store with a customer key (SSE-C)', () => {
  it('opens only with the customer key it was written with, and still needs the project key', async () => {
    const keys = projectKeys();
    const blobs = createBlobStore(storeDir(), keys);
    const customerKey = randomBytes(32);
    const plain = body(CHUNK_BYTES + 10);
    const { blobId } = await blobs.write(source(plain), { ...options, customerKey });
    const read = await text(await blobs.read(blobId, undefined, { customerKey }));
    expect(read.equals(plain)).toBe(true);
    await expect(blobs.read(blobId)).rejects.toMatchObject({ status: 403 });
    await expect(blobs.read(blobId, undefined, { customerKey: randomBytes(32) })).rejects.toMatchObject({
      status: 403,
    });
    const plainBlob = await blobs.write(source(plain), options);
    await expect(blobs.read(plainBlob.blobId, undefined, { customerKey })).rejects.toMatchObject({
      status: 403,
    });
    keys.destroy('p1');
    await expect(blobs.read(blobId, undefined, { customerKey })).rejects.toMatchObject({ status: 403 });
  });
});
