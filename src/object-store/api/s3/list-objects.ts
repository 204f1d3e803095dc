// ListObjects (v1, marker-paged) and ListObjectsV2 (continuation-token-paged) over the container
// listing: prefix, delimiter (CommonPrefixes), max-keys up to 1000, encoding-type=url and fetch-owner.
import type { FastifyReply } from 'fastify';
import type { Listed, StoredObject } from '../../model.js';
import { objectAclOf } from '../../s3/acl-model.js';
import type { ResolvedBucket } from '../../s3/bucket-service.js';
import { s3Error } from '../../s3/s3-errors.js';
import { authorize } from './access.js';
import { integerParam, quoteEtag, requireBucket, sendXml, type S3Context } from './s3-context.js';
import { el, leaf, ownerXml, xmlDocument, type Child } from './xml.js';

export const MAX_KEYS = 1000;
const TOKEN_PREFIX = 'n1:';

/** encoding-type=url: the form AWS gives, which clients decode with unquote_plus or decodeURIComponent. */
export function urlEncodeKey(value: string): string {
  return encodeURIComponent(value).replaceAll('%2F', '/');
}

export function encodingOf(ctx: S3Context): ((value: string) => string) | undefined {
  const encoding = ctx.query.get('encoding-type');
  if (encoding === null) return undefined;
  if (encoding !== 'url') throw s3Error('InvalidArgument', 'Invalid Encoding Method specified in Request');
  return urlEncodeKey;
}

/** Continuation tokens are opaque to clients: the last name or prefix listed, base64url-wrapped. */
export function continuationToken(marker: string): string {
  return Buffer.from(`${TOKEN_PREFIX}${marker}`, 'utf8').toString('base64url');
}

export function parseContinuationToken(token: string): string {
  const text = /^[A-Za-z0-9_-]{1,4096}={0,2}$/.test(token)
    ? Buffer.from(token, 'base64url').toString('utf8')
    : '';
  if (!text.startsWith(TOKEN_PREFIX)) {
    throw s3Error('InvalidArgument', 'The continuation token provided is incorrect');
  }
  return text.slice(TOKEN_PREFIX.length);
}

interface Page {
  entries: Array<Listed<StoredObject>>;
  truncated: boolean;
  /** The marker to continue after: the last key or common prefix listed. */
  last: string | undefined;
}

const markerOf = (entry: Listed<StoredObject>) => (entry.kind === 'item' ? entry.item.name : entry.subdir);

/** One page of the listing; truncation is found by looking one entry past the page. */
export async function listPage(
  ctx: S3Context,
  bucket: ResolvedBucket,
  o: { prefix: string; delimiter: string; after: string; maxKeys: number },
): Promise<Page> {
  if (o.maxKeys === 0) return { entries: [], truncated: false, last: undefined };
  const list = (marker: string, limit: number) =>
    ctx.deps.objects.listObjects(bucket.projectId, bucket.container.name, {
      prefix: o.prefix || undefined,
      delimiter: o.delimiter || undefined,
      marker: marker || undefined,
      limit,
    });
  const entries = await list(o.after, o.maxKeys);
  const lastEntry = entries.at(-1);
  const last = lastEntry && markerOf(lastEntry);
  const mayHaveMore = entries.length === o.maxKeys || (o.delimiter !== '' && entries.length > 0);
  const truncated = last !== undefined && mayHaveMore && (await list(last, 1)).length > 0;
  return { entries, truncated, last };
}

function contentsXml(
  bucket: ResolvedBucket,
  object: StoredObject,
  encode: (v: string) => string,
  withOwner: boolean,
): string {
  return el(
    'Contents',
    leaf('Key', encode(object.name)),
    leaf('LastModified', object.lastModified),
    leaf('ETag', quoteEtag(object.etag)),
    leaf('Size', object.sizeBytes),
    withOwner && ownerXml('Owner', objectAclOf(object.metadata)?.owner ?? bucket.projectId),
    leaf('StorageClass', 'STANDARD'),
  );
}

function entriesXml(
  bucket: ResolvedBucket,
  page: Page,
  encode: (v: string) => string,
  withOwner: boolean,
): Child[] {
  const contents = page.entries
    .filter((e) => e.kind === 'item')
    .map((e) => contentsXml(bucket, e.item, encode, withOwner));
  const prefixes = page.entries
    .filter((e) => e.kind === 'subdir')
    .map((e) => el('CommonPrefixes', leaf('Prefix', encode(e.subdir))));
  return [...contents, ...prefixes];
}

function commonParams(ctx: S3Context) {
  return {
    prefix: ctx.query.get('prefix') ?? '',
    delimiter: ctx.query.get('delimiter') ?? '',
    maxKeys: integerParam(ctx, 'max-keys', MAX_KEYS, MAX_KEYS),
    encode: encodingOf(ctx),
  };
}

export async function listObjectsV1(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:ListBucket');
  const { prefix, delimiter, maxKeys, encode } = commonParams(ctx);
  const marker = ctx.query.get('marker') ?? '';
  const page = await listPage(ctx, bucket, { prefix, delimiter, after: marker, maxKeys });
  const e = encode ?? ((v: string) => v);
  const body = xmlDocument(
    'ListBucketResult',
    leaf('Name', bucket.container.name),
    leaf('Prefix', e(prefix)),
    leaf('Marker', e(marker)),
    page.truncated && delimiter !== '' ? leaf('NextMarker', e(page.last ?? '')) : undefined,
    leaf('MaxKeys', maxKeys),
    delimiter !== '' && leaf('Delimiter', e(delimiter)),
    encode && leaf('EncodingType', 'url'),
    leaf('IsTruncated', page.truncated),
    ...entriesXml(bucket, page, e, true),
  );
  return sendXml(ctx, 200, body);
}

export async function listObjectsV2(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:ListBucket');
  const { prefix, delimiter, maxKeys, encode } = commonParams(ctx);
  const token = ctx.query.get('continuation-token');
  const startAfter = ctx.query.get('start-after') ?? '';
  const after = token !== null ? parseContinuationToken(token) : startAfter;
  const fetchOwner = ctx.query.get('fetch-owner') === 'true';
  const page = await listPage(ctx, bucket, { prefix, delimiter, after, maxKeys });
  const e = encode ?? ((v: string) => v);
  const body = xmlDocument(
    'ListBucketResult',
    leaf('Name', bucket.container.name),
    leaf('Prefix', e(prefix)),
    delimiter !== '' && leaf('Delimiter', e(delimiter)),
    leaf('MaxKeys', maxKeys),
    encode && leaf('EncodingType', 'url'),
    leaf('KeyCount', page.entries.length),
    token !== null && leaf('ContinuationToken', token),
    page.truncated && leaf('NextContinuationToken', continuationToken(page.last ?? '')),
    startAfter !== '' && leaf('StartAfter', e(startAfter)),
    leaf('IsTruncated', page.truncated),
    ...entriesXml(bucket, page, e, fetchOwner),
  );
  return sendXml(ctx, 200, body);
}
