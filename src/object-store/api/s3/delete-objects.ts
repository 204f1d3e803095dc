// DeleteObjects (POST /bucket?delete): up to 1000 keys from a <Delete> document, each authorised and
// deleted on its own; failures are reported per key, and Quiet mode lists only the failures.
import type { FastifyReply } from 'fastify';
import { isApiError } from '../../../common/errors/api-error.js';
import { s3ErrorCode } from '../../../common/errors/render-s3.js';
import { LIMITS } from '../../model.js';
import { s3Errors } from '../../s3/s3-errors.js';
import { authorize } from './access.js';
import { deleteKey } from './object-write.js';
import { readSmallBody } from './request-body.js';
import { requireBucket, sendXml, type S3Context } from './s3-context.js';
import { childNamed, childText, childrenNamed, expectRoot, parseXml, MAX_XML_BYTES } from './xml-parse.js';
import { el, leaf, xmlDocument } from './xml.js';

const MAX_KEYS = 1000;

interface DeleteRequest {
  quiet: boolean;
  objects: Array<{ key: string; versionId: string | undefined }>;
}

function parseDelete(body: Buffer): DeleteRequest {
  const root = expectRoot(parseXml(body), 'Delete');
  const quiet = childText(root, 'Quiet')?.toLowerCase() === 'true';
  const objects = childrenNamed(root, 'Object').map((o) => {
    // Keys are taken verbatim: leading and trailing spaces are part of the name.
    const key = childNamed(o, 'Key')?.text;
    if (key === undefined || key === '') throw s3Errors.malformedXml('an Object without a Key');
    return { key, versionId: childText(o, 'VersionId') };
  });
  if (objects.length === 0 || objects.length > MAX_KEYS) {
    throw s3Errors.malformedXml(`Delete names ${objects.length} objects; 1 to ${MAX_KEYS} are allowed`);
  }
  return { quiet, objects };
}

function deletedXml(
  key: string,
  versionId: string | undefined,
  done: { versionId?: string | undefined; deleteMarker: boolean },
) {
  // A delete marker made by this delete is named by its own version id; a version deleted, by the one asked for.
  const markerId = versionId === undefined && done.deleteMarker ? done.versionId : undefined;
  return el(
    'Deleted',
    leaf('Key', key),
    leaf('VersionId', versionId),
    done.deleteMarker && leaf('DeleteMarker', true),
    leaf('DeleteMarkerVersionId', markerId ?? (done.deleteMarker ? versionId : undefined)),
  );
}

export async function deleteObjects(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  const request = parseDelete(await readSmallBody(ctx, MAX_XML_BYTES));
  const results: string[] = [];
  for (const { key, versionId } of request.objects) {
    try {
      if (Buffer.byteLength(key) > LIMITS.maxObjectNameBytes)
        throw s3Errors.invalidArgument('Your key is too long');
      await authorize(
        ctx,
        bucket,
        versionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion',
        key,
      );
      const done = await deleteKey(ctx, bucket, key, versionId);
      if (!request.quiet) results.push(deletedXml(key, versionId, done));
    } catch (err) {
      if (!isApiError(err) || err.status === 500) throw err;
      results.push(
        el(
          'Error',
          leaf('Key', key),
          leaf('VersionId', versionId),
          leaf('Code', s3ErrorCode(err)),
          leaf('Message', err.publicMessage),
        ),
      );
    }
  }
  return sendXml(ctx, 200, xmlDocument('DeleteResult', ...results));
}
