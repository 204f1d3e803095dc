// S3 Object Lock on one object version: Get/PutObjectRetention, Get/PutObjectLegalHold, the
// x-amz-object-lock-* headers of GET and HEAD, and x-amz-bypass-governance-retention. A retention may
// be extended by anyone who may write the object; COMPLIANCE is never shortened, removed or weakened,
// and GOVERNANCE only with the bypass (s3:BypassGovernanceRetention, the bucket owner's).
import type { FastifyReply } from 'fastify';
import type { StoredObject } from '../../model.js';
import { isLockEnabled, isRetained, lockOf, withLock, type ObjectLock } from '../../object-lock.js';
import type { ResolvedBucket } from '../../s3/bucket-service.js';
import { s3Error, s3Errors } from '../../s3/s3-errors.js';
import { authorize, type S3Action } from './access.js';
import { missingLockConfiguration, parseMode, parseRetainUntil } from './object-lock-bucket.js';
import { readSmallBody } from './request-body.js';
import { requireBucket, requireKey, sendEmpty, sendXml, type S3Context } from './s3-context.js';
import { readTarget } from './versioning.js';
import { childText, expectRoot, parseXml, MAX_XML_BYTES } from './xml-parse.js';
import { leaf, xmlDocument } from './xml.js';

/** x-amz-bypass-governance-retention: true, from a caller allowed to bypass (else AccessDenied). */
export async function bypassGovernance(
  ctx: S3Context,
  bucket: ResolvedBucket,
  key: string,
): Promise<boolean> {
  if (ctx.headers['x-amz-bypass-governance-retention']?.toLowerCase() !== 'true') return false;
  await authorize(ctx, bucket, 's3:BypassGovernanceRetention', key);
  return true;
}

/** The lock headers of a GET or HEAD response. */
export function lockHeaders(object: StoredObject): Record<string, string> {
  const lock = lockOf(object.metadata);
  const out: Record<string, string> = {};
  if (lock.mode && lock.retainUntil) {
    out['x-amz-object-lock-mode'] = lock.mode;
    out['x-amz-object-lock-retain-until-date'] = lock.retainUntil.toISOString();
  }
  if (lock.legalHold) out['x-amz-object-lock-legal-hold'] = 'ON';
  return out;
}

async function lockTarget(ctx: S3Context, action: S3Action) {
  const bucket = await requireBucket(ctx);
  const key = requireKey(ctx);
  await authorize(ctx, bucket, action, key);
  if (!isLockEnabled(bucket.container)) throw missingLockConfiguration();
  return { bucket, key, object: await readTarget(ctx, bucket, key) };
}

async function saveLock(ctx: S3Context, object: StoredObject, lock: ObjectLock): Promise<void> {
  const metadata = withLock({ meta: object.metadata.meta, headers: { ...object.metadata.headers } }, lock);
  await ctx.deps.objects.updateObjectMetadata(object, metadata, object.contentType, object.deleteAt);
}

export async function getObjectRetention(ctx: S3Context): Promise<FastifyReply> {
  const { object } = await lockTarget(ctx, 's3:GetObjectRetention');
  const lock = lockOf(object.metadata);
  if (!lock.mode || !lock.retainUntil) {
    throw s3Error(
      'NoSuchObjectLockConfiguration',
      'The specified object does not have a ObjectLock configuration',
    );
  }
  const body = xmlDocument(
    'Retention',
    leaf('Mode', lock.mode),
    leaf('RetainUntilDate', lock.retainUntil.toISOString()),
  );
  return sendXml(ctx, 200, body);
}

export async function putObjectRetention(ctx: S3Context): Promise<FastifyReply> {
  const { bucket, key, object } = await lockTarget(ctx, 's3:PutObjectRetention');
  const root = expectRoot(parseXml(await readSmallBody(ctx, MAX_XML_BYTES)), 'Retention');
  const modeText = childText(root, 'Mode');
  const untilText = childText(root, 'RetainUntilDate');
  const next = {
    mode: modeText === undefined ? undefined : parseMode(modeText),
    retainUntil: untilText === undefined ? undefined : parseRetainUntil(untilText, ctx.now),
  };
  if ((next.mode === undefined) !== (next.retainUntil === undefined)) {
    throw s3Errors.malformedXml('Retention needs both Mode and RetainUntilDate');
  }
  const current = lockOf(object.metadata);
  if (isRetained(current, ctx.now)) {
    const weaker =
      next.retainUntil === undefined ||
      next.retainUntil < (current.retainUntil as Date) ||
      (current.mode === 'COMPLIANCE' && next.mode !== 'COMPLIANCE');
    if (weaker && (current.mode === 'COMPLIANCE' || !(await bypassGovernance(ctx, bucket, key)))) {
      throw s3Errors.accessDenied();
    }
  }
  await saveLock(ctx, object, { ...next, legalHold: current.legalHold });
  return sendEmpty(ctx, 200);
}

export async function getObjectLegalHold(ctx: S3Context): Promise<FastifyReply> {
  const { object } = await lockTarget(ctx, 's3:GetObjectLegalHold');
  const status = lockOf(object.metadata).legalHold ? 'ON' : 'OFF';
  return sendXml(ctx, 200, xmlDocument('LegalHold', leaf('Status', status)));
}

export async function putObjectLegalHold(ctx: S3Context): Promise<FastifyReply> {
  const { object } = await lockTarget(ctx, 's3:PutObjectLegalHold');
  const root = expectRoot(parseXml(await readSmallBody(ctx, MAX_XML_BYTES)), 'LegalHold');
  const status = childText(root, 'Status');
  if (status !== 'ON' && status !== 'OFF') throw s3Errors.malformedXml('LegalHold Status must be ON or OFF');
  await saveLock(ctx, object, { ...lockOf(object.metadata), legalHold: status === 'ON' });
  return sendEmpty(ctx, 200);
}
