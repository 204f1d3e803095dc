// Object and bucket tagging: Get/Put/DeleteObjectTagging (of the current object or of one version),
// Get/Put/DeleteBucketTagging, and the tags writes carry (x-amz-tagging on PutObject, CopyObject with
// x-amz-tagging-directive, CreateMultipartUpload and POST uploads).
import type { FastifyReply } from 'fastify';
import type { StoredMetadata, StoredObject } from '../../model.js';
import { s3Error } from '../../s3/s3-errors.js';
import {
  checkTagSet,
  MAX_BUCKET_TAGS,
  MAX_OBJECT_TAGS,
  objectTagsOf,
  parseTaggingHeader,
  withObjectTags,
  type TagSet,
} from '../../s3/tag-set.js';
import { authorize, authorizeObject } from './access.js';
import { readSmallBody } from './request-body.js';
import { requireBucket, requireKey, sendEmpty, sendXml, type S3Context } from './s3-context.js';
import { readTarget } from './versioning.js';
import { childNamed, childText, childrenNamed, expectRoot, parseXml, MAX_XML_BYTES } from './xml-parse.js';
import { el, leaf, xmlDocument } from './xml.js';

function taggingDocument(tags: TagSet): string {
  return xmlDocument(
    'Tagging',
    el('TagSet', ...tags.map((t) => el('Tag', leaf('Key', t.key), leaf('Value', t.value)))),
  );
}

async function taggingBody(ctx: S3Context, max: number): Promise<TagSet> {
  const body = await readSmallBody(ctx, MAX_XML_BYTES);
  if (body.length === 0) throw s3Error('MissingRequestBodyError', 'Request Body is empty');
  const root = expectRoot(parseXml(body), 'Tagging');
  const set = childNamed(root, 'TagSet');
  if (!set)
    throw s3Error(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema.',
    );
  const tags = childrenNamed(set, 'Tag').map((tag) => {
    const key = childText(tag, 'Key');
    const value = childText(tag, 'Value');
    if (key === undefined || value === undefined) {
      throw s3Error(
        'MalformedXML',
        'The XML you provided was not well-formed or did not validate against our published schema.',
      );
    }
    return { key, value };
  });
  return checkTagSet(tags, max);
}

/** The metadata of a written object with the tags its request names (x-amz-tagging), if any. */
export function withRequestTags(ctx: S3Context, metadata: StoredMetadata): StoredMetadata {
  const header = ctx.headers['x-amz-tagging'];
  if (header === undefined) return metadata;
  return withObjectTags(metadata, parseTaggingHeader(header));
}

/** CopyObject: the source's tags (x-amz-tagging-directive COPY, the default) or the request's (REPLACE). */
export function withCopiedTags(
  ctx: S3Context,
  metadata: StoredMetadata,
  source: StoredObject,
): StoredMetadata {
  const directive = (ctx.headers['x-amz-tagging-directive'] ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw s3Error('InvalidArgument', 'Unknown tagging directive.');
  }
  if (directive === 'REPLACE')
    return withObjectTags(metadata, parseTaggingHeader(ctx.headers['x-amz-tagging'] ?? ''));
  return withObjectTags(metadata, objectTagsOf(source.metadata));
}

/** x-amz-tagging-count on GetObject and HeadObject. */
export function taggingCountHeader(object: StoredObject): Record<string, string> {
  const count = objectTagsOf(object.metadata).length;
  return count > 0 ? { 'x-amz-tagging-count': String(count) } : {};
}

async function taggedObject(ctx: S3Context, get: boolean) {
  const bucket = await requireBucket(ctx);
  const key = requireKey(ctx);
  const version = ctx.query.has('versionId');
  const action = get
    ? version
      ? 's3:GetObjectVersionTagging'
      : 's3:GetObjectTagging'
    : version
      ? 's3:PutObjectVersionTagging'
      : 's3:PutObjectTagging';
  const object = await authorizeObject(ctx, bucket, action, key, () => readTarget(ctx, bucket, key));
  return { bucket, object };
}

export async function getObjectTagging(ctx: S3Context): Promise<FastifyReply> {
  const { object } = await taggedObject(ctx, true);
  return sendXml(ctx, 200, taggingDocument(objectTagsOf(object.metadata)));
}

export async function putObjectTagging(ctx: S3Context): Promise<FastifyReply> {
  const { object } = await taggedObject(ctx, false);
  const tags = await taggingBody(ctx, MAX_OBJECT_TAGS);
  await ctx.deps.objects.updateObjectMetadata(
    object,
    withObjectTags(object.metadata, tags),
    object.contentType,
    object.deleteAt,
  );
  return sendEmpty(ctx, 200);
}

export async function deleteObjectTagging(ctx: S3Context): Promise<FastifyReply> {
  const { object } = await taggedObject(ctx, false);
  await ctx.deps.objects.updateObjectMetadata(
    object,
    withObjectTags(object.metadata, []),
    object.contentType,
    object.deleteAt,
  );
  return sendEmpty(ctx, 204);
}

export async function getBucketTagging(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:GetBucketTagging');
  const stored = await ctx.deps.buckets.getConfig(bucket, 'tagging');
  if (stored === undefined) throw s3Error('NoSuchTagSet', 'The TagSet does not exist');
  return sendXml(ctx, 200, taggingDocument(JSON.parse(stored) as TagSet));
}

export async function putBucketTagging(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:PutBucketTagging');
  const tags = await taggingBody(ctx, MAX_BUCKET_TAGS);
  await ctx.deps.buckets.putConfig(bucket, 'tagging', JSON.stringify(tags));
  return sendEmpty(ctx, 204);
}

export async function deleteBucketTagging(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:PutBucketTagging');
  await ctx.deps.buckets.deleteConfig(bucket, 'tagging');
  return sendEmpty(ctx, 204);
}
