// S3's answer to slow CompleteMultipartUpload calls: once the request is known to be valid, the
// response starts at once (200, XML declaration) and a space is sent every few seconds while the
// object is assembled, so clients' read timeouts do not fire; the result, or an <Error> document
// (which SDKs look for in a 200 to this operation), ends the body.
import type { ServerResponse } from 'node:http';
import { toApiError } from '../../../common/errors/from-unknown.js';
import { renderS3Error } from '../../../common/errors/render-s3.js';
import type { S3Context } from './s3-context.js';

/** Assemblies smaller than this answer the ordinary way. */
export const KEEP_ALIVE_MIN_BYTES = 64 * 1024 * 1024;
const INTERVAL_MS = 5000;
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export interface KeepAlive {
  readonly started: boolean;
  /** Sends the status line, headers and XML declaration, then a space every few seconds. */
  start(): void;
  /** Ends the body with the result document (which must begin with the XML declaration). */
  finish(document: string): void;
  /** Ends the body with an <Error> document for `err`. */
  fail(err: unknown): void;
}

export function keepAlive(ctx: S3Context): KeepAlive {
  let raw: ServerResponse | undefined;
  let timer: NodeJS.Timeout | undefined;
  const end = (text: string) => {
    clearInterval(timer);
    raw?.end(text.startsWith(XML_DECLARATION) ? text.slice(XML_DECLARATION.length) : text);
  };
  return {
    get started() {
      return raw !== undefined;
    },
    start() {
      if (raw) return;
      ctx.reply.hijack();
      raw = ctx.reply.raw;
      const headers = { ...ctx.reply.getHeaders(), 'content-type': 'application/xml' };
      delete headers['content-length'];
      raw.writeHead(200, headers as Record<string, string>);
      raw.write(XML_DECLARATION);
      timer = setInterval(() => raw?.write(' '), INTERVAL_MS);
      timer.unref();
      raw.once('close', () => clearInterval(timer));
    },
    finish(document) {
      end(document);
    },
    fail(err) {
      const apiError = toApiError(err);
      const level = apiError.status >= 500 ? 'error' : 'info';
      ctx.request.log[level]({ event: 'request.failed.after.keep-alive', err, code: apiError.code });
      const message =
        apiError.status === 500
          ? `${apiError.publicMessage} (request id ${ctx.request.id})`
          : apiError.publicMessage;
      end(renderS3Error(apiError, message, ctx.request.id).body);
    },
  };
}
