// Reading a static large object: its size and etag come from the stored manifest, and a GET streams
// the segments (nested SLOs expanded lazily, at most 10 deep) for the whole object or any byte range,
// honouring each segment's own "range".
import { errors } from '../../../../../common/errors/codes.js';
import type { StoredObject } from '../../../../model.js';
import type { ManifestView } from '../../extensions.js';
import { truthy, type SwiftContext } from '../../swift-context.js';
import {
  MAX_STORED_MANIFEST_BYTES,
  parseStoredManifest,
  segmentLength,
  sloEtag,
  sloSize,
  type StoredSegment,
} from './slo-manifest.js';
import {
  SegmentAccess,
  SegmentError,
  segmentedBody,
  splitSegmentPath,
  type Piece,
} from './segment-stream.js';

/** Swift's max_slo_recursion_depth. */
export const MAX_SLO_DEPTH = 10;

export function isSlo(object: StoredObject): boolean {
  return truthy(object.metadata.headers['x-static-large-object']);
}

/** The segments of a manifest object (bounded read of its bytes). */
export async function loadSegments(ctx: SwiftContext, manifest: StoredObject): Promise<StoredSegment[]> {
  if (manifest.sizeBytes > MAX_STORED_MANIFEST_BYTES)
    throw errors.internal(new Error(`SLO manifest ${manifest.name} is too large to load`));
  const chunks: Buffer[] = [];
  for await (const chunk of await ctx.objects.openObject(manifest)) chunks.push(chunk as Buffer);
  return parseStoredManifest(Buffer.concat(chunks).toString('utf8'));
}

/** Size and etag of an SLO, as a HEAD of it reports them. */
export async function sloSummary(ctx: SwiftContext, manifest: StoredObject) {
  const segments = await loadSegments(ctx, manifest);
  return { segments, sizeBytes: sloSize(segments), etag: sloEtag(segments) };
}

interface Walk {
  access: SegmentAccess;
  depth: number;
}

async function subSegments(walk: Walk, name: string): Promise<StoredSegment[]> {
  if (walk.depth >= MAX_SLO_DEPTH) throw new SegmentError('max recursion depth was exceeded');
  const where = splitSegmentPath(name);
  if (!where) throw new SegmentError(`bad sub-manifest path ${name}`);
  const manifest = await walk.access.find(where.container, where.name);
  if (!isSlo(manifest)) throw new SegmentError(`sub-manifest ${name} is not an SLO`);
  return loadSegments(walk.access.ctx, manifest);
}

/**
 * The pieces covering bytes [first, last] (inclusive, relative to `segments`), as Swift's
 * _byterange_listing_iterator computes them.
 */
async function* piecesOf(
  walk: Walk,
  segments: StoredSegment[],
  firstByte: number,
  lastByte: number,
): AsyncGenerator<Piece> {
  let first = firstByte;
  let last = lastByte;
  for (const segment of segments) {
    const length = segmentLength(segment);
    if (first >= length) {
      first -= length;
      last -= length;
      continue;
    }
    if (last < 0) return;
    if (segment.kind === 'data') {
      yield {
        kind: 'data',
        bytes: segment.data.subarray(Math.max(0, first), Math.min(length - 1, last) + 1),
      };
    } else {
      const [rangeStart, rangeEnd] = segment.range
        ? (segment.range.split('-').map(Number) as [number, number])
        : [0, length - 1];
      const start = rangeStart + Math.max(0, first);
      const end = Math.min(rangeEnd, rangeStart + last);
      if (segment.subSlo) {
        const inner = await subSegments(walk, segment.name);
        yield* piecesOf({ ...walk, depth: walk.depth + 1 }, inner, start, end);
      } else {
        const where = splitSegmentPath(segment.name);
        if (!where) throw new SegmentError(`bad segment path ${segment.name}`);
        const expected = { etag: segment.hash, sizeBytes: segment.bytes };
        yield { kind: 'object', ...where, expected, start, end };
      }
    }
    first -= length;
    last -= length;
  }
}

/** The large-object view of an SLO manifest for GET and HEAD. */
export async function sloView(ctx: SwiftContext, manifest: StoredObject): Promise<ManifestView> {
  const { segments, sizeBytes, etag } = await sloSummary(ctx, manifest);
  return {
    sizeBytes,
    etag: `"${etag}"`,
    headers: { 'X-Static-Large-Object': 'True', 'X-Manifest-Etag': manifest.etag },
    open: (range) => {
      const walk: Walk = { access: new SegmentAccess(ctx), depth: 1 };
      const { start, end } = range ?? { start: 0, end: sizeBytes - 1 };
      return segmentedBody(walk.access, piecesOf(walk, segments, start, end));
    },
  };
}
