// Flavor routes: list (brief/detail), show, admin create/update/delete, the access list
// (os-flavor-access, addTenantAccess/removeTenantAccess) and extra specs (os-extra_specs).
import type { FastifyInstance } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import type { Flavor } from '../model.js';
import { atLeast } from './microversion.js';
import {
  type ComputeRouteDeps,
  callerOf,
  integer,
  limitOf,
  linkBase,
  objectBody,
  optionalString,
  queryOf,
  requiredString,
  versionOf,
  wrapped,
} from './route-deps.js';
import { flavorBrief, flavorDetail } from './views.js';
import {
  EXTRA_SPECS_CREATE,
  EXTRA_SPEC_UPDATE,
  FLAVOR_ACTIONS,
  FLAVOR_CREATE,
  FLAVOR_UPDATE,
} from './schemas/flavor-schemas.js';

type Params = { id: string; key?: string };

function isPublicFilter(raw: string | undefined): boolean | 'all' | undefined {
  if (raw === undefined) return undefined;
  const v = raw.toLowerCase();
  if (v === 'none' || v === 'all') return 'all';
  if (['true', 't', '1', 'yes', 'y', 'on'].includes(v)) return true;
  if (['false', 'f', '0', 'no', 'n', 'off'].includes(v)) return false;
  throw errors.badRequest(`Invalid is_public filter [${raw}]`);
}

function filtered(flavors: Flavor[], query: Record<string, string | undefined>): Flavor[] {
  const minRam = query.minRam === undefined ? 0 : Number(query.minRam);
  const minDisk = query.minDisk === undefined ? 0 : Number(query.minDisk);
  if (!Number.isFinite(minRam) || !Number.isFinite(minDisk))
    throw errors.badRequest('Invalid minRam or minDisk filter.');
  let out = flavors.filter((f) => f.ramMiB >= minRam && f.diskGib >= minDisk);
  if (query.marker !== undefined) {
    const index = out.findIndex((f) => f.id === query.marker);
    if (index < 0) throw errors.badRequest(`marker [${query.marker}] not found`);
    out = out.slice(index + 1);
  }
  const limit = limitOf(query);
  return limit === undefined ? out : out.slice(0, limit);
}

function createInput(body: unknown) {
  const f = wrapped(body, 'flavor');
  const rxtx = f.rxtx_factor;
  if (rxtx !== undefined && (typeof rxtx !== 'number' || rxtx <= 0))
    throw errors.badRequest('Invalid input for field/attribute rxtx_factor.');
  const isPublic = f['os-flavor-access:is_public'];
  if (isPublic !== undefined && typeof isPublic !== 'boolean')
    throw errors.badRequest('Invalid input for field/attribute os-flavor-access:is_public.');
  const id = f.id;
  if (id !== undefined && id !== null && (typeof id !== 'string' || !/^[\w.\- ]{1,255}$/.test(id))) {
    throw errors.badRequest('Invalid input for field/attribute id.');
  }
  return {
    ...(typeof id === 'string' && { id }),
    name: requiredString(f, 'name'),
    vcpus: integer(f, 'vcpus', 1),
    ramMiB: integer(f, 'ram', 1),
    diskGib: integer(f, 'disk', 0),
    ephemeralGib: integer(f, 'OS-FLV-EXT-DATA:ephemeral', 0, 0),
    swapMiB: integer(f, 'swap', 0, 0),
    ...(typeof rxtx === 'number' && { rxtxFactor: rxtx }),
    ...(typeof isPublic === 'boolean' && { isPublic }),
    description: optionalString(f, 'description', 65535) ?? null,
  };
}

function accessBody(flavorId: string, projects: string[]) {
  return { flavor_access: projects.map((tenant_id) => ({ flavor_id: flavorId, tenant_id })) };
}

