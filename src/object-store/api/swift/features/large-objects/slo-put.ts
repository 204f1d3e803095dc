// PUT ?multipart-manifest=put: validates every segment as the caller would see it with a HEAD (it
// exists, and its etag, size and range fit what the client claimed), then stores the manifest as the
// object's bytes with X-Static-Large-Object: True. The answer's Etag is the SLO's etag, quoted.
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { ApiError } from '../../../../../common/errors/api-error.js';
import { errors } from '../../../../../common/errors/codes.js';
import { httpDate } from '../../../../http/conditions.js';
import type { StoredObject } from '../../../../model.js';
import { guessContentType } from '../../content-type.js';
import { applyMetadataHeaders } from '../../metadata-headers.js';
import { deleteAtFrom } from '../../object-expiry.js';
import { sendEmpty, truthy, type SwiftContext } from '../../swift-context.js';
import { swiftReply } from '../../swift-errors.js';
import { bestMatch } from '../../accept.js';
import {
  ACCEPTABLE_FORMATS,
  errorBodyText,
  quotePath,
  renderResultBody,
  statusLine,
  type FailedItem,
  type ResultFormat,
} from '../bulk/response-body.js';
import { sendStreamedResult } from '../bulk/streamed-result.js';
import { authorizeOn, checkNames, statusOf } from '../bulk/subrequests.js';
import {
  MAX_MANIFEST_SEGMENTS,
  MAX_MANIFEST_SIZE_BYTES,
  parseManifestInput,
  sloEtag,
  sloSize,
  storedManifestJson,
  type PutSegment,
  type StoredSegment,
} from './slo-manifest.js';
import { isSlo, sloSummary } from './slo-read.js';
import { splitSegmentPath } from './segment-stream.js';

/** What a HEAD of a segment told: its status, or what it is. */
type SegmentHead =
  | { status: number }
  | { status: 200; object: StoredObject; sizeBytes: number; etag: string; subSlo: boolean };

async function headSegment(ctx: SwiftContext, path: string): Promise<SegmentHead> {
  let found: SegmentHead | undefined;
  const status = await statusOf(ctx, async () => {
    const where = splitSegmentPath(path);
    if (!where) return 404;
    checkNames(where.container, where.name);
    if (!(await authorizeOn(ctx, where.container, 'object-read'))) return 404;
    const object = await ctx.objects.findObject(ctx.path.projectId, where.container, where.name);
    if (!object) return 404;
    if (isSlo(object)) {
      const { sizeBytes, etag } = await sloSummary(ctx, object);
      found = { status: 200, object, sizeBytes, etag, subSlo: true };
    } else {
      found = { status: 200, object, sizeBytes: object.sizeBytes, etag: object.etag, subSlo: false };
    }
    return 200;
  });
  return found ?? { status };
}

/** Swift's last-modified spelling in manifests: seconds resolution, six zero decimals. */
function manifestTime(iso: string): string {
  return `${iso.slice(0, 19)}.000000`;
}

/** Checks one object segment against its HEAD (Swift's validate_seg_dict); records problems. */
function validateAgainstHead(
  segment: Extract<PutSegment, { kind: 'object' }>,
  head: SegmentHead,
  allowEmpty: boolean,
  problems: FailedItem[],
): StoredSegment | undefined {
  const name = quotePath(segment.path);
  if (!('object' in head)) {
    problems.push([name, statusLine(head.status)]);
    return undefined;
  }
  let length = head.sizeBytes;
  let range: string | undefined;
  if (segment.range) {
    const r = segment.range.forLength(head.sizeBytes);
    if (!r) problems.push([name, 'Unsatisfiable Range']);
    else if (r[0] !== 0 || r[1] !== head.sizeBytes - 1) {
      range = `${r[0]}-${r[1]}`;
      length = r[1] - r[0] + 1;
    }
  }
  if (length < 1 && !allowEmpty) problems.push([name, 'Too small; each segment must be at least 1 byte.']);
  if (segment.sizeBytes !== null && segment.sizeBytes !== head.sizeBytes)
    problems.push([name, 'Size Mismatch']);
  if (segment.etag !== null && segment.etag !== head.etag) problems.push([name, 'Etag Mismatch']);
  return {
    kind: 'object',
    name: `/${segment.path.replace(/^\/+/, '')}`,
    bytes: head.sizeBytes,
    hash: head.etag,
    contentType: head.object.contentType.split(';')[0] as string,
    lastModified: manifestTime(head.object.lastModified),
    range,
    subSlo: head.subSlo,
  };
}

/** HEADs each distinct segment once and builds the manifest to store, or the list of problems. */
async function validateSegments(ctx: SwiftContext, segments: PutSegment[]) {
  const heads = new Map<string, SegmentHead>();
  const problems: FailedItem[] = [];
  const stored: StoredSegment[] = [];
  const lastIndex = Math.max(...segments.map((s) => s.index));
  for (const segment of segments) {
    if (segment.kind === 'data') {
      stored.push({ kind: 'data', data: segment.data });
      continue;
    }
    let head = heads.get(segment.path);
    if (!head) {
      head = await headSegment(ctx, segment.path);
      heads.set(segment.path, head);
    }
    const built = validateAgainstHead(segment, head, segment.index === lastIndex, problems);
    if (built) stored.push(built);
  }
  return { stored, problems };
}

