// Swift container requests: HEAD/GET (with the object listing), PUT (create or update), POST
// (metadata, ACLs) and DELETE (only when empty).
import type { FastifyReply } from 'fastify';
import { errors } from '../../../common/errors/codes.js';
import { LIMITS, type Container } from '../../model.js';
import { authorizeSwift } from './access.js';
import { negotiateListing, renderObjectListing } from './listing-format.js';
import { listOptions } from './listing-params.js';
import { applyMetadataHeaders, metadataHeaders } from './metadata-headers.js';
import { checkStoragePolicy, DEFAULT_POLICY_NAME } from './storage-policy.js';
import { sendEmpty, type SwiftContext } from './swift-context.js';

/** Expired objects a container DELETE removes first (the reaper's batch size). */
const REAP_ON_DELETE_LIMIT = 1000;

const OWNER_ONLY =
  /^x-container-(read|write|meta-temp-url-key.*)$|^x-versions-location$|^x-history-location$/i;

function containerHeaders(ctx: SwiftContext, c: Container, isOwner: boolean): Record<string, string> {
  const meta = metadataHeaders('container', c.metadata);
  if (!isOwner) for (const k of Object.keys(meta)) if (OWNER_ONLY.test(k)) delete meta[k];
  return {
    'X-Container-Object-Count': String(c.objectCount),
    'X-Container-Bytes-Used': String(c.bytesUsed),
    'X-Timestamp': c.putTimestamp,
    'X-Put-Timestamp': c.putTimestamp,
    ...meta,
    // After the metadata: rows written before policies were validated may hold a stored copy.
    'X-Storage-Policy': DEFAULT_POLICY_NAME,
  };
}

function isOwner(ctx: SwiftContext): boolean {
  try {
    authorizeSwift({ auth: ctx.auth, projectId: ctx.path.projectId, operation: 'container-write' });
    return true;
  } catch {
    return false;
  }
}

/** Validates ACL header syntax before it is stored (Swift answers 400 for a bad ACL). */
function validateAcls(headers: Record<string, string | undefined>): void {
  for (const name of ['x-container-read', 'x-container-write']) {
    const v = headers[name];
    if (v === undefined) continue;
    for (const e of v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const ok =
        e === '.rlistings' ||
        /^\.(r|ref|referer|referrer):-?[^\s:]+$/.test(e) ||
        /^[^\s:]+:[^\s:]+$/.test(e) ||
        /^[^\s:.][^\s:]*$/.test(e);
      if (!ok || (name === 'x-container-write' && e.startsWith('.')))
        throw errors.badRequest(`Invalid ${name} element: ${e.slice(0, 100)}`);
    }
  }
}

async function accountMeta(ctx: SwiftContext) {
  return (await ctx.objects.getAccount(ctx.path.projectId)).metadata;
}

export async function handleContainer(ctx: SwiftContext): Promise<FastifyReply> {
  const { objects, path } = ctx;
  const name = path.container as string;
  const method = ctx.request.method;
  if (method === 'HEAD' || method === 'GET') {
    const c = await objects.getContainer(path.projectId, name);
    authorizeSwift({
      auth: ctx.auth,
      projectId: path.projectId,
      operation: 'container-read',
      container: c?.metadata,
      account: await accountMeta(ctx),
      referer: ctx.headers.referer,
    });
    if (!c) throw errors.notFound('container', name);
    ctx.reply.headers(containerHeaders(ctx, c, isOwner(ctx)));
    const { format, contentType } = negotiateListing(ctx.query, ctx.headers.accept);
    if (method === 'HEAD') return sendEmpty(ctx, 204, contentType);
    const items = await objects.listObjects(
      path.projectId,
      name,
      listOptions(ctx.query, LIMITS.containerListingLimit, 'container'),
    );
    if (items.length === 0 && format === 'plain') return sendEmpty(ctx, 204, contentType);
    ctx.reply.header('content-type', contentType);
    return ctx.reply.status(200).send(renderObjectListing(items, name, format));
  }
  authorizeSwift({
    auth: ctx.auth,
    projectId: path.projectId,
    operation: 'container-write',
    account: await accountMeta(ctx),
  });
  if (method === 'PUT') {
    validateAcls(ctx.headers);
    checkStoragePolicy(ctx.headers['x-storage-policy']);
    const existing = await objects.getContainer(path.projectId, name);
    const metadata = applyMetadataHeaders(
      'container',
      ctx.request.headers,
      existing?.metadata ?? objects.emptyMetadata(),
    );
    const created = await objects.putContainer(path.projectId, name, metadata);
    return sendEmpty(ctx, created ? 201 : 202);
  }
  if (method === 'POST') {
    validateAcls(ctx.headers);
    const c = await objects.requireContainer(path.projectId, name);
    await objects.setContainerMetadata(
      path.projectId,
      name,
      applyMetadataHeaders('container', ctx.request.headers, c.metadata),
    );
    return sendEmpty(ctx, 204);
  }
  if (method === 'DELETE') {
    // Expired objects are already gone from listings; they must not keep the container "not empty"
    // until the reaper's next round.
    await objects.reapExpired(REAP_ON_DELETE_LIMIT, { projectId: path.projectId, container: name });
    await objects.deleteContainer(path.projectId, name);
    return sendEmpty(ctx, 204);
  }
  throw errors.methodNotAllowed();
}
