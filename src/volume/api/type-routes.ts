// Volume types (admin writes), their extra specs and project access. Bodies and query strings are
// validated before the handlers; lists filter (is_public for admins, extra_specs from 3.52), sort and
// page in process: types are few.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { DEFAULT_TYPE_NAME, type VolumeType } from '../model.js';
import { volumeErrors } from '../volume-errors.js';
import { isAdmin } from '../volume-policy.js';
import { listParamsOf, queryOf } from './list-params.js';
import { atLeast } from './microversion.js';
import { literalEval } from './py-literal.js';
import { type VolumeRouteDeps, callerOf, versionOf } from './route-deps.js';
import { boolOf } from './schemas/parameter-types.js';
import { TypeListQuery } from './schemas/query-schemas.js';
import {
  ExtraSpecItemBody,
  ExtraSpecsBody,
  TYPE_ACTIONS,
  TypeCreateBody,
  TypeUpdateBody,
  type TypeCreate,
  type TypeUpdate,
} from './schemas/type-schemas.js';
import { actionOf, declare } from './validation.js';
import { typeView } from './views.js';

type Id = { Params: { project: string; id: string } };
type Key = { Params: { project: string; id: string; key: string } };

const SORTABLE: Record<string, (t: VolumeType) => string> = {
  id: (t) => t.id,
  name: (t) => t.name,
  description: (t) => t.description ?? '',
  is_public: (t) => String(t.isPublic),
};

/** Cinder's _parse_is_public: absent → public only, 'none' → all, else a strict boolean. */
function isPublicFilter(raw: string | undefined): boolean | undefined {
  if (raw === undefined) return true;
  if (raw.toLowerCase() === 'none') return undefined;
  const lower = raw.toLowerCase();
  if (['1', 't', 'true', 'on', 'y', 'yes'].includes(lower)) return true;
  if (['0', 'f', 'false', 'off', 'n', 'no'].includes(lower)) return false;
  throw errors.badRequest(`Invalid is_public filter [${raw}]`);
}

async function listTypes(request: FastifyRequest, deps: VolumeRouteDeps): Promise<VolumeType[]> {
  const auth = callerOf(request);
  const q = queryOf(request);
  const params = listParamsOf(request);
  let types = await deps.types.list(auth, 1000);
  if (isAdmin(auth)) {
    const wanted = isPublicFilter(q.is_public);
    if (wanted !== undefined) types = types.filter((t) => t.isPublic === wanted);
  }
  if (q.extra_specs !== undefined && atLeast(versionOf(request), 52)) {
    const specs = literalEval(q.extra_specs);
    if (typeof specs !== 'object' || specs === null) return [];
    types = types.filter((t) => Object.entries(specs).every(([k, v]) => t.extraSpecs[k] === String(v)));
  }
  for (const { key, dir } of [...params.sort].reverse()) {
    if (key === 'created_at') continue;
    const of = SORTABLE[key];
    if (of === undefined) throw volumeErrors.invalidInput('Invalid sort key');
    types = [...types].sort((a, b) => of(a).localeCompare(of(b)) * (dir === 'asc' ? 1 : -1));
  }
  if (params.marker !== undefined) {
    const at = types.findIndex((t) => t.id === params.marker);
    if (at < 0) throw volumeErrors.typeNotFound(params.marker);
    types = types.slice(at + 1);
  }
  const offset = params.offset ?? 0;
  return types.slice(offset, offset + (params.limit ?? 1000));
}

