// Who may do what through S3. The bucket is a Swift container, so Swift's rules come first: the owner
// project's admins and members may do everything, its readers only read, and others what the container
// ACLs grant (S3's READ and WRITE grants are that ACL; an object's own ACL decides its reads in both
// APIs). S3's other grants (READ_ACP, WRITE_ACP, WRITE for AllUsers) add to that. A bucket policy then
// adds grants (Allow) and takes them away (Deny wins, except that the owner may always manage the policy
// itself). The public access block can make public grants and public policies count for nothing.
import { isApiError } from '../../../common/errors/api-error.js';
import type { StoredMetadata, StoredObject } from '../../model.js';
import {
  bucketAclOf,
  grantsAllow,
  isPublicGrant,
  objectAclOf,
  withObjectAcl,
  type AclCaller,
  type Permission,
} from '../../s3/acl-model.js';
import type { ResolvedBucket } from '../../s3/bucket-service.js';
import { S3Error, s3Errors } from '../../s3/s3-errors.js';
import { publicAccessBlock, type PublicAccessBlock } from './bucket-guards.js';
import { authorizeSwift, type Operation } from '../swift/access.js';
import { evaluatePolicy, isPublicPolicy, parsePolicy, resourceArn, type BucketPolicy } from './policy.js';
import { policyContext } from './policy-context.js';
import type { S3Context } from './s3-context.js';

/** The Swift operation each S3 action needs. */
const OPERATION = {
  's3:ListAllMyBuckets': 'account-read',
  's3:CreateBucket': 'container-write',
  's3:DeleteBucket': 'container-write',
  's3:ListBucket': 'container-read',
  's3:ListBucketVersions': 'container-read',
  's3:ListBucketMultipartUploads': 'container-read',
  's3:GetBucketLocation': 'container-read',
  's3:GetBucketVersioning': 'account-read',
  's3:PutBucketVersioning': 'container-write',
  's3:GetBucketAcl': 'account-read',
  's3:PutBucketAcl': 'container-write',
  's3:GetBucketCORS': 'account-read',
  's3:PutBucketCORS': 'container-write',
  's3:GetBucketPolicy': 'account-read',
  's3:PutBucketPolicy': 'container-write',
  's3:DeleteBucketPolicy': 'container-write',
  's3:GetBucketTagging': 'account-read',
  's3:PutBucketTagging': 'container-write',
  's3:GetLifecycleConfiguration': 'account-read',
  's3:PutLifecycleConfiguration': 'container-write',
  's3:GetBucketOwnershipControls': 'account-read',
  's3:GetEncryptionConfiguration': 'account-read',
  's3:PutEncryptionConfiguration': 'container-write',
  's3:PutBucketOwnershipControls': 'container-write',
  's3:GetBucketPublicAccessBlock': 'account-read',
  's3:GetBucketPolicyStatus': 'account-read',
  's3:GetAccelerateConfiguration': 'account-read',
  's3:GetBucketRequestPayment': 'account-read',
  's3:GetBucketLogging': 'account-read',
  's3:GetBucketNotification': 'account-read',
  's3:GetBucketWebsite': 'account-read',
  's3:GetReplicationConfiguration': 'account-read',
  's3:PutBucketPublicAccessBlock': 'container-write',
  's3:GetObject': 'object-read',
  's3:GetObjectVersion': 'object-read',
  's3:GetObjectAttributes': 'object-read',
  's3:GetObjectVersionAttributes': 'object-read',
  's3:GetObjectTagging': 'object-read',
  's3:GetObjectVersionTagging': 'object-read',
  's3:GetObjectAcl': 'account-read',
  's3:GetObjectVersionAcl': 'account-read',
  's3:PutObject': 'object-write',
  's3:PutObjectAcl': 'container-write',
  's3:PutObjectVersionAcl': 'container-write',
  's3:PutObjectTagging': 'object-write',
  's3:PutObjectVersionTagging': 'object-write',
  's3:DeleteObjectTagging': 'object-write',
  's3:DeleteObjectVersionTagging': 'object-write',
  's3:DeleteObject': 'object-write',
  's3:DeleteObjectVersion': 'object-write',
  's3:AbortMultipartUpload': 'object-write',
  's3:ListMultipartUploadParts': 'object-write',
  's3:GetBucketObjectLockConfiguration': 'account-read',
  's3:PutBucketObjectLockConfiguration': 'container-write',
  's3:GetObjectRetention': 'object-read',
  's3:PutObjectRetention': 'object-write',
  's3:GetObjectLegalHold': 'object-read',
  's3:PutObjectLegalHold': 'object-write',
  // Bypassing GOVERNANCE retention is the bucket owner's (or a cloud admin's), as changing the bucket is.
  's3:BypassGovernanceRetention': 'container-write',
} as const satisfies Record<string, Operation>;

