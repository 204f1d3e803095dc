// Get/Put/DeleteBucketLifecycleConfiguration: the XML rules validated as S3 validates them and kept as
// JSON (s3/lifecycle-rules.ts); s3/lifecycle-service.ts applies them. Transitions need storage classes
// this server does not have, so they are refused with InvalidStorageClass.
import type { FastifyReply } from 'fastify';
import type { StoredObject } from '../../model.js';
import type { ResolvedBucket } from '../../s3/bucket-service.js';
import { expirationHeader, type LifecycleFilter, type LifecycleRule } from '../../s3/lifecycle-rules.js';
import { s3Error, s3Errors } from '../../s3/s3-errors.js';
import { checkTagSet, MAX_OBJECT_TAGS, objectTagsOf } from '../../s3/tag-set.js';
import { authorize } from './access.js';
import { readSmallBody } from './request-body.js';
import { requireBucket, sendEmpty, sendXml, type S3Context } from './s3-context.js';
import {
  childNamed,
  childText,
  childrenNamed,
  expectRoot,
  parseXml,
  MAX_XML_BYTES,
  type XmlElement,
} from './xml-parse.js';
import { el, leaf, xmlDocument, type Child } from './xml.js';

const MAX_RULES = 1000;

function malformed(reason: string): never {
  throw s3Errors.malformedXml(reason);
}

function positiveInteger(element: XmlElement, name: string, what: string): number | undefined {
  const text = childText(element, name);
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text.trim()) || Number(text) < 1) {
    throw s3Errors.invalidArgument(`'${name}' for ${what} action must be a positive integer`);
  }
  return Number(text);
}

/** S3 validates the body against its schema: an element it does not know is MalformedXML. */
function onlyChildren(element: XmlElement, allowed: readonly string[]): void {
  const unknown = element.children.find((c) => !allowed.includes(c.name));
  if (unknown) malformed(`unexpected element ${unknown.name} in ${element.name}`);
}

