// S3 bucket versioning over the object store's versioning (src/object-store/versioning, shared with
// Swift's X-Versions-Enabled): Get/PutBucketVersioning (ListObjectVersions is in version-list.ts), and
// the version bookkeeping every S3 write and delete does (keeping the replaced object as a version, delete markers) and the
// versionId every read may name.
import type { FastifyReply } from 'fastify';
import type { StoredMetadata, StoredObject } from '../../model.js';
import type { ResolvedBucket } from '../../s3/bucket-service.js';
import { s3Error, s3Errors } from '../../s3/s3-errors.js';
import {
  normalizeVersionId,
  NULL_VERSION_ID,
  versionIdOf,
  versioningStateOf,
  type ObjectVersion,
  type VersioningState,
} from '../../versioning/index.js';
import { authorize } from './access.js';
import { isLockEnabled } from '../../object-lock.js';
import { bypassGovernance } from './object-lock-object.js';
import { readSmallBody } from './request-body.js';
import { requireBucket, sendEmpty, sendXml, type S3Context } from './s3-context.js';
import { childText, expectRoot, parseXml, MAX_XML_BYTES } from './xml-parse.js';
import { leaf, xmlDocument } from './xml.js';

export function stateOf(bucket: ResolvedBucket): VersioningState {
  return versioningStateOf(bucket.container.metadata);
}

/** A versionId parameter: "null", or an id of ours; anything else is InvalidArgument, as in S3. */
export function parseVersionId(raw: string): string {
  if (raw === NULL_VERSION_ID) return raw;
  const id = normalizeVersionId(raw);
  if (id === undefined) throw s3Errors.invalidArgumentValue('Invalid version id specified', 'versionId', raw);
  return id;
}

function noSuchVersion(versionId: string) {
  return s3Error('NoSuchVersion', 'The specified version does not exist.', { versionId });
}

/** The version a read names: NoSuchVersion if it does not exist; a delete marker is 405 as in S3. */
export async function requireVersion(
  ctx: S3Context,
  bucket: ResolvedBucket,
  key: string,
  rawVersionId: string,
): Promise<ObjectVersion> {
  const versionId = parseVersionId(rawVersionId);
  const version = await ctx.deps.versions.getVersion(bucket.projectId, bucket.container.name, key, versionId);
  if (!version) throw noSuchVersion(versionId);
  if (version.isDeleteMarker) {
    ctx.reply.headers({ 'x-amz-delete-marker': 'true', 'x-amz-version-id': versionId });
    throw s3Error('MethodNotAllowed', 'The specified method is not allowed against this resource.');
  }
  return version;
}

/** The object a read names (a version with ?versionId, else the current one), with x-amz-version-id. */
export async function readTarget(ctx: S3Context, bucket: ResolvedBucket, key: string): Promise<StoredObject> {
  const raw = ctx.query.get('versionId');
  if (raw !== null) {
    const version = await requireVersion(ctx, bucket, key, raw);
    ctx.reply.header('x-amz-version-id', version.versionId);
    return version.object;
  }
  const object = await ctx.deps.objects.findObject(bucket.projectId, bucket.container.name, key);
  if (!object) throw s3Errors.noSuchKey(key);
  if (stateOf(bucket) !== 'unversioned') ctx.reply.header('x-amz-version-id', versionIdOf(object));
  return object;
}

/** Version bookkeeping before a write of `key`: returns how to mark the new object and its id. */
export async function prepareVersionedWrite(
  ctx: S3Context,
  bucket: ResolvedBucket,
  key: string,
): Promise<{ apply(metadata: StoredMetadata): StoredMetadata; versionId: string | undefined }> {
  const state = stateOf(bucket);
  const prepared = await ctx.deps.versions.prepareWrite(bucket.projectId, bucket.container.name, key, state);
  return {
    versionId: state === 'unversioned' ? undefined : (prepared.versionId ?? NULL_VERSION_ID),
    apply(metadata) {
      for (const [name, value] of Object.entries(prepared.headers)) {
        if (value === null) delete metadata.headers[name];
        else metadata.headers[name] = value;
      }
      return metadata;
    },
  };
}

/** S3 DeleteObject without versionId: a delete marker when versioning is on, then the current object goes. */
export async function deleteCurrent(
  ctx: S3Context,
  bucket: ResolvedBucket,
  key: string,
  existing: StoredObject | undefined,
): Promise<{ versionId?: string; deleteMarker: boolean }> {
  const state = stateOf(bucket);
  const markerId = await ctx.deps.versions.prepareDelete(bucket.projectId, bucket.container.name, key, state);
  // With versioning enabled the current object was just archived: an Object Lock on it still holds there.
  if (existing) {
    await ctx.deps.objects.deleteObject(bucket.projectId, bucket.container.name, key, {
      keepsVersion: state === 'enabled',
    });
  }
  if (markerId !== undefined) return { versionId: markerId, deleteMarker: true };
  return { versionId: state === 'suspended' ? NULL_VERSION_ID : undefined, deleteMarker: false };
}

/** DeleteObject with versionId: that version goes for good (a missing one is no error). */
export async function deleteVersion(
  ctx: S3Context,
  bucket: ResolvedBucket,
  key: string,
  rawVersionId: string,
): Promise<{ versionId: string; deleteMarker: boolean }> {
  const versionId = parseVersionId(rawVersionId);
  const { versions } = ctx.deps;
  const target = await versions.getVersion(bucket.projectId, bucket.container.name, key, versionId);
  if (!target) return { versionId, deleteMarker: false };
  await versions.deleteVersion(bucket.projectId, bucket.container.name, key, versionId, {
    promotePrevious: true,
    bypassGovernance: await bypassGovernance(ctx, bucket, key),
  });
  return { versionId, deleteMarker: target.isDeleteMarker };
}

export async function getBucketVersioning(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:GetBucketVersioning');
  const state = stateOf(bucket);
  const status = state === 'enabled' ? 'Enabled' : state === 'suspended' ? 'Suspended' : undefined;
  return sendXml(ctx, 200, xmlDocument('VersioningConfiguration', leaf('Status', status)));
}

export async function putBucketVersioning(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:PutBucketVersioning');
  const root = expectRoot(parseXml(await readSmallBody(ctx, MAX_XML_BYTES)), 'VersioningConfiguration');
  const status = childText(root, 'Status');
  if (childText(root, 'MfaDelete') === 'Enabled') throw s3Errors.notImplemented('MFA delete');
  if (status !== 'Enabled' && status !== 'Suspended') {
    throw s3Error('IllegalVersioningConfigurationException', 'The Versioning element must be specified');
  }
  if (status === 'Suspended' && isLockEnabled(bucket.container)) {
    throw s3Error(
      'InvalidBucketState',
      'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.',
    );
  }
  if (status === 'Suspended' && stateOf(bucket) === 'unversioned') return sendEmpty(ctx, 200);
  await ctx.deps.versions.setState(bucket.projectId, bucket.container.name, status === 'Enabled');
  return sendEmpty(ctx, 200);
}
