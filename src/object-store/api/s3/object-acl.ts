// Object ACLs: GetObjectAcl, PutObjectAcl, and the ACL every write gives its object (x-amz-acl,
// x-amz-grant-*, or the writer's ownership when it is not the bucket owner). An object without an ACL of
// its own follows its bucket, as a Swift object follows its container.
import type { FastifyReply } from 'fastify';
import type { StoredMetadata, StoredObject } from '../../model.js';
import { bucketAclOf, objectAclOf, withObjectAcl, type Acl, type Grant } from '../../s3/acl-model.js';
import type { ResolvedBucket } from '../../s3/bucket-service.js';
import { authorizeObject } from './access.js';
import { aclDocument, aclFromHeaders } from './acl-input.js';
import { checkAclAllowed, objectOwnership } from './bucket-guards.js';
import { requestedAcl } from './bucket-acl.js';
import { requireBucket, requireKey, sendEmpty, sendXml, type S3Context } from './s3-context.js';
import { readTarget } from './versioning.js';

/** The object's owner: the project that wrote it (recorded in its ACL), else the bucket owner. */
export function objectOwner(bucket: ResolvedBucket, object: StoredObject): string {
  return objectAclOf(object.metadata)?.owner ?? bucket.projectId;
}

/** The ACL an object shows: its own, or what it inherits (the bucket owner's control, the bucket's reads). */
export function effectiveObjectAcl(bucket: ResolvedBucket, object: StoredObject): Acl {
  const own = objectAclOf(object.metadata);
  if (own) return own;
  const inherited: Grant[] = bucketAclOf(bucket.container.metadata, bucket.projectId).grants.flatMap((g) =>
    g.permission === 'FULL_CONTROL' && g.grantee.type === 'CanonicalUser' && g.grantee.id === bucket.projectId
      ? [g]
      : g.permission === 'READ' || g.permission === 'FULL_CONTROL'
        ? [{ grantee: g.grantee, permission: 'READ' as const }]
        : [],
  );
  return { owner: bucket.projectId, grants: inherited };
}

/**
 * The metadata of an object a request writes, with the ACL it gets: the one its headers name, else
 * private to its writer when that is not the bucket owner (S3's object ownership), else none (it
 * follows the bucket). Any ACL copied from a source object is dropped first, as S3 copies no ACL.
 */
export async function withWriteAcl(
  ctx: S3Context,
  bucket: ResolvedBucket,
  metadata: StoredMetadata,
): Promise<StoredMetadata> {
  const writer = ctx.caller.kind === 'key' ? ctx.caller.projectId : bucket.projectId;
  const ownership = await objectOwnership(ctx, bucket);
  const requested = aclFromHeaders(ctx, writer, bucket.projectId);
  if (requested) await checkAclAllowed(ctx, bucket, requested);
  // With ACLs disabled (checkAclAllowed let only bucket-owner-full-control through) the bucket owner
  // owns every object, and objects follow the bucket.
  if (ownership === 'BucketOwnerEnforced') return withObjectAcl(metadata, undefined);
  const preferred =
    ownership === 'BucketOwnerPreferred' && ctx.headers['x-amz-acl'] === 'bucket-owner-full-control';
  const owner = preferred ? bucket.projectId : writer;
  if (requested)
    return withObjectAcl(metadata, { owner, grants: preferred ? privateGrants(owner) : requested.grants });
  if (owner === bucket.projectId) return withObjectAcl(metadata, undefined);
  return withObjectAcl(metadata, { owner, grants: privateGrants(owner) });
}

function privateGrants(owner: string): Grant[] {
  return [{ grantee: { type: 'CanonicalUser', id: owner }, permission: 'FULL_CONTROL' }];
}

export async function getObjectAcl(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  const key = requireKey(ctx);
  const object = await authorizeObject(ctx, bucket, 's3:GetObjectAcl', key, () =>
    readTarget(ctx, bucket, key),
  );
  return sendXml(ctx, 200, aclDocument(effectiveObjectAcl(bucket, object)));
}

export async function putObjectAcl(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  const key = requireKey(ctx);
  const object = await authorizeObject(ctx, bucket, 's3:PutObjectAcl', key, () =>
    readTarget(ctx, bucket, key),
  );
  const acl = await requestedAcl(ctx, objectOwner(bucket, object), bucket.projectId);
  await checkAclAllowed(ctx, bucket, acl);
  await ctx.deps.objects.updateObjectMetadata(
    object,
    withObjectAcl(object.metadata, acl),
    object.contentType,
    object.deleteAt,
  );
  return sendEmpty(ctx, 200);
}
