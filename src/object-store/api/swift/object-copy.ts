// Swift's server-side copy (its copy middleware): PUT with X-Copy-From (and X-Copy-From-Account) or COPY
// with Destination (and Destination-Account). The source is read as a GET would read it, so a large
// object's manifest is copied as its assembled content unless ?multipart-manifest=get asks for the
// manifest itself; a plain object's copy shares its blob. The new object takes the source's metadata
// (unless X-Fresh-Metadata) updated by the request's.
import type { FastifyReply } from 'fastify';
import { errors } from '../../../common/errors/codes.js';
import { httpDate } from '../../http/conditions.js';
import { LIMITS, type StoredMetadata, type StoredObject } from '../../model.js';
import { planObjectWrite } from './extensions.js';
import { applyMetadataHeaders, metadataHeaders } from './metadata-headers.js';
import { authorizeObjectWrite } from './object-access.js';
import { deleteAtFrom } from './object-expiry.js';
import { authorizeObjectRead } from './object-read.js';
import { pyQuote } from './py-quote.js';
import { preconditionFailed } from './swift-errors.js';
import { sendEmpty, truthy, type SwiftContext } from './swift-context.js';
import { decodeName, type SwiftPath } from './swift-path.js';

/** One end of a copy: an object of some account. */
export interface CopyEnd {
  account: string;
  projectId: string;
  container: string;
  object: string;
}

/** Headers that make an object a manifest: copied only with the manifest itself. */
const MANIFEST_HEADERS = ['x-object-manifest', 'x-static-large-object'];

/**
 * "<container>/<object>" of X-Copy-From or Destination, percent-decoded first and then split, as Swift's
 * check_path_header does (one leading slash allowed); 412 with Swift's message otherwise.
 */
export function parseCopyPath(
  value: string,
  header: 'X-Copy-From' | 'Destination',
): { container: string; object: string } {
  const refused = () =>
    preconditionFailed(`${header} header must be of the form <container name>/<object name>`);
  let decoded: string;
  try {
    decoded = decodeName(value);
  } catch {
    throw refused();
  }
  const path = decoded.startsWith('/') ? decoded.slice(1) : decoded;
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) throw refused();
  const object = path.slice(slash + 1);
  if (Buffer.byteLength(object) > LIMITS.maxObjectNameBytes)
    throw errors.badRequest(
      `Object name length of ${Buffer.byteLength(object)} longer than ${LIMITS.maxObjectNameBytes}`,
    );
  return { container: path.slice(0, slash), object };
}

/**
 * The account of X-Copy-From-Account or Destination-Account (check_account_format's 412s), or the
 * request's own when the header is absent.
 */
export function copyAccount(
  value: string | undefined,
  own: SwiftPath,
): { account: string; projectId: string } {
  if (value === undefined) return { account: own.account, projectId: own.projectId };
  let account: string;
  try {
    account = decodeName(value);
  } catch {
    throw preconditionFailed('Account name cannot be empty');
  }
  if (account === '') throw preconditionFailed('Account name cannot be empty');
  if (account.includes('/')) throw preconditionFailed('Account name cannot contain slashes');
  if (!account.startsWith('AUTH_') || account.length <= 5) throw errors.notFound('account', account);
  return { account, projectId: account.slice(5) };
}

function at(ctx: SwiftContext, end: CopyEnd): SwiftContext {
  return {
    ...ctx,
    path: { account: end.account, projectId: end.projectId, container: end.container, object: end.object },
  };
}

function baseMetadata(ctx: SwiftContext, source: StoredObject, copiesManifest: boolean): StoredMetadata {
  const fresh = truthy(ctx.headers['x-fresh-metadata']);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(source.metadata.headers)) {
    const manifest = MANIFEST_HEADERS.includes(name);
    if (manifest ? copiesManifest : !fresh) headers[name] = value;
  }
  return { meta: fresh ? {} : { ...source.metadata.meta }, headers };
}

/** Writes the copy: the source's blob when it is copied as stored, else its content through a stream. */
async function writeCopy(ctx: SwiftContext, from: CopyEnd, to: CopyEnd, source: StoredObject) {
  const asStored = ctx.query['multipart-manifest'] === 'get';
  const view = asStored ? undefined : await ctx.extensions.readManifest?.(at(ctx, from), source);
  if (view && view.sizeBytes > LIMITS.maxFileSize) throw errors.payloadTooLarge('Your request is too large.');
  const sizeBytes = view ? view.sizeBytes : source.sizeBytes;
  const target = at(ctx, to);
  const plan = await planObjectWrite(target, sizeBytes);
  plan.beforeCommit({ sizeBytes });
  const metadata = plan.applyHeaders(
    applyMetadataHeaders('object', ctx.request.headers, baseMetadata(ctx, source, view === undefined)),
  );
  const common = {
    projectId: to.projectId,
    container: to.container,
    name: to.object,
    metadata,
    contentType: ctx.headers['content-type'] || source.contentType,
    deleteAt: deleteAtFrom(
      ctx.headers,
      ctx.now,
      truthy(ctx.headers['x-fresh-metadata']) ? null : source.deleteAt,
    ),
  };
  const written = view
    ? await ctx.objects.putObject({ ...common, body: await view.open(), contentLength: view.sizeBytes })
    : await ctx.objects.copyObject(source, common);
  if (written.applied) await plan.afterCommit(written.object);
  return written.object;
}

function copiedHeaders(object: StoredObject): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadataHeaders('object', object.metadata)))
    if (name.startsWith('X-Object-Meta-')) headers[name] = value;
  if (object.deleteAt !== null) headers['X-Delete-At'] = String(object.deleteAt);
  return headers;
}

/** `preauthorized`: a temp URL granted the write (the source is still read with the caller's rights). */
export async function copyObject(
  ctx: SwiftContext,
  from: CopyEnd,
  to: CopyEnd,
  preauthorized = false,
): Promise<FastifyReply> {
  const length = ctx.headers['content-length'];
  if (length !== undefined && length !== '0')
    throw errors.badRequest('Copy requests require a zero byte body');
  await authorizeObjectRead(at(ctx, from));
  if (!preauthorized) await authorizeObjectWrite(at(ctx, to));
  const source = await ctx.objects.requireObject(from.projectId, from.container, from.object);
  const object = await writeCopy(ctx, from, to, source);
  ctx.reply.headers({
    // Swift's copy answers with the new object's user metadata and expiry too.
    ...copiedHeaders(object),
    Etag: object.etag,
    'Last-Modified': httpDate(new Date(object.lastModified)),
    'X-Copied-From': pyQuote(`${from.container}/${from.object}`, '/'),
    'X-Copied-From-Account': pyQuote(from.account, '/'),
    'X-Copied-From-Last-Modified': httpDate(new Date(source.lastModified)),
  });
  return sendEmpty(ctx, 201);
}
