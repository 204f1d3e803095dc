import { describe, expect, it } from 'vitest';
import { S3AuthError } from './s3-auth-error.js';
import { SigningKeyCache, deriveSigningKey, sha256Hex } from './signing-key.js';
import {
  assertPayloadSha256,
  parseSigV4Request,
  verifyParsedSigV4,
  verifySigV4,
  type RequestHeaders,
  type SigV4RequestInput,
} from './sigv4.js';

// Credentials and time of every example in the AWS S3 API reference ("Examples: Signature Calculations").
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const EXAMPLE_TIME = new Date('2013-05-24T00:00:00Z');
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const HOST = 'examplebucket.s3.amazonaws.com';

function authorization(
  signedHeaders: string,
  signature: string,
  scope = '20130524/us-east-1/s3/aws4_request',
): string {
  return `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/${scope},SignedHeaders=${signedHeaders},Signature=${signature}`;
}

function request(overrides: Partial<SigV4RequestInput> & { headers: RequestHeaders }): SigV4RequestInput {
  return {
    method: 'GET',
    rawPath: '/',
    query: new URLSearchParams(),
    now: EXAMPLE_TIME,
    allowedRegions: ['us-east-1'],
    ...overrides,
  };
}

function catchS3Error(fn: () => unknown): S3AuthError {
  try {
    fn();
  } catch (err) {
    if (err instanceof S3AuthError) return err;
    throw err;
  }
  throw new Error('expected an S3AuthError');
}

/** GET Object, "Signature Calculations for the Authorization Header: Transferring Payload in a Single Chunk". */
function getObject(
  signature = 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
): SigV4RequestInput {
  return request({
    rawPath: '/test.txt',
    headers: {
      host: HOST,
      range: 'bytes=0-9',
      'x-amz-content-sha256': EMPTY_SHA256,
      'x-amz-date': '20130524T000000Z',
      authorization: authorization('host;range;x-amz-content-sha256;x-amz-date', signature),
    },
  });
}

/** The presigned GET of test.txt, "Authenticating Requests: Using Query Parameters". */
function presignedGet(
  now = EXAMPLE_TIME,
  signature = 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
): SigV4RequestInput {
  return request({
    rawPath: '/test.txt',
    now,
    query: new URLSearchParams(
      'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
        `&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=${signature}`,
    ),
    headers: { host: HOST },
  });
}

