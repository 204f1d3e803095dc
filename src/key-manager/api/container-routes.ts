// /v1/containers: list, create, read, delete, and add or remove a secret of a generic container.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bodyChecker } from '../body-check.js';
import { policy } from '../key-manager-policy.js';
import { ContainerSecretSchema, NewContainerSchema } from '../schemas.js';
import { allowQuery, baseUrl, callerOf, jsonBody, paging, queryValue, requireContentType } from './http.js';
import { resource, type KeyManagerRouteDeps } from './route-deps.js';
import { containerRef, containerView, listView } from './views.js';

const newContainer = bodyChecker(NewContainerSchema);
const containerSecret = bodyChecker(ContainerSecretSchema);

interface IdParams {
  id: string;
}

export function registerContainerRoutes(app: FastifyInstance, deps: KeyManagerRouteDeps): void {
  const { containers } = deps;
  const base = (request: FastifyRequest) => baseUrl(request, deps.publicUrl);
  const id = (request: FastifyRequest) => (request.params as IdParams).id;

  resource(
    app,
    '/v1/containers',
    [
      {
        method: 'GET',
        operation: 'Containers(s) retrieval',
        handler: async (request) => {
          allowQuery(request, ['limit', 'offset', 'name', 'type']);
          const name = queryValue(request, 'name');
          const type = queryValue(request, 'type');
          const page = await containers.list(callerOf(request), {
            ...paging(request),
            ...(name ? { name } : {}),
            ...(type ? { type } : {}),
          });
          const query = request.query as Record<string, string | string[] | undefined>;
          return listView('containers', page, (c) => containerView(c, base(request)), base(request), query);
        },
      },
      {
        method: 'POST',
        operation: 'Container creation',
        body: NewContainerSchema,
        handler: async (request, reply) => {
          const auth = callerOf(request);
          policy.create(auth);
          requireContentType(request, ['application/json']);
          const body = newContainer.check(jsonBody(request), 'Container');
          const container = await containers.create(auth, body, base(request));
          const ref = containerRef(base(request), container.id);
          return reply.status(201).header('location', ref).send({ container_ref: ref });
        },
      },
    ],
    { slash: true },
  );

  resource(app, '/v1/containers/:id', [
    {
      method: 'GET',
      operation: 'Container retrieval',
      handler: async (request) =>
        containerView(await containers.get(callerOf(request), id(request)), base(request)),
    },
    {
      method: 'DELETE',
      operation: 'Container deletion',
      handler: async (request, reply) => {
        await containers.remove(callerOf(request), id(request));
        return reply.status(204).send();
      },
    },
  ]);

  resource(
    app,
    '/v1/containers/:id/secrets',
    [
      {
        method: 'POST',
        operation: 'Container Secret creation',
        body: ContainerSecretSchema,
        pathFirst: true,
        handler: async (request, reply) => {
          const auth = callerOf(request);
          const container = await containers.lookup(id(request));
          policy.changeContainer(auth, container);
          requireContentType(request, ['application/json']);
          const body = containerSecret.check(jsonBody(request), 'ContainerSecret');
          await containers.addSecret(auth, container.id, body);
          const ref = containerRef(base(request), container.id);
          return reply.status(201).header('location', ref).send({ container_ref: ref });
        },
      },
      {
        method: 'DELETE',
        operation: 'Container Secret deletion',
        handler: async (request, reply) => {
          const body = containerSecret.check(jsonBody(request), 'ContainerSecret');
          await containers.removeSecret(callerOf(request), id(request), body);
          return reply.status(204).send();
        },
      },
    ],
    { slash: true },
  );
}
