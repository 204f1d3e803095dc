// ListParts (GET ?uploadId) and ListMultipartUploads (GET /bucket?uploads), paged with S3's markers.
import type { FastifyReply } from 'fastify';
import type { ResolvedBucket } from '../../s3/bucket-service.js';
import { s3Error } from '../../s3/s3-errors.js';
import type { MultipartUpload } from '../../s3/s3-store.js';
import { authorize } from './access.js';
import { checksumHeaderName, parseChecksumAlgorithm } from './auth/index.js';
import { encodingOf } from './list-objects.js';
import { checksumElement } from './object-copy.js';
import { requireUpload } from './multipart-handlers.js';
import { integerParam, quoteEtag, requireBucket, sendXml, type S3Context } from './s3-context.js';
import { el, leaf, ownerXml, xmlDocument, type Child } from './xml.js';

const MAX_PARTS_LISTED = 1000;
const MAX_UPLOADS_LISTED = 1000;

export async function listParts(ctx: S3Context, bucket: ResolvedBucket): Promise<FastifyReply> {
  const upload = await requireUpload(ctx, bucket, 's3:ListMultipartUploadParts');
  const maxParts = integerParam(ctx, 'max-parts', MAX_PARTS_LISTED, MAX_PARTS_LISTED);
  const marker = integerParam(ctx, 'part-number-marker', 0, 10_000);
  const parts = await ctx.deps.multipart.listParts(upload, marker, maxParts + 1);
  const page = parts.slice(0, maxParts);
  const truncated = parts.length > maxParts;
  const partsXml = page.map((p) => {
    const [algorithm, value] = (p.checksum ?? '').split(':');
    const parsed = algorithm ? parseChecksumAlgorithm(algorithm) : undefined;
    return el(
      'Part',
      leaf('PartNumber', p.partNumber),
      leaf('LastModified', p.lastModified),
      leaf('ETag', quoteEtag(p.etag)),
      leaf('Size', p.sizeBytes),
      parsed && value ? leaf(checksumElement(checksumHeaderName(parsed)), value) : undefined,
    );
  });
  const body = xmlDocument(
    'ListPartsResult',
    leaf('Bucket', bucket.container.name),
    leaf('Key', upload.key),
    leaf('UploadId', upload.uploadId),
    ownerXml('Initiator', upload.initiatorUserId),
    ownerXml('Owner', upload.projectId),
    leaf('StorageClass', 'STANDARD'),
    leaf('PartNumberMarker', marker),
    leaf('NextPartNumberMarker', page.at(-1)?.partNumber ?? marker),
    leaf('MaxParts', maxParts),
    leaf('IsTruncated', truncated),
    upload.checksumAlgorithm && leaf('ChecksumAlgorithm', upload.checksumAlgorithm.toUpperCase()),
    upload.checksumType && leaf('ChecksumType', upload.checksumType),
    ...partsXml,
  );
  return sendXml(ctx, 200, body);
}

function uploadXml(upload: MultipartUpload, encode: (v: string) => string): string {
  return el(
    'Upload',
    leaf('Key', encode(upload.key)),
    leaf('UploadId', upload.uploadId),
    ownerXml('Initiator', upload.initiatorUserId),
    ownerXml('Owner', upload.projectId),
    leaf('StorageClass', 'STANDARD'),
    leaf('Initiated', upload.initiatedAt),
  );
}

/** With a delimiter, keys that hold it after the prefix roll up into common prefixes (on this page). */
function groupUploads(
  uploads: MultipartUpload[],
  prefix: string,
  delimiter: string,
  encode: (v: string) => string,
): Child[] {
  const prefixes = new Set<string>();
  const items: Child[] = [];
  for (const upload of uploads) {
    const at = delimiter === '' ? -1 : upload.key.indexOf(delimiter, prefix.length);
    if (at === -1) items.push(uploadXml(upload, encode));
    else prefixes.add(upload.key.slice(0, at + delimiter.length));
  }
  return [...items, ...[...prefixes].map((p) => el('CommonPrefixes', leaf('Prefix', encode(p))))];
}

export async function listMultipartUploads(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  await authorize(ctx, bucket, 's3:ListBucketMultipartUploads');
  const maxUploads = integerParam(ctx, 'max-uploads', MAX_UPLOADS_LISTED, MAX_UPLOADS_LISTED);
  const prefix = ctx.query.get('prefix') ?? '';
  const delimiter = ctx.query.get('delimiter') ?? '';
  const keyMarker = ctx.query.get('key-marker') ?? '';
  const uploadIdMarker = ctx.query.get('upload-id-marker') ?? '';
  if (uploadIdMarker !== '' && keyMarker === '') {
    throw s3Error('InvalidArgument', 'A key-marker must be specified when specifying an upload-id-marker.');
  }
  const encode = encodingOf(ctx);
  const e = encode ?? ((v: string) => v);
  const uploads = await ctx.deps.multipart.listUploads({
    projectId: bucket.projectId,
    bucket: bucket.container.name,
    prefix,
    keyMarker,
    uploadIdMarker,
    limit: maxUploads + 1,
  });
  const live = uploads.filter((u) => u.containerPutTimestamp === bucket.container.putTimestamp);
  const page = live.slice(0, maxUploads);
  const truncated = uploads.length > maxUploads;
  const last = page.at(-1);
  const body = xmlDocument(
    'ListMultipartUploadsResult',
    leaf('Bucket', bucket.container.name),
    leaf('KeyMarker', e(keyMarker)),
    leaf('UploadIdMarker', uploadIdMarker),
    truncated && last && leaf('NextKeyMarker', e(last.key)),
    truncated && last && leaf('NextUploadIdMarker', last.uploadId),
    leaf('MaxUploads', maxUploads),
    leaf('IsTruncated', truncated),
    prefix !== '' && leaf('Prefix', e(prefix)),
    delimiter !== '' && leaf('Delimiter', e(delimiter)),
    encode && leaf('EncodingType', 'url'),
    ...groupUploads(page, prefix, delimiter, e),
  );
  return sendXml(ctx, 200, body);
}
