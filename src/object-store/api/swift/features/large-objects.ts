// Swift feature: large objects. Static large objects (Swift's slo middleware: ?multipart-manifest=put,
// get, get&format=raw and delete, ?part-number=) and dynamic large objects (dlo: X-Object-Manifest), both read through
// the readManifest hook so that the core's ranges and conditional requests apply to them unchanged.
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { errors } from '../../../../common/errors/codes.js';
import type { StoredObject } from '../../../model.js';
import type { ManifestView } from '../extensions.js';
import { authorizeObjectRead, handleObjectRead } from '../object-read.js';
import type { SwiftContext } from '../swift-context.js';
import type { InstallFeature } from './feature-deps.js';
import { YIELD_FREQUENCY_SECONDS } from './bulk/streamed-result.js';
import { dloView, MAX_DLO_SEGMENTS, validateManifestHeader } from './large-objects/dlo.js';
import { handleSloDelete } from './large-objects/slo-delete.js';
import {
  MAX_MANIFEST_SEGMENTS,
  MAX_MANIFEST_SIZE_BYTES,
  MIN_SEGMENT_SIZE_BYTES,
  rawManifestJson,
} from './large-objects/slo-manifest.js';
import { handleSloPut } from './large-objects/slo-put.js';
import { handlePartNumber } from './large-objects/slo-part.js';
import { isSlo, loadSegments, sloView } from './large-objects/slo-read.js';

async function readManifest(ctx: SwiftContext, object: StoredObject): Promise<ManifestView | undefined> {
  if (isSlo(object)) return sloView(ctx, object);
  const dlo = object.metadata.headers['x-object-manifest'];
  return dlo === undefined ? undefined : dloView(ctx, dlo);
}

/** ?multipart-manifest=get on an SLO: the stored manifest as JSON, or with format=raw the PUT format. */
async function manifestView(ctx: SwiftContext, object: StoredObject): Promise<ManifestView> {
  if (ctx.query.format !== 'raw') {
    return {
      sizeBytes: object.sizeBytes,
      etag: object.etag,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      open: (range) => ctx.objects.openObject(object, range),
    };
  }
  const raw = Buffer.from(rawManifestJson(await loadSegments(ctx, object)), 'utf8');
  return {
    sizeBytes: raw.length,
    etag: createHash('md5').update(raw).digest('hex'),
    headers: {},
    open: async (range) => Readable.from([range ? raw.subarray(range.start, range.end + 1) : raw]),
  };
}

async function handleManifestGet(ctx: SwiftContext): Promise<FastifyReply | false> {
  await authorizeObjectRead(ctx);
  const object = await ctx.objects.findObject(
    ctx.path.projectId,
    ctx.path.container as string,
    ctx.path.object as string,
  );
  // Plain objects and DLO manifests are served as they are by the core.
  if (!object || !isSlo(object)) return false;
  const view = await manifestView(ctx, object);
  const query = { ...ctx.query };
  delete query['multipart-manifest'];
  const extensions = { ...ctx.extensions, readManifest: async () => view };
  return handleObjectRead({ ...ctx, query, extensions }, true);
}

async function intercept(ctx: SwiftContext): Promise<FastifyReply | false> {
  if (ctx.path.object === undefined) return false;
  const method = ctx.request.method;
  const multipart = ctx.query['multipart-manifest'];
  if (method === 'PUT' && multipart === 'put') return handleSloPut(ctx);
  if (method === 'DELETE' && multipart === 'delete') return handleSloDelete(ctx);
  if (method === 'GET' || method === 'HEAD')
    return multipart === 'get' ? handleManifestGet(ctx) : handlePartNumber(ctx);
  if (ctx.headers['x-static-large-object'] !== undefined) {
    throw errors.badRequest(
      'X-Static-Large-Object is a reserved header. To create a static large object add query param multipart-manifest=put.',
    );
  }
  const manifest = ctx.headers['x-object-manifest'];
  if (manifest !== undefined && (method === 'PUT' || (method === 'POST' && manifest !== '')))
    validateManifestHeader(manifest);
  return false;
}

export const install: InstallFeature = (extensions) => {
  extensions.info.slo = {
    max_manifest_segments: MAX_MANIFEST_SEGMENTS,
    max_manifest_size: MAX_MANIFEST_SIZE_BYTES,
    min_segment_size: MIN_SEGMENT_SIZE_BYTES,
    yield_frequency: YIELD_FREQUENCY_SECONDS,
  };
  extensions.info.dlo = { max_segments: MAX_DLO_SEGMENTS };
  extensions.intercept.push(intercept);
  extensions.readManifest = readManifest;
};
