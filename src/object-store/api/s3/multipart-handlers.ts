// Multipart uploads: CreateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload and
// AbortMultipartUpload. Parts are checked like PutObject bodies; completion assembles them into one
// object (see s3/multipart-service.ts) whose checksum, when the upload chose an algorithm, is either
// computed over the whole object (FULL_OBJECT) or over the part checksums (COMPOSITE, `<value>-N`).
import { encryptionHeaders } from './server-side-encryption.js';
import type { FastifyReply } from 'fastify';
import type { ResolvedBucket } from '../../s3/bucket-service.js';
import type { Assembly } from '../../s3/multipart-service.js';
import type { StoredMetadata, StoredObject } from '../../model.js';
import { s3Error, s3Errors } from '../../s3/s3-errors.js';
import type { MultipartUpload, UploadPart } from '../../s3/s3-store.js';
import { withPartLayout } from '../../s3/part-layout.js';
import { withWriteAcl } from './object-acl.js';
import { withRequestTags } from './tagging.js';
import { authorize } from './access.js';
import {
  assertChecksumMatches,
  checksumHeaderName,
  createChecksum,
  parseChecksumAlgorithm,
  type ChecksumAlgorithm,
} from './auth/index.js';
import { keepAlive, KEEP_ALIVE_MIN_BYTES } from './keep-alive.js';
import { checksumElement, copySource } from './object-copy.js';
import { contentTypeFromRequest, metadataFromRequest, withChecksum } from './object-headers.js';
import { checkIfMatch, refuseUnsupportedHeaders, writeConditions } from './object-write.js';
import { MAX_COMPLETE_BYTES, parseCompleteRequest, type CompleteRequest } from './multipart-xml.js';
import { planBody, readSmallBody } from './request-body.js';
import { quoteEtag, requireKey, sendEmpty, sendXml, type S3Context } from './s3-context.js';
import { prepareVersionedWrite } from './versioning.js';
import { leaf, xmlDocument } from './xml.js';
import { withWriteLock } from './object-lock-bucket.js';
import {
  COPY_SOURCE_SSE_C_PREFIX,
  readCustomerKey,
  SSE_C_PREFIX,
  withCustomerKey,
  writeCustomerKey,
} from './sse-customer.js';

type ChecksumType = 'COMPOSITE' | 'FULL_OBJECT';

/** x-amz-checksum-algorithm and x-amz-checksum-type of CreateMultipartUpload, with S3's defaults. */
function uploadChecksum(ctx: S3Context): { algorithm: ChecksumAlgorithm | null; type: ChecksumType | null } {
  const name = ctx.headers['x-amz-checksum-algorithm'];
  if (name === undefined) return { algorithm: null, type: null };
  const algorithm = parseChecksumAlgorithm(name);
  if (!algorithm) throw s3Error('InvalidRequest', 'Checksum algorithm provided is unsupported.');
  const requested = ctx.headers['x-amz-checksum-type']?.toUpperCase();
  const type: ChecksumType =
    requested === 'FULL_OBJECT' || algorithm === 'crc64nvme' ? 'FULL_OBJECT' : 'COMPOSITE';
  if (requested !== undefined && requested !== type) {
    throw s3Error(
      'InvalidRequest',
      `The ${requested} checksum type cannot be used with the ${algorithm} checksum algorithm.`,
    );
  }
  if (type === 'FULL_OBJECT' && (algorithm === 'sha1' || algorithm === 'sha256')) {
    throw s3Error(
      'InvalidRequest',
      `The FULL_OBJECT checksum type cannot be used with the ${algorithm} checksum algorithm.`,
    );
  }
  return { algorithm, type };
}

