import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalHeaders, canonicalRequest, stringToSign, wireBytes } from './canonical-request.js';

describe('canonicalHeaders', () => {
  it('trims values and folds inner runs of whitespace to one space', () => {
    expect(canonicalHeaders({ 'x-amz-meta-a': '  one   two \t three  ' }, ['x-amz-meta-a'])).toBe(
      'x-amz-meta-a:one two three\n',
    );
  });

  it('sorts by name, keeps only signed headers, joins repeated values with commas', () => {
    const headers = { host: 'h', 'x-amz-date': 'd', 'x-amz-meta-list': ['a', 'b'], unsigned: 'u' };
    expect(canonicalHeaders(headers, ['x-amz-meta-list', 'x-amz-date', 'host'])).toBe(
      'host:h\nx-amz-date:d\nx-amz-meta-list:a,b\n',
    );
  });

  it('gives a signed header the request lacks an empty value', () => {
    expect(canonicalHeaders({ host: 'h' }, ['host', 'range'])).toBe('host:h\nrange:\n');
  });
});

describe('canonicalRequest', () => {
  it('has the six lines of the spec, the headers block ending in a blank line', () => {
    const text = canonicalRequest({
      method: 'get',
      rawPath: '/a b',
      query: new URLSearchParams('z=1&a'),
      headers: { host: 'h', 'x-amz-date': 'd' },
      signedHeaders: ['x-amz-date', 'host'],
      payloadHash: 'UNSIGNED-PAYLOAD',
    });
    expect(text).toBe('GET\n/a%20b\na=&z=1\nhost:h\nx-amz-date:d\n\nhost;x-amz-date\nUNSIGNED-PAYLOAD');
  });
});

describe('wireBytes', () => {
  it('returns the bytes Node read for latin1 header strings, and UTF-8 for wider text', () => {
    // Node turns the UTF-8 bytes of "é" (C3 A9) into the two characters "Ã©".
    expect(wireBytes('Ã©')).toEqual(Buffer.from([0xc3, 0xa9]));
    expect(wireBytes('€')).toEqual(Buffer.from('€', 'utf8'));
  });

  it('hashes those bytes in the string to sign', () => {
    const expected = createHash('sha256')
      .update(Buffer.from([0xc3, 0xa9]))
      .digest('hex');
    expect(stringToSign('20130524T000000Z', 'scope', 'Ã©')).toBe(
      `AWS4-HMAC-SHA256\n20130524T000000Z\nscope\n${expected}`,
    );
  });
});
