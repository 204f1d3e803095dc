// GetObjectAttributes (GET /bucket/key?attributes): the attributes x-amz-object-attributes names
// (ETag, Checksum, ObjectParts, StorageClass, ObjectSize) in one document, without the body. Parts come
// from the layout a completed multipart upload leaves on its object (s3/part-layout.ts), paged with
// x-amz-max-parts and x-amz-part-number-marker.
import type { FastifyReply } from 'fastify';
import { httpDate } from '../../http/conditions.js';
import type { StoredObject } from '../../model.js';
import { partLayoutOf } from '../../s3/part-layout.js';
import { s3Errors } from '../../s3/s3-errors.js';
import { authorizeObject } from './access.js';
import { CHECKSUM_ALGORITHMS, checksumHeaderName } from './auth/index.js';
import { checkNoManifest } from './object-read.js';
import { checksumElement } from './object-copy.js';
import { requireBucket, requireKey, sendXml, type S3Context } from './s3-context.js';
import { readTarget } from './versioning.js';
import { el, leaf, xmlDocument, type Child } from './xml.js';

const ATTRIBUTES = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;
type Attribute = (typeof ATTRIBUTES)[number];
const MAX_PARTS = 1000;

function requestedAttributes(ctx: S3Context): Set<Attribute> {
  const names = (ctx.headers['x-amz-object-attributes'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) {
    throw s3Errors.invalidRequest(
      'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty',
    );
  }
  for (const name of names) {
    if (!(ATTRIBUTES as readonly string[]).includes(name)) {
      throw s3Errors.invalidArgumentValue(
        'Invalid attribute name specified.',
        'x-amz-object-attributes',
        name,
      );
    }
  }
  return new Set(names as Attribute[]);
}

function headerInteger(ctx: S3Context, name: string, fallback: number): number {
  const value = ctx.headers[name];
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value.trim())) {
    throw s3Errors.invalidArgumentValue(
      `Provided ${name} not an integer or within integer range`,
      name,
      value,
    );
  }
  return Number(value.trim());
}

function checksumXml(object: StoredObject): Child {
  const sums = CHECKSUM_ALGORITHMS.flatMap((algorithm) => {
    const value = object.metadata.headers[checksumHeaderName(algorithm)];
    return value === undefined ? [] : [leaf(checksumElement(checksumHeaderName(algorithm)), value)];
  });
  if (sums.length === 0) return undefined;
  return el('Checksum', ...sums, leaf('ChecksumType', object.metadata.headers['x-amz-checksum-type']));
}

function partsXml(ctx: S3Context, object: StoredObject): Child {
  const layout = partLayoutOf(object.metadata);
  if (!layout) return undefined;
  const maxParts = Math.min(headerInteger(ctx, 'x-amz-max-parts', MAX_PARTS), MAX_PARTS);
  const marker = headerInteger(ctx, 'x-amz-part-number-marker', 0);
  const algorithm = CHECKSUM_ALGORITHMS.find(
    (a) => object.metadata.headers[checksumHeaderName(a)] !== undefined,
  );
  const numbers = layout.sizes.map((_, i) => i + 1).filter((n) => n > marker);
  const page = numbers.slice(0, maxParts);
  const truncated = numbers.length > page.length;
  const parts = page.map((n) =>
    el(
      'Part',
      algorithm &&
        layout.checksums &&
        leaf(checksumElement(checksumHeaderName(algorithm)), layout.checksums[n - 1]),
      leaf('PartNumber', n),
      leaf('Size', layout.sizes[n - 1]),
    ),
  );
  return el(
    'ObjectParts',
    leaf('PartsCount', layout.sizes.length),
    leaf('PartNumberMarker', marker),
    truncated && leaf('NextPartNumberMarker', page.at(-1)),
    leaf('MaxParts', maxParts),
    leaf('IsTruncated', truncated),
    ...parts,
  );
}

export async function getObjectAttributes(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  const key = requireKey(ctx);
  const action = ctx.query.has('versionId') ? 's3:GetObjectVersionAttributes' : 's3:GetObjectAttributes';
  const attributes = requestedAttributes(ctx);
  const object = await authorizeObject(ctx, bucket, action, key, () => readTarget(ctx, bucket, key));
  checkNoManifest(object);
  ctx.reply.header('last-modified', httpDate(new Date(object.lastModified)));
  const body = xmlDocument(
    'GetObjectAttributesResponse',
    attributes.has('ETag') && leaf('ETag', object.etag.replaceAll('"', '')),
    attributes.has('Checksum') && checksumXml(object),
    attributes.has('ObjectParts') && partsXml(ctx, object),
    attributes.has('StorageClass') && leaf('StorageClass', 'STANDARD'),
    attributes.has('ObjectSize') && leaf('ObjectSize', object.sizeBytes),
  );
  return sendXml(ctx, 200, body);
}
