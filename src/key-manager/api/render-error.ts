// Barbican's error body, as its JSONErrorHook renders webob errors: {"code", "title", "description"}.
// The description depends on how the error was raised (see key-manager-errors.ts) and on the operation
// of the route ("Secret retrieval"). A 401 is keystonemiddleware's, in Keystone's shape.
import { STATUS_CODES } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiError } from '../../common/errors/api-error.js';
import { toApiError } from '../../common/errors/from-unknown.js';
import { barbicanForm } from '../key-manager-errors.js';

// webob's titles where they differ from Node's reason phrases.
const TITLES: Record<number, string> = { 413: 'Request Entity Too Large', 414: 'Request-URI Too Long' };

export function title(status: number): string {
  return TITLES[status] ?? STATUS_CODES[status] ?? 'Error';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Barbican's name of the operation, used in its error descriptions ("Secret creation"). */
    operation?: string;
  }
}

/** The description Barbican would send for `err` raised while serving `operation`. */
export function describe(err: ApiError, operation: string | undefined): string | null {
  const op = operation ?? 'System';
  switch (barbicanForm(err)) {
    case 'abort':
      return err.publicMessage;
    case 'issue':
      return `${op} issue seen - ${err.publicMessage}.`;
    case 'policy':
      return `${op} attempt not allowed - please review your user/project privileges`;
    default:
      break;
  }
  if (err.status >= 500) return `${op} failure seen - please contact site administrator.`;
  // Framework errors (bad JSON, size): Barbican's own words where it has them.
  if (err.code === 'PayloadTooLarge') return 'Provided information too large to process';
  if (err.code === 'RouteNotFound' || err.code === 'MethodNotAllowed') return null;
  return err.publicMessage;
}

export function barbicanBody(status: number, description: string | null) {
  return { code: status, title: title(status), description };
}

export function installBarbicanErrors(app: FastifyInstance, publicUrl: string): void {
  app.setErrorHandler((raw, request: FastifyRequest, reply) => {
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
    if (err.headers) reply.headers(err.headers);
    if (err.status === 401) {
      // keystonemiddleware tells the client where to authenticate.
      const base = publicUrl ? publicUrl.replace(/\/+$/, '') : `${request.protocol}://${request.host}`;
      return reply
        .status(401)
        .header('www-authenticate', `Keystone uri="${base}/identity"`)
        .send({ error: { code: 401, title: 'Unauthorized', message: err.publicMessage } });
    }
    const operation = request.routeOptions.config?.operation;
    return reply
      .status(err.status)
      .type('application/json')
      .send(barbicanBody(err.status, describe(err, operation)));
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.status(404).type('application/json').send(barbicanBody(404, 'The resource could not be found.')),
  );
}
