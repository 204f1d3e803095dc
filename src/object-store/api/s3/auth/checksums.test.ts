import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CHECKSUM_ALGORITHMS,
  assertChecksumMatches,
  checksumAlgorithmFromHeaderName,
  checksumHeaderName,
  createChecksum,
  isWellFormedChecksum,
  parseChecksumAlgorithm,
  type ChecksumAlgorithm,
} from './checksums.js';
import { crc32c } from './crc32c.js';
import { S3AuthError } from './s3-auth-error.js';

const CHECK_INPUT = Buffer.from('123456789');

function base64OfHex(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

function digestOf(algorithm: ChecksumAlgorithm, ...pieces: Buffer[]): string {
  const sum = createChecksum(algorithm);
  for (const piece of pieces) sum.update(piece);
  return sum.digestBase64();
}

describe('checksum check values (the catalogue "123456789" vectors)', () => {
  it.each([
    ['crc32', 'cbf43926'],
    ['crc32c', 'e3069283'],
    ['crc64nvme', 'ae8b14860a799888'],
  ] as const)('%s of "123456789" is 0x%s, big-endian', (algorithm, hex) => {
    expect(digestOf(algorithm, CHECK_INPUT)).toBe(base64OfHex(hex));
  });

  it('crc32c as a number', () => {
    expect(crc32c(CHECK_INPUT)).toBe(0xe3069283);
  });
});

describe('AWS examples', () => {
  it('crc64nvme of nothing is AAAAAAAAAAA=', () => {
    expect(digestOf('crc64nvme')).toBe('AAAAAAAAAAA=');
  });

  it('crc32c of the 66560 "a" bytes of the trailer example is sOO8/Q==', () => {
    // AWS "Signature calculations for trailing headers" sends x-amz-checksum-crc32c:sOO8/Q== for this body.
    expect(digestOf('crc32c', Buffer.alloc(66_560, 'a'))).toBe('sOO8/Q==');
  });

  it('crc32 of "hello world" is DUoRhQ==', () => {
    expect(digestOf('crc32', Buffer.from('hello world'))).toBe('DUoRhQ==');
  });

  it('sha1 and sha256 agree with node:crypto', () => {
    const data = Buffer.from('hello world');
    expect(digestOf('sha256', data)).toBe(createHash('sha256').update(data).digest('base64'));
    expect(digestOf('sha1', data)).toBe(createHash('sha1').update(data).digest('base64'));
  });
});

describe('streaming', () => {
  // A prime-sized buffer with no repetition, split at every offset class the slice-by-8 loops care about.
  const data = Buffer.from(Array.from({ length: 10_007 }, (_, i) => (i * 131 + (i >> 7)) & 0xff));

  it.each(CHECKSUM_ALGORITHMS)('%s gives the same digest however the input is split', (algorithm) => {
    const whole = digestOf(algorithm, data);
    for (const cut of [0, 1, 3, 7, 8, 9, 15, 16, 17, 5000]) {
      expect(digestOf(algorithm, data.subarray(0, cut), data.subarray(cut))).toBe(whole);
    }
    const bytes = [...data.subarray(0, 100)].map((b) => Buffer.of(b));
    expect(digestOf(algorithm, ...bytes)).toBe(digestOf(algorithm, data.subarray(0, 100)));
  });

  it('crc32c and crc64nvme see every byte (a one-bit flip changes the digest)', () => {
    for (const algorithm of ['crc32c', 'crc64nvme'] as const) {
      const flipped = Buffer.from(data);
      flipped[4321] = flipped[4321]! ^ 0x10;
      expect(digestOf(algorithm, flipped)).not.toBe(digestOf(algorithm, data));
    }
  });

  it('digest can be read twice, but update after it is a bug', () => {
    const sum = createChecksum('sha256');
    sum.update(data);
    expect(sum.digestBase64()).toBe(sum.digestBase64());
    expect(() => sum.update(data)).toThrow(/after its digest/);
  });
});

describe('names', () => {
  it('maps algorithms to header names and back', () => {
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      expect(checksumAlgorithmFromHeaderName(checksumHeaderName(algorithm))).toBe(algorithm);
    }
    expect(checksumHeaderName('crc64nvme')).toBe('x-amz-checksum-crc64nvme');
    expect(checksumAlgorithmFromHeaderName('x-amz-checksum-md5')).toBeUndefined();
    expect(checksumAlgorithmFromHeaderName('content-md5')).toBeUndefined();
  });

  it('reads the upper-case values of x-amz-sdk-checksum-algorithm', () => {
    expect(parseChecksumAlgorithm('CRC64NVME')).toBe('crc64nvme');
    expect(parseChecksumAlgorithm('SHA256')).toBe('sha256');
    expect(parseChecksumAlgorithm('MD5')).toBeUndefined();
  });
});

describe('assertChecksumMatches', () => {
  it('accepts an equal checksum', () => {
    expect(() => assertChecksumMatches('crc32', 'DUoRhQ==', 'DUoRhQ==')).not.toThrow();
  });

  it('answers BadDigest for a different one', () => {
    const err = catchError(() => assertChecksumMatches('crc32', 'AAAAAA==', 'DUoRhQ=='));
    expect(err.code).toBe('BadDigest');
    expect(err.status).toBe(400);
  });

  it('answers InvalidRequest for a value of the wrong shape', () => {
    expect(isWellFormedChecksum('crc32', 'DUoRhQ')).toBe(false);
    expect(isWellFormedChecksum('crc64nvme', 'DUoRhQ==')).toBe(false);
    expect(isWellFormedChecksum('crc64nvme', 'AAAAAAAAAAA=')).toBe(true);
    const err = catchError(() => assertChecksumMatches('crc32', 'not base64!', 'DUoRhQ=='));
    expect(err.code).toBe('InvalidRequest');
    expect(err.publicMessage).toBe('Value for x-amz-checksum-crc32 header is invalid.');
  });
});

function catchError(fn: () => void): S3AuthError {
  try {
    fn();
  } catch (err) {
    if (err instanceof S3AuthError) return err;
    throw err;
  }
  throw new Error('expected an S3AuthError');
}
