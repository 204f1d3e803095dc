// CopyObject: x-amz-copy-source names the source, x-amz-metadata-directive chooses COPY (the source's
// metadata) or REPLACE (the request's), and the x-amz-copy-source-if-* headers guard the copy. The copy
// shares the source's blob, so it costs no bytes whatever the size, unless an SSE-C key is involved on
// either side: then the bytes are decrypted with the source's key and written anew under the target's.
import { encryptionHeaders } from './server-side-encryption.js';
import type { FastifyReply } from 'fastify';
import { evaluateConditions } from '../../http/conditions.js';
import type { StoredMetadata, StoredObject } from '../../model.js';
import type { ResolvedBucket } from '../../s3/bucket-service.js';
import { s3Error, s3Errors } from '../../s3/s3-errors.js';
import { authorize, authorizeObject } from './access.js';
import { withWriteAcl } from './object-acl.js';
import { withCopiedTags } from './tagging.js';
import { checkNoManifest } from './object-read.js';
import {
  checksumEntries,
  contentTypeFromRequest,
  metadataFromRequest,
  withChecksum,
} from './object-headers.js';
import { checksumHeaderName, createChecksum, parseChecksumAlgorithm } from './auth/index.js';
import { checkIfMatch, refuseUnsupportedHeaders, writeConditions } from './object-write.js';
import { callerProjectId, quoteEtag, type S3Context } from './s3-context.js';
import { prepareVersionedWrite, requireVersion } from './versioning.js';
import { leaf, xmlDocument } from './xml.js';
import { withWriteLock } from './object-lock-bucket.js';
import {
  COPY_SOURCE_SSE_C_PREFIX,
  readCustomerKey,
  withCustomerKey,
  writeCustomerKey,
  type CustomerKey,
} from './sse-customer.js';

export interface CopySource {
  bucket: ResolvedBucket;
  key: string;
  object: StoredObject;
}

/** `bucket/key` or `/bucket/key`, URL-encoded, optionally `?versionId=<id>`. */
function parseCopySourceHeader(value: string): {
  bucket: string;
  key: string;
  versionId: string | undefined;
} {
  const question = value.indexOf('?');
  const path = question === -1 ? value : value.slice(0, question);
  const versionId =
    question === -1
      ? undefined
      : (new URLSearchParams(value.slice(question + 1)).get('versionId') ?? undefined);
  let decoded: string;
  try {
    decoded = decodeURIComponent(path).replace(/^\/+/, '');
  } catch {
    throw s3Error('InvalidArgument', 'Invalid copy source encoding.');
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw s3Error(
      'InvalidArgument',
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
    );
  }
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId };
}

/** x-amz-copy-source-if-match and friends: a failed one is 412 PreconditionFailed, as in S3. */
function checkSourceConditions(ctx: S3Context, object: StoredObject): void {
  const prefix = 'x-amz-copy-source-';
  const conditions: Record<string, string | undefined> = {
    'if-match': ctx.headers[`${prefix}if-match`],
    'if-none-match': ctx.headers[`${prefix}if-none-match`],
    'if-modified-since': ctx.headers[`${prefix}if-modified-since`],
    'if-unmodified-since': ctx.headers[`${prefix}if-unmodified-since`],
  };
  const outcome = evaluateConditions(
    conditions,
    { etag: object.etag, lastModified: new Date(object.lastModified) },
    true,
  );
  if (outcome !== 'proceed') throw s3Errors.preconditionFailed();
}

/** The source object of a copy (CopyObject, UploadPartCopy), authorised for reading and checked. */
export async function copySource(ctx: S3Context): Promise<CopySource> {
  const header = ctx.headers['x-amz-copy-source'] as string;
  const { bucket: name, key, versionId } = parseCopySourceHeader(header);
  const bucket = await ctx.deps.buckets.resolve(callerProjectId(ctx), name);
  if (!bucket) throw s3Errors.noSuchBucket(name);
  const action = versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion';
  const object = await authorizeObject(ctx, bucket, action, key, async (): Promise<StoredObject> => {
    if (versionId !== undefined) {
      const version = await requireVersion(ctx, bucket, key, versionId);
      ctx.reply.header('x-amz-copy-source-version-id', version.versionId);
      return version.object;
    }
    const current = await ctx.deps.objects.findObject(bucket.projectId, bucket.container.name, key);
    if (!current) throw s3Errors.noSuchKey(key);
    return current;
  });
  checkNoManifest(object);
  checkSourceConditions(ctx, object);
  return { bucket, key, object };
}

function copiedMetadata(ctx: S3Context, source: StoredObject, replace: boolean): StoredMetadata {
  if (!replace) return { meta: { ...source.metadata.meta }, headers: { ...source.metadata.headers } };
  const metadata = metadataFromRequest(ctx);
  // The bytes are the same, so their checksum still holds.
  Object.assign(metadata.headers, checksumEntries(source.metadata));
  return metadata;
}