/** Reads the manifest body, refusing more than max_manifest_size. */
async function readManifestBody(ctx: SwiftContext): Promise<Buffer> {
  const tooLarge = () => errors.payloadTooLarge(`Manifest File > ${MAX_MANIFEST_SIZE_BYTES} bytes`);
  const lengthHeader = ctx.headers['content-length'];
  const chunked = (ctx.headers['transfer-encoding'] ?? '').toLowerCase() === 'chunked';
  if (lengthHeader === undefined && !chunked) throw errors.lengthRequired();
  if (lengthHeader !== undefined && Number(lengthHeader) > MAX_MANIFEST_SIZE_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.request.raw as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_MANIFEST_SIZE_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

interface Stored {
  etag: string;
  lastModified: string;
}

/** Writes the validated manifest; throws 422 when the client's Etag is not the SLO's. */
async function storeManifest(ctx: SwiftContext, segments: StoredSegment[]): Promise<Stored> {
  const etag = sloEtag(segments);
  const clientEtag = ctx.headers.etag?.replace(/^"(.*)"$/, '$1');
  if (clientEtag && clientEtag !== etag)
    throw errors.unprocessable('Unable to process the contained instructions');
  const json = Buffer.from(storedManifestJson(segments), 'utf8');
  const name = ctx.path.object as string;
  const given = ctx.headers['content-type'];
  const contentType = truthy(ctx.headers['x-detect-content-type']) || !given ? guessContentType(name) : given;
  const metadata = applyMetadataHeaders('object', ctx.request.headers, { meta: {}, headers: {} });
  metadata.headers['x-static-large-object'] = 'True';
  for (const hook of ctx.extensions.beforeObjectWrite) await hook(ctx, json.length);
  const { object } = await ctx.objects.putObject({
    projectId: ctx.path.projectId,
    container: ctx.path.container as string,
    name,
    body: Readable.from([json]),
    contentLength: json.length,
    contentType,
    metadata,
    deleteAt: deleteAtFrom(ctx.headers, ctx.now, null),
    mustNotExist: ctx.headers['if-none-match'] === '*',
  });
  ctx.request.log.debug({
    event: 'swift.slo.stored',
    sizeBytes: sloSize(segments),
    segments: segments.length,
  });
  return { etag: `"${etag}"`, lastModified: httpDate(new Date(object.lastModified)) };
}

/** heartbeat=on: everything, failures included, is reported in a 202 body. */
async function heartbeatBody(
  ctx: SwiftContext,
  format: ResultFormat,
  segments: PutSegment[],
): Promise<string> {
  try {
    const { stored, problems } = await validateSegments(ctx, segments);
    if (problems.length > 0) {
      const result = { 'Response Status': statusLine(400), 'Response Body': reasonText(400) };
      return renderResultBody(format, result, problems, 'upload');
    }
    const done = await storeManifest(ctx, stored);
    const result = {
      'Response Status': statusLine(201),
      Etag: done.etag,
      'Last Modified': done.lastModified,
      'Response Body': '',
    };
    return renderResultBody(format, result, [], 'upload');
  } catch (err) {
    const apiError = err instanceof ApiError ? err : errors.internal(err);
    if (apiError.status >= 500) ctx.request.log.error({ event: 'swift.slo.put.failed', err });
    const result = {
      'Response Status': statusLine(apiError.status),
      'Response Body': errorBodyText(apiError) || reasonText(apiError.status),
    };
    return renderResultBody(format, result, [], 'upload');
  }
}

/** swob's default text for a status: its title and explanation. */
function reasonText(status: number): string {
  const explanations: Record<number, string> = {
    400: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
    401: 'This server could not verify that you are authorized to access the document you requested.',
    404: 'The resource could not be found.',
    412: 'A precondition for this request was not met.',
    422: 'Unable to process the contained instructions',
    500: 'The server has either erred or is incapable of performing the requested operation.',
  };
  return `${statusLine(status).slice(4)}\n${explanations[status] ?? ''}`;
}

export async function handleSloPut(ctx: SwiftContext): Promise<FastifyReply> {
  if (ctx.headers['x-copy-from'] !== undefined)
    throw errors.methodNotAllowed('Multipart Manifest PUTs cannot be COPY requests');
  const container = await authorizeOn(ctx, ctx.path.container as string, 'object-write');
  if (!container) throw errors.notFound('container', ctx.path.container as string);
  const body = await readManifestBody(ctx);
  const segments = parseManifestInput(body, `${ctx.path.container}/${ctx.path.object}`);
  if (segments.filter((s) => s.kind === 'object').length > MAX_MANIFEST_SEGMENTS)
    throw errors.payloadTooLarge(`Number of object-backed segments must be <= ${MAX_MANIFEST_SEGMENTS}`);
  let format: ResultFormat;
  try {
    format = bestMatch(ctx.headers.accept, ACCEPTABLE_FORMATS) ?? 'text/plain';
  } catch {
    format = 'text/plain';
  }
  if (truthy(ctx.query.heartbeat)) {
    return sendStreamedResult(ctx, { status: 202, contentType: format, immediate: true }, () =>
      heartbeatBody(ctx, format, segments),
    );
  }
  const { stored, problems } = await validateSegments(ctx, segments);
  // The problems with the segments, in the negotiated format, as slo's 400 reply.
  if (problems.length > 0)
    throw swiftReply(400, renderResultBody(format, {}, problems, 'upload'), { contentType: format });
  const done = await storeManifest(ctx, stored);
  ctx.reply.headers({ Etag: done.etag, 'Last-Modified': done.lastModified });
  return sendEmpty(ctx, 201);
}