export type S3Action = keyof typeof OPERATION;

const POLICY_ACTIONS = new Set<S3Action>([
  's3:GetBucketPolicy',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
]);

/** The S3 permission beyond Swift's rules that lets a grantee of the bucket's or object's ACL act. */
const ACL_PERMISSION: Partial<Record<S3Action, { on: 'bucket' | 'object'; permission: Permission }>> = {
  's3:GetBucketAcl': { on: 'bucket', permission: 'READ_ACP' },
  's3:PutBucketAcl': { on: 'bucket', permission: 'WRITE_ACP' },
  's3:PutObject': { on: 'bucket', permission: 'WRITE' },
  's3:DeleteObject': { on: 'bucket', permission: 'WRITE' },
  's3:DeleteObjectVersion': { on: 'bucket', permission: 'WRITE' },
  's3:AbortMultipartUpload': { on: 'bucket', permission: 'WRITE' },
  's3:ListMultipartUploadParts': { on: 'bucket', permission: 'WRITE' },
  's3:GetObjectAcl': { on: 'object', permission: 'READ_ACP' },
  's3:GetObjectVersionAcl': { on: 'object', permission: 'READ_ACP' },
  's3:PutObjectAcl': { on: 'object', permission: 'WRITE_ACP' },
  's3:PutObjectVersionAcl': { on: 'object', permission: 'WRITE_ACP' },
};

const PUBLIC_ELEMENTS = new Set(['.r:*', '.rlistings', '*:*']);

/** Metadata with public grants taken out, for IgnorePublicAcls. */
function withoutPublicGrants(metadata: StoredMetadata | undefined, level: 'container' | 'object') {
  if (!metadata) return metadata;
  if (level === 'object') {
    const acl = objectAclOf(metadata);
    return acl
      ? withObjectAcl(metadata, { ...acl, grants: acl.grants.filter((g) => !isPublicGrant(g)) })
      : metadata;
  }
  const headers = { ...metadata.headers };
  for (const name of ['x-container-read', 'x-container-write']) {
    const kept = (headers[name] ?? '')
      .split(',')
      .filter((e) => e.trim() !== '' && !PUBLIC_ELEMENTS.has(e.trim()));
    if (kept.length > 0) headers[name] = kept.join(',');
    else delete headers[name];
  }
  return { meta: metadata.meta, headers };
}

function aclCaller(ctx: S3Context): AclCaller {
  return ctx.caller.kind === 'key' ? { projectId: ctx.caller.projectId } : undefined;
}

/** S3's grants beyond what Swift decides: ACP permissions, and WRITE for AllUsers. */
function s3AclAllows(
  ctx: S3Context,
  bucket: ResolvedBucket,
  action: S3Action,
  object: StoredMetadata | undefined,
  block: PublicAccessBlock,
): boolean {
  const needed = ACL_PERMISSION[action];
  // The bucket owner's own project is governed by its Keystone roles (Swift's rules), not by grants.
  if (!needed || aclCaller(ctx)?.projectId === bucket.projectId) return false;
  const own = needed.on === 'object' && object ? objectAclOf(object) : undefined;
  if (own && own.owner === aclCaller(ctx)?.projectId) return true;
  const acl =
    own ?? (needed.on === 'bucket' ? bucketAclOf(bucket.container.metadata, bucket.projectId) : undefined);
  if (!acl) return false;
  const grants = block.IgnorePublicAcls ? acl.grants.filter((g) => !isPublicGrant(g)) : acl.grants;
  return grantsAllow(grants, aclCaller(ctx), needed.permission);
}

/** Whether Swift's rules allow the operation (a predicate over authorizeSwift, which throws). */
export function swiftAllows(
  ctx: S3Context,
  projectId: string,
  operation: Operation,
  container?: StoredMetadata,
  account?: StoredMetadata,
  object?: StoredMetadata,
): boolean {
  try {
    authorizeSwift({
      auth: ctx.caller.kind === 'key' ? ctx.caller.auth : undefined,
      projectId,
      operation,
      container,
      account,
      object,
    });
    return true;
  } catch (err) {
    if (isApiError(err) && (err.status === 401 || err.status === 403)) return false;
    throw err;
  }
}

