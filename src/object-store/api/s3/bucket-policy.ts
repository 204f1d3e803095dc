// GetBucketPolicy, PutBucketPolicy, DeleteBucketPolicy and GetBucketPolicyStatus: the JSON document is validated (policy.ts)
// and stored with the bucket; access.ts applies it to every request on the bucket.
import type { FastifyReply } from 'fastify';
import { s3Error, s3Errors } from '../../s3/s3-errors.js';
import { publicAccessBlock } from './bucket-guards.js';
import { authorize } from './access.js';
import { isPublicPolicy, MAX_POLICY_BYTES, parsePolicy } from './policy.js';
import { readSmallBody } from './request-body.js';
import { requireBucket, sendEmpty, sendXml, type S3Context } from './s3-context.js';
import { leaf, xmlDocument } from './xml.js';

export async function getBucketPolicy(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:GetBucketPolicy');
  const document = await ctx.deps.buckets.getConfig(bucket, 'policy');
  if (document === undefined) throw s3Error('NoSuchBucketPolicy', 'The bucket policy does not exist');
  return ctx.reply.status(200).type('application/json').send(document);
}

/** GetBucketPolicyStatus: whether the bucket's policy is public (as BlockPublicPolicy judges it). */
export async function getBucketPolicyStatus(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:GetBucketPolicyStatus');
  const document = await ctx.deps.buckets.getConfig(bucket, 'policy');
  if (document === undefined) throw s3Error('NoSuchBucketPolicy', 'The bucket policy does not exist');
  const isPublic = isPublicPolicy(parsePolicy(document, bucket.container.name));
  return sendXml(ctx, 200, xmlDocument('PolicyStatus', leaf('IsPublic', isPublic)));
}

export async function putBucketPolicy(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:PutBucketPolicy');
  const text = (await readSmallBody(ctx, MAX_POLICY_BYTES + 1)).toString('utf8');
  const policy = parsePolicy(text, bucket.container.name);
  if (isPublicPolicy(policy) && (await publicAccessBlock(ctx, bucket)).BlockPublicPolicy) {
    throw s3Errors.accessDenied();
  }
  await ctx.deps.buckets.putConfig(bucket, 'policy', text);
  // A policy may open the bucket to anonymous callers and other projects, who find it by name.
  await ctx.deps.buckets.register(bucket);
  return sendEmpty(ctx, 204);
}

export async function deleteBucketPolicy(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:DeleteBucketPolicy');
  await ctx.deps.buckets.deleteConfig(bucket, 'policy');
  return sendEmpty(ctx, 204);
}
