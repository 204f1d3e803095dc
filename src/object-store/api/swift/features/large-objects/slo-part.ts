// GET or HEAD of an SLO with ?part-number=<n> (Swift's slo): the n-th segment as a 206 with the part's
// Content-Range within the SLO and X-Parts-Count; 416 beyond the last part. A plain object or a DLO
// ignores the parameter, as in Swift.
import type { FastifyReply } from 'fastify';
import type { ApiError } from '../../../../../common/errors/api-error.js';
import type { StoredObject } from '../../../../model.js';
import { handleObjectRead, authorizeObjectRead, objectHeaders } from '../../object-read.js';
import { pythonInt } from '../../python-int.js';
import type { SwiftContext } from '../../swift-context.js';
import { swiftReply } from '../../swift-errors.js';
import { segmentLength } from './slo-manifest.js';
import { isSlo, sloSummary, sloView } from './slo-read.js';
import { errors } from '../../../../../common/errors/codes.js';

function partNumber(ctx: SwiftContext, raw: string): number {
  const part = pythonInt(raw);
  if (part === undefined || part <= 0)
    throw errors.badRequest('Part number must be an integer greater than 0');
  if (ctx.headers.range !== undefined)
    throw errors.badRequest('Range requests are not supported with part number queries');
  return part;
}

/** Swift's 416 for a part beyond the last: the SLO's own headers (type, etag, metadata) with its length. */
async function beyondLastPart(
  ctx: SwiftContext,
  object: StoredObject,
  sizeBytes: number,
  count: string,
): Promise<ApiError> {
  const { 'Content-Type': contentType, ...headers } = objectHeaders(object, await sloView(ctx, object));
  const body = ctx.request.method === 'HEAD' ? '' : 'The requested part number is not satisfiable';
  return swiftReply(416, body, {
    ...(contentType === undefined ? {} : { contentType }),
    headers: { ...headers, 'Content-Range': `bytes */${sizeBytes}`, 'X-Parts-Count': count },
  });
}

export async function handlePartNumber(ctx: SwiftContext): Promise<FastifyReply | false> {
  const raw = ctx.query['part-number'];
  if (raw === undefined) return false;
  await authorizeObjectRead(ctx);
  const { projectId, container, object: name } = ctx.path as Required<typeof ctx.path>;
  const object = await ctx.objects.findObject(projectId, container, name);
  if (!object || !isSlo(object)) return false;
  const part = partNumber(ctx, raw);
  const { segments, sizeBytes } = await sloSummary(ctx, object);
  const count = String(segments.length);
  if (part > segments.length) throw await beyondLastPart(ctx, object, sizeBytes, count);
  let start = 0;
  for (const segment of segments.slice(0, part - 1)) start += segmentLength(segment);
  const end = start + segmentLength(segments[part - 1] as (typeof segments)[number]) - 1;
  ctx.reply.header('X-Parts-Count', count);
  const ranged = { ...ctx, headers: { ...ctx.headers, range: `bytes=${start}-${end}` } };
  return handleObjectRead(ranged, true, object, { rangeOnHead: true });
}
