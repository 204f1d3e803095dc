// Swift's object versioning API (X-Versions-Enabled containers): GET container?versions lists every
// version, and ?version-id=<id> addresses one version of an object for GET, HEAD, DELETE, or PUT (a
// zero-byte PUT makes that version current again). POST to a version is refused, as in Swift.
import type { FastifyReply } from 'fastify';
import { errors } from '../../../../../common/errors/codes.js';
import { LIMITS, type Container } from '../../../../model.js';
import {
  DELETE_MARKER_CONTENT_TYPE,
  normalizeVersionId,
  NULL_VERSION_ID,
  versioningStateOf,
  type ObjectVersion,
  type VersionStore,
} from '../../../../versioning/index.js';
import { authorizeSwift, type Operation } from '../../access.js';
import { bestMatch } from '../../accept.js';
import { effectiveAccept, listingTime } from '../../listing-format.js';
import { listOptions } from '../../listing-params.js';
import { authorizeObjectRead, handleObjectRead } from '../../object-read.js';
import { DEFAULT_POLICY_NAME } from '../../storage-policy.js';
import { sendEmpty, type SwiftContext } from '../../swift-context.js';
import { notAcceptable, swiftReply } from '../../swift-errors.js';

async function authorize(ctx: SwiftContext, operation: Operation): Promise<Container> {
  const c = await ctx.objects.getContainer(ctx.path.projectId, ctx.path.container as string);
  const account = await ctx.objects.getAccount(ctx.path.projectId);
  authorizeSwift({
    auth: ctx.auth,
    projectId: ctx.path.projectId,
    operation,
    container: c?.metadata,
    account: account.metadata,
    referer: ctx.headers.referer,
  });
  if (!c) throw errors.notFound('container', ctx.path.container as string);
  return c;
}

function parseVersionId(raw: string, allowNull: boolean): string {
  if (raw === NULL_VERSION_ID && allowNull) return raw;
  const id = normalizeVersionId(raw);
  if (id === undefined) throw errors.badRequest('Invalid version parameter');
  return id;
}

function listingEntry(v: ObjectVersion) {
  return {
    name: v.name,
    hash: v.object.etag,
    bytes: v.object.sizeBytes,
    content_type: v.object.contentType,
    last_modified: listingTime(v.object.lastModified),
    version_id: v.versionId,
    is_latest: v.isLatest,
  };
}

/** GET container?versions: JSON only, as in Swift. */
export async function listContainerVersions(
  ctx: SwiftContext,
  versions: VersionStore,
): Promise<FastifyReply> {
  const c = await authorize(ctx, 'container-read');
  // JSON only (object_versioning), negotiated like any listing: ?format= or the Accept header.
  if (bestMatch(effectiveAccept(ctx.query, ctx.headers.accept), ['application/json']) === undefined)
    throw notAcceptable();
  const options = listOptions(ctx.query, LIMITS.containerListingLimit);
  if (options.delimiter !== undefined || options.reverse || options.endMarker !== undefined)
    throw errors.badRequest('delimiter, end_marker and reverse are not supported with versions');
  const rawMarker = ctx.query.version_marker;
  if (rawMarker !== undefined && options.marker === undefined)
    throw errors.badRequest('version_marker param requires marker');
  let versionIdMarker: string | undefined;
  if (rawMarker !== undefined && rawMarker !== '') {
    versionIdMarker = rawMarker === NULL_VERSION_ID ? rawMarker : normalizeVersionId(rawMarker);
    if (versionIdMarker === undefined) throw errors.badRequest('invalid version_marker param');
  }
  const listing = await versions.listVersions(ctx.path.projectId, c.name, {
    prefix: options.prefix,
    keyMarker: options.marker,
    versionIdMarker,
    limit: options.limit,
  });
  ctx.reply.headers({
    'X-Container-Object-Count': String(c.objectCount),
    'X-Container-Bytes-Used': String(c.bytesUsed),
    'X-Timestamp': c.putTimestamp,
    'X-Storage-Policy': DEFAULT_POLICY_NAME,
  });
  const state = versioningStateOf(c.metadata);
  if (state !== 'unversioned') ctx.reply.header('X-Versions-Enabled', state === 'enabled' ? 'True' : 'False');
  ctx.reply.header('content-type', 'application/json; charset=utf-8');
  return ctx.reply.status(200).send(JSON.stringify(listing.versions.map(listingEntry)));
}

