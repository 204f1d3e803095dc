// Swift archive extraction: PUT /v1/AUTH_x[/container[/prefix]]?extract-archive=tar|tar.gz. The tar is
// read as a stream and each regular file is streamed into its own object (containers are created as
// needed), as the caller; directories, links and top-level files at account level are skipped. The
// answer is 200 with the outcome ("Number Files Created", "Errors") in the body, as Swift's.
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FastifyReply } from 'fastify';
import { ApiError } from '../../../../../common/errors/api-error.js';
import { errors } from '../../../../../common/errors/codes.js';
import { LIMITS } from '../../../../model.js';
import { guessContentType } from '../../content-type.js';
import { applyMetadataHeaders } from '../../metadata-headers.js';
import { deleteAtFrom } from '../../object-expiry.js';
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
  type ResultFormat,
} from './response-body.js';
import { sendStreamedResult } from './streamed-result.js';
import { ensureContainerAs, putObjectAs } from './subrequests.js';
import { asTarError, readTar, type TarMember } from './tar-reader.js';

export const MAX_CONTAINERS_PER_EXTRACTION = 10_000;
export const MAX_FAILED_EXTRACTIONS = 1000;
/** Nuage's own bound on one request (Swift has none): files created or attempted. */
export const MAX_FILES_PER_EXTRACTION = 10_000;
const MAX_PATH_BYTES = LIMITS.maxObjectNameBytes + LIMITS.maxContainerNameBytes + 2;

/** Swift's ?extract-archive values; bzip2 has no decoder here and is refused up front. */
const COMPRESSION: Record<string, 'none' | 'gzip' | undefined> = { tar: 'none', 'tar.gz': 'gzip' };

interface ExtractState {
  created: number;
  failed: FailedItem[];
  badGateway: boolean;
  containersAccessed: Set<string>;
  containersCreated: number;
  files: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    const text = utf8.decode(bytes);
    return text.includes('\0') ? undefined : text;
  } catch {
    return undefined;
  }
}

/** The object path of a member: "./" and leading slashes dropped, the upload path in front. */
function objectPathOf(nameBytes: Buffer, base: Buffer): Buffer {
  let path = nameBytes;
  if (path[0] === 0x2e && path[1] === 0x2f) path = path.subarray(2);
  let start = 0;
  while (path[start] === 0x2f) start += 1;
  path = path.subarray(start);
  return base.length > 0 ? Buffer.concat([base, Buffer.from('/'), path]) : path;
}

/** Headers a member's PUT carries: the request's object metadata plus the member's pax xattrs. */
function memberHeaders(ctx: SwiftContext, pax: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.headers)) {
    if (v !== undefined && k.startsWith('x-object-meta-')) headers[k] = v;
  }
  for (const [key, value] of Object.entries(pax)) {
    for (const vendor of ['SCHILY', 'LIBARCHIVE']) {
      if (key === `${vendor}.xattr.user.mime_type`) headers['content-type'] = value;
      else if (key.startsWith(`${vendor}.xattr.user.meta.`))
        headers[`x-object-meta-${key.slice(`${vendor}.xattr.user.meta.`.length).toLowerCase()}`] = value;
    }
  }
  return headers;
}

/** Creates the member's container on first sight; returns the failure to report if its PUT fails. */
async function prepareContainer(
  ctx: SwiftContext,
  state: ExtractState,
  container: string,
): Promise<FailedItem | undefined> {
  if (state.containersAccessed.has(container)) return undefined;
  const status = await ensureContainerAs(ctx, container);
  if (status === 201) {
    state.containersCreated += 1;
    if (state.containersCreated > MAX_CONTAINERS_PER_EXTRACTION)
      throw errors.badRequest(`More than ${MAX_CONTAINERS_PER_EXTRACTION} containers to create from tar.`);
    return undefined;
  }
  if (status < 300) return undefined;
  if (status === 401) throw errors.unauthorized(statusLine(401));
  const path = Buffer.from(`/v1/${ctx.path.account}/${container}`, 'utf8');
  return [quoteBytes(path.subarray(0, MAX_PATH_BYTES)), statusLine(status)];
}

