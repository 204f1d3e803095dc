// GetObject and HeadObject: authorisation, conditional requests (304 and 412), one byte range (206 or
// InvalidRange), response-* header overrides, and the stored checksum with x-amz-checksum-mode.
import type { FastifyReply } from 'fastify';
import { evaluateConditions, parseRange } from '../../http/conditions.js';
import type { StoredObject } from '../../model.js';
import { partLayoutOf, partRange } from '../../s3/part-layout.js';
import { S3Error, s3Error, s3Errors } from '../../s3/s3-errors.js';
import { authorizeObject } from './access.js';
import { expirationHeaders } from './lifecycle.js';
import { objectResponseHeaders, responseOverrides } from './object-headers.js';
import { taggingCountHeader } from './tagging.js';
import { readTarget } from './versioning.js';
import { requireBucket, requireKey, type S3Context } from './s3-context.js';
import { readCustomerKey } from './sse-customer.js';
import { lockHeaders } from './object-lock-object.js';

/** Swift large objects (DLO and SLO manifests) are not assembled by the S3 front end yet. */
export function checkNoManifest(object: StoredObject): void {
  const manifest =
    object.metadata.headers['x-object-manifest'] !== undefined ||
    object.metadata.headers['x-static-large-object'] !== undefined;
  if (manifest) throw s3Errors.notImplemented('Reading a Swift large object (manifest) through S3');
}

/**
 * partNumber: the byte range of that part of an object completed from a multipart upload (with the
 * object's part count), or the whole object for part 1 of an object uploaded in one piece.
 */
function partNumberRange(ctx: S3Context, object: StoredObject): { start: number; end: number } | undefined {
  const partNumber = ctx.query.get('partNumber');
  if (partNumber === null) return undefined;
  if (!/^\d{1,5}$/.test(partNumber) || Number(partNumber) < 1 || Number(partNumber) > 10_000) {
    throw s3Errors.invalidArgumentValue(
      'Part number must be an integer between 1 and 10000, inclusive',
      'partNumber',
      partNumber,
    );
  }
  if (ctx.headers.range !== undefined) {
    throw s3Errors.invalidRequest('Cannot specify both Range header and partNumber query parameter');
  }
  const layout = partLayoutOf(object.metadata);
  const range = layout ? partRange(layout, Number(partNumber)) : Number(partNumber) === 1 ? undefined : null;
  if (range === null || (layout && range === undefined)) {
    throw s3Error('InvalidPartNumber', 'The requested partnumber is not satisfiable');
  }
  if (layout) ctx.reply.header('x-amz-mp-parts-count', String(layout.sizes.length));
  return range;
}

export async function getObject(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  const key = requireKey(ctx);
  const action = ctx.query.has('versionId') ? 's3:GetObjectVersion' : 's3:GetObject';
  const object = await authorizeObject(ctx, bucket, action, key, () => readTarget(ctx, bucket, key));
  const overrides = responseOverrides(ctx);
  const customerKey = readCustomerKey(ctx, object);
  checkNoManifest(object);
  const partBytes = partNumberRange(ctx, object);
  const reply = ctx.reply;
  const outcome = evaluateConditions(
    ctx.headers,
    { etag: object.etag, lastModified: new Date(object.lastModified) },
    true,
  );
  if (outcome === 'precondition-failed') throw s3Errors.preconditionFailed();
  if (outcome === 'not-modified') {
    const { etag, 'last-modified': lastModified } = objectResponseHeaders(object, false);
    return reply.status(304).headers({ etag, 'last-modified': lastModified }).send();
  }
  const ranges = partBytes ? [partBytes] : parseRange(ctx.headers.range, object.sizeBytes);
  if (ranges === 'unsatisfiable') {
    throw new S3Error('InvalidRange', 'The requested range is not satisfiable', {
      headers: { 'content-range': `bytes */${object.sizeBytes}` },
    });
  }
  // S3 serves one range; a multi-range request gets the whole object, as from S3.
  const range = ranges?.length === 1 ? ranges[0] : undefined;
  const checksumMode = ctx.headers['x-amz-checksum-mode']?.toUpperCase() === 'ENABLED';
  const isHead = ctx.request.method === 'HEAD';
  // Opened before any header is set: a body that cannot be read (crypto-erased key) is a clean error.
  const body =
    isHead || (!range && object.sizeBytes === 0)
      ? ''
      : await ctx.deps.objects.openObject(object, range, customerKey);
  reply.headers({
    ...objectResponseHeaders(object, checksumMode && !range),
    ...taggingCountHeader(object),
    ...lockHeaders(object),
    ...(ctx.query.has('versionId') ? {} : await expirationHeaders(ctx, bucket, object)),
    ...overrides,
  });
  if (range) {
    reply.header('content-range', `bytes ${range.start}-${range.end}/${object.sizeBytes}`);
    reply.header('content-length', String(range.end - range.start + 1));
    reply.status(206);
    return isHead ? reply.send() : reply.send(body);
  }
  reply.header('content-length', String(object.sizeBytes));
  reply.status(200);
  if (isHead) return reply.send();
  return reply.send(body);
}