export async function createMultipartUpload(
  ctx: S3Context,
  bucket: ResolvedBucket,
  key: string,
): Promise<FastifyReply> {
  await authorize(ctx, bucket, 's3:PutObject', key);
  refuseUnsupportedHeaders(ctx);
  const checksum = uploadChecksum(ctx);
  const customer = writeCustomerKey(ctx);
  const metadata = await withWriteAcl(ctx, bucket, withRequestTags(ctx, metadataFromRequest(ctx)));
  const upload = await ctx.deps.multipart.create({
    bucket,
    key,
    initiatorUserId: ctx.caller.kind === 'key' ? ctx.caller.userId : 'anonymous',
    contentType: contentTypeFromRequest(ctx),
    metadata: await withWriteLock(ctx, bucket, withCustomerKey(metadata, customer)),
    checksumAlgorithm: checksum.algorithm,
    checksumType: checksum.type,
  });
  if (checksum.algorithm) {
    ctx.reply.headers({
      'x-amz-checksum-algorithm': checksum.algorithm.toUpperCase(),
      'x-amz-checksum-type': checksum.type ?? '',
    });
  }
  ctx.reply.headers(encryptionHeaders(upload));
  const body = xmlDocument(
    'InitiateMultipartUploadResult',
    leaf('Bucket', bucket.container.name),
    leaf('Key', key),
    leaf('UploadId', upload.uploadId),
  );
  return sendXml(ctx, 200, body);
}

function partNumberParam(ctx: S3Context): number {
  const value = ctx.query.get('partNumber') ?? '';
  const n = /^\d{1,5}$/.test(value) ? Number(value) : 0;
  if (n < 1 || n > 10_000) {
    throw s3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive');
  }
  return n;
}

/** The upload named by ?uploadId for this bucket and key, with the caller allowed to write it. */
export async function requireUpload(
  ctx: S3Context,
  bucket: ResolvedBucket,
  action: 's3:PutObject' | 's3:AbortMultipartUpload' | 's3:ListMultipartUploadParts',
): Promise<MultipartUpload> {
  const key = requireKey(ctx);
  await authorize(ctx, bucket, action, key);
  return ctx.deps.multipart.require(ctx.query.get('uploadId') ?? '', bucket, key);
}

/** "crc32:<base64>" as stored with a part. */
const partChecksum = (algorithm: ChecksumAlgorithm, value: string) => `${algorithm}:${value}`;

function partChecksumHeaders(part: UploadPart): Record<string, string> {
  const [algorithm, value] = (part.checksum ?? '').split(':');
  const parsed = algorithm ? parseChecksumAlgorithm(algorithm) : undefined;
  return parsed && value ? { [checksumHeaderName(parsed)]: value } : {};
}

export async function uploadPart(ctx: S3Context, bucket: ResolvedBucket): Promise<FastifyReply> {
  const partNumber = partNumberParam(ctx);
  const upload = await requireUpload(ctx, bucket, 's3:PutObject');
  const { multipart } = ctx.deps;
  if (ctx.headers['x-amz-copy-source'] !== undefined) return uploadPartCopy(ctx, upload, partNumber);
  const plan = planBody(ctx);
  if (plan.contentLength === undefined) {
    throw s3Error('MissingContentLength', 'You must provide the Content-Length HTTP header.');
  }
  if (plan.contentLength > multipart.limits.maxPartBytes) {
    throw s3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
  }
  const customerKey = readCustomerKey(ctx, upload);
  const part = await multipart.writePart({
    upload,
    partNumber,
    customerKey,
    body: plan.body,
    contentLength: plan.contentLength,
    onChunk: (chunk) => plan.onChunk(chunk),
    beforeCommit: (written) => {
      const sum = plan.verify(written);
      return sum ? partChecksum(sum.algorithm, sum.value) : null;
    },
  });
  ctx.reply.headers({
    etag: quoteEtag(part.etag),
    ...partChecksumHeaders(part),
    ...encryptionHeaders(upload),
  });
  return sendEmpty(ctx, 200);
}

