// Which S3 operation a request is: by method, by whether it names a bucket and a key, and by its
// sub-resource query parameters. Known operations this server does not have are NotImplemented.
import type { FastifyReply } from 'fastify';
import { s3Error, s3Errors } from '../../s3/s3-errors.js';
import { getBucketAcl, putBucketAcl } from './bucket-acl.js';
import { getObjectAcl, putObjectAcl } from './object-acl.js';
import { createBucket, deleteBucket, getBucketLocation, headBucket, listBuckets } from './bucket-handlers.js';
import {
  deleteBucketOwnershipControls,
  deletePublicAccessBlock,
  getBucketOwnershipControls,
  getPublicAccessBlock,
  putBucketOwnershipControls,
  putPublicAccessBlock,
} from './bucket-controls.js';
import {
  deleteBucketPolicy,
  getBucketPolicy,
  getBucketPolicyStatus,
  putBucketPolicy,
} from './bucket-policy.js';
import { defaultReaderOf } from './bucket-defaults.js';
import { deleteBucketCors, getBucketCors, preflight, putBucketCors } from './cors.js';
import { deleteObjects } from './delete-objects.js';
import { listObjectsV1, listObjectsV2 } from './list-objects.js';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  uploadPart,
} from './multipart-handlers.js';
import { listMultipartUploads, listParts } from './multipart-list.js';
import { copyObject } from './object-copy.js';
import { deleteBucketEncryption, getBucketEncryption, putBucketEncryption } from './bucket-encryption.js';
import { deleteBucketLifecycle, getBucketLifecycle, putBucketLifecycle } from './lifecycle.js';
import { getObjectAttributes } from './object-attributes.js';
import { postObject } from './post-object.js';
import { getObject } from './object-read.js';
import { deleteObject, putObject } from './object-write.js';
import {
  deleteBucketTagging,
  deleteObjectTagging,
  getBucketTagging,
  getObjectTagging,
  putBucketTagging,
  putObjectTagging,
} from './tagging.js';
import { getBucketVersioning, putBucketVersioning } from './versioning.js';
import { getObjectLockConfiguration, putObjectLockConfiguration } from './object-lock-bucket.js';
import {
  getObjectLegalHold,
  getObjectRetention,
  putObjectLegalHold,
  putObjectRetention,
} from './object-lock-object.js';
import { listObjectVersions } from './version-list.js';
import { requireBucket, requireKey, type S3Context } from './s3-context.js';

const UNSUPPORTED_BUCKET_SUBRESOURCES = [
  'accelerate',
  'analytics',
  'intelligent-tiering',
  'inventory',
  'logging',
  'metadataTable',
  'metrics',
  'notification',
  'replication',
  'requestPayment',
  'session',
  'website',
];

const UNSUPPORTED_OBJECT_SUBRESOURCES = ['renameObject', 'restore', 'select', 'torrent'];

function refuseUnsupported(ctx: S3Context, names: readonly string[]): void {
  const found = names.find((name) => ctx.query.has(name));
  if (found !== undefined) throw s3Errors.notImplemented(`The ${found} sub-resource`);
}

function methodNotAllowed(): never {
  throw s3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.');
}

async function bucketGet(ctx: S3Context): Promise<FastifyReply> {
  const q = ctx.query;
  if (q.has('location')) return getBucketLocation(ctx);
  if (q.has('versioning')) return getBucketVersioning(ctx);
  if (q.has('versions')) return listObjectVersions(ctx);
  if (q.has('acl')) return getBucketAcl(ctx);
  if (q.has('tagging')) return getBucketTagging(ctx);
  if (q.has('lifecycle')) return getBucketLifecycle(ctx);
  if (q.has('cors')) return getBucketCors(ctx);
  if (q.has('policy')) return getBucketPolicy(ctx);
  if (q.has('policyStatus')) return getBucketPolicyStatus(ctx);
  if (q.has('ownershipControls')) return getBucketOwnershipControls(ctx);
  if (q.has('encryption')) return getBucketEncryption(ctx);
  if (q.has('publicAccessBlock')) return getPublicAccessBlock(ctx);
  if (q.has('object-lock')) return getObjectLockConfiguration(ctx);
  if (q.has('uploads')) return listMultipartUploads(ctx);
  const listType = q.get('list-type');
  if (listType === '2') return listObjectsV2(ctx);
  if (listType !== null) throw s3Error('InvalidArgument', 'Invalid List Type specified in Request');
  return listObjectsV1(ctx);
}

