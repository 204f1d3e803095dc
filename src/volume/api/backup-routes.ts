// Backups: create, list (summary and detail), show, update (3.9), delete, restore and the admin actions
// (os-force_delete, os-reset_status). Bodies and query strings are validated before the handlers.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BackupListInput } from '../backup-service.js';
import type { Backup } from '../model.js';
import { volumeErrors } from '../volume-errors.js';
import { isAdmin } from '../volume-policy.js';
import { BACKUP_FILTERS, listFiltersOf, listParamsOf } from './list-params.js';
import { atLeast } from './microversion.js';
import { type VolumeRouteDeps, callerOf, versionOf, viewContext } from './route-deps.js';
import { BACKUP_ACTIONS } from './schemas/action-schemas.js';
import {
  BACKUP_CREATE,
  BACKUP_UPDATE,
  BackupRestoreBody,
  type BackupCreate,
  type BackupUpdate,
} from './schemas/backup-schemas.js';
import { boolOf } from './schemas/parameter-types.js';
import { BackupListQuery } from './schemas/query-schemas.js';
import { actionOf, declare } from './validation.js';
import { cleaned } from './volume-routes.js';
import { backupDetail, backupSummary, nextLink } from './views.js';
import { errors } from '../../common/errors/codes.js';

type Id = { Params: { project: string; id: string } };

function listInput(request: FastifyRequest, deps: VolumeRouteDeps): BackupListInput {
  const params = listParamsOf(request);
  const filters = listFiltersOf(request, BACKUP_FILTERS, isAdmin(callerOf(request)), deps.availabilityZone);
  // Sorting by name is a 3.37 addition.
  if (!atLeast(versionOf(request), 37) && params.sort.some((k) => k.key === 'name'))
    throw volumeErrors.invalidInput('Invalid sort key');
  return { ...filters, ...params };
}

function createInput(request: FastifyRequest, deps: VolumeRouteDeps, b: BackupCreate) {
  const v = versionOf(request);
  const zone = atLeast(v, 51) ? b.availability_zone : undefined;
  // One backup service, in this service's zone.
  if (zone !== undefined && zone !== null && zone !== deps.availabilityZone)
    throw errors.serviceUnavailable('Service cinder-backup could not be found.');
  return {
    volumeId: b.volume_id,
    name: cleaned(b.name, undefined) ?? null,
    description: cleaned(b.description, undefined) ?? null,
    container: b.container ?? undefined,
    incremental: boolOf(b.incremental),
    force: boolOf(b.force),
    snapshotId: b.snapshot_id ?? undefined,
    metadata: (atLeast(v, 43) && b.metadata) || {},
  };
}

function registerListRoutes(app: FastifyInstance, deps: VolumeRouteDeps): void {
  const detail = async (request: FastifyRequest, b: Backup) =>
    backupDetail(viewContext(request, deps), b, await deps.backups.hasDependents(b.id));
  const list = (withDetail: boolean) => async (request: FastifyRequest) => {
    const input = listInput(request, deps);
    const auth = callerOf(request);
    const backups = await deps.backups.list(auth, input);
    const ctx = viewContext(request, deps);
    const out = [];
    for (const b of backups) out.push(withDetail ? await detail(request, b) : backupSummary(ctx, b));
    const links = nextLink(ctx, withDetail ? 'backups/detail' : 'backups', backups, input.limit);
    return {
      backups: out,
      ...(links && { backups_links: links }),
      ...(listParamsOf(request).withCount && { count: await deps.backups.count(auth, input) }),
    };
  };
  const query = declare({ query: BackupListQuery });
  app.get('/v3/:project/backups', { config: query }, list(false));
  app.get('/v3/:project/backups/detail', { config: query }, list(true));
  app.get<Id>('/v3/:project/backups/:id', { config: declare({ noQuery: true }) }, async (request) => ({
    backup: await detail(request, await deps.backups.visible(callerOf(request), request.params.id)),
  }));
}

export function registerBackupRoutes(app: FastifyInstance, deps: VolumeRouteDeps): void {
  app.post('/v3/:project/backups', { config: declare({ body: BACKUP_CREATE }) }, async (request, reply) => {
    const b = (request.body as { backup: BackupCreate }).backup;
    const backup = await deps.backups.create(callerOf(request), createInput(request, deps, b));
    request.auditTarget = { targetType: 'backup', targetId: backup.id };
    return reply.status(202).send({ backup: backupSummary(viewContext(request, deps), backup) });
  });

  registerListRoutes(app, deps);

  app.put<Id>(
    '/v3/:project/backups/:id',
    { config: declare({ from: 9, body: BACKUP_UPDATE }) },
    async (request) => {
      const b = (request.body as { backup: BackupUpdate | null }).backup ?? {};
      const name = cleaned(b.name, undefined);
      const description = cleaned(b.description, undefined);
      const metadata = atLeast(versionOf(request), 43) ? b.metadata : undefined;
      const next = await deps.backups.update(callerOf(request), request.params.id, {
        ...(name !== undefined && { name }),
        ...(description !== undefined && { description }),
        ...(metadata !== undefined && { metadata }),
      });
      return { backup: backupSummary(viewContext(request, deps), next) };
    },
  );

  app.delete<Id>(
    '/v3/:project/backups/:id',
    { config: declare({ noQuery: true }) },
    async (request, reply) => {
      await deps.backups.delete(callerOf(request), request.params.id, false);
      return reply.status(202).send();
    },
  );

  app.post<Id>(
    '/v3/:project/backups/:id/restore',
    { config: declare({ body: BackupRestoreBody }) },
    async (request, reply) => {
      const r = (request.body as { restore: { name?: string | null; volume_id?: string | null } | null })
        .restore;
      const { backup, volume } = await deps.backups.restore(callerOf(request), request.params.id, {
        volumeId: r?.volume_id ?? undefined,
        name: r?.name ?? undefined,
      });
      return reply
        .status(202)
        .send({ restore: { backup_id: backup.id, volume_id: volume.id, volume_name: volume.name } });
    },
  );

  app.post<Id>(
    '/v3/:project/backups/:id/action',
    { config: declare({ actions: BACKUP_ACTIONS }) },
    async (request, reply) => {
      if (actionOf(request.body) === 'os-force_delete') {
        await deps.backups.delete(callerOf(request), request.params.id, true);
        return reply.status(202).send();
      }
      const { status } = (request.body as { 'os-reset_status': { status: string } })['os-reset_status'];
      await deps.backups.resetStatus(
        callerOf(request),
        request.params.id,
        status.toLowerCase() as 'available' | 'error',
      );
      return reply.status(202).send();
    },
  );
}
