// Volume types (admin writes), their extra specs and project access.
import type { FastifyInstance } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { DEFAULT_TYPE_NAME } from '../model.js';
import {
  type Body,
  type VolumeRouteDeps,
  callerOf,
  limitOf,
  metadataOf,
  nullableString,
  objectBody,
  optionalBoolean,
  optionalString,
  queryOf,
  requiredString,
  wrapped,
} from './route-deps.js';
import { isAdmin } from '../volume-policy.js';
import { typeView } from './views.js';

type Id = { Params: { project: string; id: string } };
type Key = { Params: { project: string; id: string; key: string } };

export function registerTypeRoutes(app: FastifyInstance, deps: VolumeRouteDeps): void {
  const resolve = (id: string) => (id === 'default' ? DEFAULT_TYPE_NAME : id);

  app.get('/v3/:project/types', async (request) => ({
    volume_types: (await deps.types.list(callerOf(request), limitOf(queryOf(request)))).map((t) =>
      typeView(t, isAdmin(callerOf(request))),
    ),
  }));
  app.get<Id>('/v3/:project/types/:id', async (request) => ({
    volume_type: typeView(
      await deps.types.visible(callerOf(request), resolve(request.params.id)),
      isAdmin(callerOf(request)),
    ),
  }));
  app.post('/v3/:project/types', async (request) => {
    const t = wrapped(request.body, 'volume_type');
    const created = await deps.types.create(callerOf(request), {
      name: requiredString(t, 'name'),
      description: nullableString(t, 'description') ?? null,
      isPublic:
        optionalBoolean(t, 'os-volume-type-access:is_public') ?? optionalBoolean(t, 'is_public') ?? true,
      extraSpecs: metadataOf(t, 'extra_specs') ?? {},
    });
    request.auditTarget = { targetType: 'volume_type', targetId: created.id };
    return { volume_type: typeView(created, true) };
  });
  app.put<Id>('/v3/:project/types/:id', async (request) => {
    const t = wrapped(request.body, 'volume_type');
    const updated = await deps.types.update(callerOf(request), request.params.id, {
      name: optionalString(t, 'name'),
      description: nullableString(t, 'description'),
      isPublic: optionalBoolean(t, 'is_public'),
    });
    return { volume_type: typeView(updated, true) };
  });
  app.delete<Id>('/v3/:project/types/:id', async (request, reply) => {
    await deps.types.delete(callerOf(request), request.params.id);
    return reply.status(202).send();
  });

  app.get<Id>('/v3/:project/types/:id/extra_specs', async (request) => ({
    extra_specs: (await deps.types.visible(callerOf(request), request.params.id)).extraSpecs,
  }));
  app.post<Id>('/v3/:project/types/:id/extra_specs', async (request) => {
    const specs = metadataOf(objectBody(request.body), 'extra_specs');
    if (specs === undefined) throw errors.badRequest('Malformed request body');
    await deps.types.setExtraSpecs(callerOf(request), request.params.id, specs);
    return { extra_specs: specs };
  });
  app.get<Key>('/v3/:project/types/:id/extra_specs/:key', async (request) => {
    const t = await deps.types.visible(callerOf(request), request.params.id);
    const value = t.extraSpecs[request.params.key];
    if (value === undefined) throw errors.notFound('extra spec', request.params.key);
    return { [request.params.key]: value };
  });
  app.put<Key>('/v3/:project/types/:id/extra_specs/:key', async (request) => {
    const body = metadataOf({ spec: request.body as Body }, 'spec');
    const value = body?.[request.params.key];
    if (body === undefined || Object.keys(body).length !== 1 || value === undefined) {
      throw errors.badRequest('Request body and URI mismatch');
    }
    await deps.types.setExtraSpecs(callerOf(request), request.params.id, body);
    return body;
  });
  app.delete<Key>('/v3/:project/types/:id/extra_specs/:key', async (request, reply) => {
    await deps.types.deleteExtraSpec(callerOf(request), request.params.id, request.params.key);
    return reply.status(202).send();
  });

  app.get<Id>('/v3/:project/types/:id/os-volume-type-access', async (request) => ({
    volume_type_access: (await deps.types.access(callerOf(request), request.params.id)).map((project) => ({
      volume_type_id: request.params.id,
      project_id: project,
    })),
  }));
  app.post<Id>('/v3/:project/types/:id/action', async (request, reply) => {
    const body = objectBody(request.body);
    const auth = callerOf(request);
    for (const [action, apply] of [
      ['addProjectAccess', deps.types.addAccess],
      ['removeProjectAccess', deps.types.removeAccess],
    ] as const) {
      if (action in body) {
        const project = requiredString(wrapped(body, action), 'project');
        await apply(auth, request.params.id, project);
        return reply.status(202).send();
      }
    }
    throw errors.badRequest(`There is no such action: ${Object.keys(body)[0] ?? ''}`);
  });
}