describe('AWS documented examples', () => {
  it('GET Object with Range', () => {
    const parsed = parseSigV4Request(getObject());
    // The documented StringToSign ends with the hash of the documented canonical request.
    expect(parsed?.stringToSign).toBe(
      'AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972',
    );
    const verified = verifySigV4({ ...getObject(), secret: SECRET });
    expect(verified).toMatchObject({
      accessKeyId: ACCESS_KEY,
      payloadMode: 'signed',
      payloadSha256: EMPTY_SHA256,
    });
    expect(verified.seedSignature).toBe('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
  });

  it('PUT Object (test$file.text, with Date and a storage class)', () => {
    const body = 'Welcome to Amazon S3.';
    const bodyHash = '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072';
    const put = (rawPath: string) =>
      request({
        method: 'PUT',
        rawPath,
        headers: {
          host: HOST,
          date: 'Fri, 24 May 2013 00:00:00 GMT',
          'x-amz-date': '20130524T000000Z',
          'x-amz-storage-class': 'REDUCED_REDUNDANCY',
          'x-amz-content-sha256': bodyHash,
          authorization: authorization(
            'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
            '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
          ),
        },
      });
    // Whether the client escaped `$` or not, the canonical URI is /test%24file.text.
    for (const rawPath of ['/test%24file.text', '/test$file.text']) {
      const verified = verifySigV4({ ...put(rawPath), secret: SECRET });
      expect(verified.payloadMode).toBe('signed');
      expect(() => assertPayloadSha256(verified.payloadSha256 ?? '', sha256Hex(body))).not.toThrow();
    }
  });

  it('GET Bucket Lifecycle (?lifecycle)', () => {
    const input = request({
      query: new URLSearchParams('lifecycle'),
      headers: {
        host: HOST,
        'x-amz-date': '20130524T000000Z',
        'x-amz-content-sha256': EMPTY_SHA256,
        authorization: authorization(
          'host;x-amz-content-sha256;x-amz-date',
          'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
        ),
      },
    });
    expect(parseSigV4Request(input)?.canonicalRequest.split('\n').slice(0, 3)).toEqual([
      'GET',
      '/',
      'lifecycle=',
    ]);
    expect(verifySigV4({ ...input, secret: SECRET }).accessKeyId).toBe(ACCESS_KEY);
  });

  it('Get Bucket (List Objects) ?max-keys=2&prefix=J', () => {
    const input = request({
      query: new URLSearchParams('max-keys=2&prefix=J'),
      headers: {
        host: HOST,
        'x-amz-date': '20130524T000000Z',
        'x-amz-content-sha256': EMPTY_SHA256,
        authorization: authorization(
          'host;x-amz-content-sha256;x-amz-date',
          '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
        ),
      },
    });
    expect(verifySigV4({ ...input, secret: SECRET }).accessKeyId).toBe(ACCESS_KEY);
  });

  it('presigned GET test.txt, X-Amz-Expires=86400', () => {
    const parsed = parseSigV4Request(presignedGet());
    expect(parsed?.stringToSign).toBe(
      'AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04',
    );
    expect(parsed?.expiresAt?.toISOString()).toBe('2013-05-25T00:00:00.000Z');
    const verified = verifySigV4({ ...presignedGet(), secret: SECRET });
    expect(verified).toMatchObject({ kind: 'presigned', payloadMode: 'unsigned', accessKeyId: ACCESS_KEY });
  });

  it('the seed request of the chunked PUT example (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)', () => {
    const input = request({
      method: 'PUT',
      rawPath: '/examplebucket/chunkObject.txt',
      headers: {
        host: 's3.amazonaws.com',
        'x-amz-date': '20130524T000000Z',
        'x-amz-storage-class': 'REDUCED_REDUNDANCY',
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': '66560',
        'content-length': '66824',
        authorization: authorization(
          'content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class',
          '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
        ),
      },
    });
    const verified = verifySigV4({ ...input, secret: SECRET });
    expect(verified).toMatchObject({
      payloadMode: 'streaming-signed',
      decodedContentLength: 66_560,
      scope: '20130524/us-east-1/s3/aws4_request',
      amzDate: '20130524T000000Z',
      seedSignature: '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
    });
    expect(verified.signingKey).toEqual(deriveSigningKey(SECRET, '20130524', 'us-east-1', 's3'));
  });
});

describe('signature mismatches', () => {
  it('rejects a signature with one digit changed, with AWS diagnostic details', () => {
    const err = catchS3Error(() =>
      verifySigV4({
        ...getObject('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb42'),
        secret: SECRET,
      }),
    );
    expect(err).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    expect(err.details.AWSAccessKeyId).toBe(ACCESS_KEY);
    expect(err.details.CanonicalRequest).toContain('range:bytes=0-9');
  });

  it('rejects a changed signed header, a changed path and the wrong secret', () => {
    const changedRange = getObject();
    changedRange.headers.range = 'bytes=0-99';
    expect(catchS3Error(() => verifySigV4({ ...changedRange, secret: SECRET })).code).toBe(
      'SignatureDoesNotMatch',
    );
    expect(
      catchS3Error(() => verifySigV4({ ...getObject(), rawPath: '/test.txt2', secret: SECRET })).code,
    ).toBe('SignatureDoesNotMatch');
    expect(catchS3Error(() => verifySigV4({ ...getObject(), secret: `${SECRET}x` })).code).toBe(
      'SignatureDoesNotMatch',
    );
  });

  it('rejects a signature that is not 64 hex digits without throwing anything else', () => {
    expect(catchS3Error(() => verifySigV4({ ...getObject('abc'), secret: SECRET })).code).toBe(
      'SignatureDoesNotMatch',
    );
  });

  it('accepts the signature in upper case, as S3 does', () => {
    const upper = getObject('F0E8BDB87C964420E857BD35B5D6ED310BD44F0170ABA48DD91039C6036BDB41');
    expect(verifySigV4({ ...upper, secret: SECRET }).accessKeyId).toBe(ACCESS_KEY);
  });

  it('rejects a tampered presigned URL', () => {
    const input = presignedGet(EXAMPLE_TIME);
    input.query.set('X-Amz-Expires', '86401');
    expect(catchS3Error(() => verifySigV4({ ...input, secret: SECRET })).code).toBe('SignatureDoesNotMatch');
  });
});

describe('credential scope', () => {
  it('answers AuthorizationHeaderMalformed naming the expected region', () => {
    const err = catchS3Error(() => parseSigV4Request({ ...getObject(), allowedRegions: ['eu-west-1'] }));
    expect(err).toMatchObject({ code: 'AuthorizationHeaderMalformed', status: 400 });
    expect(err.publicMessage).toBe(
      "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'",
    );
    expect(err.details.Region).toBe('eu-west-1');
  });

  it('accepts any of several allowed regions', () => {
    expect(parseSigV4Request({ ...getObject(), allowedRegions: ['eu-west-1', 'us-east-1'] })?.region).toBe(
      'us-east-1',
    );
  });

  it('answers AuthorizationQueryParametersError for the wrong region of a presigned URL', () => {
    const err = catchS3Error(() => parseSigV4Request({ ...presignedGet(), allowedRegions: ['nuage-1'] }));
    expect(err.code).toBe('AuthorizationQueryParametersError');
    expect(err.publicMessage).toContain("the region 'us-east-1' is wrong; expecting 'nuage-1'");
  });

  it('refuses another service and a credential date that is not the request date', () => {
    const otherService = getObject();
    otherService.headers.authorization = authorization(
      'host',
      'f'.repeat(64),
      '20130524/us-east-1/iam/aws4_request',
    );
    expect(catchS3Error(() => parseSigV4Request(otherService)).publicMessage).toContain(
      'incorrect service "iam"',
    );
    const otherDay = getObject();
    otherDay.headers.authorization = authorization(
      'host',
      'f'.repeat(64),
      '20130523/us-east-1/s3/aws4_request',
    );
    const err = catchS3Error(() => parseSigV4Request(otherDay));
    expect(err.code).toBe('AuthorizationHeaderMalformed');
    expect(err.publicMessage).toContain('Date is not the same as X-Amz-Date');
  });
});

describe('time', () => {
  it('accepts 15 minutes of skew either way and refuses more with RequestTimeTooSkewed', () => {
    const at = (ms: number) => ({ ...getObject(), now: new Date(EXAMPLE_TIME.getTime() + ms) });
    expect(parseSigV4Request(at(900_000))).toBeDefined();
    expect(parseSigV4Request(at(-900_000))).toBeDefined();
    for (const skew of [900_001, -900_001]) {
      const err = catchS3Error(() => parseSigV4Request(at(skew)));
      expect(err).toMatchObject({ code: 'RequestTimeTooSkewed', status: 403 });
      expect(err.details.MaxAllowedSkewMilliseconds).toBe('900000');
    }
  });

  it('honours a configured skew', () => {
    const input = { ...getObject(), now: new Date(EXAMPLE_TIME.getTime() + 61_000), maxSkewSeconds: 60 };
    expect(catchS3Error(() => parseSigV4Request(input)).code).toBe('RequestTimeTooSkewed');
  });

  it('expires a presigned URL after X-Amz-Expires with AccessDenied "Request has expired"', () => {
    const lastSecond = new Date(EXAMPLE_TIME.getTime() + 86_400_000);
    expect(verifySigV4({ ...presignedGet(lastSecond), secret: SECRET }).kind).toBe('presigned');
    const err = catchS3Error(() => parseSigV4Request(presignedGet(new Date(lastSecond.getTime() + 1000))));
    expect(err).toMatchObject({ code: 'AccessDenied', status: 403, publicMessage: 'Request has expired' });
    expect(err.details).toMatchObject({ 'X-Amz-Expires': '86400', Expires: '2013-05-25T00:00:00.000Z' });
  });

  it('refuses a presigned URL dated in the future', () => {
    const err = catchS3Error(() =>
      parseSigV4Request(presignedGet(new Date(EXAMPLE_TIME.getTime() - 3_600_000))),
    );
    expect(err).toMatchObject({ code: 'AccessDenied', publicMessage: 'Request is not valid yet' });
  });

  it('requires a request time', () => {
    const input = getObject();
    delete input.headers['x-amz-date'];
    expect(catchS3Error(() => parseSigV4Request(input))).toMatchObject({
      code: 'AccessDenied',
      publicMessage: 'AWS authentication requires a valid Date or x-amz-date header',
    });
  });
});

describe('presigned query parameters', () => {
  it.each([
    ['604801', 'X-Amz-Expires must be less than a week (in seconds) that is; 604800'],
    ['0', 'X-Amz-Expires must be non-negative'],
    ['-5', 'X-Amz-Expires should be a number'],
  ])('refuses X-Amz-Expires=%s', (expires, message) => {
    const input = presignedGet();
    input.query.set('X-Amz-Expires', expires);
    expect(catchS3Error(() => parseSigV4Request(input))).toMatchObject({
      code: 'AuthorizationQueryParametersError',
      publicMessage: message,
    });
  });

  it('refuses a missing or repeated parameter and another algorithm', () => {
    const missing = presignedGet();
    missing.query.delete('X-Amz-SignedHeaders');
    expect(catchS3Error(() => parseSigV4Request(missing)).code).toBe('AuthorizationQueryParametersError');
    const repeated = presignedGet();
    repeated.query.append('X-Amz-Date', '20130524T000000Z');
    expect(catchS3Error(() => parseSigV4Request(repeated)).code).toBe('AuthorizationQueryParametersError');
    const algorithm = presignedGet();
    algorithm.query.set('X-Amz-Algorithm', 'AWS4-HMAC-SHA1');
    expect(catchS3Error(() => parseSigV4Request(algorithm)).publicMessage).toContain('only supports');
  });
});

/** A request that signs the streaming headers; parse-only tests need no valid signature. */
function streamingInput(): SigV4RequestInput {
  const input = getObject();
  input.headers.authorization = authorization(
    'host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-trailer',
    'f'.repeat(64),
  );
  return input;
}

describe('payload and headers', () => {
  it('requires x-amz-content-sha256 for header-signed requests', () => {
    const input = getObject();
    delete input.headers['x-amz-content-sha256'];
    expect(catchS3Error(() => parseSigV4Request(input))).toMatchObject({
      code: 'InvalidRequest',
      publicMessage: 'Missing required header for this request: x-amz-content-sha256',
    });
  });

  it('names every payload mode and refuses other x-amz-content-sha256 values', () => {
    const modeOf = (value: string) => {
      const input = streamingInput();
      input.headers['x-amz-content-sha256'] = value;
      input.headers['x-amz-decoded-content-length'] = '5';
      return parseSigV4Request(input)?.payloadMode;
    };
    expect(modeOf('UNSIGNED-PAYLOAD')).toBe('unsigned');
    expect(modeOf(EMPTY_SHA256)).toBe('signed');
    expect(modeOf('STREAMING-AWS4-HMAC-SHA256-PAYLOAD')).toBe('streaming-signed');
    expect(modeOf('STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER')).toBe('streaming-signed-trailer');
    expect(modeOf('STREAMING-UNSIGNED-PAYLOAD-TRAILER')).toBe('streaming-unsigned-trailer');
    expect(catchS3Error(() => modeOf('abc')).code).toBe('InvalidArgument');
    expect(catchS3Error(() => modeOf('STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD')).code).toBe(
      'InvalidRequest',
    );
  });

  it('requires x-amz-decoded-content-length for streaming bodies and reads x-amz-trailer', () => {
    const input = streamingInput();
    input.headers['x-amz-content-sha256'] = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
    expect(catchS3Error(() => parseSigV4Request(input))).toMatchObject({
      code: 'MissingContentLength',
      status: 411,
    });
    input.headers['x-amz-decoded-content-length'] = 'ten';
    expect(catchS3Error(() => parseSigV4Request(input)).code).toBe('InvalidArgument');
    input.headers['x-amz-decoded-content-length'] = '10';
    input.headers['x-amz-trailer'] = 'x-amz-checksum-CRC32, ';
    expect(parseSigV4Request(input)).toMatchObject({
      decodedContentLength: 10,
      trailerNames: ['x-amz-checksum-crc32'],
    });
  });

  it('refuses unsigned x-amz-* headers and an unsigned host, like S3', () => {
    const extra = getObject();
    extra.headers['x-amz-meta-colour'] = 'blue';
    extra.headers['x-amzn-trace-id'] = 'not an x-amz- header';
    const err = catchS3Error(() => parseSigV4Request(extra));
    expect(err).toMatchObject({
      code: 'AccessDenied',
      publicMessage: 'There were headers present in the request which were not signed',
    });
    expect(err.details.HeadersNotSigned).toBe('x-amz-meta-colour');
    const noHost = getObject();
    noHost.headers.authorization = authorization('range;x-amz-content-sha256;x-amz-date', 'f'.repeat(64));
    expect(catchS3Error(() => parseSigV4Request(noHost)).details.HeadersNotSigned).toBe('host');
  });

  it('flags a body whose hash differs from the signed one', () => {
    expect(catchS3Error(() => assertPayloadSha256(EMPTY_SHA256, sha256Hex('x')))).toMatchObject({
      code: 'XAmzContentSHA256Mismatch',
      status: 400,
    });
  });
});

describe('schemes', () => {
  it('returns undefined for an anonymous request, which verifySigV4 refuses', () => {
    const anonymous = request({ rawPath: '/test.txt', headers: { host: HOST } });
    expect(parseSigV4Request(anonymous)).toBeUndefined();
    expect(catchS3Error(() => verifySigV4({ ...anonymous, secret: SECRET })).code).toBe('AccessDenied');
  });

  it('refuses SigV2 in the header and in the query, and SigV4A', () => {
    const v2 = request({
      headers: { host: HOST, authorization: 'AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=' },
    });
    expect(catchS3Error(() => parseSigV4Request(v2))).toMatchObject({
      code: 'InvalidRequest',
      publicMessage: 'SigV2 is not supported; use Signature Version 4.',
    });
    const v2Query = request({
      query: new URLSearchParams('AWSAccessKeyId=AKID&Expires=1&Signature=abc'),
      headers: { host: HOST },
    });
    expect(catchS3Error(() => parseSigV4Request(v2Query)).code).toBe('InvalidRequest');
    const v4a = request({ headers: { host: HOST, authorization: 'AWS4-ECDSA-P256-SHA256 Credential=x' } });
    expect(catchS3Error(() => parseSigV4Request(v4a)).code).toBe('InvalidRequest');
    const bearer = request({ headers: { host: HOST, authorization: 'Bearer abc' } });
    expect(catchS3Error(() => parseSigV4Request(bearer)).code).toBe('InvalidArgument');
  });

  it('refuses header and query credentials together', () => {
    const both = presignedGet();
    both.headers.authorization = getObject().headers.authorization;
    expect(catchS3Error(() => parseSigV4Request(both)).code).toBe('InvalidArgument');
  });

  it.each([
    ['AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws4_request, SignedHeaders=host'],
    ['AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3, SignedHeaders=host, Signature=ab'],
    [
      'AWS4-HMAC-SHA256 Credential=AKID/2013-05-24/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=ab',
    ],
    [
      'AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=ab, Signature=cd',
    ],
    [
      'AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;;date, Signature=ab',
    ],
    [
      'AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=ab, Extra=1',
    ],
  ])('answers AuthorizationHeaderMalformed for %s', (value) => {
    const input = getObject();
    input.headers.authorization = value;
    expect(catchS3Error(() => parseSigV4Request(input)).code).toBe('AuthorizationHeaderMalformed');
  });

  it('reads the Authorization components in any order, with or without spaces', () => {
    const input = getObject();
    input.headers.authorization =
      'AWS4-HMAC-SHA256 Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41,  ' +
      `SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Credential=${ACCESS_KEY}/20130524/us-east-1/s3/aws4_request`;
    expect(verifySigV4({ ...input, secret: SECRET }).accessKeyId).toBe(ACCESS_KEY);
  });
});

describe('two-step verification', () => {
  it('names the access key before the secret is known, and caches the derived key', () => {
    const cache = new SigningKeyCache(2);
    const parsed = parseSigV4Request(getObject());
    expect(parsed?.accessKeyId).toBe(ACCESS_KEY);
    const first = verifyParsedSigV4(parsed!, SECRET, { keyCache: cache });
    const second = verifyParsedSigV4(parsed!, SECRET, { keyCache: cache });
    expect(second.signingKey).toBe(first.signingKey);
    expect(cache.size).toBe(1);
  });

  it('keeps the cache bounded, evicting the least recently used key', () => {
    const cache = new SigningKeyCache(2);
    const a = cache.signingKey('a', '20130524', 'us-east-1', 's3');
    cache.signingKey('b', '20130524', 'us-east-1', 's3');
    expect(cache.signingKey('a', '20130524', 'us-east-1', 's3')).toBe(a);
    cache.signingKey('c', '20130524', 'us-east-1', 's3');
    expect(cache.size).toBe(2);
    expect(cache.signingKey('a', '20130524', 'us-east-1', 's3')).toBe(a);
    const b = cache.signingKey('b', '20130524', 'us-east-1', 's3');
    expect(b).toEqual(deriveSigningKey('b', '20130524', 'us-east-1', 's3'));
  });
});