export function registerFlavorRoutes(app: FastifyInstance, deps: ComputeRouteDeps): void {
  const { flavors } = deps;

  app.get('/v2.1/flavors', async (request) => {
    const all = await flavors.list(callerOf(request), isPublicFilter(queryOf(request).is_public));
    const v = versionOf(request);
    return {
      flavors: filtered(all, queryOf(request)).map((f) =>
        flavorBrief(f, v, linkBase(request, deps.publicUrl)),
      ),
    };
  });

  app.get('/v2.1/flavors/detail', async (request) => {
    const all = await flavors.list(callerOf(request), isPublicFilter(queryOf(request).is_public));
    const v = versionOf(request);
    const base = linkBase(request, deps.publicUrl);
    return { flavors: filtered(all, queryOf(request)).map((f) => flavorDetail(f, v, base, true)) };
  });

  app.get<{ Params: Params }>('/v2.1/flavors/:id', async (request) => {
    const flavor = await flavors.visible(callerOf(request), request.params.id);
    return { flavor: flavorDetail(flavor, versionOf(request), linkBase(request, deps.publicUrl), true) };
  });

  app.post('/v2.1/flavors', { config: { nova: { body: FLAVOR_CREATE } } }, async (request) => {
    const flavor = await flavors.create(callerOf(request), createInput(request.body));
    return { flavor: flavorDetail(flavor, versionOf(request), linkBase(request, deps.publicUrl), true) };
  });

  app.put<{ Params: Params }>(
    '/v2.1/flavors/:id',
    { config: { nova: { body: [{ min: 55, schema: FLAVOR_UPDATE }] } } },
    async (request) => {
      if (!atLeast(versionOf(request), 55)) throw errors.methodNotAllowed();
      const f = wrapped(request.body, 'flavor');
      if (!('description' in f)) throw errors.badRequest("'description' is a required property");
      const description = f.description === null ? null : requiredString(f, 'description', 65535);
      const flavor = await flavors.updateDescription(callerOf(request), request.params.id, description);
      return { flavor: flavorDetail(flavor, versionOf(request), linkBase(request, deps.publicUrl), true) };
    },
  );

  app.delete<{ Params: Params }>('/v2.1/flavors/:id', async (request, reply) => {
    await flavors.remove(callerOf(request), request.params.id);
    return reply.status(202).send();
  });

  app.get<{ Params: Params }>('/v2.1/flavors/:id/os-flavor-access', async (request) =>
    accessBody(request.params.id, await flavors.access(callerOf(request), request.params.id)),
  );

  app.post<{ Params: Params }>(
    '/v2.1/flavors/:id/action',
    { config: { nova: { actions: FLAVOR_ACTIONS } } },
    async (request) => {
      const body = objectBody(request.body);
      const auth = callerOf(request);
      const id = request.params.id;
      if ('addTenantAccess' in body) {
        const tenant = requiredString(wrapped(body, 'addTenantAccess'), 'tenant');
        return accessBody(id, await flavors.addAccess(auth, id, tenant));
      }
      if ('removeTenantAccess' in body) {
        const tenant = requiredString(wrapped(body, 'removeTenantAccess'), 'tenant');
        return accessBody(id, await flavors.removeAccess(auth, id, tenant));
      }
      throw errors.badRequest('Unsupported flavor action.');
    },
  );

  registerExtraSpecRoutes(app, deps);
}

function specsOf(body: unknown): Record<string, string> {
  const specs = wrapped(body, 'extra_specs');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(specs)) {
    if (!/^[\w.:\- ]{1,255}$/.test(key)) throw errors.badRequest(`Invalid extra spec key ${key}.`);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw errors.badRequest(`Invalid extra spec value for ${key}.`);
    }
    out[key] = String(value);
  }
  return out;
}

function registerExtraSpecRoutes(app: FastifyInstance, deps: ComputeRouteDeps): void {
  const { flavors } = deps;
  const base = '/v2.1/flavors/:id/os-extra_specs';

  app.get<{ Params: Params }>(base, async (request) => ({
    extra_specs: (await flavors.visible(callerOf(request), request.params.id)).extraSpecs,
  }));

  app.post<{ Params: Params }>(base, { config: { nova: { body: EXTRA_SPECS_CREATE } } }, async (request) => ({
    extra_specs: await flavors.setExtraSpecs(callerOf(request), request.params.id, specsOf(request.body)),
  }));

  app.get<{ Params: Params }>(`${base}/:key`, async (request) => {
    const flavor = await flavors.visible(callerOf(request), request.params.id);
    const key = request.params.key ?? '';
    const value = flavor.extraSpecs[key];
    if (value === undefined) throw errors.notFound('flavor extra spec', key);
    return { [key]: value };
  });

  app.put<{ Params: Params }>(
    `${base}/:key`,
    { config: { nova: { body: EXTRA_SPEC_UPDATE } } },
    async (request) => {
      const key = request.params.key ?? '';
      const body = objectBody(request.body);
      const keys = Object.keys(body);
      if (keys.length !== 1 || keys[0] !== key) throw errors.badRequest('Request body and URI mismatch');
      const specs = specsOf({ extra_specs: body });
      return flavors.setExtraSpecs(callerOf(request), request.params.id, specs);
    },
  );

  app.delete<{ Params: Params }>(`${base}/:key`, async (request, reply) => {
    await flavors.removeExtraSpec(callerOf(request), request.params.id, request.params.key ?? '');
    return reply.status(200).send();
  });
}
