// Swift object PUT (streamed, with Etag check, If-None-Match: *, X-Copy-From), COPY, POST (metadata)
// and DELETE, plus X-Delete-At / X-Delete-After.
import type { FastifyReply } from 'fastify';
import { ApiError } from '../../../common/errors/api-error.js';
import { errors } from '../../../common/errors/codes.js';
import { httpDate } from '../../http/conditions.js';
import { LIMITS, type StoredMetadata, type StoredObject } from '../../model.js';
import { authorizeSwift } from './access.js';
import { guessContentType } from './content-type.js';
import { planObjectWrite } from './extensions.js';
import { applyMetadataHeaders } from './metadata-headers.js';
import { sendEmpty, truthy, type SwiftContext } from './swift-context.js';
import { decodeName } from './swift-path.js';
import { authorizeObjectRead } from './object-read.js';

async function authorizeObjectWrite(
  ctx: SwiftContext,
  container = ctx.path.container as string,
): Promise<void> {
  const c = await ctx.objects.getContainer(ctx.path.projectId, container);
  const account = await ctx.objects.getAccount(ctx.path.projectId);
  authorizeSwift({
    auth: ctx.auth,
    projectId: ctx.path.projectId,
    operation: 'object-write',
    container: c?.metadata,
    account: account.metadata,
  });
  if (!c) throw errors.notFound('container', container);
}

export function deleteAtFrom(
  headers: Record<string, string | undefined>,
  now: Date,
  current: number | null,
): number | null {
  const after = headers['x-delete-after'];
  const at = headers['x-delete-at'];
  if (after !== undefined) {
    if (!/^\d+$/.test(after)) throw errors.badRequest('Non-integer X-Delete-After');
    return Math.floor(now.getTime() / 1000) + Number(after);
  }
  if (at !== undefined) {
    if (at === '') return null;
    if (!/^\d+(\.\d+)?$/.test(at)) throw errors.badRequest('Non-integer X-Delete-At');
    const value = Math.floor(Number(at));
    if (value * 1000 <= now.getTime()) throw errors.badRequest('X-Delete-At in past');
    return value;
  }
  if (headers['x-remove-delete-at'] !== undefined) return null;
  return current;
}

function contentTypeFor(ctx: SwiftContext, name: string, fallback?: string): string {
  const given = ctx.headers['content-type'];
  if (truthy(ctx.headers['x-detect-content-type']) || (!given && !fallback)) return guessContentType(name);
  return given ?? (fallback as string);
}

/** "container/object" from Destination or X-Copy-From (optionally with a leading slash). */
function parseCopyTarget(value: string): { container: string; object: string } {
  const trimmed = value.replace(/^\/+/, '');
  const slash = trimmed.indexOf('/');
  if (slash <= 0 || slash === trimmed.length - 1) {
    throw new ApiError(
      412,
      'PreconditionFailed',
      'Bad copy header value: must be in the form <container name>/<object name>',
    );
  }
  const container = decodeName(trimmed.slice(0, slash));
  const object = decodeName(trimmed.slice(slash + 1));
  if (Buffer.byteLength(object) > LIMITS.maxObjectNameBytes) throw errors.badRequest('Object name too long');
  return { container, object };
}

async function copy(
  ctx: SwiftContext,
  from: { container: string; object: string },
  to: { container: string; object: string },
  preauthorized = false,
): Promise<FastifyReply> {
  await authorizeObjectRead({
    ...ctx,
    path: { ...ctx.path, container: from.container, object: from.object },
  });
  if (!preauthorized) await authorizeObjectWrite(ctx, to.container);
  const source = await ctx.objects.requireObject(ctx.path.projectId, from.container, from.object);
  const fresh = truthy(ctx.headers['x-fresh-metadata']);
  const base: StoredMetadata = fresh ? { meta: {}, headers: {} } : source.metadata;
  const plan = await planObjectWrite(
    { ...ctx, path: { ...ctx.path, container: to.container, object: to.object } },
    source.sizeBytes,
  );
  plan.beforeCommit({ sizeBytes: source.sizeBytes });
  const metadata = plan.applyHeaders(applyMetadataHeaders('object', ctx.request.headers, base));
  const contentType = ctx.headers['content-type'] ?? source.contentType;
  const { object, applied } = await ctx.objects.copyObject(source, {
    projectId: ctx.path.projectId,
    container: to.container,
    name: to.object,
    metadata,
    contentType,
    deleteAt: deleteAtFrom(ctx.headers, ctx.now, fresh ? null : source.deleteAt),
  });
  if (applied) await plan.afterCommit(object);
  ctx.reply.headers({
    Etag: object.etag,
    'Last-Modified': httpDate(new Date(object.lastModified)),
    'X-Copied-From': `${encodeURIComponent(from.container)}/${encodeURIComponent(from.object)}`,
    'X-Copied-From-Last-Modified': httpDate(new Date(source.lastModified)),
  });
  return sendEmpty(ctx, 201);
}