/** x-amz-copy-source-range `bytes=first-last`, inside the source. */
function copyRange(ctx: S3Context, size: number): { start: number; end: number } | undefined {
  const value = ctx.headers['x-amz-copy-source-range'];
  if (value === undefined) return undefined;
  const m = /^bytes=(\d{1,16})-(\d{1,16})$/.exec(value.trim());
  const start = Number(m?.[1]);
  const end = Number(m?.[2]);
  if (!m || start > end || end >= size) {
    throw s3Error('InvalidArgument', `Range specified is not valid for source object of size: ${size}`);
  }
  return { start, end };
}

async function uploadPartCopy(
  ctx: S3Context,
  upload: MultipartUpload,
  partNumber: number,
): Promise<FastifyReply> {
  const source = await copySource(ctx);
  const sourceKey = readCustomerKey(ctx, source.object, COPY_SOURCE_SSE_C_PREFIX);
  const customerKey = readCustomerKey(ctx, upload);
  const range = copyRange(ctx, source.object.sizeBytes);
  const length = range ? range.end - range.start + 1 : source.object.sizeBytes;
  if (length > ctx.deps.multipart.limits.maxPartBytes) {
    throw s3Error(
      'InvalidRequest',
      'The specified copy source is larger than the maximum allowable size for a copy source',
    );
  }
  const algorithm = upload.checksumAlgorithm ? parseChecksumAlgorithm(upload.checksumAlgorithm) : undefined;
  const checksum = algorithm && createChecksum(algorithm);
  const body =
    length === 0 ? emptyBody() : await ctx.deps.objects.openObject(source.object, range, sourceKey);
  const part = await ctx.deps.multipart.writePart({
    upload,
    partNumber,
    customerKey,
    body,
    contentLength: length,
    onChunk: (chunk) => checksum?.update(chunk),
    beforeCommit: () => (algorithm && checksum ? partChecksum(algorithm, checksum.digestBase64()) : null),
  });
  const sums = partChecksumHeaders(part);
  const result = xmlDocument(
    'CopyPartResult',
    leaf('ETag', quoteEtag(part.etag)),
    leaf('LastModified', part.lastModified),
    ...Object.entries(sums).map(([name, value]) => leaf(checksumElement(name), value)),
  );
  return sendXml(ctx, 200, result);
}

async function* emptyBody(): AsyncGenerator<Buffer> {}

/** Checks the part checksums the client listed, and plans the object's own checksum. */
function planAssembly(
  ctx: S3Context,
  upload: MultipartUpload,
  request: CompleteRequest,
  parts: UploadPart[],
  versioned: { apply(metadata: StoredMetadata): StoredMetadata },
): Assembly {
  const metadata = versioned.apply({
    meta: { ...upload.metadata.meta },
    headers: { ...upload.metadata.headers },
  });
  const algorithm = upload.checksumAlgorithm ? parseChecksumAlgorithm(upload.checksumAlgorithm) : undefined;
  const stored = parts.map((p) => {
    const [partAlgorithm, value] = (p.checksum ?? '').split(':');
    return { algorithm: partAlgorithm, value };
  });
  parts.forEach((part, index) => {
    for (const [listedAlgorithm, listedValue] of Object.entries(request.parts[index]?.checksums ?? {})) {
      const own = stored[index];
      if (own?.algorithm === listedAlgorithm && own.value !== listedValue) {
        throw s3Error(
          'InvalidPart',
          `The checksum of part ${part.partNumber} does not match the one uploaded.`,
        );
      }
    }
  });
  const values = stored.map((own) => (own.algorithm === algorithm ? own.value : undefined));
  const partSums = values.every((v): v is string => v !== undefined && v !== '') ? values : undefined;
  withPartLayout(metadata, { sizes: parts.map((p) => p.sizeBytes), checksums: partSums });
  if (!algorithm) return { metadata };
  if (upload.checksumType === 'FULL_OBJECT') {
    const sum = createChecksum(algorithm);
    const declared = ctx.headers[checksumHeaderName(algorithm)];
    return {
      metadata,
      onChunk: (chunk) => sum.update(chunk),
      beforeCommit: () => {
        if (declared !== undefined) assertChecksumMatches(algorithm, declared.trim(), sum.digestBase64());
        withChecksum(metadata, { algorithm, value: sum.digestBase64() }, 'FULL_OBJECT');
      },
    };
  }
  if (values.every((v): v is string => v !== undefined && v !== '')) {
    const composite = createChecksum(algorithm);
    for (const value of values) composite.update(Buffer.from(value, 'base64'));
    withChecksum(metadata, { algorithm, value: `${composite.digestBase64()}-${parts.length}` }, 'COMPOSITE');
  }
  return { metadata };
}

