// Swift bulk delete: POST or DELETE ?bulk-delete with a newline-separated list of URL-encoded
// /container/object and /container paths. Objects go first, then containers; each is deleted as the
// caller would delete it alone. The answer is always 200, with the outcome in the body.
import type { FastifyReply } from 'fastify';
import { ApiError } from '../../../../../common/errors/api-error.js';
import { errors } from '../../../../../common/errors/codes.js';
import { LIMITS } from '../../../../model.js';
import type { SwiftContext } from '../../swift-context.js';
import {
  errorBodyText,
  notAcceptable,
  quoteBytes,
  renderResultBody,
  resultFormat,
  statusLine,
  statusOfError,
  type FailedItem,
} from './response-body.js';
import { sendStreamedResult } from './streamed-result.js';
import { deleteContainerAs, deleteObjectAs } from './subrequests.js';

export const MAX_DELETES_PER_REQUEST = 10_000;
export const MAX_FAILED_DELETES = 1000;
const MAX_PATH_BYTES = LIMITS.maxObjectNameBytes + LIMITS.maxContainerNameBytes + 2;

/** One name to delete; `error` marks an item already known to fail (SLO segments that could not load). */
export interface DeleteItem {
  name: string;
  /** The name as Swift quotes it in the error list. */
  quoted: string;
  error?: { status: number; message: string } | undefined;
}

export interface DeleteTally {
  deleted: number;
  notFound: number;
  failed: FailedItem[];
  /** A 5xx happened: the overall status becomes 502 rather than 400. */
  badGateway: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Python's unquote() on bytes: valid %XX sequences decoded, anything else kept as is. */
function unquoteBytes(line: Buffer): Buffer {
  const text = line.toString('latin1');
  return Buffer.from(
    text.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  );
}

export function deleteItemOf(line: Buffer): DeleteItem {
  const bytes = unquoteBytes(line);
  const quoted = quoteBytes(bytes);
  try {
    const name = utf8.decode(bytes);
    if (name.includes('\0')) throw new Error('NUL');
    return { name, quoted };
  } catch {
    const name = bytes.toString('latin1');
    return { name, quoted, error: { status: 412, message: statusLine(412) } };
  }
}

/** Python's bytes.strip(): ASCII whitespace at both ends. */
function strip(line: Buffer): Buffer {
  let start = 0;
  let end = line.length;
  const space = (b: number | undefined) => b === 0x20 || (b !== undefined && b >= 0x09 && b <= 0x0d);
  while (start < end && space(line[start])) start += 1;
  while (end > start && space(line[end - 1])) end -= 1;
  return line.subarray(start, end);
}

/** Reads the request body as a list of names, with Swift's limits. */
async function readDeleteList(ctx: SwiftContext): Promise<DeleteItem[]> {
  const chunked = (ctx.headers['transfer-encoding'] ?? '').toLowerCase() === 'chunked';
  if (ctx.headers['content-length'] === undefined && !chunked) throw errors.lengthRequired();
  const items: DeleteItem[] = [];
  let pending: Buffer = Buffer.alloc(0);
  const take = (line: Buffer, last: boolean) => {
    const stripped = strip(line);
    if (!last || stripped.length > 0) items.push(deleteItemOf(stripped));
    if (items.length > MAX_DELETES_PER_REQUEST)
      throw errors.payloadTooLarge(`Maximum Bulk Deletes: ${MAX_DELETES_PER_REQUEST} per request`);
  };
  for await (const chunk of ctx.request.raw as AsyncIterable<Buffer>) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (let nl = pending.indexOf(0x0a); nl >= 0; nl = pending.indexOf(0x0a)) {
      take(pending.subarray(0, nl), false);
      pending = pending.subarray(nl + 1);
    }
    if (pending.length > MAX_PATH_BYTES * 2) throw errors.badRequest('Invalid File Name');
  }
  take(pending, true);
  return items;
}

const isObjectName = (name: string) => name.replace(/^\/+|\/+$/g, '').includes('/');

/** Deletes one name relative to the account: "/c/o" an object, "/c" a container. */
async function deleteByName(ctx: SwiftContext, name: string): Promise<number> {
  const relative = name.replace(/^\/+/, '');
  const slash = relative.indexOf('/');
  const container = slash < 0 ? relative : relative.slice(0, slash);
  const object = slash < 0 ? '' : relative.slice(slash + 1);
  if (container === '') return 405;
  return object === '' ? deleteContainerAs(ctx, container) : deleteObjectAs(ctx, container, object);
}

function record(tally: DeleteTally, item: DeleteItem, status: number): void {
  if (status >= 200 && status < 300) tally.deleted += 1;
  else if (status === 404) tally.notFound += 1;
  else {
    if (status >= 500) tally.badGateway = true;
    tally.failed.push([item.quoted, statusLine(status)]);
  }
}

/** Deletes objects first, then containers, updating `tally` as it goes. Stops at too many failures. */
export async function runDeletes(ctx: SwiftContext, items: DeleteItem[], tally: DeleteTally): Promise<void> {
  for (const wantObjects of [true, false]) {
    for (const item of items) {
      if (item.name === '' || isObjectName(item.name) !== wantObjects) continue;
      if (item.error) {
        if (item.error.status === 404) tally.notFound += 1;
        else tally.failed.push([item.quoted, item.error.message]);
        continue;
      }
      record(tally, item, await deleteByName(ctx, item.name));
      if (tally.failed.length >= MAX_FAILED_DELETES) throw errors.badRequest('Max delete failures exceeded');
    }
  }
}

/** The result body of a delete run (bulk delete and SLO multipart-manifest=delete). */
export async function deleteResultBody(
  ctx: SwiftContext,
  format: ReturnType<typeof resultFormat>,
  items: () => Promise<DeleteItem[]>,
): Promise<string> {
  const tally: DeleteTally = { deleted: 0, notFound: 0, failed: [], badGateway: false };
  let status = statusLine(200);
  let body = '';
  try {
    if (!format) throw notAcceptable();
    await runDeletes(ctx, await items(), tally);
    if (tally.failed.length > 0) status = statusLine(tally.badGateway ? 502 : 400);
    else if (tally.deleted === 0 && tally.notFound === 0) {
      status = statusLine(400);
      body = 'Invalid bulk delete.';
    }
  } catch (err) {
    status = statusLine(statusOfError(err));
    body = err instanceof ApiError ? errorBodyText(err) : '';
    if (!(err instanceof ApiError)) ctx.request.log.error({ event: 'swift.bulk.delete.failed', err });
  }
  const result = {
    'Response Status': status,
    'Response Body': body,
    'Number Deleted': tally.deleted,
    'Number Not Found': tally.notFound,
  };
  return renderResultBody(format, result, tally.failed, 'delete');
}

export async function handleBulkDelete(ctx: SwiftContext): Promise<FastifyReply> {
  const format = resultFormat(ctx.headers.accept);
  return sendStreamedResult(ctx, { status: 200, contentType: format }, () =>
    deleteResultBody(ctx, format, async () => {
      const incoming = ctx.headers['content-type'];
      if (incoming && !incoming.startsWith('text/plain')) throw notAcceptable();
      return readDeleteList(ctx);
    }),
  );
}