async function memo<T>(ctx: S3Context, key: string, load: () => Promise<T>): Promise<T> {
  if (ctx.memo.has(key)) return ctx.memo.get(key) as T;
  const value = await load();
  ctx.memo.set(key, value);
  return value;
}

async function bucketPolicy(ctx: S3Context, bucket: ResolvedBucket): Promise<BucketPolicy | undefined> {
  return memo(ctx, `policy:${bucket.projectId}/${bucket.container.name}`, async () => {
    const document = await ctx.deps.buckets.getConfig(bucket, 'policy');
    return document === undefined ? undefined : parsePolicy(document, bucket.container.name);
  });
}

/** The account's metadata matters (account ACLs) only for callers from other projects. */
async function accountMetadata(ctx: S3Context, projectId: string): Promise<StoredMetadata | undefined> {
  if (ctx.caller.kind === 'key' && ctx.caller.projectId === projectId) return undefined;
  return memo(
    ctx,
    `account:${projectId}`,
    async () => (await ctx.deps.objects.getAccount(projectId)).metadata,
  );
}

/**
 * Throws AccessDenied unless the caller may perform `action` on the bucket (and key). `object` is the
 * metadata of the object acted on, when known: its own ACL takes part in the decision.
 */
export async function authorize(
  ctx: S3Context,
  bucket: ResolvedBucket,
  action: S3Action,
  key?: string,
  object?: StoredMetadata,
): Promise<void> {
  const policy = await bucketPolicy(ctx, bucket);
  const who =
    ctx.caller.kind === 'key' ? { projectId: ctx.caller.projectId, userId: ctx.caller.userId } : undefined;
  const block = await publicAccessBlock(ctx, bucket);
  let decision = policy
    ? evaluatePolicy(policy, who, action, resourceArn(bucket.container.name, key), policyContext(ctx))
    : 'none';
  // RestrictPublicBuckets: a public policy grants nothing to callers outside the owner's account.
  if (decision === 'allow' && block.RestrictPublicBuckets && policy && isPublicPolicy(policy)) {
    if (who?.projectId !== bucket.projectId) decision = 'none';
  }
  const account = await accountMetadata(ctx, bucket.projectId);
  const container = block.IgnorePublicAcls
    ? withoutPublicGrants(bucket.container.metadata, 'container')
    : bucket.container.metadata;
  const target = block.IgnorePublicAcls ? withoutPublicGrants(object, 'object') : object;
  const allowed =
    swiftAllows(ctx, bucket.projectId, OPERATION[action], container, account, target) ||
    s3AclAllows(ctx, bucket, action, target, block);
  if (decision === 'deny') {
    const owner = who?.projectId === bucket.projectId;
    if (!(POLICY_ACTIONS.has(action) && owner && allowed)) throw s3Errors.accessDenied();
  }
  if (allowed || decision === 'allow') return;
  throw s3Errors.accessDenied();
}

/**
 * Authorises an action on an object whose own ACL takes part in the decision: the object is found first
 * (`load`), then authorised; a missing object is authorised on the bucket's rules before its NoSuchKey
 * (or NoSuchVersion) is thrown, so that callers without access learn nothing.
 */
export async function authorizeObject(
  ctx: S3Context,
  bucket: ResolvedBucket,
  action: S3Action,
  key: string,
  load: () => Promise<StoredObject>,
): Promise<StoredObject> {
  let object: StoredObject;
  try {
    object = await load();
  } catch (err) {
    if (err instanceof S3Error && err.status === 404) await authorize(ctx, bucket, action, key);
    throw err;
  }
  await authorize(ctx, bucket, action, key, object.metadata);
  return object;
}

/** For operations on the caller's own account (ListBuckets, CreateBucket): Swift's owner rules. */
export function authorizeOwnAccount(
  ctx: S3Context,
  action: 's3:ListAllMyBuckets' | 's3:CreateBucket',
): string {
  if (ctx.caller.kind !== 'key') throw s3Errors.accessDenied();
  if (!swiftAllows(ctx, ctx.caller.projectId, OPERATION[action])) throw s3Errors.accessDenied();
  return ctx.caller.projectId;
}
