// DELETE ?multipart-manifest=delete: deletes every segment of an SLO (expanding nested SLOs), then the
// manifest, each as the caller. The answer is a bulk-delete result, always 200, as in Swift.
import type { FastifyReply } from 'fastify';
import { ApiError } from '../../../../../common/errors/api-error.js';
import { errors } from '../../../../../common/errors/codes.js';
import type { SwiftContext } from '../../swift-context.js';
import { deleteResultBody, type DeleteItem } from '../bulk/bulk-delete.js';
import { quotePath, resultFormat, statusOfError } from '../bulk/response-body.js';
import { sendStreamedResult } from '../bulk/streamed-result.js';
import { authorizeOn } from '../bulk/subrequests.js';
import { MAX_MANIFEST_SEGMENTS } from './slo-manifest.js';
import { isSlo, loadSegments } from './slo-read.js';
import { splitSegmentPath } from './segment-stream.js';
import { swiftReply } from '../../swift-errors.js';

/** Swift refuses to buffer more than ten manifests' worth of segment names. */
const MAX_BUFFERED_SEGMENTS = MAX_MANIFEST_SEGMENTS * 10;

interface Pending {
  name: string;
  subSlo: boolean;
  error?: { status: number; message: string } | undefined;
}

/** The segment names of a manifest, read as the caller (Swift's get_slo_segments). */
async function manifestSegments(ctx: SwiftContext, name: string): Promise<Pending[]> {
  const where = splitSegmentPath(name);
  let status: number;
  try {
    if (!where) throw errors.notFound('object', name);
    if (!(await authorizeOn(ctx, where.container, 'object-read'))) throw errors.notFound('container', name);
    const manifest = await ctx.objects.requireObject(ctx.path.projectId, where.container, where.name);
    if (!isSlo(manifest)) throw errors.badRequest('Not an SLO manifest');
    const segments = await loadSegments(ctx, manifest);
    return segments.flatMap((s) => (s.kind === 'object' ? [{ name: s.name, subSlo: s.subSlo }] : []));
  } catch (err) {
    status = statusOfError(err);
    if (status === 400 && err instanceof ApiError) throw err;
  }
  if (status === 404) throw swiftReply(404, 'SLO manifest not found');
  if (status === 401) throw errors.unauthorized('401 Unauthorized');
  throw errors.internalMessage('Unable to load SLO manifest or segment.');
}

/** Swift's get_segments_to_delete_iter: segments first, each manifest after its own segments. */
async function segmentsToDelete(ctx: SwiftContext): Promise<DeleteItem[]> {
  const queue: Pending[] = [{ name: `/${ctx.path.container}/${ctx.path.object}`, subSlo: true }];
  const out: DeleteItem[] = [];
  const expanded = new Set<string>();
  while (queue.length > 0) {
    if (queue.length > MAX_BUFFERED_SEGMENTS || out.length > MAX_BUFFERED_SEGMENTS)
      throw errors.badRequest('Too many buffered slo segments to delete.');
    const item = queue.shift() as Pending;
    if (!item.subSlo) {
      out.push({ name: item.name, quoted: quotePath(item.name), error: item.error });
      continue;
    }
    // A manifest that (through others) contains itself is expanded only once.
    if (expanded.has(item.name)) continue;
    expanded.add(item.name);
    try {
      queue.push(...(await manifestSegments(ctx, item.name)));
    } catch (err) {
      const e = err as ApiError;
      item.error = { status: e.status, message: e.publicMessage };
    }
    queue.push({ ...item, subSlo: false });
  }
  return out;
}

export async function handleSloDelete(ctx: SwiftContext): Promise<FastifyReply> {
  const format = resultFormat(ctx.headers.accept);
  return sendStreamedResult(ctx, { status: 200, contentType: format }, () =>
    deleteResultBody(ctx, format, () => segmentsToDelete(ctx)),
  );
}
