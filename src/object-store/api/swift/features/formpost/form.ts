// One form post: the attributes (redirect, max_file_size, max_file_count, expires, signature, and the
// optional x_delete_at, x_delete_after, content-type, content-encoding) precede the files, as Swift
// requires; each file is checked against the signature and streamed into <path prefix><filename>.
import { STATUS_CODES } from 'node:http';
import { isApiError } from '../../../../../common/errors/api-error.js';
import { emptyMetadata, LIMITS } from '../../../../model.js';
import { planObjectWrite } from '../../extensions.js';
import { deleteAtFrom } from '../../object-expiry.js';
import type { SwiftContext } from '../../swift-context.js';
import {
  ALLOWED_DIGESTS,
  hmac,
  parseSignature,
  sameSignature,
  signedPathVariants,
} from '../tempurl/signature.js';
import { FormError, type MultipartReader } from './multipart.js';

export interface FormOutcome {
  status: number;
  message: string;
  /** The failed upload's own response body, if any. */
  body?: string | undefined;
  redirect?: string | undefined;
}

export interface FormTarget {
  /** The decoded path after /v1/ (account/container[/prefix]), as signed. */
  signedRest: string;
  keys: string[];
}

/** Python's int(): optional sign and surrounding blanks; FormError otherwise. */
function integer(value: string | undefined, message: string): number {
  const text = value || '0';
  if (!/^\s*[+-]?\d+\s*$/.test(text)) throw new FormError(400, message);
  return Number(text);
}

function checkSignature(ctx: SwiftContext, attributes: Map<string, string>, target: FormTarget): void {
  const expires = integer(attributes.get('expires'), 'expired not an integer');
  if (expires * 1000 < ctx.now.getTime()) throw new FormError(401, 'form expired');
  const signature = parseSignature(attributes.get('signature') ?? '');
  if (!signature || !ALLOWED_DIGESTS.includes(signature.digest))
    throw new FormError(401, 'invalid signature');
  const fields = [
    attributes.get('redirect') || '',
    attributes.get('max_file_size') || '0',
    attributes.get('max_file_count') || '0',
    attributes.get('expires') || '0',
  ].join('\n');
  let valid = false;
  for (const path of signedPathVariants(target.signedRest))
    for (const key of target.keys)
      if (sameSignature(signature.bytes, hmac(signature.digest, key, `${path}\n${fields}`))) valid = true;
  if (!valid) throw new FormError(401, 'invalid signature');
}

async function* capped(body: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) throw new FormError(400, 'max_file_size exceeded');
    yield chunk;
  }
}

function uploadHeaders(attributes: Map<string, string>): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  if (attributes.has('x_delete_at')) {
    const at = integer(attributes.get('x_delete_at'), 'x_delete_at not an integer: Unix timestamp required.');
    headers['x-delete-at'] = String(at);
  }
  if (attributes.has('x_delete_after')) {
    const after = integer(
      attributes.get('x_delete_after'),
      'x_delete_after not an integer: Number of seconds required.',
    );
    headers['x-delete-after'] = String(after);
  }
  return headers;
}

const HEADER_SAFE = /^[\t\x20-\x7e]*$/;

/** What Swift's object PUT would refuse about the name or the headers the form gives the object. */
function invalidUpload(
  name: string,
  attributes: Map<string, string>,
): { status: number; body: string } | undefined {
  if (name.includes('\0') || name.includes('\uFFFD'))
    return { status: 412, body: 'Invalid UTF8 or contains NULL' };
  const bytes = Buffer.byteLength(name);
  if (bytes > LIMITS.maxObjectNameBytes)
    return { status: 400, body: `Object name length of ${bytes} longer than ${LIMITS.maxObjectNameBytes}` };
  for (const header of ['content-type', 'content-encoding']) {
    if (!HEADER_SAFE.test(attributes.get(header) ?? '')) return { status: 400, body: `Invalid ${header}` };
  }
  return undefined;
}

/** Uploads one file field as a pre-authorised PUT; returns its status (and body when it failed). */
export async function uploadFile(
  ctx: SwiftContext,
  attributes: Map<string, string>,
  reader: MultipartReader,
  target: FormTarget,
): Promise<{ status: number; body?: string }> {
  if (target.keys.length === 0) throw new FormError(401, 'invalid signature');
  const maxBytes = integer(attributes.get('max_file_size'), 'max_file_size not an integer');
  const headers = uploadHeaders(attributes);
  checkSignature(ctx, attributes, target);
  const name = (ctx.path.object ?? '') + (attributes.get('filename') || 'filename');
  const invalid = invalidUpload(name, attributes);
  if (invalid) return invalid;
  const upload: SwiftContext = { ...ctx, path: { ...ctx.path, object: name }, headers };
  try {
    const plan = await planObjectWrite(upload, undefined);
    const { object, applied } = await ctx.objects.putObject({
      projectId: ctx.path.projectId,
      container: ctx.path.container as string,
      name,
      body: capped(reader.body(), maxBytes),
      contentType: attributes.get('content-type') || 'application/octet-stream',
      metadata: plan.applyHeaders(contentEncoding(attributes)),
      deleteAt: deleteAtFrom(headers, ctx.now, null),
      beforeCommit: (written) => plan.beforeCommit(written),
    });
    if (applied) await plan.afterCommit(object);
    return { status: 201 };
  } catch (err) {
    if (isApiError(err) && err.status < 500) return { status: err.status, body: err.publicMessage };
    throw err;
  }
}

function contentEncoding(attributes: Map<string, string>) {
  const metadata = emptyMetadata();
  const encoding = attributes.get('content-encoding');
  if (encoding) metadata.headers['content-encoding'] = encoding;
  return metadata;
}

export function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? 'Unknown'}`;
}
