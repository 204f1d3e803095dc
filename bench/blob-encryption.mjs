// Encrypted vs plaintext throughput of the object store's blob layer (the one place every object byte
// is written and read), in-process on the server's own data disk so the two lines differ only by the
// encryption: one large blob written from a generator and read back, with keys and without.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createBlobStore } from '../dist/object-store/blob/blob-store.js';

const MiB = 1024 * 1024;

/** A key manager stand-in: data keys wrapped under one in-memory KEK with AES-256-GCM. */
function benchKeys() {
  const kek = randomBytes(32);
  return {
    async createDataKey() {
      const plaintext = randomBytes(32);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', kek, iv);
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return { plaintext, wrapped: Buffer.concat([iv, body, cipher.getAuthTag()]) };
    },
    async unwrapDataKey(_projectId, wrapped) {
      const decipher = createDecipheriv('aes-256-gcm', kek, wrapped.subarray(0, 12));
      decipher.setAuthTag(wrapped.subarray(wrapped.length - 16));
      const plain = decipher.update(wrapped.subarray(12, wrapped.length - 16));
      decipher.final();
      return plain;
    },
  };
}

async function* generate(size) {
  const piece = randomBytes(MiB);
  for (let sent = 0; sent < size; sent += piece.length) yield piece.subarray(0, Math.min(MiB, size - sent));
}

async function measure(blobs, size) {
  let start = process.hrtime.bigint();
  const written = await blobs.write(generate(size), { projectId: 'bench', maxBytes: size });
  const put = Number(process.hrtime.bigint() - start) / 1e9;
  start = process.hrtime.bigint();
  let bytes = 0;
  for await (const chunk of await blobs.read(written.blobId)) bytes += chunk.length;
  const get = Number(process.hrtime.bigint() - start) / 1e9;
  if (bytes !== size) throw new Error(`read ${bytes} of ${size} bytes`);
  await blobs.remove(written.blobId);
  return { put: size / MiB / put, get: size / MiB / get };
}

/** Prints the plaintext and encrypted lines for a blob of `mib` MiB under `dataDir`. */
export async function blobEncryptionThroughput(dataDir, mib) {
  const root = join(dataDir, 'bench-blobs');
  const plain = await measure(createBlobStore(root), mib * MiB);
  const sealed = await measure(createBlobStore(root, benchKeys()), mib * MiB);
  const pct = (a, b) => `${(((a - b) / b) * 100).toFixed(1)} %`;
  console.log(
    `blob layer, ${mib} MiB: plaintext PUT ${plain.put.toFixed(0)} MiB/s GET ${plain.get.toFixed(0)} MiB/s; encrypted (AES-256-GCM, 64 KiB records) PUT ${sealed.put.toFixed(0)} MiB/s (${pct(sealed.put, plain.put)}) GET ${sealed.get.toFixed(0)} MiB/s (${pct(sealed.get, plain.get)})`,
  );
  return { plain, sealed };
}
