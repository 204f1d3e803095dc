import { describe, expect, it } from 'vitest';
import {
  AwsChunkedDecoder,
  awsChunkedOptionsFor,
  hasAwsChunkedEncoding,
  stripAwsChunkedEncoding,
  type AwsChunkedDecoderOptions,
} from './aws-chunked.js';
import { assertChecksumMatches, createChecksum } from './checksums.js';
import { S3AuthError } from './s3-auth-error.js';
import { verifySigV4, type VerifiedSigV4 } from './sigv4.js';

// The chunked PUT examples of the AWS S3 API reference: "Transferring Payload in Multiple Chunks" and
// "Signature calculations for trailing headers". 65536 + 1024 bytes of 'a', signed at 20130524T000000Z.
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const DATA = Buffer.alloc(66_560, 'a');

function verifiedExample(trailer: boolean): VerifiedSigV4 {
  const signed = trailer
    ? 'content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer'
    : 'content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class';
  const seed = trailer
    ? '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e'
    : '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
  return verifySigV4({
    method: 'PUT',
    rawPath: '/examplebucket/chunkObject.txt',
    query: new URLSearchParams(),
    now: new Date('2013-05-24T00:00:00Z'),
    allowedRegions: ['us-east-1'],
    secret: SECRET,
    headers: {
      host: 's3.amazonaws.com',
      'x-amz-date': '20130524T000000Z',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      'x-amz-content-sha256': `STREAMING-AWS4-HMAC-SHA256-PAYLOAD${trailer ? '-TRAILER' : ''}`,
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': '66560',
      'content-length': '66824',
      ...(trailer ? { 'x-amz-trailer': 'x-amz-checksum-crc32c' } : {}),
      authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=${signed},Signature=${seed}`,
    },
  });
}

const SIGNED_CHUNKS = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
];
const TRAILER_CHUNKS = [
  'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2',
  '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
  '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992',
];
const TRAILERS =
  'x-amz-checksum-crc32c:sOO8/Q==\r\n' +
  'x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n';

function chunkedBody(signatures: string[], data = DATA, ending = '\r\n'): Buffer {
  const [first, second, final] = signatures;
  return Buffer.concat([
    Buffer.from(`10000;chunk-signature=${first}\r\n`),
    data.subarray(0, 65_536),
    Buffer.from(`\r\n400;chunk-signature=${second}\r\n`),
    data.subarray(65_536),
    Buffer.from(`\r\n0;chunk-signature=${final}\r\n${ending}`),
  ]);
}

async function* pieces(body: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < body.length; at += size) yield body.subarray(at, at + size);
}

/** Runs a decoder to the end, keeping what it emitted before any error. */
async function decode(options: AwsChunkedDecoderOptions, body: Buffer, pieceSize = 4096) {
  const decoder = new AwsChunkedDecoder(options);
  const emitted: Buffer[] = [];
  let error: S3AuthError | undefined;
  try {
    for await (const out of decoder.decode(pieces(body, pieceSize))) emitted.push(out);
  } catch (err) {
    if (!(err instanceof S3AuthError)) throw err;
    error = err;
  }
  return { decoder, data: Buffer.concat(emitted), error };
}

describe('signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD), AWS example', () => {
  const options = awsChunkedOptionsFor(verifiedExample(false));

  it.each([1, 7, 4096, 65_537, 1 << 20])('decodes the example body in %i-byte pieces', async (size) => {
    const { data, error, decoder } = await decode(options, chunkedBody(SIGNED_CHUNKS), size);
    expect(error).toBeUndefined();
    expect(data.equals(DATA)).toBe(true);
    expect(decoder.finished).toBe(true);
    expect(decoder.decodedBytes).toBe(66_560);
    expect(decoder.trailers.size).toBe(0);
  });

  it('emits no byte of a tampered chunk, only the verified chunks before it', async () => {
    const tampered = Buffer.from(DATA);
    tampered[65_536 + 500] = 0x62;
    const { data, error } = await decode(options, chunkedBody(SIGNED_CHUNKS, tampered), 1 << 20);
    expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    expect(data.equals(DATA.subarray(0, 65_536))).toBe(true);
  });

  it('emits nothing when the first chunk is tampered, even in small pieces', async () => {
    const tampered = Buffer.from(DATA);
    tampered[10] = 0x62;
    const { data, error } = await decode(options, chunkedBody(SIGNED_CHUNKS, tampered), 100);
    expect(error?.code).toBe('SignatureDoesNotMatch');
    expect(data.length).toBe(0);
  });

  it('refuses chunks out of order and a wrong final signature', async () => {
    const swapped = [SIGNED_CHUNKS[1]!, SIGNED_CHUNKS[0]!, SIGNED_CHUNKS[2]!];
    expect((await decode(options, chunkedBody(swapped))).error?.code).toBe('SignatureDoesNotMatch');
    const badFinal = [SIGNED_CHUNKS[0]!, SIGNED_CHUNKS[1]!, TRAILER_CHUNKS[2]!];
    expect((await decode(options, chunkedBody(badFinal))).error?.code).toBe('SignatureDoesNotMatch');
  });

  it('answers IncompleteBody for a truncated body, wherever it stops', async () => {
    const body = chunkedBody(SIGNED_CHUNKS);
    for (const cut of [0, 10, 90, 40_000, 65_627, body.length - 90, body.length - 3]) {
      const { error } = await decode(options, body.subarray(0, cut));
      expect(error?.code, `cut at ${cut}`).toBe('IncompleteBody');
    }
  });

  it('answers IncompleteBody when the decoded length differs from x-amz-decoded-content-length', async () => {
    const longer = await decode({ ...options, decodedContentLength: 66_561 }, chunkedBody(SIGNED_CHUNKS));
    expect(longer.error?.code).toBe('IncompleteBody');
    // Too much data is caught at the chunk header, before the excess chunk is emitted.
    const shorter = await decode(
      { ...options, decodedContentLength: 66_559 },
      chunkedBody(SIGNED_CHUNKS),
      1 << 20,
    );
    expect(shorter.error?.code).toBe('IncompleteBody');
    expect(shorter.data.length).toBe(65_536);
  });

  it('refuses a chunk larger than the limit with InvalidArgument, before reading it', async () => {
    const { error, data } = await decode({ ...options, maxChunkBytes: 65_535 }, chunkedBody(SIGNED_CHUNKS));
    expect(error?.code).toBe('InvalidArgument');
    expect(data.length).toBe(0);
  });

  it('refuses malformed framing with InvalidRequest', async () => {
    const noSignature = Buffer.from('10000\r\n');
    expect((await decode(options, noSignature)).error?.code).toBe('InvalidRequest');
    const noCrlf = Buffer.from(chunkedBody(SIGNED_CHUNKS));
    noCrlf[88 + 65_536] = 0x20;
    expect((await decode(options, noCrlf)).error?.code).toBe('InvalidRequest');
    const longLine = Buffer.alloc(5000, '1');
    expect((await decode(options, longLine)).error?.code).toBe('InvalidRequest');
    const bareLf = Buffer.from(`10000;chunk-signature=${SIGNED_CHUNKS[0]}\n`);
    expect((await decode(options, bareLf)).error?.code).toBe('InvalidRequest');
    const extra = Buffer.concat([chunkedBody(SIGNED_CHUNKS), Buffer.from('junk')]);
    expect((await decode(options, extra)).error?.code).toBe('InvalidRequest');
  });

  it('refuses trailers the request did not declare', async () => {
    const body = chunkedBody(SIGNED_CHUNKS, DATA, TRAILERS + '\r\n');
    expect((await decode(options, body)).error?.code).toBe('InvalidRequest');
  });
});

describe('signed chunks with a signed trailer (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER), AWS example', () => {
  const options = awsChunkedOptionsFor(verifiedExample(true));

  it.each([
    ['as the SDKs send it', TRAILERS + '\r\n'],
    ['with a blank line before the trailers, as the AWS example shows it', '\r\n' + TRAILERS],
    ['without the closing CRLF', TRAILERS],
  ])('decodes the body %s and exposes the crc32c trailer', async (_, ending) => {
    for (const size of [1, 333, 1 << 20]) {
      const { data, error, decoder } = await decode(options, chunkedBody(TRAILER_CHUNKS, DATA, ending), size);
      expect(error).toBeUndefined();
      expect(data.equals(DATA)).toBe(true);
      expect([...decoder.trailers]).toEqual([['x-amz-checksum-crc32c', 'sOO8/Q==']]);
      const crc = createChecksum('crc32c');
      crc.update(data);
      expect(() =>
        assertChecksumMatches('crc32c', decoder.trailers.get('x-amz-checksum-crc32c')!, crc.digestBase64()),
      ).not.toThrow();
    }
  });

  it('refuses a trailer changed after signing', async () => {
    const forged = TRAILERS.replace('sOO8/Q==', 'AAAAAA==');
    const { error } = await decode(options, chunkedBody(TRAILER_CHUNKS, DATA, forged + '\r\n'));
    expect(error?.code).toBe('SignatureDoesNotMatch');
  });

  it('requires the trailer signature and the declared trailer', async () => {
    const unsignedTrailer = 'x-amz-checksum-crc32c:sOO8/Q==\r\n\r\n';
    expect((await decode(options, chunkedBody(TRAILER_CHUNKS, DATA, unsignedTrailer))).error?.code).toBe(
      'InvalidRequest',
    );
    const nothing = await decode(options, chunkedBody(TRAILER_CHUNKS, DATA, '\r\n'));
    expect(nothing.error).toMatchObject({ code: 'InvalidRequest' });
    expect(nothing.error?.publicMessage).toContain('was not sent');
  });
});

describe('unsigned chunks with trailers (STREAMING-UNSIGNED-PAYLOAD-TRAILER)', () => {
  const options: AwsChunkedDecoderOptions = {
    payloadMode: 'streaming-unsigned-trailer',
    decodedContentLength: 11,
    expectedTrailers: ['x-amz-checksum-crc32'],
  };
  const body = Buffer.from('5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n');

  it.each([1, 2, 5, 1024])(
    'decodes the body in %i-byte pieces and parses the crc32 trailer',
    async (size) => {
      const { data, error, decoder } = await decode(options, body, size);
      expect(error).toBeUndefined();
      expect(data.toString()).toBe('hello world');
      expect(decoder.trailers.get('x-amz-checksum-crc32')).toBe('DUoRhQ==');
    },
  );

  it('streams unsigned data without holding it back', async () => {
    const decoder = new AwsChunkedDecoder(options);
    const iterator = decoder.decode(pieces(body.subarray(0, 6), 6));
    // "5\r\nhel" has arrived: the three data bytes come out before the chunk is complete.
    const first = await iterator.next();
    expect(first.value?.toString()).toBe('hel');
  });

  it('refuses a trailer signature, an undeclared trailer and a repeated one', async () => {
    const signature = '0\r\nx-amz-checksum-crc32:DUoRhQ==\r\nx-amz-trailer-signature:abc\r\n\r\n';
    const undeclared = '0\r\nx-amz-checksum-sha256:abc=\r\n\r\n';
    const repeated = '0\r\nx-amz-checksum-crc32:DUoRhQ==\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n';
    for (const ending of [signature, undeclared, repeated]) {
      const { error } = await decode(options, Buffer.from(`b\r\nhello world\r\n${ending}`));
      expect(error?.code, ending).toBe('InvalidRequest');
    }
  });

  it('answers IncompleteBody when the body stops inside a chunk', async () => {
    const { error, data } = await decode(options, body.subarray(0, 15));
    expect(error?.code).toBe('IncompleteBody');
    expect(data.toString()).toBe('hello w');
  });
});

describe('Content-Encoding helpers', () => {
  it('recognises aws-chunked as the first coding and strips it for storage', () => {
    expect(hasAwsChunkedEncoding('aws-chunked')).toBe(true);
    expect(hasAwsChunkedEncoding(' AWS-CHUNKED , gzip')).toBe(true);
    expect(hasAwsChunkedEncoding('gzip, aws-chunked')).toBe(false);
    expect(hasAwsChunkedEncoding(undefined)).toBe(false);
    expect(stripAwsChunkedEncoding('aws-chunked')).toBe('');
    expect(stripAwsChunkedEncoding('aws-chunked,gzip, br')).toBe('gzip, br');
  });
});
