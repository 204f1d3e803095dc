// PutBucketOwnershipControls / Get / Delete and PutPublicAccessBlock / Get / Delete: the two bucket
// switches bucket-guards.ts applies to ACLs and policies, stored as bucket configuration documents.
import type { FastifyReply } from 'fastify';
import { bucketAclOf } from '../../s3/acl-model.js';
import { s3Error, s3Errors } from '../../s3/s3-errors.js';
import { authorize } from './access.js';
import {
  grantsBeyondOwner,
  OBJECT_OWNERSHIPS,
  PUBLIC_ACCESS_BLOCK_FIELDS,
  publicAccessBlock,
  type PublicAccessBlock,
} from './bucket-guards.js';
import { readSmallBody } from './request-body.js';
import { requireBucket, sendEmpty, sendXml, type S3Context } from './s3-context.js';
import { childNamed, childText, childrenNamed, expectRoot, parseXml, MAX_XML_BYTES } from './xml-parse.js';
import { el, leaf, xmlDocument } from './xml.js';

async function requiredBody(ctx: S3Context): Promise<Buffer> {
  const body = await readSmallBody(ctx, MAX_XML_BYTES);
  if (body.length === 0) throw s3Error('MissingRequestBodyError', 'Request Body is empty');
  return body;
}

export async function getBucketOwnershipControls(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:GetBucketOwnershipControls');
  const stored = await ctx.deps.buckets.getConfig(bucket, 'ownershipControls');
  if (stored === undefined) {
    throw s3Error('OwnershipControlsNotFoundError', 'The bucket ownership controls were not found');
  }
  return sendXml(ctx, 200, xmlDocument('OwnershipControls', el('Rule', leaf('ObjectOwnership', stored))));
}

export async function putBucketOwnershipControls(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:PutBucketOwnershipControls');
  const root = expectRoot(parseXml(await requiredBody(ctx)), 'OwnershipControls');
  const rules = childrenNamed(root, 'Rule');
  const value = rules.length === 1 ? childText(rules[0]!, 'ObjectOwnership')?.trim() : undefined;
  if (value === undefined || !(OBJECT_OWNERSHIPS as readonly string[]).includes(value)) {
    throw s3Errors.malformedXml('OwnershipControls needs one Rule with a valid ObjectOwnership');
  }
  // ACLs are disabled by BucketOwnerEnforced: a bucket whose ACL still grants others must drop it first.
  const acl = bucketAclOf(bucket.container.metadata, bucket.projectId);
  if (value === 'BucketOwnerEnforced' && grantsBeyondOwner(acl, bucket.projectId)) {
    throw s3Error(
      'InvalidBucketAclWithObjectOwnership',
      "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
    );
  }
  await ctx.deps.buckets.putConfig(bucket, 'ownershipControls', value);
  return sendEmpty(ctx, 200);
}

export async function deleteBucketOwnershipControls(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:PutBucketOwnershipControls');
  await ctx.deps.buckets.deleteConfig(bucket, 'ownershipControls');
  return sendEmpty(ctx, 204);
}

export async function getPublicAccessBlock(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:GetBucketPublicAccessBlock');
  if ((await ctx.deps.buckets.getConfig(bucket, 'publicAccessBlock')) === undefined) {
    throw s3Error(
      'NoSuchPublicAccessBlockConfiguration',
      'The public access block configuration was not found',
    );
  }
  const block = await publicAccessBlock(ctx, bucket);
  const fields = PUBLIC_ACCESS_BLOCK_FIELDS.map((name) => leaf(name, block[name]));
  return sendXml(ctx, 200, xmlDocument('PublicAccessBlockConfiguration', ...fields));
}

export async function putPublicAccessBlock(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:PutBucketPublicAccessBlock');
  const root = expectRoot(parseXml(await requiredBody(ctx)), 'PublicAccessBlockConfiguration');
  const block: Partial<PublicAccessBlock> = {};
  for (const name of PUBLIC_ACCESS_BLOCK_FIELDS) {
    const element = childNamed(root, name);
    if (!element) continue;
    const value = element.text.trim().toLowerCase();
    if (value !== 'true' && value !== 'false') throw s3Errors.malformedXml(`${name} must be true or false`);
    block[name] = value === 'true';
  }
  const known = new Set<string>(PUBLIC_ACCESS_BLOCK_FIELDS);
  if (root.children.some((c) => !known.has(c.name))) throw s3Errors.malformedXml('unknown element');
  await ctx.deps.buckets.putConfig(bucket, 'publicAccessBlock', JSON.stringify(block));
  return sendEmpty(ctx, 200);
}

export async function deletePublicAccessBlock(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:PutBucketPublicAccessBlock');
  await ctx.deps.buckets.deleteConfig(bucket, 'publicAccessBlock');
  return sendEmpty(ctx, 204);
}
