// Bucket operations: ListBuckets, CreateBucket (with LocationConstraint and a canned ACL), HeadBucket,
// DeleteBucket and GetBucketLocation.
import type { FastifyReply } from 'fastify';
import { CONTAINER_OBJECT_LOCK } from '../../object-lock.js';
import { s3Error, s3Errors } from '../../s3/s3-errors.js';
import { authorize, authorizeOwnAccount } from './access.js';
import { checkNewBucketName } from './addressing.js';
import { newBucketMetadata } from './bucket-acl.js';
import { OBJECT_OWNERSHIPS, type ObjectOwnership } from './bucket-guards.js';
import { readSmallBody } from './request-body.js';
import { requireBucket, sendEmpty, sendXml, type S3Context } from './s3-context.js';
import { childText, expectRoot, parseXml, MAX_XML_BYTES } from './xml-parse.js';
import { el, leaf, ownerXml, xmlDocument } from './xml.js';

const MAX_BUCKETS_LISTED = 10_000;

export async function listBuckets(ctx: S3Context): Promise<FastifyReply> {
  const projectId = authorizeOwnAccount(ctx, 's3:ListAllMyBuckets');
  const prefix = ctx.query.get('prefix') ?? undefined;
  const listed = await ctx.deps.objects.listContainers(projectId, { prefix, limit: MAX_BUCKETS_LISTED });
  const buckets = listed.flatMap((entry) =>
    entry.kind === 'item'
      ? [
          el(
            'Bucket',
            leaf('Name', entry.item.name),
            leaf('CreationDate', entry.item.createdAt),
            leaf('BucketRegion', ctx.deps.config.region),
          ),
        ]
      : [],
  );
  const body = xmlDocument(
    'ListAllMyBucketsResult',
    ownerXml('Owner', projectId),
    el('Buckets', ...buckets),
    prefix !== undefined && leaf('Prefix', prefix),
  );
  return sendXml(ctx, 200, body);
}

/** The LocationConstraint of a CreateBucket body must name this region (or be empty, us-east-1's way). */
async function checkLocationConstraint(ctx: S3Context): Promise<void> {
  const body = await readSmallBody(ctx, MAX_XML_BYTES);
  if (body.length === 0) return;
  const root = expectRoot(parseXml(body), 'CreateBucketConfiguration');
  const location = childText(root, 'LocationConstraint') ?? '';
  const region = ctx.deps.config.region;
  if (location !== '' && location !== region && location !== 'us-east-1') {
    throw s3Error(
      'IllegalLocationConstraintException',
      `The ${location} location constraint is incompatible for the region specific endpoint this request was sent to.`,
    );
  }
}

/** x-amz-object-ownership on CreateBucket. */
function objectOwnershipHeader(ctx: S3Context): ObjectOwnership | undefined {
  const value = ctx.headers['x-amz-object-ownership'];
  if (value === undefined) return undefined;
  if (!(OBJECT_OWNERSHIPS as readonly string[]).includes(value)) {
    throw s3Errors.invalidArgumentValue(
      'Invalid x-amz-object-ownership header',
      'x-amz-object-ownership',
      value,
    );
  }
  if (value === 'BucketOwnerEnforced' && (ctx.headers['x-amz-acl'] ?? 'private') !== 'private') {
    throw s3Error(
      'InvalidBucketAclWithObjectOwnership',
      "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
    );
  }
  return value as ObjectOwnership;
}

export async function createBucket(ctx: S3Context): Promise<FastifyReply> {
  const projectId = authorizeOwnAccount(ctx, 's3:CreateBucket');
  const name = ctx.bucketName as string;
  checkNewBucketName(name);
  const objectLock = ctx.headers['x-amz-bucket-object-lock-enabled']?.toLowerCase() === 'true';
  await checkLocationConstraint(ctx);
  const metadata = newBucketMetadata(ctx, projectId);
  // Object Lock is chosen at creation, for good, and keeps versioning on (object-lock.ts).
  if (objectLock) metadata.headers[CONTAINER_OBJECT_LOCK] = 'Enabled';
  const ownership = objectOwnershipHeader(ctx);
  await ctx.deps.buckets.create(projectId, name, metadata);
  if (objectLock) await ctx.deps.versions.setState(projectId, name, true);
  if (ownership !== undefined) {
    const bucket = await requireBucket(ctx);
    await ctx.deps.buckets.putConfig(bucket, 'ownershipControls', ownership);
  }
  ctx.reply.header('location', `/${name}`);
  return sendEmpty(ctx, 200);
}

export async function headBucket(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:ListBucket');
  ctx.reply.header('x-amz-bucket-region', ctx.deps.config.region);
  return ctx.reply.status(200).send();
}

export async function deleteBucket(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:DeleteBucket');
  await ctx.deps.buckets.delete(bucket);
  return sendEmpty(ctx, 204);
}

export async function getBucketLocation(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:GetBucketLocation');
  const region = ctx.deps.config.region;
  // us-east-1 is the empty constraint, as AWS answers.
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${region === 'us-east-1' ? '' : region}</LocationConstraint>`;
  return sendXml(ctx, 200, body);
}
