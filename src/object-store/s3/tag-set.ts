// S3 tag sets: validation with AWS's rules (at most 10 tags on an object and 50 on a bucket, keys of 1
// to 128 characters and values of at most 256, unique keys, no `aws:` prefix, letters, digits, spaces
// and `+ - = . _ : / @`), the x-amz-tagging header's URL-encoded form, and where object tags are kept
// (a system header on the object, so versions keep their own tags).
import type { StoredMetadata } from '../model.js';
import { s3Error } from './s3-errors.js';

export type TagSet = Array<{ key: string; value: string }>;

export const OBJECT_TAGS_HEADER = 'x-object-sysmeta-s3api-tagging';
export const MAX_OBJECT_TAGS = 10;
export const MAX_BUCKET_TAGS = 50;
const ALLOWED = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

function invalidTag(message: string): never {
  throw s3Error('InvalidTag', message);
}

/** Validates a tag set; `max` is 10 for objects and 50 for buckets. */
export function checkTagSet(tags: TagSet, max: number): TagSet {
  if (tags.length > max) {
    invalidTag(
      max === MAX_OBJECT_TAGS
        ? 'Object tags cannot be greater than 10'
        : 'Bucket tag count cannot be greater than 50',
    );
  }
  const seen = new Set<string>();
  for (const { key, value } of tags) {
    if (key.length === 0 || key.length > 128 || !ALLOWED.test(key) || key.toLowerCase().startsWith('aws:')) {
      invalidTag('The TagKey you have provided is invalid');
    }
    if (value.length > 256 || !ALLOWED.test(value)) invalidTag('The TagValue you have provided is invalid');
    if (seen.has(key)) invalidTag('Cannot provide multiple Tags with the same key');
    seen.add(key);
  }
  return tags;
}

/** The x-amz-tagging header (`k1=v1&k2=v2`, URL-encoded), validated as object tags. */
export function parseTaggingHeader(value: string): TagSet {
  const tags: TagSet = [];
  for (const [key, tagValue] of new URLSearchParams(value)) tags.push({ key, value: tagValue });
  return checkTagSet(tags, MAX_OBJECT_TAGS);
}

export function objectTagsOf(metadata: StoredMetadata): TagSet {
  const text = metadata.headers[OBJECT_TAGS_HEADER];
  if (text === undefined) return [];
  return [...new URLSearchParams(text)].map(([key, value]) => ({ key, value }));
}

/** The metadata with the object's tags replaced (none: the header goes). */
export function withObjectTags(metadata: StoredMetadata, tags: TagSet): StoredMetadata {
  const headers = { ...metadata.headers };
  if (tags.length > 0)
    headers[OBJECT_TAGS_HEADER] = new URLSearchParams(
      tags.map((t): [string, string] => [t.key, t.value]),
    ).toString();
  else delete headers[OBJECT_TAGS_HEADER];
  return { meta: metadata.meta, headers };
}
