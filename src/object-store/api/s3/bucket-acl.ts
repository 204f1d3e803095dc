// Canned ACLs over Swift's container ACL: public-read is X-Container-Read `.r:*,.rlistings` (anyone
// may read objects and list), private is their absence; other elements of the Swift ACL (grants to
// projects and users) are kept. Objects have no ACL of their own: theirs is the bucket's.
import type { FastifyReply } from 'fastify';
import type { StoredMetadata } from '../../model.js';
import type { ResolvedBucket } from '../../s3/bucket-service.js';
import { s3Error, s3Errors } from '../../s3/s3-errors.js';
import { authorize } from './access.js';
import { readTarget } from './versioning.js';
import { readSmallBody } from './request-body.js';
import { requireBucket, requireKey, sendEmpty, sendXml, type S3Context } from './s3-context.js';
import { childNamed, childText, childrenNamed, expectRoot, parseXml, MAX_XML_BYTES } from './xml-parse.js';
import { el, leaf, ownerXml, xmlDocument } from './xml.js';

export type CannedAcl = 'private' | 'public-read';

const PUBLIC_ELEMENTS = ['.r:*', '.rlistings'];
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** The x-amz-acl header as a canned ACL we support; NotImplemented for the others. */
export function cannedAclFromHeader(ctx: S3Context): CannedAcl | undefined {
  const value = ctx.headers['x-amz-acl'];
  if (value === undefined) return undefined;
  if (value === 'private' || value === 'public-read') return value;
  if (['public-read-write', 'authenticated-read', 'aws-exec-read', 'log-delivery-write'].includes(value)) {
    throw s3Errors.notImplemented(`The canned ACL ${value}`);
  }
  throw s3Error('InvalidArgument', `The canned ACL ${value} is not valid.`);
}

function readElements(metadata: StoredMetadata): string[] {
  return (metadata.headers['x-container-read'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The container metadata with its read ACL made public or private. */
export function applyCannedAcl(metadata: StoredMetadata, acl: CannedAcl): StoredMetadata {
  const kept = readElements(metadata).filter((e) => !PUBLIC_ELEMENTS.includes(e) && !e.startsWith('.r:'));
  const elements = acl === 'public-read' ? [...PUBLIC_ELEMENTS, ...kept] : kept;
  const headers = { ...metadata.headers };
  if (elements.length > 0) headers['x-container-read'] = elements.join(',');
  else delete headers['x-container-read'];
  return { meta: { ...metadata.meta }, headers };
}

export function isPublicRead(metadata: StoredMetadata): boolean {
  const elements = readElements(metadata);
  return elements.includes('.r:*');
}

function aclDocument(ownerId: string, publicRead: boolean): string {
  const grants = [
    el(
      'Grant',
      `<Grantee xmlns:xsi="${XSI}" xsi:type="CanonicalUser">${leaf('ID', ownerId)}${leaf('DisplayName', ownerId)}</Grantee>`,
      leaf('Permission', 'FULL_CONTROL'),
    ),
  ];
  if (publicRead) {
    grants.push(
      el(
        'Grant',
        `<Grantee xmlns:xsi="${XSI}" xsi:type="Group">${leaf('URI', ALL_USERS)}</Grantee>`,
        leaf('Permission', 'READ'),
      ),
    );
  }
  return xmlDocument('AccessControlPolicy', ownerXml('Owner', ownerId), el('AccessControlList', ...grants));
}

/** An AccessControlPolicy body, accepted when it is one of the two canned ACLs we support. */
function cannedAclFromBody(body: Buffer, ownerId: string): CannedAcl {
  const root = expectRoot(parseXml(body), 'AccessControlPolicy');
  const list = childNamed(root, 'AccessControlList');
  const grants = list ? childrenNamed(list, 'Grant') : [];
  let owner = false;
  let publicRead = false;
  for (const grant of grants) {
    const grantee = childNamed(grant, 'Grantee');
    const permission = childText(grant, 'Permission');
    const id = grantee && childText(grantee, 'ID');
    const uri = grantee && childText(grantee, 'URI');
    if (id === ownerId && permission === 'FULL_CONTROL') owner = true;
    else if (uri === ALL_USERS && permission === 'READ') publicRead = true;
    else throw s3Errors.notImplemented('ACL grants other than the owner and public read');
  }
  if (!owner) throw s3Error('MalformedACLError', 'The ACL must grant FULL_CONTROL to the bucket owner.');
  return publicRead ? 'public-read' : 'private';
}

export async function getBucketAcl(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:GetBucketAcl');
  return sendXml(ctx, 200, aclDocument(bucket.projectId, isPublicRead(bucket.container.metadata)));
}

async function setBucketAcl(ctx: S3Context, bucket: ResolvedBucket, acl: CannedAcl): Promise<void> {
  const metadata = applyCannedAcl(bucket.container.metadata, acl);
  await ctx.deps.objects.setContainerMetadata(bucket.projectId, bucket.container.name, metadata);
  // Anonymous readers find a public bucket by its globally registered name.
  if (acl === 'public-read') await ctx.deps.buckets.register(bucket);
}

export async function putBucketAcl(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:PutBucketAcl');
  const fromHeader = cannedAclFromHeader(ctx);
  const body = await readSmallBody(ctx, MAX_XML_BYTES);
  if (fromHeader !== undefined && body.length > 0) {
    throw s3Error('UnexpectedContent', 'This request does not support content');
  }
  if (fromHeader === undefined && body.length === 0) {
    throw s3Error('MissingRequestBodyError', 'Request Body is empty');
  }
  await setBucketAcl(ctx, bucket, fromHeader ?? cannedAclFromBody(body, bucket.projectId));
  return sendEmpty(ctx, 200);
}

export async function getObjectAcl(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  const key = requireKey(ctx);
  await authorize(ctx, bucket, 's3:GetObjectAcl', key);
  await readTarget(ctx, bucket, key);
  return sendXml(ctx, 200, aclDocument(bucket.projectId, isPublicRead(bucket.container.metadata)));
}

/** Objects follow their bucket's ACL, so only an ACL that changes nothing for the object is accepted. */
export async function putObjectAcl(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  const key = requireKey(ctx);
  await authorize(ctx, bucket, 's3:PutObjectAcl', key);
  await readTarget(ctx, bucket, key);
  const fromHeader = cannedAclFromHeader(ctx);
  const body = await readSmallBody(ctx, MAX_XML_BYTES);
  const wanted = fromHeader ?? (body.length > 0 ? cannedAclFromBody(body, bucket.projectId) : undefined);
  if (wanted === undefined) throw s3Error('MissingRequestBodyError', 'Request Body is empty');
  if (wanted !== (isPublicRead(bucket.container.metadata) ? 'public-read' : 'private')) {
    throw s3Errors.notImplemented("Object ACLs that differ from their bucket's");
  }
  return sendEmpty(ctx, 200);
}