/**
 * CopyObject with x-amz-checksum-algorithm: the copy gets a full-object checksum in that algorithm,
 * computed from the source's bytes unless the source already carries one.
 */
async function withCopyChecksum(
  ctx: S3Context,
  source: StoredObject,
  metadata: StoredMetadata,
  sourceKey: Buffer | undefined,
): Promise<StoredMetadata> {
  const name = ctx.headers['x-amz-checksum-algorithm'];
  if (name === undefined) return metadata;
  const algorithm = parseChecksumAlgorithm(name);
  if (!algorithm)
    throw s3Errors.invalidRequest(
      'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]',
    );
  const existing = source.metadata.headers[checksumHeaderName(algorithm)];
  if (existing !== undefined && source.metadata.headers['x-amz-checksum-type'] !== 'COMPOSITE') {
    return withChecksum(metadata, { algorithm, value: existing });
  }
  const sum = createChecksum(algorithm);
  if (source.sizeBytes > 0) {
    for await (const chunk of await ctx.deps.objects.openObject(source, undefined, sourceKey))
      sum.update(chunk as Buffer);
  }
  return withChecksum(metadata, { algorithm, value: sum.digestBase64() });
}

export async function copyObject(ctx: S3Context, bucket: ResolvedBucket, key: string): Promise<FastifyReply> {
  await authorize(ctx, bucket, 's3:PutObject', key);
  refuseUnsupportedHeaders(ctx);
  const directive = (ctx.headers['x-amz-metadata-directive'] ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw s3Error('InvalidArgument', 'Unknown metadata directive.');
  }
  const source = await copySource(ctx);
  const sourceKey = readCustomerKey(ctx, source.object, COPY_SOURCE_SSE_C_PREFIX);
  const customer = writeCustomerKey(ctx);
  const sameObject =
    source.bucket.projectId === bucket.projectId &&
    source.bucket.container.name === bucket.container.name &&
    source.key === key &&
    source.object.projectId === bucket.projectId;
  if (sameObject && directive === 'COPY' && !sourceKey && !customer) {
    throw s3Error(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const conditions = writeConditions(ctx);
  const existing = await ctx.deps.objects.findObject(bucket.projectId, bucket.container.name, key);
  checkIfMatch(existing, conditions.ifMatch, key);
  if (conditions.mustNotExist && existing) throw s3Errors.preconditionFailed();
  const replace = directive === 'REPLACE';
  const versioned = await prepareVersionedWrite(ctx, bucket, key);
  const metadata = await withCopyChecksum(
    ctx,
    source.object,
    withCopiedTags(ctx, copiedMetadata(ctx, source.object, replace), source.object),
    sourceKey,
  );
  const object = await writeCopy(ctx, source.object, sourceKey, customer, {
    projectId: bucket.projectId,
    container: bucket.container.name,
    name: key,
    metadata: await withWriteLock(
      ctx,
      bucket,
      withCustomerKey(versioned.apply(await withWriteAcl(ctx, bucket, metadata)), customer),
    ),
    contentType: replace ? contentTypeFromRequest(ctx) : source.object.contentType,
    deleteAt: null,
  });
  const body = xmlDocument(
    'CopyObjectResult',
    leaf('ETag', quoteEtag(object.etag)),
    leaf('LastModified', object.lastModified),
    ...Object.entries(checksumEntries(object.metadata))
      .filter(([name]) => name !== 'x-amz-checksum-type')
      .map(([name, value]) => leaf(checksumElement(name), value)),
  );
  if (versioned.versionId !== undefined) ctx.reply.header('x-amz-version-id', versioned.versionId);
  ctx.reply.headers(encryptionHeaders(object));
  return ctx.reply.status(200).type('application/xml').send(body);
}

type CopyTarget = Parameters<S3Context['deps']['objects']['copyObject']>[1];

/** The copy as a row sharing the source's blob, or re-encrypted when an SSE-C key is on either side. */
async function writeCopy(
  ctx: S3Context,
  source: StoredObject,
  sourceKey: Buffer | undefined,
  customer: CustomerKey | undefined,
  target: CopyTarget,
): Promise<StoredObject> {
  const { objects } = ctx.deps;
  if (!sourceKey && !customer) return (await objects.copyObject(source, target)).object;
  const { object } = await objects.putObject({
    ...target,
    body: await objects.openObject(source, undefined, sourceKey),
    contentLength: source.sizeBytes,
    etagOverride: source.etag,
    customerKey: customer?.key,
  });
  return object;
}

/** `x-amz-checksum-crc32` → `ChecksumCRC32`, the element name in XML results. */
export function checksumElement(headerName: string): string {
  return `Checksum${headerName.slice('x-amz-checksum-'.length).toUpperCase()}`;
}
