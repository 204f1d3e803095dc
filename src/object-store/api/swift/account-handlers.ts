// Swift account requests: HEAD/GET (with the container listing) and POST (metadata).
import type { FastifyReply } from 'fastify';
import { errors } from '../../../common/errors/codes.js';
import { LIMITS, type Account } from '../../model.js';
import { authorizeSwift } from './access.js';
import { negotiateListing, renderContainerListing } from './listing-format.js';
import { listOptions } from './listing-params.js';
import { applyMetadataHeaders, metadataHeaders } from './metadata-headers.js';
import { accountPolicyHeaders } from './storage-policy.js';
import { sendEmpty, type SwiftContext } from './swift-context.js';

function accountHeaders(a: Account): Record<string, string> {
  return {
    'X-Account-Container-Count': String(a.containerCount),
    'X-Account-Object-Count': String(a.objectCount),
    'X-Account-Bytes-Used': String(a.bytesUsed),
    'X-Timestamp': a.putTimestamp,
    'X-Put-Timestamp': a.putTimestamp,
    ...accountPolicyHeaders(a),
    ...metadataHeaders('account', a.metadata),
  };
}

/** Temp URL keys are secrets: only those who may write the account see them. */
function visibleHeaders(ctx: SwiftContext, a: Account): Record<string, string> {
  const headers = accountHeaders(a);
  try {
    authorizeSwift({
      auth: ctx.auth,
      projectId: ctx.path.projectId,
      operation: 'account-write',
      account: a.metadata,
    });
  } catch {
    for (const k of Object.keys(headers)) if (/temp-url-key|access-control/i.test(k)) delete headers[k];
  }
  return headers;
}

export async function handleAccount(ctx: SwiftContext): Promise<FastifyReply> {
  const { objects, path } = ctx;
  const method = ctx.request.method;
  if (method === 'HEAD' || method === 'GET') {
    const account = await objects.getAccount(path.projectId);
    authorizeSwift({
      auth: ctx.auth,
      projectId: path.projectId,
      operation: 'account-read',
      account: account.metadata,
    });
    ctx.reply.headers(visibleHeaders(ctx, account));
    const { format, contentType } = negotiateListing(ctx.query, ctx.headers.accept);
    if (method === 'HEAD') return sendEmpty(ctx, 204, contentType);
    const items = await objects.listContainers(
      path.projectId,
      listOptions(ctx.query, LIMITS.accountListingLimit),
    );
    if (items.length === 0 && format === 'plain') return sendEmpty(ctx, 204, contentType);
    ctx.reply.header('content-type', contentType);
    return ctx.reply.status(200).send(renderContainerListing(items, path.account, format));
  }
  if (method === 'POST') {
    const account = await objects.getAccount(path.projectId);
    authorizeSwift({
      auth: ctx.auth,
      projectId: path.projectId,
      operation: 'account-write',
      account: account.metadata,
    });
    validateAccountAcl(ctx.headers['x-account-access-control']);
    await objects.setAccountMetadata(
      path.projectId,
      applyMetadataHeaders('account', ctx.request.headers, account.metadata),
    );
    return sendEmpty(ctx, 204);
  }
  throw errors.methodNotAllowed();
}

function validateAccountAcl(value: string | undefined): void {
  if (value === undefined || value === '') return;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    for (const [k, v] of Object.entries(parsed)) {
      if (!['admin', 'read-write', 'read-only'].includes(k) || !Array.isArray(v)) throw new Error(k);
    }
  } catch {
    throw errors.badRequest(
      'Invalid X-Account-Access-Control: a JSON object of admin/read-write/read-only lists.',
    );
  }
}