async function extractMember(ctx: SwiftContext, state: ExtractState, member: TarMember, base: Buffer) {
  const path = objectPathOf(member.nameBytes, base);
  if (!path.includes(0x2f)) return;
  const quoted = quoteBytes(path.subarray(0, MAX_PATH_BYTES));
  state.files += 1;
  if (state.files > MAX_FILES_PER_EXTRACTION)
    throw errors.badRequest(`More than ${MAX_FILES_PER_EXTRACTION} files to create from tar.`);
  const text = decodeUtf8(path);
  if (text === undefined) return void state.failed.push([quoted, statusLine(412)]);
  if (member.sizeBytes > LIMITS.maxFileSize) return void state.failed.push([quoted, statusLine(413)]);
  const slash = text.indexOf('/');
  const container = text.slice(0, slash);
  const containerFailure = await prepareContainer(ctx, state, container);
  try {
    const headers = memberHeaders(ctx, member.pax);
    const name = text.slice(slash + 1);
    await putObjectAs(ctx, {
      container,
      name,
      body: member.body,
      sizeBytes: member.sizeBytes,
      contentType: headers['content-type'] ?? guessContentType(name),
      metadata: applyMetadataHeaders('object', headers, { meta: {}, headers: {} }),
      deleteAt: deleteAtFrom(ctx.headers, ctx.now, null),
    });
    state.created += 1;
  } catch (err) {
    if (asTarError(err) || isStreamError(err)) throw err;
    const status = statusOfError(err);
    if (status >= 500) ctx.request.log.error({ event: 'swift.extract.item.failed', err });
    if (containerFailure) state.failed.push(containerFailure);
    state.failed.push([quoted, statusLine(status)]);
    if (status === 401) throw errors.unauthorized(statusLine(401));
    if (status >= 500) state.badGateway = true;
  } finally {
    state.containersAccessed.add(container);
  }
}

/** Errors of the input itself (gzip data, client gone) rather than of one member's PUT. */
function isStreamError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return (
    typeof code === 'string' &&
    (code.startsWith('Z_') || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE')
  );
}

/** Maps a failure of the whole extraction to Swift's "Response Status" and "Response Body". */
function failureOf(ctx: SwiftContext, err: unknown): { status: number; body: string } {
  const tarError = asTarError(err);
  if (tarError) return { status: 400, body: `Invalid Tar File: ${tarError.message}` };
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    const message =
      code === 'Z_DATA_ERROR' && /header/.test((err as Error).message)
        ? 'not a gzip file'
        : (err as Error).message;
    return { status: 400, body: `Invalid Tar File: ${message}` };
  }
  if (isStreamError(err)) return { status: 499, body: '' };
  if (err instanceof ApiError) return { status: err.status, body: errorBodyText(err) };
  ctx.request.log.error({ event: 'swift.extract.failed', err }, 'archive extraction failed');
  return { status: 500, body: '' };
}

function archiveInput(ctx: SwiftContext, compression: 'none' | 'gzip'): AsyncIterable<Buffer> {
  const raw = ctx.request.raw as Readable;
  if (compression === 'none') return raw;
  // Errors of either stream surface when the gunzip output is iterated.
  return pipeline(raw, createGunzip(), () => undefined);
}

async function extract(ctx: SwiftContext, format: ResultFormat | undefined, compression: 'none' | 'gzip') {
  const state: ExtractState = {
    created: 0,
    failed: [],
    badGateway: false,
    containersAccessed: new Set(),
    containersCreated: 0,
    files: 0,
  };
  let status = 201;
  let body = '';
  try {
    if (!format) throw notAcceptable();
    const chunked = (ctx.headers['transfer-encoding'] ?? '').toLowerCase() === 'chunked';
    if (ctx.headers['content-length'] === undefined && !chunked) throw errors.lengthRequired();
    const baseText = [ctx.path.container, ctx.path.object].filter((s) => s !== undefined).join('/');
    const base = Buffer.from(baseText.replace(/\/+$/, ''), 'utf8');
    const members = readTar(archiveInput(ctx, compression), { maxHeaders: MAX_FILES_PER_EXTRACTION * 10 });
    for await (const member of members) {
      if (state.failed.length >= MAX_FAILED_EXTRACTIONS) break;
      if (member.isFile) await extractMember(ctx, state, member, base);
    }
    if (state.failed.length > 0) status = state.badGateway ? 502 : 400;
    else if (state.created === 0) {
      status = 400;
      body = 'Invalid Tar File: No Valid Files';
    }
  } catch (err) {
    ({ status, body } = failureOf(ctx, err));
  }
  const result = {
    'Response Status': statusLine(status),
    'Response Body': body,
    'Number Files Created': state.created,
  };
  return renderResultBody(format, result, state.failed, 'extract');
}

export async function handleExtractArchive(ctx: SwiftContext, kind: string): Promise<FastifyReply> {
  const compression = COMPRESSION[kind.toLowerCase().replace(/^\.+|\.+$/g, '')];
  if (compression === undefined) throw errors.badRequest('Unsupported archive format');
  const format = resultFormat(ctx.headers.accept);
  return sendStreamedResult(ctx, { status: 200, contentType: format }, () =>
    extract(ctx, format, compression),
  );
}
