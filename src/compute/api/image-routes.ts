// Nova's image proxy API over the image service: GET /images, /images/detail, /images/{id} and DELETE
// /images/{id} (up to 2.35), and /images/{id}/metadata[/{key}] (up to 2.38); above those versions
// the routes answer 404, as Nova's do. Views follow nova/api/openstack/compute/views/images.py.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { computeErrors } from '../compute-errors.js';
import type { ImageProxy, ProxiedImage } from '../image-proxy.js';
import { atLeast } from './microversion.js';
import { type ComputeRouteDeps, callerOf, linkBase, versionOf } from './route-deps.js';
import { IMAGE_LIST_QUERY, IMAGE_METADATA_ALL, IMAGE_METADATA_ITEM } from './schemas/image-schemas.js';
import { ANY_QUERY } from './schemas/parameter-types.js';
import { parseIsoTime } from './validation/nova-formats.js';

type Params = { id: string };
type KeyParams = { id: string; key: string };

/** CONF.api.max_limit */
const MAX_LIMIT = 1000;

const STATUS: Record<string, string> = {
  active: 'ACTIVE',
  queued: 'SAVING',
  saving: 'SAVING',
  deleted: 'DELETED',
  pending_delete: 'DELETED',
  killed: 'ERROR',
};
const PROGRESS: Record<string, number> = { queued: 25, saving: 50, active: 100 };

const isoSeconds = (iso: string) => `${iso.slice(0, 19)}Z`;

function imageLinks(request: FastifyRequest, deps: ComputeRouteDeps, id: string, collection = 'images') {
  const root = linkBase(request, deps.publicUrl).root;
  const glance = root.replace(/\/compute$/, '/image');
  return [
    { rel: 'self', href: `${root}/v2.1/${collection}/${id}` },
    { rel: 'bookmark', href: `${root}/${collection}/${id}` },
    ...(collection === 'images'
      ? [{ rel: 'alternate', type: 'application/vnd.openstack.image', href: `${glance}/images/${id}` }]
      : []),
  ];
}

function imageDetail(request: FastifyRequest, deps: ComputeRouteDeps, i: ProxiedImage) {
  const server = i.properties.instance_uuid;
  const diskConfig = i.properties.auto_disk_config;
  return {
    id: i.id,
    name: i.name,
    minRam: i.minRam,
    minDisk: i.minDisk,
    metadata: i.properties,
    created: isoSeconds(i.createdAt),
    updated: isoSeconds(i.updatedAt),
    status: STATUS[i.status] ?? 'UNKNOWN',
    progress: PROGRESS[i.status] ?? 0,
    'OS-EXT-IMG-SIZE:size': i.sizeBytes,
    links: imageLinks(request, deps, i.id),
    ...(server !== undefined && {
      server: { id: server, links: imageLinks(request, deps, server, 'servers').slice(0, 2) },
    }),
    ...(diskConfig !== undefined && {
      'OS-DCF:diskConfig': /^(true|t|yes|y|on|1)$/i.test(diskConfig) ? 'AUTO' : 'MANUAL',
    }),
  };
}

/** Nova's filters (SUPPORTED_FILTERS and property-*), applied to what the caller may list. */
function filtered(all: ProxiedImage[], query: Record<string, string[]>): ProxiedImage[] {
  const one = (key: string) => query[key]?.at(-1);
  const since = one('changes-since') === undefined ? undefined : parseIsoTime(one('changes-since') ?? '');
  if (one('changes-since') !== undefined && since === undefined)
    throw errors.badRequest(`Invalid changes-since value`);
  const checks: ((i: ProxiedImage) => boolean)[] = [];
  const name = one('name');
  if (name !== undefined) checks.push((i) => i.name === name);
  const status = one('status')?.toLowerCase();
  if (status !== undefined) checks.push((i) => i.status === status);
  if (since !== undefined) checks.push((i) => Date.parse(i.updatedAt) >= since.getTime());
  const server = one('server')?.split('/').at(-1);
  if (server !== undefined) checks.push((i) => i.properties.instance_uuid === server);
  const type = one('type');
  if (type !== undefined) checks.push((i) => i.properties.image_type === type);
  const minRam = one('minRam');
  if (minRam !== undefined) checks.push((i) => i.minRam >= Number(minRam));
  const minDisk = one('minDisk');
  if (minDisk !== undefined) checks.push((i) => i.minDisk >= Number(minDisk));
  for (const [key, values] of Object.entries(query)) {
    if (key.startsWith('property-')) checks.push((i) => i.properties[key.slice(9)] === values.at(-1));
  }
  return all.filter((i) => checks.every((check) => check(i)));
}

function paged(list: ProxiedImage[], query: Record<string, string[]>) {
  const one = (key: string) => query[key]?.at(-1);
  const asked = one('limit') ?? one('page_size');
  const limit = Math.min(asked === undefined || Number(asked) === 0 ? MAX_LIMIT : Number(asked), MAX_LIMIT);
  let start = Number(one('offset') ?? 0);
  const marker = one('marker');
  if (marker !== undefined) {
    const at = list.findIndex((i) => i.id === marker);
    if (at < 0) throw errors.badRequest(`marker [${marker}] not found`);
    start = at + 1;
  }
  return { items: list.slice(start, start + limit), limit };
}

