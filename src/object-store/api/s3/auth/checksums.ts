// The S3 additional checksums (x-amz-checksum-*): computed over a stream in pieces, rendered the way
// S3 sends them (base64 of the big-endian digest), and compared with what the client declared.
import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { Crc32c } from './crc32c.js';
import { Crc64Nvme } from './crc64-nvme.js';
import { S3AuthError } from './s3-auth-error.js';

export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** Length of each algorithm's digest in bytes, which fixes the length of its base64 form. */
const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = {
  crc32: 4,
  crc32c: 4,
  crc64nvme: 8,
  sha1: 20,
  sha256: 32,
};

/** A checksum being computed. `digest` may be called more than once; `update` not after it. */
export interface Checksum {
  readonly algorithm: ChecksumAlgorithm;
  update(data: Uint8Array): void;
  /** The big-endian digest. */
  digest(): Buffer;
  /** The digest as S3 writes it in x-amz-checksum-* headers and trailers. */
  digestBase64(): string;
}

function uint32BigEndian(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0, 0);
  return out;
}

/** Adapts an incremental algorithm to Checksum, caching the digest once taken. */
function checksumOf(
  algorithm: ChecksumAlgorithm,
  update: (data: Uint8Array) => void,
  finish: () => Buffer,
): Checksum {
  let digest: Buffer | undefined;
  return {
    algorithm,
    update(data) {
      if (digest) throw new Error(`${algorithm} checksum updated after its digest was taken`);
      update(data);
    },
    digest() {
      digest ??= finish();
      return digest;
    },
    digestBase64() {
      return this.digest().toString('base64');
    },
  };
}

function hashChecksum(algorithm: 'sha1' | 'sha256'): Checksum {
  const hash: Hash = createHash(algorithm);
  return checksumOf(
    algorithm,
    (data) => hash.update(data),
    () => hash.digest(),
  );
}

/**
 * A streaming checksum. crc32, sha1 and sha256 are native (zlib, OpenSSL); crc32c and crc64nvme are
 * table-driven JavaScript.
 *
 * @example
 * const sum = createChecksum('crc32');
 * sum.update(Buffer.from('hello world'));
 * sum.digestBase64(); // 'DUoRhQ=='
 */
export function createChecksum(algorithm: ChecksumAlgorithm): Checksum {
  switch (algorithm) {
    case 'crc32': {
      let value = 0;
      return checksumOf(
        algorithm,
        (data) => (value = crc32(data, value)),
        () => uint32BigEndian(value),
      );
    }
    case 'crc32c': {
      const crc = new Crc32c();
      return checksumOf(
        algorithm,
        (data) => crc.update(data),
        () => uint32BigEndian(crc.value()),
      );
    }
    case 'crc64nvme': {
      const crc = new Crc64Nvme();
      return checksumOf(
        algorithm,
        (data) => crc.update(data),
        () => crc.digest(),
      );
    }
    case 'sha1':
    case 'sha256':
      return hashChecksum(algorithm);
  }
}

/** `x-amz-checksum-crc32` and so on: the header (or trailer) that carries the checksum. */
export function checksumHeaderName(algorithm: ChecksumAlgorithm): `x-amz-checksum-${ChecksumAlgorithm}` {
  return `x-amz-checksum-${algorithm}`;
}

/** The algorithm a value of x-amz-sdk-checksum-algorithm / x-amz-checksum-algorithm names (`CRC32`…). */
export function parseChecksumAlgorithm(value: string): ChecksumAlgorithm | undefined {
  const lower = value.trim().toLowerCase();
  return CHECKSUM_ALGORITHMS.find((algorithm) => algorithm === lower);
}

/** The algorithm of a checksum header or trailer name, e.g. `x-amz-checksum-crc64nvme`. */
export function checksumAlgorithmFromHeaderName(name: string): ChecksumAlgorithm | undefined {
  const lower = name.trim().toLowerCase();
  if (!lower.startsWith('x-amz-checksum-')) return undefined;
  return parseChecksumAlgorithm(lower.slice('x-amz-checksum-'.length));
}

/** Whether a client-sent value is well-formed base64 of the right length for the algorithm. */
export function isWellFormedChecksum(algorithm: ChecksumAlgorithm, base64: string): boolean {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return false;
  const decoded = Buffer.from(base64, 'base64');
  return decoded.length === DIGEST_BYTES[algorithm] && decoded.toString('base64') === base64;
}

/**
 * Compares the checksum a client declared (header or trailer) with the one computed over the body.
 *
 * @throws S3AuthError `InvalidRequest` when the declared value is not a valid checksum of this kind,
 *   `BadDigest` when it is valid but different (AWS's answers to both).
 */
export function assertChecksumMatches(
  algorithm: ChecksumAlgorithm,
  declaredBase64: string,
  computedBase64: string,
): void {
  const name = checksumHeaderName(algorithm);
  if (!isWellFormedChecksum(algorithm, declaredBase64)) {
    throw new S3AuthError('InvalidRequest', `Value for ${name} header is invalid.`);
  }
  if (declaredBase64 !== computedBase64) {
    throw new S3AuthError(
      'BadDigest',
      `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
      { internalContext: { declared: declaredBase64, computed: computedBase64 } },
    );
  }
}
