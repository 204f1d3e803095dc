// ListObjectVersions (GET /bucket?versions): key-marker / version-id-marker paging over the object
// store's version listing, and delimiter grouping into CommonPrefixes (each prefix counts once towards
// max-keys; a key-marker that is a common prefix resumes after every key under it, as S3 does).
import type { FastifyReply } from 'fastify';
import { objectAclOf } from '../../s3/acl-model.js';
import type { ResolvedBucket } from '../../s3/bucket-service.js';
import { s3Error } from '../../s3/s3-errors.js';
import type { ObjectVersion } from '../../versioning/index.js';
import { authorize } from './access.js';
import { encodingOf } from './list-objects.js';
import { integerParam, quoteEtag, requireBucket, sendXml, type S3Context } from './s3-context.js';
import { parseVersionId } from './versioning.js';
import { el, leaf, ownerXml, xmlDocument } from './xml.js';

const MAX_VERSIONS_LISTED = 1000;
const PAGE = 1000;
/** Versions read per request while folding keys into common prefixes; past it the reply is truncated. */
const MAX_SCANNED = 20_000;

/**
 * One Version or DeleteMarker entry. Its Owner is the bucket owner's canonical id: archived versions are
 * rows of the hidden version store, whose account name must never reach a client.
 */
function versionXml(v: ObjectVersion, encode: (value: string) => string, ownerId: string): string {
  const common = [
    leaf('Key', encode(v.name)),
    leaf('VersionId', v.versionId),
    leaf('IsLatest', v.isLatest),
    leaf('LastModified', v.object.lastModified),
  ];
  const owner = objectAclOf(v.object.metadata)?.owner ?? ownerId;
  if (v.isDeleteMarker) return el('DeleteMarker', ...common, ownerXml('Owner', owner));
  return el(
    'Version',
    ...common,
    leaf('ETag', quoteEtag(v.object.etag)),
    leaf('Size', v.object.sizeBytes),
    leaf('StorageClass', 'STANDARD'),
    ownerXml('Owner', owner),
  );
}

interface ListRequest {
  prefix: string;
  delimiter: string;
  keyMarker: string;
  versionIdMarker: string | undefined;
  maxKeys: number;
}

type Entry = { version: ObjectVersion; prefix?: undefined } | { prefix: string; version?: undefined };

/** The common prefix `name` rolls up into under `delimiter`, if any. */
function commonPrefixOf(name: string, prefix: string, delimiter: string): string | undefined {
  if (delimiter === '' || !name.startsWith(prefix)) return undefined;
  const at = name.indexOf(delimiter, prefix.length);
  return at < 0 ? undefined : name.slice(0, at + delimiter.length);
}

async function collect(
  ctx: S3Context,
  bucket: ResolvedBucket,
  r: ListRequest,
): Promise<{ entries: Entry[]; truncated: boolean; skipped: string | undefined }> {
  const entries: Entry[] = [];
  let skipped = commonPrefixOf(r.keyMarker, r.prefix, r.delimiter);
  let keyMarker = r.keyMarker || undefined;
  let versionIdMarker = r.versionIdMarker;
  for (let scanned = 0; scanned < MAX_SCANNED; scanned += PAGE) {
    const listing = await ctx.deps.versions.listVersions(bucket.projectId, bucket.container.name, {
      prefix: r.prefix || undefined,
      keyMarker,
      versionIdMarker,
      limit: r.delimiter === '' ? r.maxKeys : PAGE,
    });
    for (const version of listing.versions) {
      const common = commonPrefixOf(version.name, r.prefix, r.delimiter);
      if (common !== undefined && common === skipped) continue;
      if (entries.length === r.maxKeys) return { entries, truncated: true, skipped };
      entries.push(common === undefined ? { version } : { prefix: common });
      skipped = common;
    }
    const last = listing.versions.at(-1);
    if (!listing.truncated || !last) return { entries, truncated: false, skipped };
    if (r.delimiter === '') return { entries, truncated: true, skipped };
    keyMarker = last.name;
    versionIdMarker = last.versionId;
  }
  return { entries, truncated: true, skipped };
}

function requestOf(ctx: S3Context): ListRequest {
  const keyMarker = ctx.query.get('key-marker') ?? '';
  const rawVersionMarker = ctx.query.get('version-id-marker') ?? '';
  if (rawVersionMarker !== '' && keyMarker === '') {
    throw s3Error('InvalidArgument', 'A version-id marker cannot be specified without a key marker.');
  }
  return {
    prefix: ctx.query.get('prefix') ?? '',
    delimiter: ctx.query.get('delimiter') ?? '',
    keyMarker,
    versionIdMarker: rawVersionMarker === '' ? undefined : parseVersionId(rawVersionMarker),
    maxKeys: integerParam(ctx, 'max-keys', MAX_VERSIONS_LISTED, MAX_VERSIONS_LISTED),
  };
}

export async function listObjectVersions(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:ListBucketVersions');
  const r = requestOf(ctx);
  const encode = encodingOf(ctx);
  const e = encode ?? ((v: string) => v);
  const { entries, truncated, skipped } = await collect(ctx, bucket, r);
  const last = entries.at(-1);
  // A reply cut short while skipping a common prefix resumes after that prefix.
  const nextKey = last ? (last.prefix ?? last.version.name) : skipped;
  const body = xmlDocument(
    'ListVersionsResult',
    leaf('Name', bucket.container.name),
    leaf('Prefix', e(r.prefix)),
    leaf('KeyMarker', e(r.keyMarker)),
    leaf('VersionIdMarker', ctx.query.get('version-id-marker') ?? ''),
    truncated && nextKey !== undefined && leaf('NextKeyMarker', e(nextKey)),
    truncated && last?.version && leaf('NextVersionIdMarker', last.version.versionId),
    leaf('MaxKeys', r.maxKeys),
    r.delimiter !== '' && leaf('Delimiter', e(r.delimiter)),
    encode && leaf('EncodingType', 'url'),
    leaf('IsTruncated', truncated),
    ...entries.flatMap((x) => (x.version ? [versionXml(x.version, e, bucket.projectId)] : [])),
    ...entries.flatMap((x) =>
      x.prefix !== undefined ? [el('CommonPrefixes', leaf('Prefix', e(x.prefix)))] : [],
    ),
  );
  return sendXml(ctx, 200, body);
}
