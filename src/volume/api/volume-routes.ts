// Volumes: create, list (summary and detail, with Cinder's filters, sorting and paging), summary (3.12),
// show, update, delete, and metadata (all, one key). Bodies and query strings are validated against
// schemas/ before the handlers run (validation.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import type { CreateVolumeInput, ListVolumesInput } from '../volume-service.js';
import { volumeErrors } from '../volume-errors.js';
import { isAdmin } from '../volume-policy.js';
import { VOLUME_FILTERS, listFiltersOf, listParamsOf, queryOf } from './list-params.js';
import { atLeast } from './microversion.js';
import { type VolumeRouteDeps, callerOf, versionOf, viewContext } from './route-deps.js';
import { declare } from './validation.js';
import { boolOf, sizeOf } from './schemas/parameter-types.js';
import { VOLUME_DELETE_QUERY, VolumeListQuery } from './schemas/query-schemas.js';
import {
  VOLUME_CREATE,
  VOLUME_UPDATE,
  VolumeMetaItemBody,
  VolumeMetadataBody,
  type VolumeCreate,
  type VolumeUpdate,
} from './schemas/volume-schemas.js';
import { nextLink, volumeDetail, volumeSummary } from './views.js';

type Id = { Params: { project: string; id: string } };
type Key = { Params: { project: string; id: string; key: string } };

/** Cinder strips names and descriptions, and `name` wins over the v1 `display_name`. */
export function cleaned(primary: string | null | undefined, legacy: string | null | undefined) {
  const value = primary !== undefined ? primary : legacy;
  return typeof value === 'string' ? value.trim() : value;
}

/** The image id of an imageRef (Cinder takes the last segment of a URL). */
const imageIdOf = (ref: string) => ref.split('/').pop() ?? ref;

function createInput(v: VolumeCreate): CreateVolumeInput {
  if (boolOf(v.multiattach)) {
    throw errors.badRequest(
      'multiattach parameter has been removed. The default behavior is to use multiattach enabled volume types. Contact your administrator to create a multiattach enabled volume type and use it to create multiattach volumes.',
    );
  }
  // This service has no groups: a group named in the request does not exist.
  const group = v.group_id ?? v.consistencygroup_id;
  if (group !== undefined && group !== null)
    throw volumeErrors.notFound(`Group ${group} could not be found.`);
  const image = v.imageRef ?? v.image_id;
  return {
    sizeGib: v.size === undefined || v.size === null ? undefined : sizeOf(v.size),
    name: cleaned(v.name, v.display_name) ?? null,
    description: cleaned(v.description, v.display_description) ?? null,
    volumeType: v.volume_type || undefined,
    availabilityZone: v.availability_zone ?? undefined,
    snapshotId: v.snapshot_id ?? undefined,
    sourceVolumeId: v.source_volid ?? undefined,
    imageId: image === undefined || image === null ? undefined : imageIdOf(image),
    backupId: v.backup_id || undefined,
    metadata: v.metadata ?? {},
  };
}

function listInput(request: FastifyRequest): ListVolumesInput {
  const params = listParamsOf(request);
  const admin = isAdmin(callerOf(request));
  const filters = listFiltersOf(request, VOLUME_FILTERS, admin, '', { zoneColumn: true });
  return {
    allTenants: params.allTenants,
    filters: filters.filters,
    metadata: filters.metadata,
    matchesNothing: filters.matchesNothing,
    marker: params.marker,
    limit: params.limit,
    offset: params.offset,
    sort: params.sort,
  };
}

function registerListRoutes(app: FastifyInstance, deps: VolumeRouteDeps): void {
  const list = (detail: boolean) => async (request: FastifyRequest) => {
    const input = listInput(request);
    const auth = callerOf(request);
    const views = await deps.volumes.list(auth, input);
    const ctx = viewContext(request, deps);
    const links = nextLink(
      ctx,
      detail ? 'volumes/detail' : 'volumes',
      views.map((v) => v.volume),
      input.limit,
    );
    return {
      volumes: views.map((v) => (detail ? volumeDetail(ctx, v, 'shown') : volumeSummary(ctx, v))),
      ...(links && { volumes_links: links }),
      ...(listParamsOf(request).withCount && { count: await deps.volumes.count(auth, input) }),
    };
  };
  const query = declare({ query: VolumeListQuery });
  app.get('/v3/:project/volumes', { config: query }, list(false));
  app.get('/v3/:project/volumes/detail', { config: query }, list(true));

  app.get(
    '/v3/:project/volumes/summary',
    { config: declare({ from: 12, query: VolumeListQuery }) },
    async (request) => {
      const input = { ...listInput(request), sort: [], marker: undefined, limit: 1000, offset: undefined };
      const views = await deps.volumes.list(callerOf(request), input);
      const metadata: Record<string, string[]> = {};
      for (const { volume } of views) {
        for (const [k, v] of Object.entries(volume.metadata)) {
          const values = (metadata[k] ??= []);
          if (!values.includes(v)) values.push(v);
        }
      }
      return {
        'volume-summary': {
          total_count: views.length,
          total_size: views.reduce((sum, v) => sum + v.volume.sizeGib, 0),
          ...(atLeast(versionOf(request), 36) && {
            metadata: Object.fromEntries(Object.entries(metadata).map(([k, values]) => [k, values.sort()])),
          }),
        },
      };
    },
  );
}