export async function completeMultipartUpload(ctx: S3Context, bucket: ResolvedBucket): Promise<FastifyReply> {
  const upload = await requireUpload(ctx, bucket, 's3:PutObject');
  // Nuage assembles the parts into one blob, so it needs the SSE-C key here too (AWS does not); botocore
  // sends the key without its MD5 here.
  const customerKey = readCustomerKey(ctx, upload, SSE_C_PREFIX, true);
  const request = parseCompleteRequest(await readSmallBody(ctx, MAX_COMPLETE_BYTES));
  const conditions = writeConditions(ctx);
  const existing = await ctx.deps.objects.findObject(bucket.projectId, bucket.container.name, upload.key);
  checkIfMatch(existing, conditions.ifMatch, upload.key);
  if (conditions.mustNotExist && existing) throw s3Errors.preconditionFailed();
  const versioned = await prepareVersionedWrite(ctx, bucket, upload.key);
  if (versioned.versionId !== undefined) ctx.reply.header('x-amz-version-id', versioned.versionId);
  const heartbeat = keepAlive(ctx);
  let object: StoredObject;
  try {
    object = await ctx.deps.multipart.complete(
      upload,
      request.parts,
      (parts) => {
        const assembly = planAssembly(ctx, upload, request, parts, versioned);
        // The request is valid: from here on only the copy remains, which may take long.
        if (parts.reduce((n, p) => n + p.sizeBytes, 0) >= KEEP_ALIVE_MIN_BYTES) heartbeat.start();
        return assembly;
      },
      customerKey,
    );
  } catch (err) {
    if (!heartbeat.started) throw err;
    heartbeat.fail(err);
    return ctx.reply;
  }
  const document = completeResult(ctx, bucket, object);
  // Once the keep-alive heartbeat started, the headers are gone: S3 sends its SSE header only up front.
  if (!heartbeat.started) {
    ctx.reply.headers(encryptionHeaders(object));
    return sendXml(ctx, 200, document);
  }
  heartbeat.finish(document);
  return ctx.reply;
}

function completeResult(ctx: S3Context, bucket: ResolvedBucket, object: StoredObject): string {
  const sums = Object.entries(object.metadata.headers).filter(
    ([name]) => name.startsWith('x-amz-checksum-') && name !== 'x-amz-checksum-type',
  );
  const host = ctx.headers.host ?? 'localhost';
  const path = [bucket.container.name, ...object.name.split('/')].map(encodeURIComponent).join('/');
  return xmlDocument(
    'CompleteMultipartUploadResult',
    leaf('Location', `http://${host}/${path}`),
    leaf('Bucket', bucket.container.name),
    leaf('Key', object.name),
    leaf('ETag', quoteEtag(object.etag)),
    ...sums.map(([name, value]) => leaf(checksumElement(name), value)),
    sums.length > 0 && leaf('ChecksumType', object.metadata.headers['x-amz-checksum-type']),
  );
}

export async function abortMultipartUpload(ctx: S3Context, bucket: ResolvedBucket): Promise<FastifyReply> {
  const upload = await requireUpload(ctx, bucket, 's3:AbortMultipartUpload');
  await ctx.deps.multipart.abort(upload);
  return sendEmpty(ctx, 204);
}