const RULE_CHILDREN = [
  'ID',
  'Prefix',
  'Filter',
  'Status',
  'Expiration',
  'Transition',
  'NoncurrentVersionTransition',
  'NoncurrentVersionExpiration',
  'AbortIncompleteMultipartUpload',
] as const;
const FILTER_CHILDREN = ['Prefix', 'Tag', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan', 'And'] as const;
const AND_CHILDREN = ['Prefix', 'Tag', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan'] as const;
/** NewerNoncurrentVersions keeps at most this many noncurrent versions. */
const MAX_NEWER_NONCURRENT = 100;

function tagOf(tag: XmlElement): { key: string; value: string } {
  const key = childText(tag, 'Key');
  if (key === undefined) malformed('a Tag without Key');
  return { key, value: childText(tag, 'Value') ?? '' };
}

function sizeOf(element: XmlElement, name: string): number | undefined {
  const text = childText(element, name);
  if (text === undefined) return undefined;
  if (!/^\d{1,16}$/.test(text.trim()))
    throw s3Errors.invalidArgument(`'${name}' must be a non-negative integer`);
  return Number(text);
}

function parseFilter(rule: XmlElement): { filter: LifecycleFilter; legacyPrefix: boolean } {
  const element = childNamed(rule, 'Filter');
  const legacy = childText(rule, 'Prefix');
  if (element && legacy !== undefined) malformed('both Filter and Prefix');
  if (!element) {
    if (legacy === undefined) malformed('a Rule needs a Filter or a Prefix');
    return { filter: { prefix: legacy }, legacyPrefix: true };
  }
  onlyChildren(element, FILTER_CHILDREN);
  const and = childNamed(element, 'And');
  if (and) onlyChildren(and, AND_CHILDREN);
  const source = and ?? element;
  const filter: LifecycleFilter = {
    prefix: childText(source, 'Prefix'),
    tags: childrenNamed(source, 'Tag').map(tagOf),
    sizeGreaterThan: sizeOf(source, 'ObjectSizeGreaterThan'),
    sizeLessThan: sizeOf(source, 'ObjectSizeLessThan'),
  };
  const given = [
    filter.prefix !== undefined,
    ...(filter.tags ?? []).map(() => true),
    filter.sizeGreaterThan !== undefined,
    filter.sizeLessThan !== undefined,
  ].filter(Boolean).length;
  if (!and && given > 1) malformed('a Filter with several conditions needs And');
  if (and && element.children.length > 1) malformed('And must be the only element of Filter');
  const { sizeGreaterThan: above, sizeLessThan: below } = filter;
  if (above !== undefined && below !== undefined && above >= below) {
    throw s3Errors.invalidArgument('ObjectSizeGreaterThan must be less than ObjectSizeLessThan');
  }
  checkTagSet(filter.tags ?? [], MAX_OBJECT_TAGS);
  if (filter.tags?.length === 0) filter.tags = undefined;
  return { filter, legacyPrefix: false };
}

function parseExpiration(rule: XmlElement): LifecycleRule['expiration'] {
  const element = childNamed(rule, 'Expiration');
  if (!element) return undefined;
  onlyChildren(element, ['Days', 'Date', 'ExpiredObjectDeleteMarker']);
  const days = positiveInteger(element, 'Days', 'Expiration');
  const dateText = childText(element, 'Date');
  const marker = childText(element, 'ExpiredObjectDeleteMarker');
  const given = [days !== undefined, dateText !== undefined, marker !== undefined].filter(Boolean).length;
  if (given !== 1) malformed('Expiration takes exactly one of Days, Date and ExpiredObjectDeleteMarker');
  if (marker !== undefined && marker !== 'true' && marker !== 'false')
    malformed('ExpiredObjectDeleteMarker is true or false');
  let date: string | undefined;
  if (dateText !== undefined) {
    const at = Date.parse(dateText);
    if (Number.isNaN(at)) throw s3Errors.invalidArgument("'Date' must be a valid date");
    if (at % 86_400_000 !== 0) throw s3Errors.invalidArgument("'Date' must be at midnight GMT");
    date = new Date(at).toISOString();
  }
  return { days, date, expiredObjectDeleteMarker: marker === undefined ? undefined : marker === 'true' };
}

function parseNoncurrent(element: XmlElement): LifecycleRule['noncurrentExpiration'] {
  const what = 'NoncurrentVersionExpiration';
  onlyChildren(element, ['NoncurrentDays', 'NewerNoncurrentVersions']);
  const days = positiveInteger(element, 'NoncurrentDays', what) ?? malformed('NoncurrentDays is required');
  const newer = positiveInteger(element, 'NewerNoncurrentVersions', what);
  if (newer !== undefined && newer > MAX_NEWER_NONCURRENT) {
    throw s3Errors.invalidArgument(
      `'NewerNoncurrentVersions' for ${what} action must be between 1 and ${MAX_NEWER_NONCURRENT}`,
    );
  }
  return { days, newerNoncurrentVersions: newer };
}

function parseRule(rule: XmlElement, index: number): LifecycleRule {
  onlyChildren(rule, RULE_CHILDREN);
  const id = childText(rule, 'ID') ?? `rule-${index + 1}`;
  if (id.length > 255) throw s3Errors.invalidArgument('ID length should not exceed allowed limit of 255');
  const status = childText(rule, 'Status');
  if (status !== 'Enabled' && status !== 'Disabled') malformed('Status is Enabled or Disabled');
  for (const name of ['Transition', 'NoncurrentVersionTransition']) {
    if (childNamed(rule, name))
      throw s3Error('InvalidStorageClass', 'The storage class you specified is not valid');
  }
  const { filter, legacyPrefix } = parseFilter(rule);
  const noncurrent = childNamed(rule, 'NoncurrentVersionExpiration');
  const abort = childNamed(rule, 'AbortIncompleteMultipartUpload');
  const parsed: LifecycleRule = {
    id,
    enabled: status === 'Enabled',
    filter,
    legacyPrefix,
    expiration: parseExpiration(rule),
    noncurrentExpiration: noncurrent && parseNoncurrent(noncurrent),
    abortIncompleteDays:
      abort &&
      (positiveInteger(abort, 'DaysAfterInitiation', 'AbortIncompleteMultipartUpload') ??
        malformed('DaysAfterInitiation is required')),
  };
  if (!parsed.expiration && !parsed.noncurrentExpiration && parsed.abortIncompleteDays === undefined) {
    throw s3Errors.invalidRequest('At least one action needs to be specified in a rule');
  }
  const tagged =
    (filter.tags?.length ?? 0) > 0 ||
    filter.sizeGreaterThan !== undefined ||
    filter.sizeLessThan !== undefined;
  if (tagged && parsed.abortIncompleteDays !== undefined) {
    throw s3Errors.invalidRequest('AbortIncompleteMultipartUpload cannot be specified with Tags.');
  }
  if (tagged && parsed.expiration?.expiredObjectDeleteMarker !== undefined) {
    throw s3Errors.invalidRequest('ExpiredObjectDeleteMarker cannot be specified with Tags.');
  }
  return parsed;
}

/** Parses and validates a LifecycleConfiguration body. */
export function parseLifecycle(body: Buffer): LifecycleRule[] {
  const root = expectRoot(parseXml(body), 'LifecycleConfiguration');
  onlyChildren(root, ['Rule']);
  const rules = childrenNamed(root, 'Rule');
  if (rules.length === 0 || rules.length > MAX_RULES) malformed(`1 to ${MAX_RULES} rules`);
  const parsed = rules.map(parseRule);
  if (new Set(parsed.map((r) => r.id)).size !== parsed.length) {
    throw s3Errors.invalidArgument('Rule ID must be unique. Found same ID for more than one rule');
  }
  return parsed;
}

function filterXml(rule: LifecycleRule): Child {
  const f = rule.filter;
  if (rule.legacyPrefix) return leaf('Prefix', f.prefix ?? '');
  const parts: Child[] = [
    f.prefix !== undefined && leaf('Prefix', f.prefix),
    ...(f.tags ?? []).map((t) => el('Tag', leaf('Key', t.key), leaf('Value', t.value))),
    f.sizeGreaterThan !== undefined && leaf('ObjectSizeGreaterThan', f.sizeGreaterThan),
    f.sizeLessThan !== undefined && leaf('ObjectSizeLessThan', f.sizeLessThan),
  ].filter((p) => typeof p === 'string');
  return el('Filter', parts.length > 1 ? el('And', ...parts) : parts[0]);
}

function ruleXml(rule: LifecycleRule): string {
  const e = rule.expiration;
  const n = rule.noncurrentExpiration;
  return el(
    'Rule',
    leaf('ID', rule.id),
    filterXml(rule),
    leaf('Status', rule.enabled ? 'Enabled' : 'Disabled'),
    e &&
      el(
        'Expiration',
        leaf('Date', e.date),
        leaf('Days', e.days),
        leaf('ExpiredObjectDeleteMarker', e.expiredObjectDeleteMarker),
      ),
    n &&
      el(
        'NoncurrentVersionExpiration',
        leaf('NoncurrentDays', n.days),
        leaf('NewerNoncurrentVersions', n.newerNoncurrentVersions),
      ),
    rule.abortIncompleteDays !== undefined &&
      el('AbortIncompleteMultipartUpload', leaf('DaysAfterInitiation', rule.abortIncompleteDays)),
  );
}

export async function getBucketLifecycle(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:GetLifecycleConfiguration');
  const stored = await ctx.deps.buckets.getConfig(bucket, 'lifecycle');
  if (stored === undefined) {
    throw s3Error('NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist');
  }
  const rules = JSON.parse(stored) as LifecycleRule[];
  return sendXml(ctx, 200, xmlDocument('LifecycleConfiguration', ...rules.map(ruleXml)));
}

export async function putBucketLifecycle(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:PutLifecycleConfiguration');
  const body = await readSmallBody(ctx, MAX_XML_BYTES);
  if (body.length === 0) throw s3Error('MissingRequestBodyError', 'Request Body is empty');
  const rules = parseLifecycle(body);
  await ctx.deps.buckets.putConfig(bucket, 'lifecycle', JSON.stringify(rules));
  return sendEmpty(ctx, 200);
}

export async function deleteBucketLifecycle(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:PutLifecycleConfiguration');
  await ctx.deps.buckets.deleteConfig(bucket, 'lifecycle');
  return sendEmpty(ctx, 204);
}

/** The x-amz-expiration header for a current object of `bucket`, when a lifecycle rule expires it. */
export async function expirationHeaders(
  ctx: S3Context,
  bucket: ResolvedBucket,
  object: StoredObject,
): Promise<Record<string, string>> {
  const stored = await ctx.deps.buckets.getConfig(bucket, 'lifecycle');
  if (stored === undefined) return {};
  const header = expirationHeader(JSON.parse(stored) as LifecycleRule[], {
    name: object.name,
    sizeBytes: object.sizeBytes,
    tags: objectTagsOf(object.metadata),
    lastModified: object.lastModified,
  });
  return header === undefined ? {} : { 'x-amz-expiration': header };
}
