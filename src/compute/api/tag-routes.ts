// Server tags (2.26): GET/PUT/DELETE /servers/{id}/tags and GET/PUT/DELETE /servers/{id}/tags/{tag}.
// Below 2.26 the routes do not exist (404), as in Nova.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { validateTag, validateTags } from '../server-tags.js';
import { atLeast } from './microversion.js';
import { type ComputeAdminRouteDeps, callerOf, linkBase, objectBody, versionOf } from './route-deps.js';
import { TAGS_ALL } from './schemas/misc-schemas.js';
import { NO_BODY } from '../../common/http/no-body.js';

type Params = { id: string };
type TagParams = { id: string; tag: string };

function requireTags(request: FastifyRequest): void {
  if (!atLeast(versionOf(request), 26)) throw errors.routeNotFound(request.method, request.url);
}

export function registerTagRoutes(app: FastifyInstance, deps: ComputeAdminRouteDeps): void {
  const { tags } = deps;

  app.get<{ Params: Params }>('/v2.1/servers/:id/tags', async (request) => {
    requireTags(request);
    return { tags: await tags.list(callerOf(request), request.params.id) };
  });

  app.put<{ Params: Params }>(
    '/v2.1/servers/:id/tags',
    { config: { nova: { body: TAGS_ALL } } },
    async (request) => {
      requireTags(request);
      const wanted = validateTags(objectBody(request.body).tags);
      return { tags: await tags.replace(callerOf(request), request.params.id, wanted) };
    },
  );

  app.delete<{ Params: Params }>('/v2.1/servers/:id/tags', async (request, reply) => {
    requireTags(request);
    await tags.clear(callerOf(request), request.params.id);
    return reply.status(204).send();
  });

  app.get<{ Params: TagParams }>('/v2.1/servers/:id/tags/:tag', async (request, reply) => {
    requireTags(request);
    await tags.has(callerOf(request), request.params.id, request.params.tag);
    return reply.status(204).send();
  });

  app.put<{ Params: TagParams }>('/v2.1/servers/:id/tags/:tag', NO_BODY, async (request, reply) => {
    requireTags(request);
    const { id } = request.params;
    const tag = validateTag(request.params.tag);
    const created = await tags.add(callerOf(request), id, tag);
    if (!created) return reply.status(204).send();
    const href = `${linkBase(request, deps.publicUrl).root}/v2.1/servers/${id}/tags/${encodeURIComponent(tag)}`;
    return reply.status(201).header('location', href).send();
  });

  app.delete<{ Params: TagParams }>('/v2.1/servers/:id/tags/:tag', async (request, reply) => {
    requireTags(request);
    await tags.remove(callerOf(request), request.params.id, request.params.tag);
    return reply.status(204).send();
  });
}
