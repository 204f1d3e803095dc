// Throughput of the aws-chunked decoder (signed chunks) and of each checksum on a 256 MiB in-memory
// body. Run: npx vitest bench --run --project unit src/object-store/api/s3/auth
// (MiB/s = 256 ÷ mean seconds). Not a test: it asserts nothing beyond a full decode.
import { createHash } from 'node:crypto';
import { bench, describe } from 'vitest';
import { AwsChunkedDecoder } from './aws-chunked.js';
import { CHECKSUM_ALGORITHMS, createChecksum } from './checksums.js';
import { deriveSigningKey, signString, EMPTY_SHA256_HEX } from './signing-key.js';

const TOTAL_BYTES = 256 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
/** Socket-sized pieces, as an HTTP request body arrives. */
const PIECE_BYTES = 64 * 1024;

const data = Buffer.alloc(TOTAL_BYTES);
for (let i = 0; i < data.length; i += 4096) data.writeUInt32LE((i * 2654435761) >>> 0, i);

const signing = {
  signingKey: deriveSigningKey('secret', '20130524', 'us-east-1', 's3'),
  amzDate: '20130524T000000Z',
  scope: '20130524/us-east-1/s3/aws4_request',
  seedSignature: 'f'.repeat(64),
};

/** Encodes `data` as a signed aws-chunked body, as an SDK would (not part of the measured time). */
function signedBody(): Buffer {
  const parts: Buffer[] = [];
  let previous = signing.seedSignature;
  const sign = (chunk: Buffer) => {
    const sha = createHash('sha256').update(chunk).digest('hex');
    const toSign = [
      'AWS4-HMAC-SHA256-PAYLOAD',
      signing.amzDate,
      signing.scope,
      previous,
      EMPTY_SHA256_HEX,
      sha,
    ];
    previous = signString(signing.signingKey, toSign.join('\n'));
    return previous;
  };
  for (let at = 0; at < data.length; at += CHUNK_BYTES) {
    const chunk = data.subarray(at, at + CHUNK_BYTES);
    parts.push(
      Buffer.from(`${chunk.length.toString(16)};chunk-signature=${sign(chunk)}\r\n`),
      chunk,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`0;chunk-signature=${sign(Buffer.alloc(0))}\r\n\r\n`));
  return Buffer.concat(parts);
}

const body = signedBody();

async function* pieces(): AsyncGenerator<Buffer> {
  for (let at = 0; at < body.length; at += PIECE_BYTES) yield body.subarray(at, at + PIECE_BYTES);
}

const options = { iterations: 3, warmupIterations: 1, time: 0, warmupTime: 0 };

describe('256 MiB', () => {
  bench(
    'aws-chunked decode, signed 64 KiB chunks',
    async () => {
      const decoder = new AwsChunkedDecoder({
        payloadMode: 'streaming-signed',
        decodedContentLength: TOTAL_BYTES,
        signing,
      });
      let bytes = 0;
      for await (const out of decoder.decode(pieces())) bytes += out.length;
      if (bytes !== TOTAL_BYTES) throw new Error('short decode');
    },
    options,
  );

  for (const algorithm of CHECKSUM_ALGORITHMS) {
    bench(
      `checksum ${algorithm}`,
      () => {
        const sum = createChecksum(algorithm);
        for (let at = 0; at < data.length; at += PIECE_BYTES) sum.update(data.subarray(at, at + PIECE_BYTES));
        sum.digestBase64();
      },
      options,
    );
  }
});