function registerTypeCrud(app: FastifyInstance, deps: VolumeRouteDeps): void {
  const resolve = (id: string) => (id === 'default' ? DEFAULT_TYPE_NAME : id);
  app.get('/v3/:project/types', { config: declare({ query: TypeListQuery }) }, async (request) => ({
    volume_types: (await listTypes(request, deps)).map((t) => typeView(t, isAdmin(callerOf(request)))),
  }));
  app.get<Id>('/v3/:project/types/:id', { config: declare({ noQuery: true }) }, async (request) => ({
    volume_type: typeView(
      await deps.types.visible(callerOf(request), resolve(request.params.id)),
      isAdmin(callerOf(request)),
    ),
  }));
  app.post('/v3/:project/types', { config: declare({ body: TypeCreateBody }) }, async (request) => {
    const t = (request.body as { volume_type: TypeCreate }).volume_type;
    const created = await deps.types.create(callerOf(request), {
      name: t.name.trim(),
      description: t.description ?? null,
      isPublic: boolOf(t['os-volume-type-access:is_public'], true),
      // Cinder stores a null spec value; this store keeps strings, so null is the empty string.
      extraSpecs: Object.fromEntries(Object.entries(t.extra_specs ?? {}).map(([k, v]) => [k, v ?? ''])),
    });
    request.auditTarget = { targetType: 'volume_type', targetId: created.id };
    return { volume_type: typeView(created, true) };
  });
  app.put<Id>('/v3/:project/types/:id', { config: declare({ body: TypeUpdateBody }) }, async (request) => {
    const t = (request.body as { volume_type: TypeUpdate }).volume_type;
    const name = t.name ?? undefined;
    if (name !== undefined && name.trim() === '')
      throw errors.badRequest('Volume type name can not be empty.');
    if (t.name == null && t.description == null && t.is_public == null) {
      throw errors.badRequest('Specify volume type name, description, is_public or a combination thereof.');
    }
    const updated = await deps.types.update(callerOf(request), request.params.id, {
      name: name?.trim(),
      description: t.description ?? undefined,
      isPublic: t.is_public == null ? undefined : boolOf(t.is_public),
    });
    return { volume_type: typeView(updated, true) };
  });
  app.delete<Id>('/v3/:project/types/:id', { config: declare({ noQuery: true }) }, async (request, reply) => {
    await deps.types.delete(callerOf(request), request.params.id);
    return reply.status(202).send();
  });
}

function registerExtraSpecs(app: FastifyInstance, deps: VolumeRouteDeps): void {
  const noQuery = declare({ noQuery: true });
  app.get<Id>('/v3/:project/types/:id/extra_specs', { config: noQuery }, async (request) => ({
    extra_specs: (await deps.types.visible(callerOf(request), request.params.id)).extraSpecs,
  }));
  const strings = (specs: Record<string, string | null>) =>
    Object.fromEntries(Object.entries(specs).map(([k, v]) => [k, v ?? '']));
  app.post<Id>(
    '/v3/:project/types/:id/extra_specs',
    { config: declare({ body: ExtraSpecsBody }) },
    async (request) => {
      const specs = strings((request.body as { extra_specs: Record<string, string | null> }).extra_specs);
      await deps.types.setExtraSpecs(callerOf(request), request.params.id, specs);
      return { extra_specs: specs };
    },
  );
  app.get<Key>('/v3/:project/types/:id/extra_specs/:key', { config: noQuery }, async (request) => {
    const t = await deps.types.visible(callerOf(request), request.params.id);
    const value = t.extraSpecs[request.params.key];
    if (value === undefined)
      throw volumeErrors.notFound(`Volume Type ${t.id} has no extra specs with key ${request.params.key}.`);
    return { [request.params.key]: value };
  });
  app.put<Key>(
    '/v3/:project/types/:id/extra_specs/:key',
    { config: declare({ body: ExtraSpecItemBody }) },
    async (request) => {
      const body = strings(request.body as Record<string, string | null>);
      if (body[request.params.key] === undefined) throw errors.badRequest('Request body and URI mismatch');
      await deps.types.setExtraSpecs(callerOf(request), request.params.id, body);
      return body;
    },
  );
  app.delete<Key>('/v3/:project/types/:id/extra_specs/:key', { config: noQuery }, async (request, reply) => {
    await deps.types.deleteExtraSpec(callerOf(request), request.params.id, request.params.key);
    return reply.status(202).send();
  });
}

export function registerTypeRoutes(app: FastifyInstance, deps: VolumeRouteDeps): void {
  registerTypeCrud(app, deps);
  registerExtraSpecs(app, deps);
  app.get<Id>(
    '/v3/:project/types/:id/os-volume-type-access',
    { config: declare({ noQuery: true }) },
    async (request) => ({
      volume_type_access: (await deps.types.access(callerOf(request), request.params.id)).map((project) => ({
        volume_type_id: request.params.id,
        project_id: project,
      })),
    }),
  );
  app.post<Id>(
    '/v3/:project/types/:id/action',
    { config: declare({ actions: TYPE_ACTIONS }) },
    async (request, reply) => {
      const action = actionOf(request.body);
      const { project } = (request.body as Record<string, { project: string }>)[action] as {
        project: string;
      };
      const apply = action === 'addProjectAccess' ? deps.types.addAccess : deps.types.removeAccess;
      await apply(callerOf(request), request.params.id, project);
      return reply.status(202).send();
    },
  );
}
