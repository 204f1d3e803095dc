// Who may do what through S3. The bucket is a Swift container, so Swift's rules come first: the owner
// project's admins and members may do everything, its readers only read, and others what the container
// ACLs grant (an S3 public-read bucket carries `.r:*,.rlistings`). A bucket policy then adds grants
// (Allow) and takes them away (Deny wins, except that the owner may always manage the policy itself).
import { isApiError } from '../../../common/errors/api-error.js';
import type { StoredMetadata } from '../../model.js';
import type { ResolvedBucket } from '../../s3/bucket-service.js';
import { s3Errors } from '../../s3/s3-errors.js';
import { authorizeSwift, type Operation } from '../swift/access.js';
import { evaluatePolicy, parsePolicy, resourceArn, type BucketPolicy } from './policy.js';
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
  's3:GetObject': 'object-read',
  's3:GetObjectVersion': 'object-read',
  's3:GetObjectAcl': 'object-read',
  's3:PutObject': 'object-write',
  's3:PutObjectAcl': 'object-write',
  's3:DeleteObject': 'object-write',
  's3:DeleteObjectVersion': 'object-write',
  's3:AbortMultipartUpload': 'object-write',
  's3:ListMultipartUploadParts': 'object-write',
} as const satisfies Record<string, Operation>;

export type S3Action = keyof typeof OPERATION;

const POLICY_ACTIONS = new Set<S3Action>([
  's3:GetBucketPolicy',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
]);

/** Whether Swift's rules allow the operation (a predicate over authorizeSwift, which throws). */
export function swiftAllows(
  ctx: S3Context,
  projectId: string,
  operation: Operation,
  container?: StoredMetadata,
  account?: StoredMetadata,
): boolean {
  try {
    authorizeSwift({
      auth: ctx.caller.kind === 'key' ? ctx.caller.auth : undefined,
      projectId,
      operation,
      container,
      account,
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

/** Throws AccessDenied unless the caller may perform `action` on the bucket (and key). */
export async function authorize(
  ctx: S3Context,
  bucket: ResolvedBucket,
  action: S3Action,
  key?: string,
): Promise<void> {
  const policy = await bucketPolicy(ctx, bucket);
  const who =
    ctx.caller.kind === 'key' ? { projectId: ctx.caller.projectId, userId: ctx.caller.userId } : undefined;
  const decision = policy
    ? evaluatePolicy(policy, who, action, resourceArn(bucket.container.name, key))
    : 'none';
  const account = await accountMetadata(ctx, bucket.projectId);
  const allowed = swiftAllows(ctx, bucket.projectId, OPERATION[action], bucket.container.metadata, account);
  if (decision === 'deny') {
    const owner = who?.projectId === bucket.projectId;
    if (!(POLICY_ACTIONS.has(action) && owner && allowed)) throw s3Errors.accessDenied();
  }
  if (allowed || decision === 'allow') return;
  throw s3Errors.accessDenied();
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
