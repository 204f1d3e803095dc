// CloudKitty's hashmap module routes (/v1/rating/module_config/hashmap/…): services, fields and
// mappings, listed, shown, created and deleted as python-cloudkittyclient calls them — lists and
// deletes on the collection URL with a trailing slash, a delete naming its target in the JSON body.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthContext } from '../../common/http/context.js';
import { errors } from '../../common/errors/codes.js';
import type { HashmapField, HashmapMapping, HashmapService } from '../hashmap-store.js';
import type { createHashmapService } from '../hashmap-service.js';

type RatingService = ReturnType<typeof createHashmapService>;

const BASE = '/v1/rating/module_config/hashmap';
const Id = Type.String({ minLength: 1, maxLength: 64 });
const NullableText = Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()]));

const ServiceBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 255 }) },
  { additionalProperties: false },
);
const FieldBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 255 }), service_id: Id },
  { additionalProperties: false },
);
const MappingBody = Type.Object(
  {
    cost: Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: '^\\d{1,18}(\\.\\d{1,18})?$' })]),
    value: NullableText,
    service_id: NullableText,
    field_id: NullableText,
    group_id: NullableText,
    tenant_id: NullableText,
    type: Type.Optional(Type.Union([Type.Literal('flat'), Type.Literal('rate'), Type.Null()])),
  },
  { additionalProperties: false },
);
/** A delete's body names its target (the client sends it; a path id works too). */
const DeleteBody = Type.Union([
  Type.Object(
    { service_id: Type.Optional(Id), field_id: Type.Optional(Id), mapping_id: Type.Optional(Id) },
    { additionalProperties: false },
  ),
  Type.Null(),
]);
type DeleteBodyType = Static<typeof DeleteBody> | undefined;

const serviceView = (s: HashmapService) => ({ service_id: s.serviceId, name: s.name });
const fieldView = (f: HashmapField) => ({ field_id: f.fieldId, service_id: f.serviceId, name: f.name });
const mappingView = (m: HashmapMapping) => ({
  mapping_id: m.mappingId,
  value: m.value,
  cost: m.cost,
  type: m.type,
  field_id: m.fieldId,
  service_id: m.serviceId,
  group_id: null,
  tenant_id: m.tenantId,
});

/** The caller, authenticated by the plugin's onRequest hook. */
export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw errors.unauthorized();
  return request.auth;
}

type Query = Record<string, string | undefined>;

/** Decimal text of a cost sent as a JSON number (the client's float) or a string. */
function costText(cost: number | string): string {
  const text = typeof cost === 'number' ? String(cost) : cost;
  if (!/^\d{1,18}(\.\d{1,18})?$/.test(text)) throw errors.badRequest(`Invalid cost: ${text.slice(0, 32)}`);
  return text;
}

function target(
  params: { id?: string },
  body: DeleteBodyType,
  key: 'service_id' | 'field_id' | 'mapping_id',
) {
  const id = params.id || (body ? body[key] : undefined);
  if (!id) throw errors.badRequest(`${key} is required.`);
  return id;
}

function registerServices(app: FastifyInstance, rating: RatingService): void {
  for (const url of [`${BASE}/services`, `${BASE}/services/`]) {
    app.get(url, async (request) => ({
      services: (await rating.services(authOf(request))).map(serviceView),
    }));
    app.post<{ Body: Static<typeof ServiceBody> }>(
      url,
      { schema: { body: ServiceBody } },
      async (request, reply) => {
        const service = await rating.createService(authOf(request), request.body.name);
        return reply.status(201).send(serviceView(service));
      },
    );
  }
  app.get<{ Params: { id: string } }>(`${BASE}/services/:id`, async (request) =>
    serviceView(await rating.service(authOf(request), request.params.id)),
  );
  for (const url of [`${BASE}/services`, `${BASE}/services/`, `${BASE}/services/:id`]) {
    app.delete<{ Params: { id?: string }; Body: DeleteBodyType }>(
      url,
      { schema: { body: DeleteBody } },
      async (request, reply) => {
        await rating.deleteService(authOf(request), target(request.params, request.body, 'service_id'));
        return reply.status(204).send();
      },
    );
  }
}

