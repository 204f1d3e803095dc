// Dynamic large objects: an object with X-Object-Manifest: <container>/<prefix> reads as the
// concatenation of the objects of that container whose names start with the prefix, in listing order.
// The listing and the segments are read with the caller's rights, as Swift's subrequests are.
import { createHash } from 'node:crypto';
import { errors } from '../../../../../common/errors/codes.js';
import type { StoredObject } from '../../../../model.js';
import type { ManifestView } from '../../extensions.js';
import type { SwiftContext } from '../../swift-context.js';
import { decodeName } from '../../swift-path.js';
import { SegmentAccess, segmentedBody, type Piece } from './segment-stream.js';

/** Segments read for one DLO; Nuage refuses to serve more rather than answer without a length. */
export const MAX_DLO_SEGMENTS = 10_000;

/** Swift's check of X-Object-Manifest on PUT: "container/prefix", no query characters. */
export function validateManifestHeader(value: string): void {
  const slash = value.indexOf('/');
  const container = slash < 0 ? '' : value.slice(0, slash);
  const prefix = slash < 0 ? '' : value.slice(slash + 1);
  if (!container || !prefix || value.includes('?') || value.includes('&') || prefix.startsWith('/'))
    throw errors.badRequest('X-Object-Manifest must be in the format container/prefix');
}

/** The (percent-decoded) container and prefix a manifest header names, or undefined if malformed. */
function manifestTarget(value: string): { container: string; prefix: string } | undefined {
  let decoded: string;
  try {
    decoded = decodeName(value);
  } catch {
    return undefined;
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0) return undefined;
  return { container: decoded.slice(0, slash), prefix: decoded.slice(slash + 1) };
}

async function* piecesOf(
  segments: StoredObject[],
  firstByte: number,
  lastByte: number,
): AsyncGenerator<Piece> {
  let first = firstByte;
  let last = lastByte;
  for (const s of segments) {
    if (first >= s.sizeBytes) {
      first -= s.sizeBytes;
      last -= s.sizeBytes;
      continue;
    }
    if (last < 0) return;
    yield {
      kind: 'object',
      container: s.container,
      name: s.name,
      expected: { etag: s.etag, sizeBytes: s.sizeBytes },
      start: Math.max(0, first),
      end: Math.min(s.sizeBytes - 1, last),
    };
    first -= s.sizeBytes;
    last -= s.sizeBytes;
  }
}

/** The large-object view of a DLO manifest, or undefined if its header is unusable. */
export async function dloView(ctx: SwiftContext, manifestHeader: string): Promise<ManifestView | undefined> {
  const target = manifestTarget(manifestHeader);
  if (!target) return undefined;
  const access = new SegmentAccess(ctx);
  // Swift lists the segment container with the caller's token: listing rights are needed.
  await access.authorize(target.container, 'container-read');
  const listed = await ctx.objects.listObjects(ctx.path.projectId, target.container, {
    prefix: target.prefix,
    limit: MAX_DLO_SEGMENTS + 1,
  });
  if (listed.length > MAX_DLO_SEGMENTS) {
    throw errors.conflict(`A dynamic large object may have at most ${MAX_DLO_SEGMENTS} segments.`);
  }
  const segments = listed.flatMap((l) => (l.kind === 'item' ? [l.item] : []));
  const md5 = createHash('md5');
  let sizeBytes = 0;
  for (const s of segments) {
    md5.update(s.etag.replaceAll('"', ''));
    sizeBytes += s.sizeBytes;
  }
  return {
    sizeBytes,
    etag: `"${md5.digest('hex')}"`,
    headers: {},
    open: (range) => {
      const { start, end } = range ?? { start: 0, end: sizeBytes - 1 };
      return segmentedBody(access, piecesOf(segments, start, end));
    },
  };
}
