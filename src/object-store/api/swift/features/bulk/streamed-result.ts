// Sends a long-running bulk result the way Swift does: the status is fixed up front (200 for bulk
// operations, 202 for an SLO PUT with heartbeat=on), whitespace goes out every yield_frequency seconds
// while the work runs so that clients and proxies do not time out, and the result body comes last.
import { PassThrough } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { SwiftContext } from '../../swift-context.js';

/** Swift's yield_frequency (seconds), advertised in /info for SLO. */
export const YIELD_FREQUENCY_SECONDS = 10;

export interface StreamedResultOptions {
  status: number;
  /** Response Content-Type; undefined keeps swob's default (text/html). */
  contentType: string | undefined;
  /** Send the first byte at once (SLO heartbeat) rather than after the first interval. */
  immediate?: boolean;
}

/**
 * Runs `work` (which must report its own failures in the body it returns) and sends its result. If
 * the work outlives one interval, the headers go out with whitespace and the body follows after a
 * blank line, as in Swift's heartbeat responses.
 */
export async function sendStreamedResult(
  ctx: SwiftContext,
  options: StreamedResultOptions,
  work: () => Promise<string>,
): Promise<FastifyReply> {
  const contentType = options.contentType ?? 'text/html; charset=UTF-8';
  let stream: PassThrough | undefined;
  let separator = '';
  let filler = contentType.endsWith('/xml') ? '<?xml version="1.0" encoding="UTF-8"?>\n' : ' ';
  const beat = () => {
    if (!stream) {
      stream = new PassThrough();
      void ctx.reply.status(options.status).header('content-type', contentType).send(stream);
    }
    stream.write(filler);
    filler = ' ';
    separator = '\r\n\r\n';
  };
  if (options.immediate) {
    filler = ' ';
    beat();
  }
  const timer = setInterval(beat, YIELD_FREQUENCY_SECONDS * 1000);
  let body: string;
  try {
    body = await work();
  } catch (err) {
    if (!stream) throw err;
    ctx.request.log.error({ event: 'swift.bulk.failed', err }, 'bulk operation failed');
    stream.destroy(err as Error);
    return ctx.reply;
  } finally {
    clearInterval(timer);
  }
  if (stream) {
    stream.end(separator + body);
    return ctx.reply;
  }
  // A Buffer, so that Fastify sends the Content-Type exactly as Swift does (no added charset).
  return ctx.reply.status(options.status).header('content-type', contentType).send(Buffer.from(body, 'utf8'));
}
