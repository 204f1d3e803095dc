// Swift object PUT (streamed, with Etag check, If-None-Match: *, X-Copy-From), COPY, POST (metadata)
// and DELETE, plus X-Delete-At / X-Delete-After (object-expiry.ts); copies are object-copy.ts.
import type { FastifyReply } from 'fastify';
import { errors } from '../../../common/errors/codes.js';
import { httpDate } from '../../http/conditions.js';
import { LIMITS, type StoredMetadata } from '../../model.js';
import { guessContentType } from './content-type.js';
import { planObjectWrite } from './extensions.js';
import { applyMetadataHeaders } from './metadata-headers.js';
import { assertRemovable } from '../../object-lock.js';
import { authorizeObjectWrite } from './object-access.js';
import { copyAccount, copyObject, parseCopyPath } from './object-copy.js';
import { deleteAtFrom } from './object-expiry.js';
import { authorizeObjectRead } from './object-read.js';
import { preconditionFailed } from './swift-errors.js';
import { sendEmpty, truthy, type SwiftContext } from './swift-context.js';

/** Object headers Swift keeps as system metadata, which a POST does not replace. */
const SYSTEM_HEADERS = ['x-static-large-object'];

function contentTypeFor(ctx: SwiftContext, name: string, fallback?: string): string {
  const given = ctx.headers['content-type'];
  if (truthy(ctx.headers['x-detect-content-type']) || (!given && !fallback)) return guessContentType(name);
  return given ?? (fallback as string);
}

async function put(ctx: SwiftContext, preauthorized: boolean): Promise<FastifyReply> {
  const container = ctx.path.container as string;
  const name = ctx.path.object as string;
  const copyFrom = ctx.headers['x-copy-from'];
  if (copyFrom !== undefined) {
    const source = copyAccount(ctx.headers['x-copy-from-account'], ctx.path);
    const from = { ...source, ...parseCopyPath(copyFrom, 'X-Copy-From') };
    const to = { account: ctx.path.account, projectId: ctx.path.projectId, container, object: name };
    return copyObject(ctx, from, to, preauthorized);
  }
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

/**
 * POST replaces the object's user metadata and the headers it persists (Content-Disposition,
 * X-Object-Manifest…), and its expiry, with what the request sends, as Swift's object server does; only
 * what Swift keeps as system metadata (an SLO's X-Static-Large-Object) survives.
 */
async function post(ctx: SwiftContext, container: string, name: string): Promise<FastifyReply> {
  const existing = await ctx.objects.requireObject(ctx.path.projectId, container, name);
  const kept: StoredMetadata = { meta: {}, headers: {} };
  for (const name of SYSTEM_HEADERS) {
    const value = existing.metadata.headers[name];
    if (value !== undefined) kept.headers[name] = value;
  }
  const metadata = applyMetadataHeaders('object', ctx.request.headers, kept);
  const contentType = ctx.headers['content-type'] || existing.contentType;
  await ctx.objects.updateObjectMetadata(
    existing,
    metadata,
    contentType,
    deleteAtFrom(ctx.headers, ctx.now, null),
  );
  return sendEmpty(ctx, 202);
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
    if (!destination) throw preconditionFailed('Destination header required');
    const from = { account: ctx.path.account, projectId: ctx.path.projectId, container, object: name };
    const target = copyAccount(ctx.headers['destination-account'], ctx.path);
    return copyObject(ctx, from, { ...target, ...parseCopyPath(destination, 'Destination') });
  }
  if (!preauthorized) await authorizeObjectWrite(ctx);
  if (method === 'POST') return post(ctx, container, name);
  if (method === 'DELETE') {
    const existing = await ctx.objects.requireObject(ctx.path.projectId, container, name);
    // Swift has no delete marker to leave in place of a locked object: the delete is refused.
    assertRemovable(existing, ctx.now);
    for (const hook of ctx.extensions.beforeObjectDelete) {
      if ((await hook(ctx, existing)) === 'handled') return sendEmpty(ctx, 204);
    }
    await ctx.objects.deleteObject(ctx.path.projectId, container, name);
    return sendEmpty(ctx, 204);
  }
  throw errors.methodNotAllowed();
}
