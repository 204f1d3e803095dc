// The bucket-level switches that constrain ACLs and policies: object ownership (ownershipControls) and
// the public access block, read once per request, and the checks they impose on ACLs being set.
import type { Acl } from '../../s3/acl-model.js';
import { isPublicGrant } from '../../s3/acl-model.js';
import type { ResolvedBucket } from '../../s3/bucket-service.js';
import { s3Error, s3Errors } from '../../s3/s3-errors.js';
import type { S3Context } from './s3-context.js';

export const OBJECT_OWNERSHIPS = ['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'] as const;
export type ObjectOwnership = (typeof OBJECT_OWNERSHIPS)[number];

export interface PublicAccessBlock {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
}
export const PUBLIC_ACCESS_BLOCK_FIELDS = [
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
] as const;

async function memo<T>(ctx: S3Context, key: string, load: () => Promise<T>): Promise<T> {
  if (ctx.memo.has(key)) return ctx.memo.get(key) as T;
  const value = await load();
  ctx.memo.set(key, value);
  return value;
}

/** The bucket's object ownership setting; ObjectWriter (S3's behaviour before 2023) when none is set. */
export async function objectOwnership(ctx: S3Context, bucket: ResolvedBucket): Promise<ObjectOwnership> {
  return memo(ctx, `ownership:${bucket.projectId}/${bucket.container.name}`, async () => {
    const stored = await ctx.deps.buckets.getConfig(bucket, 'ownershipControls');
    return (stored as ObjectOwnership | undefined) ?? 'ObjectWriter';
  });
}

/** The bucket's public access block, all off when none is set. */
export async function publicAccessBlock(ctx: S3Context, bucket: ResolvedBucket): Promise<PublicAccessBlock> {
  return memo(ctx, `pab:${bucket.projectId}/${bucket.container.name}`, async () => {
    const stored = await ctx.deps.buckets.getConfig(bucket, 'publicAccessBlock');
    const off: PublicAccessBlock = {
      BlockPublicAcls: false,
      IgnorePublicAcls: false,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    };
    return stored === undefined ? off : { ...off, ...(JSON.parse(stored) as Partial<PublicAccessBlock>) };
  });
}

/** Whether an ACL gives anyone but the bucket owner anything. */
export function grantsBeyondOwner(acl: Acl, bucketOwner: string): boolean {
  return acl.grants.some((g) => !(g.grantee.type === 'CanonicalUser' && g.grantee.id === bucketOwner));
}

/**
 * Refuses an ACL the bucket's switches forbid: any ACL but the bucket owner's full control when ACLs are
 * disabled (BucketOwnerEnforced), and public grants under BlockPublicAcls.
 */
export async function checkAclAllowed(ctx: S3Context, bucket: ResolvedBucket, acl: Acl): Promise<void> {
  if ((await objectOwnership(ctx, bucket)) === 'BucketOwnerEnforced') {
    const ownerOnly =
      ctx.headers['x-amz-acl'] === 'bucket-owner-full-control' || !grantsBeyondOwner(acl, bucket.projectId);
    if (!ownerOnly) throw s3Error('AccessControlListNotSupported', 'The bucket does not allow ACLs');
  }
  const block = await publicAccessBlock(ctx, bucket);
  if (block.BlockPublicAcls && acl.grants.some(isPublicGrant)) throw s3Errors.accessDenied();
}
