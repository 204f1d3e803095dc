// Volumes: create, list (summary and detail, with Cinder's filters and paging), show, update, delete,
// and metadata (all, one key).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import type { CreateVolumeInput, ListVolumesInput } from '../volume-service.js';
import {
  type Body,
  type VolumeRouteDeps,
  allTenantsOf,
  callerOf,
  limitOf,
  metadataOf,
  nullableString,
  offsetOf,
  optionalBoolean,
  optionalInteger,
  optionalString,
  queryOf,
  requireVersion,
  versionOf,
  viewContext,
  wrapped,
} from './route-deps.js';
import { atLeast } from './microversion.js';
import { nextLink, volumeDetail, volumeSummary } from './views.js';

type Id = { Params: { project: string; id: string } };

function createInput(v: Body): CreateVolumeInput {
  const size = optionalInteger(v, 'size', 1);
  return {
    sizeGib: size,
    name: nullableString(v, 'name') ?? null,
    description: nullableString(v, 'description') ?? null,
    volumeType: optionalString(v, 'volume_type') ?? undefined,
    availabilityZone: optionalString(v, 'availability_zone') ?? undefined,
    snapshotId: optionalString(v, 'snapshot_id') ?? undefined,
    sourceVolumeId: optionalString(v, 'source_volid') ?? undefined,
    imageId: optionalString(v, 'imageRef') ?? optionalString(v, 'image_id') ?? undefined,
    backupId: optionalString(v, 'backup_id') ?? undefined,
    metadata: metadataOf(v) ?? {},
    multiattach: optionalBoolean(v, 'multiattach') ?? false,
  };
}

function listInput(request: FastifyRequest): ListVolumesInput {
  const q = queryOf(request);
  let metadata: Record<string, string> | undefined;
  if (q.metadata !== undefined) {
    try {
      metadata = metadataOf({ metadata: JSON.parse(q.metadata.replaceAll("'", '"')) as unknown });
    } catch {
      throw errors.badRequest(`Invalid filter metadata: ${q.metadata}`);
    }
  }
  const sort = q.sort ?? (q.sort_dir !== undefined ? `created_at:${q.sort_dir}` : undefined);
  const sortDir = sort?.split(':')[1]?.toLowerCase() === 'asc' ? 'asc' : 'desc';
  return {
    allTenants: allTenantsOf(q),
    projectId: q.project_id,
    name: q.name,
    status: q.status,
    bootable: q.bootable === undefined ? undefined : optionalBoolean({ bootable: q.bootable }, 'bootable'),
    metadata,
    marker: q.marker,
    limit: limitOf(q),
    offset: offsetOf(q),
    sortDir,
  };
}

export function registerVolumeRoutes(app: FastifyInstance, deps: VolumeRouteDeps): void {
  app.post('/v3/:project/volumes', async (request, reply) => {
    const volume = await deps.volumes.create(callerOf(request), createInput(wrapped(request.body, 'volume')));
    request.auditTarget = { targetType: 'volume', targetId: volume.id };
    const view = await deps.volumes.view(volume);
    return reply.status(202).send({ volume: volumeDetail(viewContext(request, deps), view, false) });
  });

  const list = (detail: boolean) => async (request: FastifyRequest) => {
    const input = listInput(request);
    const views = await deps.volumes.list(callerOf(request), input);
    const ctx = viewContext(request, deps);
    const links = nextLink(
      ctx,
      detail ? 'volumes/detail' : 'volumes',
      views.map((v) => v.volume),
      input.limit,
    );
    return {
      volumes: views.map((v) => (detail ? volumeDetail(ctx, v) : volumeSummary(ctx, v))),
      ...(links && { volumes_links: links }),
    };
  };
  app.get('/v3/:project/volumes', list(false));
  app.get('/v3/:project/volumes/detail', list(true));

  app.get('/v3/:project/volumes/summary', async (request) => {
    requireVersion(request, 12);
    const views = await deps.volumes.list(callerOf(request), { ...listInput(request), limit: 1000 });
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
  });

  app.get<Id>('/v3/:project/volumes/:id', async (request) => ({
    volume: volumeDetail(
      viewContext(request, deps),
      await deps.volumes.show(callerOf(request), request.params.id),
    ),
  }));

  app.put<Id>('/v3/:project/volumes/:id', async (request) => {
    const v = wrapped(request.body, 'volume');
    const name = nullableString(v, 'name') ?? nullableString(v, 'display_name');
    const description =
      nullableString(v, 'description', 65535) ?? nullableString(v, 'display_description', 65535);
    const metadata = metadataOf(v);
    const view = await deps.volumes.update(callerOf(request), request.params.id, {
      ...(name !== undefined && { name }),
      ...(description !== undefined && { description }),
      ...(metadata !== undefined && { metadata }),
    });
    return { volume: volumeDetail(viewContext(request, deps), view) };
  });

  app.delete<Id>('/v3/:project/volumes/:id', async (request, reply) => {
    const q = queryOf(request);
    await deps.volumes.delete(callerOf(request), request.params.id, {
      cascade: optionalBoolean({ cascade: q.cascade }, 'cascade') ?? false,
      force: optionalBoolean({ force: q.force }, 'force') ?? false,
    });
    return reply.status(202).send();
  });

  app.get<Id>('/v3/:project/volumes/:id/metadata', async (request) => ({
    metadata: (await deps.volumes.visible(callerOf(request), request.params.id)).metadata,
  }));
  const setAll = (replace: boolean) => async (request: FastifyRequest<Id>) => {
    const metadata = metadataOf(request.body as Body);
    if (metadata === undefined) throw errors.badRequest('Malformed request body');
    return {
      metadata: await deps.volumes.setMetadata(callerOf(request), request.params.id, metadata, replace),
    };
  };
  app.put<Id>('/v3/:project/volumes/:id/metadata', setAll(true));
  app.post<Id>('/v3/:project/volumes/:id/metadata', setAll(false));

  type Key = { Params: { project: string; id: string; key: string } };
  app.get<Key>('/v3/:project/volumes/:id/metadata/:key', async (request) => {
    const v = await deps.volumes.visible(callerOf(request), request.params.id);
    const value = v.metadata[request.params.key];
    if (value === undefined) throw errors.notFound('metadata key', request.params.key);
    return { meta: { [request.params.key]: value } };
  });
  app.put<Key>('/v3/:project/volumes/:id/metadata/:key', async (request) => {
    const meta = metadataOf(request.body as Body, 'meta');
    const value = meta?.[request.params.key];
    if (meta === undefined || Object.keys(meta).length !== 1 || value === undefined) {
      throw errors.badRequest('Request body and URI mismatch');
    }
    await deps.volumes.setMetadata(callerOf(request), request.params.id, meta, false);
    return { meta };
  });
  app.delete<Key>('/v3/:project/volumes/:id/metadata/:key', async (request, reply) => {
    await deps.volumes.deleteMetadataKey(callerOf(request), request.params.id, request.params.key);
    return reply.status(200).send();
  });
}