async function put(ctx: SwiftContext, preauthorized: boolean): Promise<FastifyReply> {
  const container = ctx.path.container as string;
  const name = ctx.path.object as string;
  const copyFrom = ctx.headers['x-copy-from'];
  if (copyFrom !== undefined)
    return copy(ctx, parseCopyTarget(copyFrom), { container, object: name }, preauthorized);
  if (!preauthorized) await authorizeObjectWrite(ctx);
  const lengthHeader = ctx.headers['content-length'];
  const chunked = (ctx.headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked');
  if (lengthHeader === undefined && !chunked) throw errors.lengthRequired();
  const contentLength = lengthHeader === undefined ? undefined : Number(lengthHeader);
  if (contentLength !== undefined && (!Number.isSafeInteger(contentLength) || contentLength < 0))
    throw errors.badRequest('Invalid Content-Length');
  if (contentLength !== undefined && contentLength > LIMITS.maxFileSize)
    throw errors.payloadTooLarge('Your request is too large.');
  const ifNoneMatch = ctx.headers['if-none-match'];
  if (ifNoneMatch !== undefined && ifNoneMatch !== '*')
    throw errors.badRequest('If-None-Match only supports *');
  const plan = await planObjectWrite(ctx, contentLength);
  const { object, applied } = await ctx.objects.putObject({
    projectId: ctx.path.projectId,
    container,
    name,
    body: ctx.request.raw,
    contentLength,
    contentType: contentTypeFor(ctx, name),
    metadata: plan.applyHeaders(
      applyMetadataHeaders('object', ctx.request.headers, { meta: {}, headers: {} }),
    ),
    deleteAt: deleteAtFrom(ctx.headers, ctx.now, null),
    expectedEtag: ctx.headers.etag,
    mustNotExist: ifNoneMatch === '*',
    beforeCommit: (written) => plan.beforeCommit(written),
  });
  if (applied) await plan.afterCommit(object);
  ctx.reply.headers({ Etag: object.etag, 'Last-Modified': httpDate(new Date(object.lastModified)) });
  return sendEmpty(ctx, 201);
}

/** `preauthorized`: the caller already granted this very operation (a valid temp URL). */
export async function handleObjectWrite(ctx: SwiftContext, preauthorized = false): Promise<FastifyReply> {
  const method = ctx.request.method;
  const container = ctx.path.container as string;
  const name = ctx.path.object as string;
  if (method === 'PUT') return put(ctx, preauthorized);
  if (method === 'COPY') {
    const destination = ctx.headers.destination;
    // Check the caller first, so that an anonymous request learns nothing from header validation.
    if (!destination && !preauthorized) await authorizeObjectRead(ctx);
    if (!destination) throw new ApiError(412, 'PreconditionFailed', 'Destination header required');
    return copy(ctx, { container, object: name }, parseCopyTarget(destination));
  }
  if (!preauthorized) await authorizeObjectWrite(ctx);
  if (method === 'POST') {
    const existing: StoredObject = await ctx.objects.requireObject(ctx.path.projectId, container, name);
    const metadata = applyMetadataHeaders('object', ctx.request.headers, existing.metadata, true);
    // POST replaces all user metadata, as Swift's fast-post does; manifests keep their manifest headers.
    for (const keep of ['x-object-manifest', 'x-static-large-object']) {
      const v = existing.metadata.headers[keep];
      if (v !== undefined) metadata.headers[keep] = v;
    }
    const contentType = ctx.headers['content-type'] ?? existing.contentType;
    await ctx.objects.updateObjectMetadata(
      existing,
      metadata,
      contentType,
      deleteAtFrom(ctx.headers, ctx.now, existing.deleteAt),
    );
    return sendEmpty(ctx, 202);
  }
  if (method === 'DELETE') {
    const existing = await ctx.objects.requireObject(ctx.path.projectId, container, name);
    for (const hook of ctx.extensions.beforeObjectDelete) {
      if ((await hook(ctx, existing)) === 'handled') return sendEmpty(ctx, 204);
    }
    await ctx.objects.deleteObject(ctx.path.projectId, container, name);
    return sendEmpty(ctx, 204);
  }
  throw errors.methodNotAllowed();
}
