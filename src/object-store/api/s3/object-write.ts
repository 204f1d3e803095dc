// PutObject and DeleteObject. A PUT streams the body into a blob while its integrity checks run, and
// the object becomes visible only after they all pass (signed payload hash, Content-MD5, checksum
// header or trailer) and the conditional headers still hold.
import type { FastifyReply } from 'fastify';
import { isApiError } from '../../../common/errors/api-error.js';
import type { StoredObject } from '../../model.js';
import type { ResolvedBucket } from '../../s3/bucket-service.js';
import { s3Error, s3Errors } from '../../s3/s3-errors.js';
import { authorize } from './access.js';
import {
  checksumHeaders,
  contentTypeFromRequest,
  metadataFromRequest,
  withChecksum,
} from './object-headers.js';
import { withWriteAcl } from './object-acl.js';
import { planBody } from './request-body.js';
import { withRequestTags } from './tagging.js';
import { quoteEtag, requireBucket, requireKey, sendEmpty, type S3Context } from './s3-context.js';
import { expirationHeaders } from './lifecycle.js';
import { checkServerSideEncryption, encryptionHeaders } from './server-side-encryption.js';
import { deleteCurrent, deleteVersion, prepareVersionedWrite } from './versioning.js';
import { withCustomerKey, writeCustomerKey } from './sse-customer.js';
import { withWriteLock } from './object-lock-bucket.js';

/** Request headers asking for features this server does not have: refused rather than ignored. */
const UNSUPPORTED_HEADERS: Record<string, string> = {
  'x-amz-server-side-encryption-aws-kms-key-id': 'SSE-KMS',
  'x-amz-website-redirect-location': 'Website redirects',
};

export function refuseUnsupportedHeaders(ctx: S3Context): void {
  for (const [name, feature] of Object.entries(UNSUPPORTED_HEADERS)) {
    if (ctx.headers[name] !== undefined) throw s3Errors.notImplemented(feature);
  }
  checkServerSideEncryption(ctx);
  const storageClass = ctx.headers['x-amz-storage-class'];
  if (storageClass !== undefined && storageClass !== 'STANDARD') {
    throw s3Error('InvalidStorageClass', 'The storage class you specified is not valid');
  }
}

/** If-Match / If-None-Match on a write: checked before the upload and again just before commit. */
export function writeConditions(ctx: S3Context): { ifMatch?: string; mustNotExist: boolean } {
  const ifNoneMatch = ctx.headers['if-none-match']?.trim();
  if (ifNoneMatch !== undefined && ifNoneMatch !== '*') {
    throw s3Errors.notImplemented('If-None-Match with a value other than *');
  }
  const ifMatch = ctx.headers['if-match']?.trim().replaceAll('"', '');
  return { ifMatch, mustNotExist: ifNoneMatch === '*' };
}

export function checkIfMatch(
  existing: StoredObject | undefined,
  ifMatch: string | undefined,
  key: string,
): void {
  if (ifMatch === undefined) return;
  if (!existing) throw s3Errors.noSuchKey(key);
  if (ifMatch !== '*' && ifMatch !== existing.etag) throw s3Errors.preconditionFailed();
}

export async function putObject(ctx: S3Context, bucket: ResolvedBucket, key: string): Promise<FastifyReply> {
  await authorize(ctx, bucket, 's3:PutObject', key);
  refuseUnsupportedHeaders(ctx);
  const customer = writeCustomerKey(ctx);
  const conditions = writeConditions(ctx);
  const { objects, config } = ctx.deps;
  const find = () => objects.findObject(bucket.projectId, bucket.container.name, key);
  // If-Match is checked before the upload (a write racing with this one is not seen); If-None-Match: *
  // is checked again by the object service in the commit transaction.
  if (conditions.ifMatch !== undefined) checkIfMatch(await find(), conditions.ifMatch, key);
  const plan = planBody(ctx);
  if (plan.contentLength === undefined) {
    throw s3Error('MissingContentLength', 'You must provide the Content-Length HTTP header.');
  }
  if (plan.contentLength > config.objectStore.maxObjectBytes) {
    throw s3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
  }
  const versioned = await prepareVersionedWrite(ctx, bucket, key);
  const metadata = versioned.apply(
    await withWriteLock(
      ctx,
      bucket,
      withCustomerKey(
        await withWriteAcl(ctx, bucket, withRequestTags(ctx, metadataFromRequest(ctx))),
        customer,
      ),
    ),
  );
  const { object } = await objects.putObject({
    projectId: bucket.projectId,
    container: bucket.container.name,
    name: key,
    body: plan.body,
    contentLength: plan.contentLength,
    contentType: contentTypeFromRequest(ctx),
    metadata,
    deleteAt: null,
    mustNotExist: conditions.mustNotExist,
    customerKey: customer?.key,
    onChunk: (chunk) => plan.onChunk(chunk),
    // The object service reads `metadata` after this hook, so the checksum recorded here is stored.
    beforeCommit: (written) => {
      withChecksum(metadata, plan.verify(written));
    },
  });
  ctx.reply.headers({
    etag: quoteEtag(object.etag),
    ...encryptionHeaders(object),
    ...checksumHeaders(object.metadata),
    ...(await expirationHeaders(ctx, bucket, object)),
  });
  if (versioned.versionId !== undefined) ctx.reply.header('x-amz-version-id', versioned.versionId);
  return sendEmpty(ctx, 200);
}

export async function deleteObject(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  const key = requireKey(ctx);
  const versionId = ctx.query.get('versionId');
  await authorize(ctx, bucket, versionId === null ? 's3:DeleteObject' : 's3:DeleteObjectVersion', key);
  const result = await deleteKey(ctx, bucket, key, versionId ?? undefined);
  if (result.versionId !== undefined) ctx.reply.header('x-amz-version-id', result.versionId);
  if (result.deleteMarker) ctx.reply.header('x-amz-delete-marker', 'true');
  return sendEmpty(ctx, 204);
}

/**
 * S3 deletes are idempotent: a key (or version) that is not there, or went meanwhile, is deleted all the
 * same. Without a version id the current object goes (leaving a delete marker in a versioned bucket).
 */
export async function deleteKey(
  ctx: S3Context,
  bucket: ResolvedBucket,
  key: string,
  versionId: string | undefined,
): Promise<{ versionId?: string | undefined; deleteMarker: boolean }> {
  if (versionId !== undefined) return deleteVersion(ctx, bucket, key, versionId);
  const existing = await ctx.deps.objects.findObject(bucket.projectId, bucket.container.name, key);
  try {
    return await deleteCurrent(ctx, bucket, key, existing);
  } catch (err) {
    if (!(isApiError(err) && err.code === 'NotFound')) throw err;
    return { deleteMarker: false };
  }
}
