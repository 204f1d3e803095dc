// Snapshots: create, list (summary and detail), show, update, delete, metadata and the admin actions.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { atLeast } from './microversion.js';
import {
  type Body,
  type VolumeRouteDeps,
  allTenantsOf,
  callerOf,
  limitOf,
  metadataOf,
  nullableString,
  objectBody,
  offsetOf,
  optionalBoolean,
  queryOf,
  requiredString,
  versionOf,
  viewContext,
  wrapped,
} from './route-deps.js';
import { nextLink, snapshotView } from './views.js';

type Id = { Params: { project: string; id: string } };

export function registerSnapshotRoutes(app: FastifyInstance, deps: VolumeRouteDeps): void {
  app.post('/v3/:project/snapshots', async (request, reply) => {
    const s = wrapped(request.body, 'snapshot');
    const force = optionalBoolean(s, 'force') ?? false;
    const snapshot = await deps.snapshots.create(callerOf(request), {
      volumeId: requiredString(s, 'volume_id'),
      name: nullableString(s, 'name') ?? nullableString(s, 'display_name') ?? null,
      description: nullableString(s, 'description') ?? null,
      metadata: metadataOf(s) ?? {},
      inUseAllowed: force || atLeast(versionOf(request), 66),
    });
    request.auditTarget = { targetType: 'snapshot', targetId: snapshot.id };
    return reply.status(202).send({ snapshot: snapshotView(viewContext(request, deps), snapshot, false) });
  });

  const list = (detail: boolean) => async (request: FastifyRequest) => {
    const q = queryOf(request);
    const limit = limitOf(q);
    const snapshots = await deps.snapshots.list(callerOf(request), {
      allTenants: allTenantsOf(q),
      volumeId: q.volume_id,
      name: q.name,
      status: q.status,
      marker: q.marker,
      limit,
      offset: offsetOf(q),
    });
    const ctx = viewContext(request, deps);
    const links = nextLink(ctx, detail ? 'snapshots/detail' : 'snapshots', snapshots, limit);
    return {
      snapshots: snapshots.map((s) => snapshotView(ctx, s, detail)),
      ...(links && { snapshots_links: links }),
    };
  };
  app.get('/v3/:project/snapshots', list(false));
  app.get('/v3/:project/snapshots/detail', list(true));

  app.get<Id>('/v3/:project/snapshots/:id', async (request) => ({
    snapshot: snapshotView(
      viewContext(request, deps),
      await deps.snapshots.visible(callerOf(request), request.params.id),
      true,
    ),
  }));

  app.put<Id>('/v3/:project/snapshots/:id', async (request) => {
    const s = wrapped(request.body, 'snapshot');
    const name = nullableString(s, 'name') ?? nullableString(s, 'display_name');
    const description = nullableString(s, 'description') ?? nullableString(s, 'display_description');
    const next = await deps.snapshots.update(callerOf(request), request.params.id, {
      ...(name !== undefined && { name }),
      ...(description !== undefined && { description }),
    });
    return { snapshot: snapshotView(viewContext(request, deps), next, true) };
  });

  app.delete<Id>('/v3/:project/snapshots/:id', async (request, reply) => {
    await deps.snapshots.delete(callerOf(request), request.params.id, false);
    return reply.status(202).send();
  });

  app.get<Id>('/v3/:project/snapshots/:id/metadata', async (request) => ({
    metadata: (await deps.snapshots.visible(callerOf(request), request.params.id)).metadata,
  }));
  const setAll = (replace: boolean) => async (request: FastifyRequest<Id>) => {
    const metadata = metadataOf(request.body as Body);
    if (metadata === undefined) throw errors.badRequest('Malformed request body');
    return {
      metadata: await deps.snapshots.setMetadata(callerOf(request), request.params.id, metadata, replace),
    };
  };
  app.put<Id>('/v3/:project/snapshots/:id/metadata', setAll(true));
  app.post<Id>('/v3/:project/snapshots/:id/metadata', setAll(false));

  type Key = { Params: { project: string; id: string; key: string } };
  app.get<Key>('/v3/:project/snapshots/:id/metadata/:key', async (request) => {
    const s = await deps.snapshots.visible(callerOf(request), request.params.id);
    const value = s.metadata[request.params.key];
    if (value === undefined) throw errors.notFound('metadata key', request.params.key);
    return { meta: { [request.params.key]: value } };
  });
  app.put<Key>('/v3/:project/snapshots/:id/metadata/:key', async (request) => {
    const meta = metadataOf(request.body as Body, 'meta');
    if (meta === undefined || Object.keys(meta).length !== 1 || meta[request.params.key] === undefined) {
      throw errors.badRequest('Request body and URI mismatch');
    }
    await deps.snapshots.setMetadata(callerOf(request), request.params.id, meta, false);
    return { meta };
  });
  app.delete<Key>('/v3/:project/snapshots/:id/metadata/:key', async (request, reply) => {
    const auth = callerOf(request);
    const s = await deps.snapshots.visible(auth, request.params.id);
    if (!(request.params.key in s.metadata)) throw errors.notFound('metadata key', request.params.key);
    const rest = Object.fromEntries(Object.entries(s.metadata).filter(([k]) => k !== request.params.key));
    await deps.snapshots.setMetadata(auth, request.params.id, rest, true);
    return reply.status(200).send();
  });

  app.post<Id>('/v3/:project/snapshots/:id/action', async (request, reply) => {
    const body = objectBody(request.body);
    if ('os-force_delete' in body) {
      await deps.snapshots.delete(callerOf(request), request.params.id, true);
      return reply.status(202).send();
    }
    throw errors.badRequest(`There is no such action: ${Object.keys(body)[0] ?? ''}`);
  });
}
