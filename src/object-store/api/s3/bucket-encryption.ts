// PutBucketEncryption / GetBucketEncryption / DeleteBucketEncryption. Every object body is encrypted at
// rest under a service-managed key whatever the bucket says (src/object-store/blob/), so a bucket's
// default encryption is always SSE-S3 (AES256), as on S3 since 2023: GET answers it even when nothing
// was put, PUT accepts AES256 (and records BucketKeyEnabled), DELETE returns to the default. SSE-KMS
// defaults are refused (NotImplemented), never stored and then silently not applied.
import type { FastifyReply } from 'fastify';
import { s3Error, s3Errors } from '../../s3/s3-errors.js';
import { authorize } from './access.js';
import { readSmallBody } from './request-body.js';
import { requireBucket, sendEmpty, sendXml, type S3Context } from './s3-context.js';
import { childNamed, childText, childrenNamed, expectRoot, parseXml, MAX_XML_BYTES } from './xml-parse.js';
import { el, leaf, xmlDocument } from './xml.js';

export async function getBucketEncryption(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:GetEncryptionConfiguration');
  const bucketKey = (await ctx.deps.buckets.getConfig(bucket, 'encryption')) ?? 'false';
  const rule = el(
    'Rule',
    el('ApplyServerSideEncryptionByDefault', leaf('SSEAlgorithm', 'AES256')),
    leaf('BucketKeyEnabled', bucketKey),
  );
  return sendXml(ctx, 200, xmlDocument('ServerSideEncryptionConfiguration', rule));
}

export async function putBucketEncryption(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:PutEncryptionConfiguration');
  const body = await readSmallBody(ctx, MAX_XML_BYTES);
  if (body.length === 0) throw s3Error('MissingRequestBodyError', 'Request Body is empty');
  const root = expectRoot(parseXml(body), 'ServerSideEncryptionConfiguration');
  const rules = childrenNamed(root, 'Rule');
  const apply = rules.length === 1 ? childNamed(rules[0]!, 'ApplyServerSideEncryptionByDefault') : undefined;
  const algorithm = apply ? childText(apply, 'SSEAlgorithm')?.trim() : undefined;
  if (algorithm === 'aws:kms' || algorithm === 'aws:kms:dsse') throw s3Errors.notImplemented('SSE-KMS');
  if (algorithm !== 'AES256') {
    throw s3Errors.malformedXml('ServerSideEncryptionConfiguration needs one Rule with SSEAlgorithm AES256');
  }
  if (childText(apply!, 'KMSMasterKeyID') !== undefined) {
    throw s3Error(
      'InvalidArgument',
      'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse',
    );
  }
  const bucketKey = childText(rules[0]!, 'BucketKeyEnabled')?.trim() ?? 'false';
  if (bucketKey !== 'true' && bucketKey !== 'false') {
    throw s3Errors.malformedXml('BucketKeyEnabled must be true or false');
  }
  await ctx.deps.buckets.putConfig(bucket, 'encryption', bucketKey);
  return sendEmpty(ctx, 200);
}

export async function deleteBucketEncryption(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:PutEncryptionConfiguration');
  await ctx.deps.buckets.deleteConfig(bucket, 'encryption');
  return sendEmpty(ctx, 204);
}
