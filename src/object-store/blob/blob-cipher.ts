// The on-disk format of an encrypted blob: a header naming the project and holding the blob's data key
// wrapped by that project's KEK, then the body as AES-256-GCM records of CHUNK_BYTES plaintext each
// (16-byte tag appended). A record's nonce is its index (the data key is unique to the blob, so a nonce
// never repeats under a key), and its additional data says whether it is the last record, so a truncated
// file fails to verify instead of reading as a shorter object. The writer always ends with a last record
// of 0..CHUNK_BYTES-1 bytes, so every full-size record is followed by another one.
import assert from 'node:assert';
import { createCipheriv, createDecipheriv } from 'node:crypto';

export const CHUNK_BYTES = 64 * 1024;
export const TAG_BYTES = 16;
export const RECORD_BYTES = CHUNK_BYTES + TAG_BYTES;
const MAGIC = Buffer.from('NUAGEBLOBENC\x00\x01', 'latin1');
// An SSE-C blob: the same layout, but the wrapped key is itself sealed under the customer's key.
const MAGIC_CUSTOMER = Buffer.from('NUAGEBLOBENC\x00\x02', 'latin1');
const AAD_MIDDLE = Buffer.from('nuage-blob/v1/middle', 'utf8');
const AAD_LAST = Buffer.from('nuage-blob/v1/last', 'utf8');

export interface BlobHeader {
  projectId: string;
  wrappedKey: Buffer;
  /** SSE-C: `wrappedKey` is the KEK-wrapped data key sealed again under the customer's key. */
  customerWrapped?: boolean | undefined;
}

/** magic | project id length (u8) | project id | wrapped key length (u16) | wrapped key. */
export function encodeHeader(header: BlobHeader): Buffer {
  const project = Buffer.from(header.projectId, 'utf8');
  assert(project.length < 256 && header.wrappedKey.length < 65536);
  const wrappedLength = Buffer.alloc(2);
  wrappedLength.writeUInt16BE(header.wrappedKey.length, 0);
  const magic = header.customerWrapped ? MAGIC_CUSTOMER : MAGIC;
  return Buffer.concat([magic, Buffer.from([project.length]), project, wrappedLength, header.wrappedKey]);
}

/** The header at the start of `bytes` and its length; undefined if it is not one (or cut short). */
export function decodeHeader(bytes: Buffer): { header: BlobHeader; length: number } | undefined {
  if (bytes.length < MAGIC.length + 3) return undefined;
  const magic = bytes.subarray(0, MAGIC.length);
  const customerWrapped = magic.equals(MAGIC_CUSTOMER);
  if (!customerWrapped && !magic.equals(MAGIC)) return undefined;
  let at = MAGIC.length;
  const projectLength = bytes.readUInt8(at);
  at += 1;
  if (bytes.length < at + projectLength + 2) return undefined;
  const projectId = bytes.subarray(at, at + projectLength).toString('utf8');
  at += projectLength;
  const wrappedLength = bytes.readUInt16BE(at);
  at += 2;
  if (bytes.length < at + wrappedLength) return undefined;
  const wrappedKey = Buffer.from(bytes.subarray(at, at + wrappedLength));
  return { header: { projectId, wrappedKey, customerWrapped }, length: at + wrappedLength };
}

/** Longest header encodeHeader makes (a read of this many bytes always holds the whole header). */
export const MAX_HEADER_BYTES = MAGIC.length + 1 + 255 + 2 + 1024;

function nonce(index: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeBigUInt64BE(BigInt(index), 4);
  return iv;
}

/** One record as the pieces to write in order (ciphertext, tag): no copy to join them. */
export function sealRecord(key: Buffer, index: number, last: boolean, plain: Buffer): Buffer[] {
  assert(plain.length <= CHUNK_BYTES && (last || plain.length === CHUNK_BYTES));
  const cipher = createCipheriv('aes-256-gcm', key, nonce(index), { authTagLength: TAG_BYTES });
  cipher.setAAD(last ? AAD_LAST : AAD_MIDDLE);
  const body = cipher.update(plain);
  // GCM is a stream mode: final() yields no bytes, only computes the tag.
  assert(cipher.final().length === 0);
  return [body, cipher.getAuthTag()];
}

/** The plaintext of one record; undefined when it does not verify (altered, moved or truncated). */
export function openRecord(key: Buffer, index: number, last: boolean, record: Buffer): Buffer | undefined {
  if (record.length < TAG_BYTES) return undefined;
  const body = record.subarray(0, record.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce(index), { authTagLength: TAG_BYTES });
    decipher.setAAD(last ? AAD_LAST : AAD_MIDDLE);
    decipher.setAuthTag(record.subarray(record.length - TAG_BYTES));
    const plain = decipher.update(body);
    decipher.final();
    return plain;
  } catch {
    return undefined;
  }
}

/** How many records a body of `bodyBytes` (file size minus header) holds: always at least one. */
export function recordCount(bodyBytes: number): number {
  return Math.floor(bodyBytes / RECORD_BYTES) + 1;
}

/** The plaintext size of a body of `bodyBytes`. */
export function plaintextBytes(bodyBytes: number): number {
  return bodyBytes - recordCount(bodyBytes) * TAG_BYTES;
}