function registerFields(app: FastifyInstance, rating: RatingService): void {
  for (const url of [`${BASE}/fields`, `${BASE}/fields/`]) {
    app.get<{ Querystring: Query }>(url, async (request) => {
      const serviceId = request.query.service_id;
      if (!serviceId) throw errors.badRequest('service_id is required.');
      return { fields: (await rating.fields(authOf(request), { serviceId })).map(fieldView) };
    });
    app.post<{ Body: Static<typeof FieldBody> }>(
      url,
      { schema: { body: FieldBody } },
      async (request, reply) => {
        const field = await rating.createField(authOf(request), request.body.service_id, request.body.name);
        return reply.status(201).send(fieldView(field));
      },
    );
  }
  app.get<{ Params: { id: string } }>(`${BASE}/fields/:id`, async (request) => {
    const [field] = await rating.fields(authOf(request), { fieldId: request.params.id });
    if (!field) throw errors.notFound('field', request.params.id);
    return fieldView(field);
  });
  for (const url of [`${BASE}/fields`, `${BASE}/fields/`, `${BASE}/fields/:id`]) {
    app.delete<{ Params: { id?: string }; Body: DeleteBodyType }>(
      url,
      { schema: { body: DeleteBody } },
      async (request, reply) => {
        await rating.deleteField(authOf(request), target(request.params, request.body, 'field_id'));
        return reply.status(204).send();
      },
    );
  }
}

function registerMappings(app: FastifyInstance, rating: RatingService): void {
  for (const url of [`${BASE}/mappings`, `${BASE}/mappings/`]) {
    app.get<{ Querystring: Query }>(url, async (request) => {
      const q = request.query;
      const filter = {
        ...(q.service_id && { serviceId: q.service_id }),
        ...(q.field_id && { fieldId: q.field_id }),
        ...(q.tenant_id && { tenantId: q.tenant_id }),
      };
      return { mappings: (await rating.mappings(authOf(request), filter)).map(mappingView) };
    });
    app.post<{ Body: Static<typeof MappingBody> }>(
      url,
      { schema: { body: MappingBody } },
      async (request, reply) => {
        const b = request.body;
        if (b.group_id) throw errors.badRequest('Mapping groups are not supported.');
        const mapping = await rating.createMapping(authOf(request), {
          serviceId: b.service_id ?? null,
          fieldId: b.field_id ?? null,
          value: b.value ?? null,
          cost: costText(b.cost),
          type: b.type ?? 'flat',
          tenantId: b.tenant_id ?? null,
        });
        return reply.status(201).send(mappingView(mapping));
      },
    );
  }
  app.get<{ Params: { id: string } }>(`${BASE}/mappings/:id`, async (request) => {
    const [mapping] = await rating.mappings(authOf(request), { mappingId: request.params.id });
    if (!mapping) throw errors.notFound('mapping', request.params.id);
    return mappingView(mapping);
  });
  for (const url of [`${BASE}/mappings`, `${BASE}/mappings/`, `${BASE}/mappings/:id`]) {
    app.delete<{ Params: { id?: string }; Body: DeleteBodyType }>(
      url,
      { schema: { body: DeleteBody } },
      async (request, reply) => {
        await rating.deleteMapping(authOf(request), target(request.params, request.body, 'mapping_id'));
        return reply.status(204).send();
      },
    );
  }
}

export function registerHashmapRoutes(app: FastifyInstance, rating: RatingService): void {
  app.get(`${BASE}/types`, async () => ['flat', 'rate']);
  registerServices(app, rating);
  registerFields(app, rating);
  registerMappings(app, rating);
}
