// The per-item operations of bulk requests, each authorised as the caller exactly as the single
// request would be (Swift runs them as subrequests through the whole pipeline), and each answering an
// HTTP status instead of throwing, so that one bad item never fails the whole batch.
import { errors } from '../../../../../common/errors/codes.js';
import { LIMITS, type StoredMetadata } from '../../../../model.js';
import { authorizeSwift, type Operation } from '../../access.js';
import type { SwiftContext } from '../../swift-context.js';
import { statusOfError } from './response-body.js';

/** A copy of the request context aimed at another container or object of the same account. */
export function retarget(ctx: SwiftContext, container: string, object?: string): SwiftContext {
  return { ...ctx, path: { ...ctx.path, container, object } };
}

/** Runs an operation and returns its HTTP status; unexpected errors are logged and count as 500. */
export async function statusOf(ctx: SwiftContext, operation: () => Promise<number>): Promise<number> {
  try {
    return await operation();
  } catch (err) {
    const status = statusOfError(err);
    if (status >= 500) ctx.request.log.error({ event: 'swift.bulk.item.failed', err }, 'bulk item failed');
    return status;
  }
}

/** Swift's name constraints on a subrequest path: length limits (400), no NUL (412). */
export function checkNames(container: string, object?: string): void {
  if (container.includes('\0') || object?.includes('\0'))
    throw errors.preconditionFailed('Invalid UTF8 or contains NULL');
  if (Buffer.byteLength(container) > LIMITS.maxContainerNameBytes)
    throw errors.badRequest(`Container name length of ${Buffer.byteLength(container)} longer than 256`);
  if (object !== undefined && Buffer.byteLength(object) > LIMITS.maxObjectNameBytes)
    throw errors.badRequest(`Object name length of ${Buffer.byteLength(object)} longer than 1024`);
}

/** Authorises `operation` on a container of the caller's account; returns the container if it exists. */
export async function authorizeOn(ctx: SwiftContext, container: string, operation: Operation) {
  const c = await ctx.objects.getContainer(ctx.path.projectId, container);
  const account = await ctx.objects.getAccount(ctx.path.projectId);
  authorizeSwift({
    auth: ctx.auth,
    projectId: ctx.path.projectId,
    operation,
    container: c?.metadata,
    account: account.metadata,
    referer: ctx.headers.referer,
  });
  return c;
}

/** DELETE /container/object as the caller: 204, 404, 401/403… (versioning hooks included). */
export async function deleteObjectAs(ctx: SwiftContext, container: string, name: string): Promise<number> {
  return statusOf(ctx, async () => {
    checkNames(container, name);
    const c = await authorizeOn(ctx, container, 'object-write');
    if (!c) return 404;
    const existing = await ctx.objects.findObject(ctx.path.projectId, container, name);
    if (!existing) return 404;
    const target = retarget(ctx, container, name);
    for (const hook of ctx.extensions.beforeObjectDelete) {
      if ((await hook(target, existing)) === 'handled') return 204;
    }
    await ctx.objects.deleteObject(ctx.path.projectId, container, name);
    return 204;
  });
}

/** DELETE /container as the caller: 204, 404, 409 when not empty, 401/403. */
export async function deleteContainerAs(ctx: SwiftContext, container: string): Promise<number> {
  return statusOf(ctx, async () => {
    checkNames(container);
    await authorizeOn(ctx, container, 'container-write');
    await ctx.objects.deleteContainer(ctx.path.projectId, container);
    return 204;
  });
}

/** HEAD then, if missing, PUT /container as the caller: 204 exists, 201 created, or the failure. */
export async function ensureContainerAs(ctx: SwiftContext, container: string): Promise<number> {
  const head = await statusOf(ctx, async () => {
    checkNames(container);
    return (await authorizeOn(ctx, container, 'container-read')) ? 204 : 404;
  });
  if (head !== 404) return head;
  return statusOf(ctx, async () => {
    await authorizeOn(ctx, container, 'container-write');
    const created = await ctx.objects.putContainer(
      ctx.path.projectId,
      container,
      ctx.objects.emptyMetadata(),
    );
    return created ? 201 : 202;
  });
}

export interface PutAsInput {
  container: string;
  name: string;
  body: AsyncIterable<Buffer>;
  sizeBytes: number;
  contentType: string;
  metadata: StoredMetadata;
  deleteAt: number | null;
}

/** PUT /container/object as the caller (quota and versioning hooks included); throws on failure. */
export async function putObjectAs(ctx: SwiftContext, input: PutAsInput): Promise<number> {
  checkNames(input.container, input.name);
  const c = await authorizeOn(ctx, input.container, 'object-write');
  if (!c) throw errors.notFound('container', input.container);
  const target = retarget(ctx, input.container, input.name);
  for (const hook of ctx.extensions.beforeObjectWrite) await hook(target, input.sizeBytes);
  await ctx.objects.putObject({
    projectId: ctx.path.projectId,
    container: input.container,
    name: input.name,
    body: input.body,
    contentLength: input.sizeBytes,
    contentType: input.contentType,
    metadata: input.metadata,
    deleteAt: input.deleteAt,
  });
  return 201;
}
