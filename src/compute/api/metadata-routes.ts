// Server metadata routes and os-availability-zone (the zones servers may ask for: one per deployment).
import type { FastifyInstance } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { type ComputeRouteDeps, callerOf, objectBody } from './route-deps.js';
import { METADATA_ALL, METADATA_ITEM } from './schemas/misc-schemas.js';

type Params = { id: string; key: string };

function items(body: unknown, key: 'metadata' | 'meta'): Record<string, string> {
  const raw = objectBody(body)[key];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw errors.badRequest(`'${key}' is a required property`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k.length === 0 || k.length > 255 || typeof v !== 'string' || v.length > 255) {
      throw errors.badRequest(`Invalid input for field/attribute ${key}. Value: ${k}.`);
    }
    out[k] = v;
  }
  return out;
}

export function registerMetadataRoutes(app: FastifyInstance, deps: ComputeRouteDeps): void {
  const { metadata } = deps;
  const base = '/v2.1/servers/:id/metadata';

  app.get<{ Params: Params }>(base, async (request) => ({
    metadata: await metadata.list(callerOf(request), request.params.id),
  }));
  app.put<{ Params: Params }>(base, { config: { nova: { body: METADATA_ALL } } }, async (request) => ({
    metadata: await metadata.replace(callerOf(request), request.params.id, items(request.body, 'metadata')),
  }));
  app.post<{ Params: Params }>(base, { config: { nova: { body: METADATA_ALL } } }, async (request) => ({
    metadata: await metadata.merge(callerOf(request), request.params.id, items(request.body, 'metadata')),
  }));
  app.get<{ Params: Params }>(`${base}/:key`, async (request) => ({
    meta: {
      [request.params.key]: await metadata.get(callerOf(request), request.params.id, request.params.key),
    },
  }));
  app.put<{ Params: Params }>(
    `${base}/:key`,
    { config: { nova: { body: METADATA_ITEM } } },
    async (request) => {
      const meta = items(request.body, 'meta');
      const value = meta[request.params.key];
      if (Object.keys(meta).length !== 1 || value === undefined)
        throw errors.badRequest('Request body and URI mismatch');
      await metadata.set(callerOf(request), request.params.id, request.params.key, value);
      return { meta };
    },
  );
  app.delete<{ Params: Params }>(`${base}/:key`, async (request, reply) => {
    await metadata.remove(callerOf(request), request.params.id, request.params.key);
    return reply.status(204).send();
  });

  app.get('/v2.1/os-availability-zone', async (request) => {
    callerOf(request);
    // With hosts registered (deps.admin), the zones are theirs; see also os-availability-zone/detail.
    const zones = deps.admin ? await deps.admin.hosts.zones() : [];
    if (zones.length > 0) {
      return {
        availabilityZoneInfo: zones.map((z) => ({
          zoneName: z.name,
          zoneState: { available: z.available },
          hosts: null,
        })),
      };
    }
    return {
      availabilityZoneInfo: [
        { zoneName: deps.availabilityZone, zoneState: { available: true }, hosts: null },
      ],
    };
  });
}
