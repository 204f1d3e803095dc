// Routes for /v3/regions, /v3/services and /v3/endpoints.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { RouteDeps } from './route-deps.js';
import { collection, views } from './views.js';
import { callerOf, extraOf, identityBase, queryBool, queryOf } from './request-util.js';
import { Description, Id, Name } from './schemas.js';

const Interface = Type.Union([Type.Literal('public'), Type.Literal('internal'), Type.Literal('admin')]);
const Url = Type.String({ minLength: 1, maxLength: 2048, pattern: '^https?://' });
const RegionBody = Type.Object(
  {
    region: Type.Object({
      id: Type.Optional(Id),
      description: Type.Optional(Description),
      parent_region_id: Type.Optional(Type.Union([Id, Type.Null()])),
    }),
  },
  { additionalProperties: false },
);
const ServiceBody = Type.Object(
  {
    service: Type.Object({
      type: Type.String({ minLength: 1, maxLength: 255 }),
      name: Type.Optional(Name),
      description: Type.Optional(Description),
      enabled: Type.Optional(Type.Boolean()),
    }),
  },
  { additionalProperties: false },
);
const ServicePatch = Type.Object(
  {
    service: Type.Object({
      type: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
      name: Type.Optional(Name),
      description: Type.Optional(Description),
      enabled: Type.Optional(Type.Boolean()),
    }),
  },
  { additionalProperties: false },
);
const EndpointBody = Type.Object(
  {
    endpoint: Type.Object({
      service_id: Id,
      interface: Interface,
      url: Url,
      region_id: Type.Optional(Type.Union([Id, Type.Null()])),
      region: Type.Optional(Type.Union([Id, Type.Null()])),
      enabled: Type.Optional(Type.Boolean()),
    }),
  },
  { additionalProperties: false },
);
const EndpointPatch = Type.Object(
  {
    endpoint: Type.Object({
      interface: Type.Optional(Interface),
      url: Type.Optional(Url),
      region_id: Type.Optional(Type.Union([Id, Type.Null()])),
      enabled: Type.Optional(Type.Boolean()),
    }),
  },
  { additionalProperties: false },
);

type IdParams = { Params: { id: string } };

export function registerCatalogRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { catalog } = deps.services;
  const base = (request: Parameters<typeof identityBase>[0]) => identityBase(request, deps.publicUrl);

  app.get('/v3/regions', async (request) =>
    collection(
      'regions',
      (await catalog.listRegions()).map((r) => views.region(r, base(request))),
      `${base(request)}/v3/regions`,
    ),
  );
  app.get<IdParams>('/v3/regions/:id', async (request) => ({
    region: views.region(await catalog.getRegion(request.params.id), base(request)),
  }));
  app.post<{ Body: Static<typeof RegionBody> }>(
    '/v3/regions',
    { schema: { body: RegionBody } },
    async (request, reply) => {
      const r = request.body.region;
      const region = await catalog.createRegion(callerOf(request), {
        id: r.id,
        description: r.description ?? '',
        parentRegionId: r.parent_region_id ?? null,
        extra: extraOf(r, ['id', 'description', 'parent_region_id', 'links']),
      });
      return reply.status(201).send({ region: views.region(region, base(request)) });
    },
  );
  app.patch<IdParams & { Body: Static<typeof RegionBody> }>(
    '/v3/regions/:id',
    { schema: { body: RegionBody } },
    async (request) => {
      const r = request.body.region;
      const region = await catalog.updateRegion(callerOf(request), request.params.id, {
        ...(r.description !== undefined ? { description: r.description } : {}),
        ...(r.parent_region_id !== undefined ? { parentRegionId: r.parent_region_id } : {}),
      });
      return { region: views.region(region, base(request)) };
    },
  );
  app.delete<IdParams>('/v3/regions/:id', async (request, reply) => {
    await catalog.deleteRegion(callerOf(request), request.params.id);
    return reply.status(204).send();
  });

  app.get('/v3/services', async (request) => {
    const q = queryOf(request);
    const services = (await catalog.listServices(callerOf(request)))
      .filter((s) => q.type === undefined || s.type === q.type)
      .filter((s) => q.name === undefined || s.name === q.name);
    return collection(
      'services',
      services.map((s) => views.service(s, base(request))),
      `${base(request)}/v3/services`,
    );
  });
  app.get<IdParams>('/v3/services/:id', async (request) => ({
    service: views.service(await catalog.getService(callerOf(request), request.params.id), base(request)),
  }));
  app.post<{ Body: Static<typeof ServiceBody> }>(
    '/v3/services',
    { schema: { body: ServiceBody } },
    async (request, reply) => {
      const s = request.body.service;
      const service = await catalog.createService(callerOf(request), {
        type: s.type,
        name: s.name ?? '',
        description: s.description ?? '',
        enabled: s.enabled ?? true,
        extra: extraOf(s, ['id', 'type', 'name', 'description', 'enabled', 'links']),
      });
      return reply.status(201).send({ service: views.service(service, base(request)) });
    },
  );
  app.patch<IdParams & { Body: Static<typeof ServicePatch> }>(
    '/v3/services/:id',
    { schema: { body: ServicePatch } },
    async (request) => {
      const s = request.body.service;
      const patch = Object.fromEntries(
        Object.entries({ type: s.type, name: s.name, description: s.description, enabled: s.enabled }).filter(
          ([, v]) => v !== undefined,
        ),
      );
      return {
        service: views.service(
          await catalog.updateService(callerOf(request), request.params.id, patch),
          base(request),
        ),
      };
    },
  );
  app.delete<IdParams>('/v3/services/:id', async (request, reply) => {
    await catalog.deleteService(callerOf(request), request.params.id);
    return reply.status(204).send();
  });
  registerEndpointRoutes(app, deps);
}

function registerEndpointRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { catalog } = deps.services;
  const base = (request: Parameters<typeof identityBase>[0]) => identityBase(request, deps.publicUrl);
  app.get('/v3/endpoints', async (request) => {
    const q = queryOf(request);
    const endpoints = (await catalog.listEndpoints(callerOf(request))).filter(
      (e) =>
        (q.service_id === undefined || e.serviceId === q.service_id) &&
        (q.interface === undefined || e.interface === q.interface) &&
        (q.region_id === undefined || e.regionId === q.region_id) &&
        (queryBool(q, 'enabled') === undefined || e.enabled === queryBool(q, 'enabled')),
    );
    return collection(
      'endpoints',
      endpoints.map((e) => views.endpoint(e, base(request))),
      `${base(request)}/v3/endpoints`,
    );
  });
  app.get<IdParams>('/v3/endpoints/:id', async (request) => ({
    endpoint: views.endpoint(await catalog.getEndpoint(callerOf(request), request.params.id), base(request)),
  }));
  app.post<{ Body: Static<typeof EndpointBody> }>(
    '/v3/endpoints',
    { schema: { body: EndpointBody } },
    async (request, reply) => {
      const e = request.body.endpoint;
      const endpoint = await catalog.createEndpoint(callerOf(request), {
        serviceId: e.service_id,
        interface: e.interface,
        url: e.url,
        regionId: e.region_id ?? e.region ?? null,
        enabled: e.enabled ?? true,
        extra: extraOf(e, [
          'id',
          'service_id',
          'interface',
          'url',
          'region_id',
          'region',
          'enabled',
          'links',
        ]),
      });
      return reply.status(201).send({ endpoint: views.endpoint(endpoint, base(request)) });
    },
  );
  app.patch<IdParams & { Body: Static<typeof EndpointPatch> }>(
    '/v3/endpoints/:id',
    { schema: { body: EndpointPatch } },
    async (request) => {
      const e = request.body.endpoint;
      const patch = Object.fromEntries(
        Object.entries({
          interface: e.interface,
          url: e.url,
          regionId: e.region_id,
          enabled: e.enabled,
        }).filter(([, v]) => v !== undefined),
      );
      return {
        endpoint: views.endpoint(
          await catalog.updateEndpoint(callerOf(request), request.params.id, patch),
          base(request),
        ),
      };
    },
  );
  app.delete<IdParams>('/v3/endpoints/:id', async (request, reply) => {
    await catalog.deleteEndpoint(callerOf(request), request.params.id);
    return reply.status(204).send();
  });
}