async function readVersion(ctx: SwiftContext, versions: VersionStore, id: string): Promise<FastifyReply> {
  await authorizeObjectRead(ctx);
  const { projectId, container, object } = ctx.path as Required<typeof ctx.path>;
  const version = await versions.getVersion(projectId, container, object, id);
  if (!version) throw errors.notFound('object', object);
  if (version.isDeleteMarker) {
    // Swift's 404 for a delete marker names the marker, down to its content type.
    const page = '<html><h1>Not Found</h1><p>The resource could not be found.</p></html>';
    throw swiftReply(404, ctx.request.method === 'HEAD' ? '' : page, {
      contentType: DELETE_MARKER_CONTENT_TYPE,
      headers: { 'X-Object-Version-Id': id },
    });
  }
  ctx.reply.header('X-Object-Version-Id', version.versionId);
  return handleObjectRead(ctx, true, version.object);
}

async function deleteVersion(ctx: SwiftContext, versions: VersionStore, id: string): Promise<FastifyReply> {
  await authorize(ctx, 'object-write');
  const { projectId, container, object } = ctx.path as Required<typeof ctx.path>;
  const result = await versions.deleteVersion(projectId, container, object, id, { promotePrevious: false });
  ctx.reply.headers({
    'X-Object-Version-Id': id,
    'X-Object-Current-Version-Id': result.currentVersionId,
  });
  return sendEmpty(ctx, 204);
}

/** PUT ?version-id: a zero-byte request making that version current again. */
async function restoreVersion(ctx: SwiftContext, versions: VersionStore, id: string): Promise<FastifyReply> {
  await authorize(ctx, 'object-write');
  const length = ctx.headers['content-length'];
  const chunked = (ctx.headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked');
  if (length === undefined && !chunked) throw errors.lengthRequired();
  const refused = () => errors.badRequest('PUT version-id requests require a zero byte body');
  if (length !== undefined && length !== '0') throw refused();
  // A chunked body is read to its end (stopping early would abort the request and its connection).
  let received = 0;
  for await (const chunk of ctx.request.raw) received += (chunk as Buffer).length;
  if (received > 0) throw refused();
  const { projectId, container, object } = ctx.path as Required<typeof ctx.path>;
  await versions.restoreVersion(projectId, container, object, id);
  const current = await ctx.objects.requireObject(projectId, container, object);
  ctx.reply.headers({ Etag: current.etag, 'X-Object-Version-Id': id });
  return sendEmpty(ctx, 201);
}

/** Any object request carrying ?version-id. */
export async function handleVersionRequest(ctx: SwiftContext, versions: VersionStore): Promise<FastifyReply> {
  const raw = ctx.query['version-id'] as string;
  const method = ctx.request.method;
  if (method === 'POST') throw errors.badRequest(`${method} to a specific version is not allowed`);
  const c = await ctx.objects.getContainer(ctx.path.projectId, ctx.path.container as string);
  const state = c ? versioningStateOf(c.metadata) : 'unversioned';
  if (state === 'unversioned' && raw !== NULL_VERSION_ID && c)
    throw errors.badRequest('version-aware operations require that the container is versioned');
  const id = parseVersionId(raw, method !== 'PUT');
  if (method === 'GET' || method === 'HEAD') return readVersion(ctx, versions, id);
  if (method === 'DELETE') return deleteVersion(ctx, versions, id);
  if (method === 'PUT') return restoreVersion(ctx, versions, id);
  throw errors.methodNotAllowed();
}
