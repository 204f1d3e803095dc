// Snapshots: create, list (summary and detail), show, update, delete, metadata and the admin actions
// (os-force_delete, os-reset_status). Bodies and query strings are validated before the handlers.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import type { SnapshotListInput } from '../snapshot-service.js';
import { volumeErrors } from '../volume-errors.js';
import { isAdmin } from '../volume-policy.js';
import { SNAPSHOT_FILTERS, listFiltersOf, listParamsOf } from './list-params.js';
import { atLeast } from './microversion.js';
import { type VolumeRouteDeps, callerOf, versionOf, viewContext } from './route-deps.js';
import { SNAPSHOT_ACTIONS } from './schemas/action-schemas.js';
import { boolOf } from './schemas/parameter-types.js';
import { SnapshotListQuery } from './schemas/query-schemas.js';
import {
  SnapshotCreateBody,
  SnapshotMetaItemBody,
  SnapshotMetadataBody,
  SnapshotUpdateBody,
  type SnapshotCreate,
  type SnapshotUpdate,
} from './schemas/snapshot-schemas.js';
import { actionOf, declare } from './validation.js';
import { cleaned } from './volume-routes.js';
import { nextLink, snapshotView } from './views.js';

type Id = { Params: { project: string; id: string } };
type Key = { Params: { project: string; id: string; key: string } };

const SNAPSHOT_IN_USE_FLAG_MSG =
  "Since microversion 3.66 the 'force' flag is invalid for this request.  For backward compatability, however, when the 'force' flag is passed with a value evaluating to True, it is silently ignored.";

function listInput(request: FastifyRequest, deps: VolumeRouteDeps): SnapshotListInput {
  const params = listParamsOf(request);
  const admin = isAdmin(callerOf(request));
  const filters = listFiltersOf(request, SNAPSHOT_FILTERS, admin, deps.availabilityZone);
  // Sorting by name is a 3.30 addition (before, `name` is no snapshot column).
  const sort = atLeast(versionOf(request), 30) ? params.sort : params.sort.filter((k) => k.key !== 'name');
  if (sort.length !== params.sort.length) throw volumeErrors.invalidInput('Invalid sort key');
  return { ...filters, ...params, sort };
}

function registerCrudRoutes(app: FastifyInstance, deps: VolumeRouteDeps): void {
  app.post(
    '/v3/:project/snapshots',
    { config: declare({ body: SnapshotCreateBody }) },
    async (request, reply) => {
      const s = (request.body as { snapshot: SnapshotCreate }).snapshot;
      const force = s.force === undefined ? undefined : boolOf(s.force);
      const v366 = atLeast(versionOf(request), 66);
      if (v366 && force === false) throw errors.badRequest(SNAPSHOT_IN_USE_FLAG_MSG);
      // volume_id may be null in the schema; Cinder then looks up (and does not find) volume None.
      if (s.volume_id === null) throw volumeErrors.volumeNotFound('None');
      const snapshot = await deps.snapshots.create(callerOf(request), {
        volumeId: s.volume_id,
        name: cleaned(s.name, s.display_name) ?? null,
        description: cleaned(s.description, undefined) ?? null,
        metadata: s.metadata ?? {},
        inUseAllowed: force === true || v366,
      });
      request.auditTarget = { targetType: 'snapshot', targetId: snapshot.id };
      return reply
        .status(202)
        .send({ snapshot: snapshotView(viewContext(request, deps), snapshot, 'detail') });
    },
  );

  const list = (detail: boolean) => async (request: FastifyRequest) => {
    const input = listInput(request, deps);
    const auth = callerOf(request);
    const snapshots = await deps.snapshots.list(auth, input);
    const ctx = viewContext(request, deps);
    const links = nextLink(ctx, detail ? 'snapshots/detail' : 'snapshots', snapshots, input.limit);
    return {
      snapshots: snapshots.map((s) => snapshotView(ctx, s, detail ? 'shown' : 'summary')),
      ...(links && { snapshots_links: links }),
      ...(listParamsOf(request).withCount && { count: await deps.snapshots.count(auth, input) }),
    };
  };
  const query = declare({ query: SnapshotListQuery });
  app.get('/v3/:project/snapshots', { config: query }, list(false));
  app.get('/v3/:project/snapshots/detail', { config: query }, list(true));

  app.get<Id>('/v3/:project/snapshots/:id', { config: declare({ noQuery: true }) }, async (request) => ({
    snapshot: snapshotView(
      viewContext(request, deps),
      await deps.snapshots.visible(callerOf(request), request.params.id),
      'shown',
    ),
  }));

  app.put<Id>(
    '/v3/:project/snapshots/:id',
    { config: declare({ body: SnapshotUpdateBody }) },
    async (request) => {
      const s = (request.body as { snapshot: SnapshotUpdate }).snapshot;
      const name = cleaned(s.name, s.display_name);
      const description = cleaned(s.description, s.display_description);
      const next = await deps.snapshots.update(callerOf(request), request.params.id, {
        ...(name !== undefined && { name }),
        ...(description !== undefined && { description }),
      });
      return { snapshot: snapshotView(viewContext(request, deps), next, 'detail') };
    },
  );

  app.delete<Id>(
    '/v3/:project/snapshots/:id',
    { config: declare({ noQuery: true }) },
    async (request, reply) => {
      await deps.snapshots.delete(callerOf(request), request.params.id, false);
      return reply.status(202).send();
    },
  );
}

