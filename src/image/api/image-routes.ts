// Routes for image records: create, list, show, PATCH (Glance's JSON-patch media type), delete,
// deactivate/reactivate and tags.
import type { FastifyInstance } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { PATCH_MEDIA_TYPES, parsePatch } from '../json-patch.js';
import type { Query } from '../image-listing.js';
import { callerOf, objectBody, type ImageRouteDeps } from './route-deps.js';
import { imageBody, nextLink } from './views.js';
import { NO_BODY } from '../../common/http/no-body.js';
import { IMAGE_CREATE_BODY, JSON_PATCH_BODY } from './body-schemas.js';

/** The interoperable import methods that work here (web-download needs outbound network). */
export const IMPORT_METHODS = 'glance-direct';
/** Bodies of image records carry at most this much (large property values must get a 400, not a 413). */
export const RECORD_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

type IdParams = { Params: { id: string } };
type TagParams = { Params: { id: string; tag: string } };

export function registerImageRoutes(app: FastifyInstance, { images }: ImageRouteDeps): void {
  app.post(
    '/v2/images',
    { bodyLimit: RECORD_BODY_LIMIT_BYTES, config: { declaredBody: IMAGE_CREATE_BODY } },
    async (request, reply) => {
      const image = await images.create(callerOf(request), objectBody(request.body));
      reply.header('location', `/v2/images/${image.id}`);
      // Clients learn from this header that interoperable import works (openstacksdk `--import`).
      reply.header('openstack-image-import-methods', IMPORT_METHODS);
      return reply.status(201).send(imageBody(image));
    },
  );

  app.get('/v2/images', async (request) => {
    const query = (request.query ?? {}) as Query;
    const { items, nextMarker } = await images.list(callerOf(request), query);
    return {
      images: items.map(imageBody),
      first: '/v2/images',
      schema: '/v2/schemas/images',
      ...(nextMarker ? { next: nextLink(query, nextMarker) } : {}),
    };
  });

  app.get<IdParams>('/v2/images/:id', async (request, reply) => {
    reply.header('openstack-image-import-methods', IMPORT_METHODS);
    return imageBody(await images.visible(callerOf(request), request.params.id));
  });

  app.patch<IdParams>(
    '/v2/images/:id',
    { bodyLimit: RECORD_BODY_LIMIT_BYTES, config: { declaredBody: JSON_PATCH_BODY } },
    async (request) => {
      const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      const draft = PATCH_MEDIA_TYPES[type];
      if (draft === undefined) {
        const allowed = Object.keys(PATCH_MEDIA_TYPES).sort().join(', ');
        throw errors.unsupportedMediaType(`Image PATCH expects Content-Type one of: ${allowed}`, {
          headers: { 'Accept-Patch': allowed },
        });
      }
      const ops = parsePatch(request.body, draft);
      return imageBody(await images.update(callerOf(request), request.params.id, ops));
    },
  );

  app.delete<IdParams>('/v2/images/:id', async (request, reply) => {
    await images.remove(callerOf(request), request.params.id);
    return reply.status(204).send();
  });

  app.post<IdParams>('/v2/images/:id/actions/deactivate', NO_BODY, async (request, reply) => {
    await images.setDeactivated(callerOf(request), request.params.id, true);
    return reply.status(204).send();
  });

  app.post<IdParams>('/v2/images/:id/actions/reactivate', NO_BODY, async (request, reply) => {
    await images.setDeactivated(callerOf(request), request.params.id, false);
    return reply.status(204).send();
  });

  app.put<TagParams>('/v2/images/:id/tags/:tag', NO_BODY, async (request, reply) => {
    await images.addTag(callerOf(request), request.params.id, request.params.tag);
    return reply.status(204).send();
  });

  app.delete<TagParams>('/v2/images/:id/tags/:tag', async (request, reply) => {
    await images.removeTag(callerOf(request), request.params.id, request.params.tag);
    return reply.status(204).send();
  });
}
