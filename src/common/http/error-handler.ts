// Installs one API family's renderer as the error and not-found handler of a Fastify context.
// 4xx are logged at info, 5xx at error with the stack; the client sees only the public message.
import type { FastifyInstance } from 'fastify';
import type { ApiError } from '../errors/api-error.js';
import { errors } from '../errors/codes.js';
import { toApiError } from '../errors/from-unknown.js';

/** Renders an error; `message` is the public message (500s carry the request id in it). */
export type ErrorRenderer = (
  err: ApiError,
  message: string,
  requestId: string,
) => { body: unknown; contentType?: string };

export function installErrorHandler(app: FastifyInstance, render: ErrorRenderer): void {
  app.setErrorHandler((raw, request, reply) => {
    const err = toApiError(raw);
    if (err.status >= 500) {
      request.log.error({ event: 'request.failed', err: raw, code: err.code }, 'request failed');
    } else {
      request.log.info({
        event: 'request.rejected',
        status: err.status,
        code: err.code,
        msg: err.publicMessage,
      });
    }
    const message =
      err.status === 500 ? `${err.publicMessage} (request id ${request.id})` : err.publicMessage;
    const { body, contentType } = render(err, message, request.id);
    if (err.headers) reply.headers(err.headers);
    if (contentType) reply.type(contentType);
    return reply.status(err.status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const err = errors.routeNotFound(request.method, request.url);
    const { body, contentType } = render(err, err.publicMessage, request.id);
    if (contentType) reply.type(contentType);
    return reply.status(404).send(body);
  });
}
