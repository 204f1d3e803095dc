// Backups: create, list (summary and detail), show, update (3.9), delete, restore, force delete.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import type { Backup } from '../model.js';
import {
  type VolumeRouteDeps,
  allTenantsOf,
  callerOf,
  limitOf,
  metadataOf,
  nullableString,
  objectBody,
  offsetOf,
  optionalBoolean,
  optionalString,
  queryOf,
  requireVersion,
  requiredString,
  viewContext,
  wrapped,
} from './route-deps.js';
import { backupDetail, backupSummary, nextLink } from './views.js';

type Id = { Params: { project: string; id: string } };

export function registerBackupRoutes(app: FastifyInstance, deps: VolumeRouteDeps): void {
  const detail = async (request: FastifyRequest, b: Backup) =>
    backupDetail(viewContext(request, deps), b, await deps.backups.hasDependents(b.id));

  app.post('/v3/:project/backups', async (request, reply) => {
    const b = wrapped(request.body, 'backup');
    const backup = await deps.backups.create(callerOf(request), {
      volumeId: requiredString(b, 'volume_id'),
      name: nullableString(b, 'name') ?? null,
      description: nullableString(b, 'description') ?? null,
      container: optionalString(b, 'container') ?? undefined,
      incremental: optionalBoolean(b, 'incremental') ?? false,
      force: optionalBoolean(b, 'force') ?? false,
      snapshotId: optionalString(b, 'snapshot_id') ?? undefined,
      metadata: metadataOf(b) ?? {},
    });
    request.auditTarget = { targetType: 'backup', targetId: backup.id };
    return reply.status(202).send({ backup: backupSummary(viewContext(request, deps), backup) });
  });

  const list = (withDetail: boolean) => async (request: FastifyRequest) => {
    const q = queryOf(request);
    const limit = limitOf(q);
    const backups = await deps.backups.list(callerOf(request), {
      allTenants: allTenantsOf(q),
      volumeId: q.volume_id,
      name: q.name,
      status: q.status,
      marker: q.marker,
      limit,
      offset: offsetOf(q),
    });
    const ctx = viewContext(request, deps);
    const out = [];
    for (const b of backups) out.push(withDetail ? await detail(request, b) : backupSummary(ctx, b));
    const links = nextLink(ctx, withDetail ? 'backups/detail' : 'backups', backups, limit);
    return { backups: out, ...(links && { backups_links: links }) };
  };
  app.get('/v3/:project/backups', list(false));
  app.get('/v3/:project/backups/detail', list(true));

  app.get<Id>('/v3/:project/backups/:id', async (request) => ({
    backup: await detail(request, await deps.backups.visible(callerOf(request), request.params.id)),
  }));

  app.put<Id>('/v3/:project/backups/:id', async (request) => {
    requireVersion(request, 9);
    const b = wrapped(request.body, 'backup');
    const name = nullableString(b, 'name');
    const description = nullableString(b, 'description');
    const metadata = metadataOf(b);
    const next = await deps.backups.update(callerOf(request), request.params.id, {
      ...(name !== undefined && { name }),
      ...(description !== undefined && { description }),
      ...(metadata !== undefined && { metadata }),
    });
    return { backup: backupSummary(viewContext(request, deps), next) };
  });

  app.delete<Id>('/v3/:project/backups/:id', async (request, reply) => {
    await deps.backups.delete(callerOf(request), request.params.id, false);
    return reply.status(202).send();
  });

  app.post<Id>('/v3/:project/backups/:id/restore', async (request, reply) => {
    const r = wrapped(request.body, 'restore');
    const { backup, volume } = await deps.backups.restore(callerOf(request), request.params.id, {
      volumeId: optionalString(r, 'volume_id') ?? undefined,
      name: optionalString(r, 'name') ?? undefined,
    });
    return reply
      .status(202)
      .send({ restore: { backup_id: backup.id, volume_id: volume.id, volume_name: volume.name } });
  });

  app.post<Id>('/v3/:project/backups/:id/action', async (request, reply) => {
    const body = objectBody(request.body);
    if ('os-force_delete' in body) {
      await deps.backups.delete(callerOf(request), request.params.id, true);
      return reply.status(202).send();
    }
    throw errors.badRequest(`There is no such action: ${Object.keys(body)[0] ?? ''}`);
  });
}
