// GetBucketAcl and PutBucketAcl, and the ACL CreateBucket sets. The model (acl-model.ts) keeps READ and
// WRITE grants in the container's Swift ACL, so both APIs decide alike; other grants in a system header.
import type { FastifyReply } from 'fastify';
import type { StoredMetadata } from '../../model.js';
import { bucketAclOf, cannedGrants, withBucketAcl, type Acl } from '../../s3/acl-model.js';
import type { ResolvedBucket } from '../../s3/bucket-service.js';
import { s3Error } from '../../s3/s3-errors.js';
import { authorize } from './access.js';
import { aclDocument, aclFromBody, aclFromHeaders } from './acl-input.js';
import { checkAclAllowed } from './bucket-guards.js';
import { readSmallBody } from './request-body.js';
import { requireBucket, sendEmpty, sendXml, type S3Context } from './s3-context.js';
import { MAX_XML_BYTES } from './xml-parse.js';

/** The container metadata of a new bucket: the ACL its request asks for (x-amz-acl, x-amz-grant-*), else private. */
export function newBucketMetadata(ctx: S3Context, owner: string): StoredMetadata {
  const acl = aclFromHeaders(ctx, owner, owner) ?? { owner, grants: cannedGrants('private', owner, owner) };
  return withBucketAcl({ meta: {}, headers: {} }, acl);
}

/** The ACL a PutBucketAcl or PutObjectAcl request sets: from its headers or its body, never both. */
export async function requestedAcl(ctx: S3Context, owner: string, bucketOwner: string): Promise<Acl> {
  const fromHeaders = aclFromHeaders(ctx, owner, bucketOwner);
  const body = await readSmallBody(ctx, MAX_XML_BYTES);
  if (fromHeaders !== undefined && body.length > 0) {
    throw s3Error('UnexpectedContent', 'This request does not support content');
  }
  if (fromHeaders !== undefined) return fromHeaders;
  if (body.length === 0) throw s3Error('MissingRequestBodyError', 'Request Body is empty');
  return aclFromBody(body, owner);
}

/** Whether an ACL lets anyone but the owner in: others then find the bucket by its registered name. */
function opensToOthers(acl: Acl): boolean {
  return acl.grants.some((g) => !(g.grantee.type === 'CanonicalUser' && g.grantee.id === acl.owner));
}

export async function getBucketAcl(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:GetBucketAcl');
  return sendXml(ctx, 200, aclDocument(bucketAclOf(bucket.container.metadata, bucket.projectId)));
}

async function setBucketAcl(ctx: S3Context, bucket: ResolvedBucket, acl: Acl): Promise<void> {
  const metadata = withBucketAcl(bucket.container.metadata, acl);
  await ctx.deps.objects.setContainerMetadata(bucket.projectId, bucket.container.name, metadata);
  if (opensToOthers(acl)) await ctx.deps.buckets.register(bucket);
}

export async function putBucketAcl(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:PutBucketAcl');
  const acl = await requestedAcl(ctx, bucket.projectId, bucket.projectId);
  await checkAclAllowed(ctx, bucket, acl);
  await setBucketAcl(ctx, bucket, acl);
  return sendEmpty(ctx, 200);
}
