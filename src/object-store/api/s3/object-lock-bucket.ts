// S3 Object Lock at the bucket: CreateBucket's x-amz-bucket-object-lock-enabled (which turns versioning on
// for good), Get/PutObjectLockConfiguration with its default retention, and the lock each new object
// gets (its x-amz-object-lock-* headers, else the bucket's default). Enforcement is the object service's
// (src/object-store/object-lock.ts), so that no front end and no caller escapes it.
import type { FastifyReply } from 'fastify';
import type { StoredMetadata } from '../../model.js';
import { isLockEnabled, withLock, type ObjectLock, type RetentionMode } from '../../object-lock.js';
import type { ResolvedBucket } from '../../s3/bucket-service.js';
import { s3Error, s3Errors } from '../../s3/s3-errors.js';
import { authorize } from './access.js';
import { readSmallBody } from './request-body.js';
import { requireBucket, sendEmpty, sendXml, type S3Context } from './s3-context.js';
import { childNamed, childText, expectRoot, parseXml, MAX_XML_BYTES } from './xml-parse.js';
import { el, leaf, xmlDocument } from './xml.js';

/** The bucket's default retention, as stored in its 'objectLock' configuration. */
interface DefaultRetention {
  mode: RetentionMode;
  days?: number | undefined;
  years?: number | undefined;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function parseMode(value: string | undefined): RetentionMode {
  if (value === 'GOVERNANCE' || value === 'COMPLIANCE') return value;
  throw s3Errors.malformedXml(`unknown retention mode ${String(value)}`);
}

export function missingLockConfiguration() {
  return s3Errors.invalidRequest('Bucket is missing Object Lock Configuration');
}

async function defaultRetention(
  ctx: S3Context,
  bucket: ResolvedBucket,
): Promise<DefaultRetention | undefined> {
  const stored = await ctx.deps.buckets.getConfig(bucket, 'objectLock');
  return stored === undefined ? undefined : (JSON.parse(stored) as DefaultRetention);
}

export async function getObjectLockConfiguration(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:GetBucketObjectLockConfiguration');
  if (!isLockEnabled(bucket.container)) {
    throw s3Error(
      'ObjectLockConfigurationNotFoundError',
      'Object Lock configuration does not exist for this bucket',
    );
  }
  const rule = await defaultRetention(ctx, bucket);
  const body = xmlDocument(
    'ObjectLockConfiguration',
    leaf('ObjectLockEnabled', 'Enabled'),
    rule &&
      el(
        'Rule',
        el('DefaultRetention', leaf('Mode', rule.mode), leaf('Days', rule.days), leaf('Years', rule.years)),
      ),
  );
  return sendXml(ctx, 200, body);
}

function positive(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d{1,6}$/.test(value.trim()) ? Number(value) : 0;
  if (n < 1) throw s3Errors.invalidArgument('Default retention period must be a positive integer value.');
  return n;
}

export async function putObjectLockConfiguration(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:PutBucketObjectLockConfiguration');
  const root = expectRoot(parseXml(await readSmallBody(ctx, MAX_XML_BYTES)), 'ObjectLockConfiguration');
  if (childText(root, 'ObjectLockEnabled') !== 'Enabled') {
    throw s3Errors.malformedXml('ObjectLockEnabled must be Enabled');
  }
  if (!isLockEnabled(bucket.container)) {
    throw s3Error('InvalidBucketState', 'Object Lock configuration cannot be enabled on existing buckets');
  }
  const retention = childNamed(childNamed(root, 'Rule') ?? root, 'DefaultRetention');
  if (!childNamed(root, 'Rule')) {
    await ctx.deps.buckets.deleteConfig(bucket, 'objectLock');
    return sendEmpty(ctx, 200);
  }
  if (!retention) throw s3Errors.malformedXml('Rule needs a DefaultRetention');
  const rule: DefaultRetention = {
    mode: parseMode(childText(retention, 'Mode')),
    days: positive(childText(retention, 'Days')),
    years: positive(childText(retention, 'Years')),
  };
  if ((rule.days === undefined) === (rule.years === undefined)) {
    throw s3Errors.malformedXml('DefaultRetention needs exactly one of Days and Years');
  }
  await ctx.deps.buckets.putConfig(bucket, 'objectLock', JSON.stringify(rule));
  return sendEmpty(ctx, 200);
}

/** x-amz-object-lock-retain-until-date: ISO 8601, in the future. */
export function parseRetainUntil(value: string, now: Date): Date {
  const date = new Date(value.trim());
  if (Number.isNaN(date.getTime())) {
    throw s3Errors.invalidArgument('The retain until date must be provided in ISO 8601 format');
  }
  if (date <= now) throw s3Errors.invalidArgument('The retain until date must be in the future!');
  return date;
}

/** The lock a new object gets: from its x-amz-object-lock-* headers, else the bucket's default retention. */
async function lockForWrite(ctx: S3Context, bucket: ResolvedBucket): Promise<ObjectLock | undefined> {
  const mode = ctx.headers['x-amz-object-lock-mode'];
  const until = ctx.headers['x-amz-object-lock-retain-until-date'];
  const hold = ctx.headers['x-amz-object-lock-legal-hold'];
  const asked = mode !== undefined || until !== undefined || hold !== undefined;
  if (!isLockEnabled(bucket.container)) {
    if (asked) throw missingLockConfiguration();
    return undefined;
  }
  if ((mode === undefined) !== (until === undefined)) {
    throw s3Errors.invalidArgument(
      'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied',
    );
  }
  if (hold !== undefined && hold !== 'ON' && hold !== 'OFF') {
    throw s3Errors.invalidArgument('Legal Hold must be either of ON or OFF');
  }
  const legalHold = hold === 'ON';
  if (mode !== undefined && until !== undefined) {
    if (mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE')
      throw s3Errors.invalidArgument('Unknown wormMode directive.');
    return { mode, retainUntil: parseRetainUntil(until, ctx.now), legalHold };
  }
  const rule = await defaultRetention(ctx, bucket);
  if (!rule) return { mode: undefined, retainUntil: undefined, legalHold };
  const days = rule.days ?? (rule.years ?? 0) * 365;
  return { mode: rule.mode, retainUntil: new Date(ctx.now.getTime() + days * DAY_MS), legalHold };
}

/** Records the new object's lock in `metadata` (and drops a lock copied from a source object). */
export async function withWriteLock(
  ctx: S3Context,
  bucket: ResolvedBucket,
  metadata: StoredMetadata,
): Promise<StoredMetadata> {
  const lock = await lockForWrite(ctx, bucket);
  return withLock(metadata, lock ?? { mode: undefined, retainUntil: undefined, legalHold: false });
}
