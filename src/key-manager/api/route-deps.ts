// What the key-manager routes need, and the small helpers to register them as Barbican serves them:
// collections answer with and without a trailing slash (python-barbicanclient POSTs to "secrets/"), and
// a known path with another method answers 405.
import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import type { ContainerService } from '../container-service.js';
import type { OrderService } from '../order-service.js';
import type { SecretService } from '../secret-service.js';
import { kmErrors } from '../key-manager-errors.js';

export interface KeyManagerRouteDeps {
  secrets: SecretService;
  containers: ContainerService;
  orders: OrderService;
  publicUrl: string;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD';
const ALL: Method[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

export interface RouteSpec {
  method: Method;
  operation: string;
  handler: RouteHandlerMethod;
  /** The body it takes (checked by the handler's body checker); bodiless methods leave it out. */
  body?: TSchema | 'raw';
  /** Barbican looks the path's resource up before it reads the body (a missing one is a 404 first). */
  pathFirst?: boolean;
}

/** Registers the methods of one path (and of the path with a trailing slash), 405 for the others. */
export function resource(
  app: FastifyInstance,
  url: string,
  specs: RouteSpec[],
  options: { slash?: boolean } = {},
) {
  const urls = options.slash ? [url, `${url}/`] : [url];
  const others = ALL.filter((m) => !specs.some((s) => s.method === m));
  for (const path of urls) {
    for (const spec of specs) {
      app.route({
        method: spec.method,
        url: path,
        config: {
          operation: spec.operation,
          declaredBody: spec.body ?? 'none',
          ...(spec.pathFirst && { pathFirst: true }),
        },
        handler: spec.handler,
      });
    }
    if (others.length > 0) {
      app.route({
        method: others,
        url: path,
        config: { declaredBody: 'none' },
        handler: async () => {
          throw kmErrors.abort(405, 'The method is not allowed for this resource.');
        },
      });
    }
  }
}