export function registerImageRoutes(app: FastifyInstance, deps: ComputeRouteDeps, images: ImageProxy): void {
  /** The proxy APIs exist up to 2.35 (images) and 2.38 (image metadata). */
  const upTo = (request: FastifyRequest, minor: number) => {
    if (atLeast(versionOf(request), minor + 1)) throw errors.routeNotFound(request.method, request.url);
  };
  const get = async (request: FastifyRequest<{ Params: Params }>) => {
    try {
      return await images.get(callerOf(request), request.params.id);
    } catch (err) {
      if ((err as { status?: number }).status === 404) throw computeErrors.notFound('Image not found.');
      throw err;
    }
  };

  const list = (detail: boolean) => async (request: FastifyRequest) => {
    upTo(request, 35);
    const query = request.novaQuery ?? {};
    const { items, limit } = paged(filtered(await images.list(callerOf(request)), query), query);
    const last = items.at(-1);
    const root = linkBase(request, deps.publicUrl).root;
    return {
      images: items.map((i) =>
        detail
          ? imageDetail(request, deps, i)
          : { id: i.id, name: i.name, links: imageLinks(request, deps, i.id) },
      ),
      ...(items.length === limit &&
        last !== undefined && {
          images_links: [
            {
              rel: 'next',
              href: `${root}/v2.1/images${detail ? '/detail' : ''}?limit=${limit}&marker=${last.id}`,
            },
          ],
        }),
    };
  };
  const listConfig = { config: { nova: { query: IMAGE_LIST_QUERY } } };
  app.get('/v2.1/images', listConfig, list(false));
  app.get('/v2.1/images/detail', listConfig, list(true));

  app.get<{ Params: Params }>(
    '/v2.1/images/:id',
    { config: { nova: { query: ANY_QUERY } } },
    async (request) => {
      upTo(request, 35);
      return { image: imageDetail(request, deps, await get(request)) };
    },
  );

  app.delete<{ Params: Params }>('/v2.1/images/:id', async (request, reply) => {
    upTo(request, 35);
    await get(request);
    await images.remove(callerOf(request), request.params.id);
    return reply.status(204).send();
  });

  registerImageMetadataRoutes(app, deps, images, { upTo, get });
}

function registerImageMetadataRoutes(
  app: FastifyInstance,
  deps: ComputeRouteDeps,
  images: ImageProxy,
  h: {
    upTo: (request: FastifyRequest, minor: number) => void;
    get: (request: FastifyRequest<{ Params: Params }>) => Promise<ProxiedImage>;
  },
): void {
  const base = '/v2.1/images/:id/metadata';
  /** Nova's check_img_metadata_properties_quota. */
  const checkQuota = (metadata: Record<string, string>) => {
    const limit = deps.quota.metadataItems;
    if (limit >= 0 && Object.keys(metadata).length > limit)
      throw errors.forbidden('Image metadata limit exceeded');
  };
  const change = async (
    request: FastifyRequest<{ Params: Params }>,
    set: Record<string, string>,
    replace: boolean,
  ) => {
    const image = await h.get(request);
    const next = replace ? set : { ...image.properties, ...set };
    checkQuota(next);
    const remove = replace ? Object.keys(image.properties).filter((k) => !(k in set)) : [];
    return images.changeProperties(callerOf(request), image.id, { set, remove });
  };

  app.get<{ Params: Params }>(base, async (request) => {
    h.upTo(request, 38);
    return { metadata: (await h.get(request)).properties };
  });
  app.post<{ Params: Params }>(base, { config: { nova: { body: IMAGE_METADATA_ALL } } }, async (request) => {
    h.upTo(request, 38);
    const { metadata } = request.body as { metadata: Record<string, string> };
    return { metadata: (await change(request, metadata, false)).properties };
  });
  app.put<{ Params: Params }>(base, { config: { nova: { body: IMAGE_METADATA_ALL } } }, async (request) => {
    h.upTo(request, 38);
    const { metadata } = request.body as { metadata: Record<string, string> };
    return { metadata: (await change(request, metadata, true)).properties };
  });
  app.get<{ Params: KeyParams }>(`${base}/:key`, async (request) => {
    h.upTo(request, 38);
    const value = (await h.get(request)).properties[request.params.key];
    if (value === undefined) throw errors.routeNotFound(request.method, request.url);
    return { meta: { [request.params.key]: value } };
  });
  app.put<{ Params: KeyParams }>(
    `${base}/:key`,
    { config: { nova: { body: IMAGE_METADATA_ITEM } } },
    async (request) => {
      h.upTo(request, 38);
      const { meta } = request.body as { meta: Record<string, string> };
      if (!(request.params.key in meta)) throw errors.badRequest('Request body and URI mismatch');
      const image = await change(request, meta, false);
      return { meta: { [request.params.key]: image.properties[request.params.key] } };
    },
  );
  app.delete<{ Params: KeyParams }>(`${base}/:key`, async (request, reply) => {
    h.upTo(request, 38);
    const image = await h.get(request);
    if (!(request.params.key in image.properties)) throw computeErrors.notFound('Invalid metadata key');
    await images.changeProperties(callerOf(request), image.id, { set: {}, remove: [request.params.key] });
    return reply.status(204).send();
  });
}
