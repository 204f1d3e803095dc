// /v1/orders: list, create (202: the order is processed before the answer), read, delete; PUT is 405.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bodyChecker } from '../body-check.js';
import { policy } from '../key-manager-policy.js';
import { NewOrderSchema } from '../schemas.js';
import { allowQuery, baseUrl, callerOf, jsonBody, paging, queryValue, requireContentType } from './http.js';
import { resource, type KeyManagerRouteDeps } from './route-deps.js';
import { listView, orderRef, orderView } from './views.js';

const newOrder = bodyChecker(NewOrderSchema);

export function registerOrderRoutes(app: FastifyInstance, deps: KeyManagerRouteDeps): void {
  const { orders } = deps;
  const base = (request: FastifyRequest) => baseUrl(request, deps.publicUrl);
  const id = (request: FastifyRequest) => (request.params as { id: string }).id;

  resource(
    app,
    '/v1/orders',
    [
      {
        method: 'GET',
        operation: 'Order(s) retrieval',
        handler: async (request) => {
          allowQuery(request, ['limit', 'offset', 'meta']);
          const meta = queryValue(request, 'meta');
          const page = await orders.list(callerOf(request), {
            ...paging(request),
            ...(meta ? { meta } : {}),
          });
          const query = request.query as Record<string, string | string[] | undefined>;
          return listView('orders', page, (o) => orderView(o, base(request)), base(request), query);
        },
      },
      {
        method: 'POST',
        operation: 'Order creation',
        body: NewOrderSchema,
        handler: async (request, reply) => {
          const auth = callerOf(request);
          policy.create(auth);
          requireContentType(request, ['application/json']);
          const body = newOrder.check(jsonBody(request), 'Order');
          const order = await orders.create(auth, body);
          const ref = orderRef(base(request), order.id);
          return reply.status(202).header('location', ref).send({ order_ref: ref });
        },
      },
      {
        method: 'PUT',
        operation: 'Order update',
        handler: async (request) => orders.refuseUpdate(callerOf(request)),
      },
    ],
    { slash: true },
  );

  resource(app, '/v1/orders/:id', [
    {
      method: 'GET',
      operation: 'Order retrieval',
      handler: async (request) => orderView(await orders.get(callerOf(request), id(request)), base(request)),
    },
    {
      method: 'DELETE',
      operation: 'Order deletion',
      handler: async (request, reply) => {
        await orders.remove(callerOf(request), id(request));
        return reply.status(204).send();
      },
    },
  ]);
}
