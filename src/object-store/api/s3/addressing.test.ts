import { describe, expect, it } from 'vitest';
import { checkNewBucketName, parseAddress } from './addressing.js';
import { continuationToken, parseContinuationToken } from './list-objects.js';

describe('parseAddress', () => {
  it('reads path-style bucket and key, decoding the key as a whole', () => {
    const a = parseAddress('/bucket/dir/a%20b%2Fc?list-type=2', 'localhost:9000', '');
    expect([a.bucket, a.key, a.rawPath, a.query.get('list-type')]).toEqual([
      'bucket',
      'dir/a b/c',
      '/bucket/dir/a%20b%2Fc',
      '2',
    ]);
    expect(parseAddress('/', undefined, '')).toMatchObject({ bucket: undefined, key: undefined });
    expect(parseAddress('/b/', undefined, '')).toMatchObject({ bucket: 'b', key: undefined });
    expect(parseAddress('/b//x', undefined, '')).toMatchObject({ bucket: 'b', key: '/x' });
  });

  it('reads virtual-hosted-style buckets from the Host header', () => {
    expect(parseAddress('/k/e/y', 'photos.s3.example.com:9000', 's3.example.com')).toMatchObject({
      bucket: 'photos',
      key: 'k/e/y',
    });
    expect(parseAddress('/photos/k', 's3.example.com', 's3.example.com')).toMatchObject({
      bucket: 'photos',
      key: 'k',
    });
  });

  it('refuses undecodable paths and keys over 1024 bytes', () => {
    expect(() => parseAddress('/b/%FF', undefined, '')).toThrow(
      expect.objectContaining({ code: 'InvalidURI' }),
    );
    expect(() => parseAddress(`/b/${'k'.repeat(1025)}`, undefined, '')).toThrow(
      expect.objectContaining({ code: 'KeyTooLongError' }),
    );
  });
});

describe('bucket names', () => {
  it.each(['abc', 'my.bucket-1', 'a'.repeat(63)])('accepts %s', (name) =>
    expect(() => checkNewBucketName(name)).not.toThrow(),
  );
  it.each(['ab', 'Upper', 'under_score', '-start', 'end-', 'a..b', '192.168.1.1', 'xn--abc', 'a'.repeat(64)])(
    'refuses %s',
    (name) =>
      expect(() => checkNewBucketName(name)).toThrow(expect.objectContaining({ code: 'InvalidBucketName' })),
  );
});

describe('continuation tokens', () => {
  it('round-trip and refuse forgeries', () => {
    expect(parseContinuationToken(continuationToken('a/é'))).toBe('a/é');
    expect(() => parseContinuationToken('bm9wZQ')).toThrow(
      expect.objectContaining({ code: 'InvalidArgument' }),
    );
  });
});
