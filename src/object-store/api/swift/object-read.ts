// Swift object GET and HEAD: authorisation, conditional requests, single and multiple byte ranges
// (multipart/byteranges), and manifests (large objects) through the extensions hook.
import { randomBytes } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { errors } from '../../../common/errors/codes.js';
import { evaluateConditions, httpDate, parseRange, type ByteRange } from '../../http/conditions.js';
import type { StoredObject } from '../../model.js';
import { authorizeSwift } from './access.js';
import type { ManifestView } from './extensions.js';
import { metadataHeaders } from './metadata-headers.js';
import type { SwiftContext } from './swift-context.js';

export async function authorizeObjectRead(ctx: SwiftContext): Promise<void> {
  const container = await ctx.objects.getContainer(ctx.path.projectId, ctx.path.container as string);
  const account = await ctx.objects.getAccount(ctx.path.projectId);
  // An object written through S3 may carry an ACL of its own, which Swift honours too.
  const object =
    container && ctx.path.object !== undefined
      ? await ctx.objects.findObject(ctx.path.projectId, container.name, ctx.path.object)
      : undefined;
  authorizeSwift({
    auth: ctx.auth,
    projectId: ctx.path.projectId,
    operation: 'object-read',
    container: container?.metadata,
    object: object?.metadata,
    account: account.metadata,
    referer: ctx.headers.referer,
  });
  if (!container) throw errors.notFound('container', ctx.path.container as string);
}

export function objectHeaders(o: StoredObject, view: ManifestView | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': o.contentType,
    Etag: view ? view.etag : o.etag,
    'Last-Modified': httpDate(new Date(o.lastModified)),
    'X-Timestamp': o.timestamp,
    'Accept-Ranges': 'bytes',
    ...metadataHeaders('object', o.metadata),
    ...(view?.headers ?? {}),
  };
  if (o.deleteAt !== null) headers['X-Delete-At'] = String(o.deleteAt);
  return headers;
}

/** One multipart/byteranges body from several ranges of the same object, streamed part by part. */
function multipartBody(
  open: (r: ByteRange) => Promise<Readable>,
  ranges: ByteRange[],
  size: number,
  contentType: string,
  boundary: string,
): Readable {
  const out = new PassThrough();
  void (async () => {
    try {
      for (const r of ranges) {
        out.write(
          `--${boundary}\r\nContent-Type: ${contentType}\r\nContent-Range: bytes ${r.start}-${r.end}/${size}\r\n\r\n`,
        );
        for await (const chunk of await open(r)) {
          if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
        }
        out.write('\r\n');
      }
      out.end(`--${boundary}--\r\n`);
    } catch (err) {
      out.destroy(err as Error);
    }
  })();
  return out;
}

function multipartLength(ranges: ByteRange[], size: number, contentType: string, boundary: string): number {
  let n = Buffer.byteLength(`--${boundary}--\r\n`);
  for (const r of ranges) {
    n += Buffer.byteLength(
      `--${boundary}\r\nContent-Type: ${contentType}\r\nContent-Range: bytes ${r.start}-${r.end}/${size}\r\n\r\n`,
    );
    n += r.end - r.start + 1 + 2;
  }
  return n;
}

export interface ObjectReadOptions {
  /**
   * Apply the Range to a HEAD too (an SLO part's HEAD is a 206); otherwise a HEAD ignores Range and
   * answers 200 with the whole length, as swob does.
   */
  rangeOnHead?: boolean;
}

/** `given`: serve this row instead of looking the path up (an older version of the object). */
export async function handleObjectRead(
  ctx: SwiftContext,
  preauthorized = false,
  given?: StoredObject,
  options: ObjectReadOptions = {},
): Promise<FastifyReply> {
  if (!preauthorized) await authorizeObjectRead(ctx);
  const { path, reply } = ctx;
  const object =
    given ??
    (await ctx.objects.requireObject(path.projectId, path.container as string, path.object as string));
  const view =
    ctx.query['multipart-manifest'] === 'get' ? undefined : await ctx.extensions.readManifest?.(ctx, object);
  const size = view ? view.sizeBytes : object.sizeBytes;
  const etag = (view ? view.etag : object.etag).replaceAll('"', '');
  reply.headers(objectHeaders(object, view));
  const outcome = evaluateConditions(
    ctx.headers,
    { etag, lastModified: new Date(object.lastModified) },
    true,
  );
  if (outcome === 'not-modified') return reply.status(304).send();
  if (outcome === 'precondition-failed') throw errors.preconditionFailed();
  const open = (r?: ByteRange) => (view ? view.open(r) : ctx.objects.openObject(object, r));
  const isHead = ctx.request.method === 'HEAD';
  const ranges = isHead && !options.rangeOnHead ? undefined : parseRange(ctx.headers.range, size);
  if (ranges === 'unsatisfiable') {
    reply.header('Content-Range', `bytes */${size}`);
    throw errors.rangeNotSatisfiable();
  }
  if (!ranges) {
    reply.header('Content-Length', String(size));
    return isHead ? reply.status(200).send() : reply.status(200).send(size === 0 ? '' : await open());
  }
  if (ranges.length === 1) {
    const r = ranges[0] as ByteRange;
    reply.header('Content-Range', `bytes ${r.start}-${r.end}/${size}`);
    reply.header('Content-Length', String(r.end - r.start + 1));
    return isHead ? reply.status(206).send() : reply.status(206).send(await open(r));
  }
  const boundary = randomBytes(16).toString('hex');
  const contentType = object.contentType;
  reply.header('Content-Type', `multipart/byteranges;boundary=${boundary}`);
  reply.header('Content-Length', String(multipartLength(ranges, size, contentType, boundary)));
  return isHead
    ? reply.status(206).send()
    : reply.status(206).send(multipartBody(open, ranges, size, contentType, boundary));
}