export function registerVolumeRoutes(app: FastifyInstance, deps: VolumeRouteDeps): void {
  app.post('/v3/:project/volumes', { config: declare({ body: VOLUME_CREATE }) }, async (request, reply) => {
    const body = request.body as { volume: VolumeCreate };
    const volume = await deps.volumes.create(callerOf(request), createInput(body.volume));
    request.auditTarget = { targetType: 'volume', targetId: volume.id };
    const view = await deps.volumes.view(volume);
    return reply.status(202).send({ volume: volumeDetail(viewContext(request, deps), view, 'created') });
  });

  registerListRoutes(app, deps);

  app.get<Id>('/v3/:project/volumes/:id', { config: declare({ noQuery: true }) }, async (request) => ({
    volume: volumeDetail(
      viewContext(request, deps),
      await deps.volumes.show(callerOf(request), request.params.id),
      'shown',
    ),
  }));

  app.put<Id>('/v3/:project/volumes/:id', { config: declare({ body: VOLUME_UPDATE }) }, async (request) => {
    const v = (request.body as { volume: VolumeUpdate }).volume;
    const name = cleaned(v.name, v.display_name);
    const description = cleaned(v.description, v.display_description);
    const view = await deps.volumes.update(callerOf(request), request.params.id, {
      ...(name !== undefined && { name }),
      ...(description !== undefined && { description }),
      ...(v.metadata !== undefined && { metadata: v.metadata }),
    });
    return { volume: volumeDetail(viewContext(request, deps), view, 'updated') };
  });

  const deleteQuery = declare({ query: VOLUME_DELETE_QUERY });
  app.delete<Id>('/v3/:project/volumes/:id', { config: deleteQuery }, async (request, reply) => {
    const q = queryOf(request);
    await deps.volumes.delete(callerOf(request), request.params.id, {
      cascade: boolOf(q.cascade),
      // `force` is a delete parameter from 3.23 (before, Cinder does not read it).
      force: atLeast(versionOf(request), 23) && boolOf(q.force),
    });
    return reply.status(202).send();
  });

  registerMetadataRoutes(app, deps);
}

function registerMetadataRoutes(app: FastifyInstance, deps: VolumeRouteDeps): void {
  const noQuery = declare({ noQuery: true });
  app.get<Id>('/v3/:project/volumes/:id/metadata', { config: noQuery }, async (request) => ({
    metadata: (await deps.volumes.visible(callerOf(request), request.params.id)).metadata,
  }));
  const setAll = (replace: boolean) => async (request: FastifyRequest<Id>) => {
    const { metadata } = request.body as { metadata: Record<string, string> };
    return {
      metadata: await deps.volumes.setMetadata(callerOf(request), request.params.id, metadata, replace),
    };
  };
  const metadataBody = declare({ body: VolumeMetadataBody });
  app.put<Id>('/v3/:project/volumes/:id/metadata', { config: metadataBody }, setAll(true));
  app.post<Id>('/v3/:project/volumes/:id/metadata', { config: metadataBody }, setAll(false));

  app.get<Key>('/v3/:project/volumes/:id/metadata/:key', { config: noQuery }, async (request) => {
    const v = await deps.volumes.visible(callerOf(request), request.params.id);
    const value = v.metadata[request.params.key];
    if (value === undefined) throw volumeErrors.notFound('Metadata item was not found');
    return { meta: { [request.params.key]: value } };
  });
  app.put<Key>(
    '/v3/:project/volumes/:id/metadata/:key',
    { config: declare({ body: VolumeMetaItemBody }) },
    async (request) => {
      const { meta } = request.body as { meta: Record<string, string> };
      if (meta[request.params.key] === undefined) throw errors.badRequest('Request body and URI mismatch');
      await deps.volumes.setMetadata(callerOf(request), request.params.id, meta, false);
      return { meta };
    },
  );
  app.delete<Key>('/v3/:project/volumes/:id/metadata/:key', { config: noQuery }, async (request, reply) => {
    await deps.volumes.deleteMetadataKey(callerOf(request), request.params.id, request.params.key);
    return reply.status(200).send();
  });
}
