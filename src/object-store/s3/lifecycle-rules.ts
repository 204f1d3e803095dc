// Bucket lifecycle rules as stored (JSON, parsed from PutBucketLifecycleConfiguration by the API) and
// what they decide: which objects a rule's filter selects (prefix, tags, size), and when a current
// object, a noncurrent version or an incomplete multipart upload falls due. S3 counts days from the
// object's creation (or, for a noncurrent version, from when it became noncurrent) and rounds the result
// up to the next midnight UTC.
import type { TagSet } from './tag-set.js';

export interface LifecycleFilter {
  prefix?: string | undefined;
  tags?: TagSet | undefined;
  sizeGreaterThan?: number | undefined;
  sizeLessThan?: number | undefined;
}

export interface LifecycleRule {
  id: string;
  enabled: boolean;
  filter: LifecycleFilter;
  /** Whether the rule was written with the legacy top-level Prefix instead of a Filter. */
  legacyPrefix?: boolean | undefined;
  expiration?: { days?: number; date?: string; expiredObjectDeleteMarker?: boolean } | undefined;
  noncurrentExpiration?: { days: number; newerNoncurrentVersions?: number | undefined } | undefined;
  abortIncompleteDays?: number | undefined;
}

const DAY_MS = 86_400_000;

/** S3's due time: `days` after `from`, rounded up to the next midnight UTC. */
export function dueAfterDays(from: string, days: number): number {
  const at = Date.parse(from) + days * DAY_MS;
  return Math.ceil(at / DAY_MS) * DAY_MS;
}

/** Whether the filter selects an object of this name, size and tags. */
export function filterMatches(
  filter: LifecycleFilter,
  name: string,
  sizeBytes: number,
  tags: TagSet,
): boolean {
  if (filter.prefix !== undefined && !name.startsWith(filter.prefix)) return false;
  if (filter.sizeGreaterThan !== undefined && !(sizeBytes > filter.sizeGreaterThan)) return false;
  if (filter.sizeLessThan !== undefined && !(sizeBytes < filter.sizeLessThan)) return false;
  return (filter.tags ?? []).every((want) => tags.some((t) => t.key === want.key && t.value === want.value));
}

/** When a current object falls due under the rule's Expiration, if it does at all. */
export function currentDueAt(rule: LifecycleRule, lastModified: string): number | undefined {
  const e = rule.expiration;
  if (!rule.enabled || !e) return undefined;
  if (e.date !== undefined) return Date.parse(e.date);
  if (e.days !== undefined) return dueAfterDays(lastModified, e.days);
  return undefined;
}

/**
 * Whether a noncurrent version is due: noncurrent since `noncurrentSince` (its successor's creation),
 * and `newerNoncurrent` noncurrent versions of the same key are newer than it.
 */
export function noncurrentDue(
  rule: LifecycleRule,
  noncurrentSince: string,
  newerNoncurrent: number,
  now: number,
): boolean {
  const n = rule.noncurrentExpiration;
  if (!rule.enabled || !n) return false;
  if (n.newerNoncurrentVersions !== undefined && newerNoncurrent < n.newerNoncurrentVersions) return false;
  return dueAfterDays(noncurrentSince, n.days) <= now;
}

/** Whether an incomplete multipart upload of `key`, initiated at `initiatedAt`, is due for abort. */
export function uploadDue(rule: LifecycleRule, key: string, initiatedAt: string, now: number): boolean {
  if (!rule.enabled || rule.abortIncompleteDays === undefined) return false;
  if (rule.filter.prefix !== undefined && !key.startsWith(rule.filter.prefix)) return false;
  return dueAfterDays(initiatedAt, rule.abortIncompleteDays) <= now;
}

/**
 * The x-amz-expiration header S3 returns with a current object that an Expiration rule selects: the
 * earliest due date among such rules, and that rule's id (URL-encoded, as header values are ASCII).
 */
export function expirationHeader(
  rules: readonly LifecycleRule[],
  object: { name: string; sizeBytes: number; tags: TagSet; lastModified: string },
): string | undefined {
  let earliest: { at: number; id: string } | undefined;
  for (const rule of rules) {
    if (!filterMatches(rule.filter, object.name, object.sizeBytes, object.tags)) continue;
    const at = currentDueAt(rule, object.lastModified);
    if (at !== undefined && (earliest === undefined || at < earliest.at)) earliest = { at, id: rule.id };
  }
  if (!earliest) return undefined;
  return `expiry-date="${new Date(earliest.at).toUTCString()}", rule-id="${encodeURIComponent(earliest.id)}"`;
}
