// Reading the segments of a large object as the caller: each segment container is authorised with the
// caller's rights (Swift fetches segments with subrequests carrying the caller's token), each segment
// is checked against what the manifest expects, and the pieces are streamed one after the other.
import { Readable } from 'node:stream';
import { errors } from '../../../../../common/errors/codes.js';
import type { StoredObject } from '../../../../model.js';
import type { Operation } from '../../access.js';
import type { SwiftContext } from '../../swift-context.js';
import { authorizeOn } from '../bulk/subrequests.js';

/** Bytes of the large object: part of a segment object, or inline data. */
export type Piece =
  | {
      kind: 'object';
      container: string;
      name: string;
      /** What the manifest recorded; a segment that changed since fails the read. */
      expected?: { etag: string; sizeBytes: number } | undefined;
      start: number;
      /** Inclusive. */
      end: number;
    }
  | { kind: 'data'; bytes: Buffer };

/** A segment is missing, changed or unreadable: Swift answers 409 if nothing was sent yet. */
export class SegmentError extends Error {}

/** "/container/object" (leading slashes optional) → its parts; undefined if there is no object part. */
export function splitSegmentPath(path: string): { container: string; name: string } | undefined {
  const relative = path.replace(/^\/+/, '');
  const slash = relative.indexOf('/');
  if (slash <= 0 || slash === relative.length - 1) return undefined;
  return { container: relative.slice(0, slash), name: relative.slice(slash + 1) };
}

/** Authorises and looks up segments for one request, remembering which containers passed. */
export class SegmentAccess {
  private readonly granted = new Map<string, Promise<boolean>>();

  constructor(readonly ctx: SwiftContext) {}

  /** Throws the caller's 401/403, or 404 if the container does not exist. */
  async authorize(container: string, operation: Operation = 'object-read'): Promise<void> {
    const key = `${operation}\0${container}`;
    let check = this.granted.get(key);
    if (!check) {
      check = authorizeOn(this.ctx, container, operation).then((c) => c !== undefined);
      this.granted.set(key, check);
    }
    if (!(await check)) throw errors.notFound('container', container);
  }

  /** The segment object as the caller may read it; throws 401/403/404. */
  async find(container: string, name: string): Promise<StoredObject> {
    await this.authorize(container);
    return this.ctx.objects.requireObject(this.ctx.path.projectId, container, name);
  }

  async open(piece: Extract<Piece, { kind: 'object' }>): Promise<Readable> {
    let segment: StoredObject;
    try {
      segment = await this.find(piece.container, piece.name);
    } catch (err) {
      throw new SegmentError(`segment /${piece.container}/${piece.name} unreadable`, { cause: err });
    }
    const expected = piece.expected;
    if (expected && (segment.etag !== expected.etag || segment.sizeBytes !== expected.sizeBytes))
      throw new SegmentError(
        `segment /${piece.container}/${piece.name} changed since the manifest was written`,
      );
    if (piece.end >= segment.sizeBytes)
      throw new SegmentError(`segment /${piece.container}/${piece.name} is shorter than the manifest says`);
    return this.ctx.objects.openObject(segment, { start: piece.start, end: piece.end });
  }
}

async function* bytesOf(access: SegmentAccess, pieces: AsyncIterable<Piece>): AsyncGenerator<Buffer> {
  for await (const piece of pieces) {
    if (piece.kind === 'data') {
      if (piece.bytes.length > 0) yield piece.bytes;
      continue;
    }
    for await (const chunk of await access.open(piece)) yield chunk as Buffer;
  }
}

async function* prepend(first: Buffer, rest: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  yield* rest;
}

/**
 * The body of a large object (or of one range of it). The first segment is opened before this
 * resolves, so that a broken first segment is a 409 with nothing sent; a later broken segment cuts
 * the response short, as in Swift.
 */
export async function segmentedBody(access: SegmentAccess, pieces: AsyncIterable<Piece>): Promise<Readable> {
  const bytes = bytesOf(access, pieces);
  let first: IteratorResult<Buffer>;
  try {
    first = await bytes.next();
  } catch (err) {
    throw errors.conflict('There was a conflict when trying to complete your request.', {
      cause: err,
      internalContext: { reason: err instanceof Error ? err.message : String(err) },
    });
  }
  if (first.done) return Readable.from([], { objectMode: false });
  return Readable.from(prepend(first.value, bytes), { objectMode: false });
}
