// Request bodies as S3 protects them: the aws-chunked framing of the streaming modes is decoded (chunk
// and trailer signatures checked on the way), and every integrity promise the client made is checked
// once the bytes are durable and before anything becomes visible: the signed payload SHA-256,
// Content-MD5, and an x-amz-checksum-* value sent as a header or as a trailer.
import { createHash, type Hash } from 'node:crypto';
import { s3Error } from '../../s3/s3-errors.js';
import {
  AwsChunkedDecoder,
  CHECKSUM_ALGORITHMS,
  assertChecksumMatches,
  assertPayloadSha256,
  awsChunkedOptionsFor,
  checksumAlgorithmFromHeaderName,
  checksumHeaderName,
  createChecksum,
  parseChecksumAlgorithm,
  type Checksum,
  type ChecksumAlgorithm,
} from './auth/index.js';
import type { S3Context } from './s3-context.js';

export interface StoredChecksum {
  algorithm: ChecksumAlgorithm;
  /** Base64, as x-amz-checksum-* carries it. */
  value: string;
}

export interface BodyPlan {
  body: AsyncIterable<Buffer>;
  /** The length of the (decoded) body the client declared, if it did. */
  contentLength: number | undefined;
  onChunk(chunk: Buffer): void;
  /**
   * Every integrity check, once the body has been read to its end: throws XAmzContentSHA256Mismatch,
   * BadDigest or InvalidRequest. Returns the checksum to store with the object, if the client chose one.
   */
  verify(written: { sizeBytes: number; md5Hex: string }): StoredChecksum | undefined;
}

/** The request stream; a connection that breaks mid-body is the client's IncompleteBody. */
async function* requestChunks(ctx: S3Context): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of ctx.request.raw) yield chunk as Buffer;
  } catch (err) {
    throw s3Error(
      'IncompleteBody',
      'You did not provide the number of bytes specified by the Content-Length HTTP header.',
      {
        cause: String(err),
      },
    );
  }
}

/** Content-MD5 as hex, or undefined; InvalidDigest when it is not base64 of 16 bytes. */
function contentMd5Hex(ctx: S3Context): string | undefined {
  const value = ctx.headers['content-md5'];
  if (value === undefined) return undefined;
  const bytes = Buffer.from(value.trim(), 'base64');
  if (bytes.length !== 16 || bytes.toString('base64') !== value.trim()) {
    throw s3Error('InvalidDigest', 'The Content-MD5 you specified was not valid.');
  }
  return bytes.toString('hex');
}

/** The checksum algorithm the client asked for, and where its value comes from. */
function chosenChecksum(
  ctx: S3Context,
): { algorithm: ChecksumAlgorithm; source: 'header' | 'trailer' | 'none' } | undefined {
  const inHeaders = CHECKSUM_ALGORITHMS.filter((a) => ctx.headers[checksumHeaderName(a)] !== undefined);
  const trailers = ctx.caller.kind === 'key' ? (ctx.caller.verified?.trailerNames ?? []) : [];
  const inTrailers: ChecksumAlgorithm[] = [];
  for (const name of trailers) {
    const algorithm = checksumAlgorithmFromHeaderName(name);
    if (!algorithm) throw s3Error('InvalidRequest', `The trailer ${name} is not supported.`);
    inTrailers.push(algorithm);
  }
  if (inHeaders.length + inTrailers.length > 1) {
    throw s3Error(
      'InvalidRequest',
      'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
    );
  }
  if (inHeaders[0]) return { algorithm: inHeaders[0], source: 'header' };
  if (inTrailers[0]) return { algorithm: inTrailers[0], source: 'trailer' };
  const sdk = ctx.headers['x-amz-sdk-checksum-algorithm'];
  if (sdk === undefined) return undefined;
  const algorithm = parseChecksumAlgorithm(sdk);
  if (!algorithm)
    throw s3Error('InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.');
  return { algorithm, source: 'none' };
}

function declaredLength(ctx: S3Context): number | undefined {
  const value = ctx.headers['content-length'];
  if (value === undefined) return undefined;
  if (!/^\d{1,16}$/.test(value.trim())) throw s3Error('InvalidArgument', 'Invalid Content-Length.');
  return Number(value.trim());
}

/** How to read and check this request's body. Call once per request. */
export function planBody(ctx: S3Context): BodyPlan {
  const verified = ctx.caller.kind === 'key' ? ctx.caller.verified : undefined;
  const streaming = verified !== undefined && verified.payloadMode.startsWith('streaming-');
  const decoder = streaming ? new AwsChunkedDecoder(awsChunkedOptionsFor(verified)) : undefined;
  const body = decoder ? decoder.decode(requestChunks(ctx)) : requestChunks(ctx);
  const sha256: Hash | undefined = verified?.payloadMode === 'signed' ? createHash('sha256') : undefined;
  const md5Hex = contentMd5Hex(ctx);
  const choice = chosenChecksum(ctx);
  const checksum: Checksum | undefined = choice && createChecksum(choice.algorithm);
  return {
    body,
    contentLength: decoder ? verified?.decodedContentLength : declaredLength(ctx),
    onChunk(chunk) {
      sha256?.update(chunk);
      checksum?.update(chunk);
    },
    verify(written) {
      if (sha256 && verified?.payloadSha256)
        assertPayloadSha256(verified.payloadSha256, sha256.digest('hex'));
      if (md5Hex !== undefined && md5Hex !== written.md5Hex) {
        throw s3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
      }
      if (!choice || !checksum) return undefined;
      const name = checksumHeaderName(choice.algorithm);
      const computed = checksum.digestBase64();
      const declared = choice.source === 'header' ? ctx.headers[name] : decoder?.trailers.get(name);
      if (declared !== undefined) assertChecksumMatches(choice.algorithm, declared.trim(), computed);
      return { algorithm: choice.algorithm, value: computed };
    },
  };
}

/** Reads a small request body (XML documents) whole, at most `maxBytes`, with every check done. */
export async function readSmallBody(ctx: S3Context, maxBytes: number): Promise<Buffer> {
  const plan = planBody(ctx);
  if (plan.contentLength !== undefined && plan.contentLength > maxBytes) {
    throw s3Error('MalformedXML', `The request body is larger than ${maxBytes} bytes.`);
  }
  const chunks: Buffer[] = [];
  const md5 = createHash('md5');
  let size = 0;
  for await (const chunk of plan.body) {
    size += chunk.length;
    if (size > maxBytes) throw s3Error('MalformedXML', `The request body is larger than ${maxBytes} bytes.`);
    chunks.push(chunk);
    md5.update(chunk);
    plan.onChunk(chunk);
  }
  plan.verify({ sizeBytes: size, md5Hex: md5.digest('hex') });
  return Buffer.concat(chunks);
}