function registerMetadataRoutes(app: FastifyInstance, deps: VolumeRouteDeps): void {
  const noQuery = declare({ noQuery: true });
  app.get<Id>('/v3/:project/snapshots/:id/metadata', { config: noQuery }, async (request) => ({
    metadata: (await deps.snapshots.visible(callerOf(request), request.params.id)).metadata,
  }));
  const setAll = (replace: boolean) => async (request: FastifyRequest<Id>) => {
    const { metadata } = request.body as { metadata: Record<string, string> };
    return {
      metadata: await deps.snapshots.setMetadata(callerOf(request), request.params.id, metadata, replace),
    };
  };
  const metadataBody = declare({ body: SnapshotMetadataBody });
  app.put<Id>('/v3/:project/snapshots/:id/metadata', { config: metadataBody }, setAll(true));
  app.post<Id>('/v3/:project/snapshots/:id/metadata', { config: metadataBody }, setAll(false));

  const notFound = (id: string, key: string) =>
    volumeErrors.notFound(`Snapshot ${id} has no metadata with key ${key}.`);
  app.get<Key>('/v3/:project/snapshots/:id/metadata/:key', { config: noQuery }, async (request) => {
    const s = await deps.snapshots.visible(callerOf(request), request.params.id);
    const value = s.metadata[request.params.key];
    if (value === undefined) throw notFound(s.id, request.params.key);
    return { meta: { [request.params.key]: value } };
  });
  app.put<Key>(
    '/v3/:project/snapshots/:id/metadata/:key',
    { config: declare({ body: SnapshotMetaItemBody }) },
    async (request) => {
      const { meta } = request.body as { meta: Record<string, string> };
      if (meta[request.params.key] === undefined) throw errors.badRequest('Request body and URI mismatch');
      await deps.snapshots.setMetadata(callerOf(request), request.params.id, meta, false);
      return { meta };
    },
  );
  app.delete<Key>('/v3/:project/snapshots/:id/metadata/:key', { config: noQuery }, async (request, reply) => {
    const auth = callerOf(request);
    const s = await deps.snapshots.visible(auth, request.params.id);
    if (!(request.params.key in s.metadata)) throw notFound(s.id, request.params.key);
    const rest = Object.fromEntries(Object.entries(s.metadata).filter(([k]) => k !== request.params.key));
    await deps.snapshots.setMetadata(auth, request.params.id, rest, true);
    return reply.status(200).send();
  });
}

export function registerSnapshotRoutes(app: FastifyInstance, deps: VolumeRouteDeps): void {
  registerCrudRoutes(app, deps);
  registerMetadataRoutes(app, deps);
  app.post<Id>(
    '/v3/:project/snapshots/:id/action',
    { config: declare({ actions: SNAPSHOT_ACTIONS }) },
    async (request, reply) => {
      const action = actionOf(request.body);
      if (action === 'os-force_delete') {
        await deps.snapshots.delete(callerOf(request), request.params.id, true);
        return reply.status(202).send();
      }
      const { status } = (request.body as { 'os-reset_status': { status: string } })['os-reset_status'];
      await deps.snapshots.resetStatus(callerOf(request), request.params.id, status);
      return reply.status(202).send();
    },
  );
}
