import { describe, expect, it } from 'vitest';
import { awsUriEncode, canonicalQueryString, canonicalUri } from './aws-uri-encoding.js';
import { S3AuthError } from './s3-auth-error.js';

describe('canonicalUri', () => {
  it.each([
    ['', '/'],
    ['/', '/'],
    ['/test.txt', '/test.txt'],
    // AWS's PUT example: `$` is escaped whether or not the client did.
    ['/test$file.text', '/test%24file.text'],
    ['/test%24file.text', '/test%24file.text'],
    // A literal plus is a plus, never a space.
    ['/a+b', '/a%2Bb'],
    ['/a%2Bb', '/a%2Bb'],
    ['/a b', '/a%20b'],
    ['/a%20b', '/a%20b'],
    // An escaped slash stays inside its segment; lower-case escapes come out upper case.
    ['/bucket/photos%2fmonth%2Fjan.jpg', '/bucket/photos%2Fmonth%2Fjan.jpg'],
    // S3 does not normalise paths.
    ['/bucket//a/./b/../c/', '/bucket//a/./b/../c/'],
    // Unicode, escaped or not, is its UTF-8 bytes; invalid UTF-8 survives byte for byte.
    ['/%E2%82%AC%20%C3%BC', '/%E2%82%AC%20%C3%BC'],
    ['/€ ü', '/%E2%82%AC%20%C3%BC'],
    ['/%FF', '/%FF'],
    ["/!'()*:@&=,;", '/%21%27%28%29%2A%3A%40%26%3D%2C%3B'],
    ['/~-_.', '/~-_.'],
  ])('%j → %j', (raw, canonical) => {
    expect(canonicalUri(raw)).toBe(canonical);
  });

  it.each(['/%zz', '/a%2', '/%', 'relative', '/a?b'])('refuses %j with InvalidURI', (raw) => {
    expect(() => canonicalUri(raw)).toThrow(S3AuthError);
    try {
      canonicalUri(raw);
    } catch (err) {
      expect((err as S3AuthError).code).toBe('InvalidURI');
    }
  });
});

describe('canonicalQueryString', () => {
  it('sorts by name, then by value, and gives bare names an empty value', () => {
    expect(canonicalQueryString(new URLSearchParams('prefix=J&max-keys=2'))).toBe('max-keys=2&prefix=J');
    expect(canonicalQueryString(new URLSearchParams('b=2&a=2&a=1&uploads'))).toBe('a=1&a=2&b=2&uploads=');
  });

  it('encodes names and values per RFC 3986, slash included', () => {
    const query = new URLSearchParams();
    query.set('prefix', 'a b/c*~+€');
    expect(canonicalQueryString(query)).toBe('prefix=a%20b%2Fc%2A~%2B%E2%82%AC');
  });

  it('sorts on the encoded form', () => {
    // `%` (0x25) sorts before `A` (0x41), which sorts before `z`; ä itself would sort last.
    expect(canonicalQueryString(new URLSearchParams('z=1&%C3%A4=1&A=1'))).toBe('%C3%A4=1&A=1&z=1');
  });

  it('leaves out the excluded parameter only', () => {
    const query = new URLSearchParams('X-Amz-Signature=abc&X-Amz-Date=1&x-amz-signature=kept');
    expect(canonicalQueryString(query, 'X-Amz-Signature')).toBe('X-Amz-Date=1&x-amz-signature=kept');
  });
});

describe('awsUriEncode', () => {
  it('escapes everything but unreserved characters, in upper case', () => {
    expect(awsUriEncode("AZaz09-_.~ !'()*/")).toBe('AZaz09-_.~%20%21%27%28%29%2A%2F');
  });
});