async function bucketRoute(ctx: S3Context): Promise<FastifyReply> {
  const settingDefault = defaultReaderOf(ctx);
  if (settingDefault) return settingDefault(ctx);
  refuseUnsupported(ctx, UNSUPPORTED_BUCKET_SUBRESOURCES);
  const q = ctx.query;
  switch (ctx.request.method) {
    case 'GET':
      return bucketGet(ctx);
    case 'HEAD':
      return headBucket(ctx);
    case 'PUT':
      if (q.has('versioning')) return putBucketVersioning(ctx);
      if (q.has('acl')) return putBucketAcl(ctx);
      if (q.has('tagging')) return putBucketTagging(ctx);
      if (q.has('lifecycle')) return putBucketLifecycle(ctx);
      if (q.has('cors')) return putBucketCors(ctx);
      if (q.has('policy')) return putBucketPolicy(ctx);
      if (q.has('ownershipControls')) return putBucketOwnershipControls(ctx);
      if (q.has('encryption')) return putBucketEncryption(ctx);
      if (q.has('publicAccessBlock')) return putPublicAccessBlock(ctx);
      if (q.has('object-lock')) return putObjectLockConfiguration(ctx);
      return createBucket(ctx);
    case 'DELETE':
      if (q.has('cors')) return deleteBucketCors(ctx);
      if (q.has('tagging')) return deleteBucketTagging(ctx);
      if (q.has('lifecycle')) return deleteBucketLifecycle(ctx);
      if (q.has('policy')) return deleteBucketPolicy(ctx);
      if (q.has('ownershipControls')) return deleteBucketOwnershipControls(ctx);
      if (q.has('encryption')) return deleteBucketEncryption(ctx);
      if (q.has('publicAccessBlock')) return deletePublicAccessBlock(ctx);
      return deleteBucket(ctx);
    case 'POST':
      if (q.has('delete')) return deleteObjects(ctx);
      return postObject(ctx);
    default:
      return methodNotAllowed();
  }
}

async function objectWrite(ctx: S3Context): Promise<FastifyReply> {
  const q = ctx.query;
  const bucket = await requireBucket(ctx);
  const key = requireKey(ctx);
  if (ctx.request.method === 'PUT') {
    if (q.has('uploadId') || q.has('partNumber')) return uploadPart(ctx, bucket);
    if (ctx.headers['x-amz-copy-source'] !== undefined) return copyObject(ctx, bucket, key);
    return putObject(ctx, bucket, key);
  }
  if (q.has('uploads')) return createMultipartUpload(ctx, bucket, key);
  if (q.has('uploadId')) return completeMultipartUpload(ctx, bucket);
  throw s3Errors.notImplemented('This POST request');
}

async function objectRoute(ctx: S3Context): Promise<FastifyReply> {
  refuseUnsupported(ctx, UNSUPPORTED_OBJECT_SUBRESOURCES);
  const q = ctx.query;
  switch (ctx.request.method) {
    case 'GET':
    case 'HEAD':
      if (q.has('acl')) return getObjectAcl(ctx);
      if (q.has('tagging') && ctx.request.method === 'GET') return getObjectTagging(ctx);
      if (q.has('attributes') && ctx.request.method === 'GET') return getObjectAttributes(ctx);
      if (q.has('retention') && ctx.request.method === 'GET') return getObjectRetention(ctx);
      if (q.has('legal-hold') && ctx.request.method === 'GET') return getObjectLegalHold(ctx);
      if (q.has('uploadId') && ctx.request.method === 'GET') return listParts(ctx, await requireBucket(ctx));
      return getObject(ctx);
    case 'PUT':
      if (q.has('acl')) return putObjectAcl(ctx);
      if (q.has('tagging')) return putObjectTagging(ctx);
      if (q.has('retention')) return putObjectRetention(ctx);
      if (q.has('legal-hold')) return putObjectLegalHold(ctx);
      return objectWrite(ctx);
    case 'POST':
      return objectWrite(ctx);
    case 'DELETE':
      if (q.has('uploadId')) return abortMultipartUpload(ctx, await requireBucket(ctx));
      if (q.has('tagging')) return deleteObjectTagging(ctx);
      return deleteObject(ctx);
    default:
      return methodNotAllowed();
  }
}

/** Dispatches a request to its operation. */
export async function route(ctx: S3Context): Promise<FastifyReply> {
  if (ctx.request.method === 'OPTIONS') return preflight(ctx);
  if (ctx.bucketName === undefined) {
    if (ctx.request.method === 'GET') return listBuckets(ctx);
    return methodNotAllowed();
  }
  if (ctx.key === undefined) return bucketRoute(ctx);
  return objectRoute(ctx);
}
