// The idempotent worker that drives block-storage rows with a pending `task`: volumes and snapshots
// (volume-tasks.ts), backups (backup-engine.ts over the object store) and attachments (the VolumeHost
// plugs and unplugs disks). It is kicked after each API write and sweeps pending rows on an interval,
// so a restart resumes every half-done task; `reattach` plugs recorded attachments back in at start-up.
// Rows are driven by the shared work queue under a lease per row; the row version (compare-and-set)
// guards every write besides.
import type { LeaseStore } from '../common/tasks/lease-store.js';
import { runSaga, type SagaOutcome } from '../common/tasks/saga.js';
import { createWorkQueue } from '../common/tasks/work-queue.js';
import type { BackupPatch } from './backup-store.js';
import { createAttachmentTasks } from './attachment-tasks.js';
import type { Backup } from './model.js';
import type { WorkKind } from './service-deps.js';
import { backupJournal, backupSteps } from './volume-sagas.js';
import { createVolumeTasks, type TaskDeps } from './volume-tasks.js';
import { createVolumeWorkerAudit, type AuditedRow, type VolumeWorkerAuditDeps } from './worker-audit.js';

export type { WorkerLog } from './volume-tasks.js';

/** The lease kind of each row kind in work_leases. */
const LEASE_KIND: Record<WorkKind, string> = {
  volume: 'volume.volume',
  snapshot: 'volume.snapshot',
  backup: 'volume.backup',
  attachment: 'volume.attachment',
};

export interface VolumeWorkerDeps extends TaskDeps {
  /** The leases rows are driven under, and this process's holder name (common/tasks/holder.ts). */
  leases: LeaseStore;
  holder: string;
  /** How many pending rows of each kind one sweep takes. */
  sweepLimit?: number;
  /** How many rows are driven at once (default 4); the others wait their turn. */
  maxParallel?: number;
  /** Audit records of each task step, on the owner's behalf. */
  audit?: VolumeWorkerAuditDeps['audit'];
  /** This host, named as the observer of those records. */
  hostName?: string;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function createVolumeWorker(deps: VolumeWorkerDeps) {
  const { stores, log } = deps;
  const tasks = createVolumeTasks(deps);
  const attachmentTasks = createAttachmentTasks(deps, tasks);
  const now = () => deps.clock.now().toISOString();
  const audit = createVolumeWorkerAudit({
    audit: deps.audit,
    observer: `volume-worker@${deps.hostName ?? 'local'}`,
    log,
  });
  const sagaDeps = { ...deps, readingVolume: tasks.readingVolume, attachedServer: tasks.attachedServer };

  /** Writes a patch to the backup's current version (its saga journal moved the version on). */
  async function patchBackup(id: string, patch: BackupPatch): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const b = await stores.backups.get(id);
      if (!b || (await stores.backups.update(id, b.version, patch, now())) !== undefined) return;
    }
  }

  async function backupStep(b: Backup): Promise<void> {
    const t = now();
    if (b.task === 'delete') {
      try {
        await deps.engine.delete(b);
      } catch (err) {
        log.error({ event: 'volume.backup.failed', backupId: b.id, err }, 'backup delete failed');
        await stores.backups.update(
          b.id,
          b.version,
          { status: 'error_deleting', task: null, failReason: message(err) },
          t,
        );
        return;
      }
      await stores.backups.update(b.id, b.version, { task: null, deleted: true }, t);
      return;
    }
    if (b.task === 'restore') {
      const targetId = b.taskArgs.restoreVolumeId ?? '';
      const target = await stores.volumes.get(targetId);
      try {
        if (!target?.providerLocation) throw new Error(`volume ${targetId} has no data`);
        await tasks.restoreInto(b, target.providerLocation, target.sizeGib);
      } catch (err) {
        log.error({ event: 'volume.backup.failed', backupId: b.id, err }, 'backup restore failed');
        await patchBackup(b.id, { status: 'available', task: null, taskArgs: {} });
        await tasks.patchVolume(targetId, { status: 'error_restoring', errorReason: message(err) });
        return;
      }
      // The saga's journal moved the backup's version on: write to the current one.
      await patchBackup(b.id, { status: 'available', task: null, taskArgs: {} });
      await tasks.patchVolume(targetId, { status: 'available' });
      return;
    }
    const returnStatus = b.taskArgs.volumeReturnStatus ?? 'available';
    let outcome: SagaOutcome<Backup>;
    try {
      outcome = await runSaga(await backupSteps(sagaDeps, b), backupJournal(deps), b, log);
    } catch (err) {
      outcome = { kind: 'failed', error: err, undone: true };
    }
    if (outcome.kind === 'complete') {
      const { objectCount } = outcome.resource;
      await patchBackup(b.id, { status: 'available', task: null, taskArgs: {}, objectCount });
    } else if (outcome.kind === 'failed') {
      log.error({ event: 'volume.backup.failed', backupId: b.id, err: outcome.error }, 'backup failed');
      await patchBackup(b.id, {
        status: 'error',
        task: null,
        taskArgs: {},
        failReason: message(outcome.error),
      });
    }
    // The volume may have been detached meanwhile: in-use only while an attachment remains.
    const attached = (await tasks.attachedServer(b.volumeId)) !== undefined;
    const status = returnStatus === 'in-use' && !attached ? 'available' : returnStatus;
    await tasks.patchVolume(b.volumeId, { status });
  }

  const read: Record<WorkKind, (id: string) => Promise<AuditedRow | undefined>> = {
    volume: (id) => stores.volumes.get(id),
    snapshot: (id) => stores.snapshots.get(id),
    backup: (id) => stores.backups.get(id),
    attachment: (id) => stores.volumes.getAttachment(id),
  };

  async function step(kind: WorkKind, id: string): Promise<boolean> {
    const before = await read[kind](id);
    if (!before?.task) return false;
    if (kind === 'volume') {
      const v = await stores.volumes.get(id);
      if (v?.task) await tasks.volumeStep(v);
    } else if (kind === 'snapshot') {
      const s = await stores.snapshots.get(id);
      if (s?.task) await tasks.snapshotStep(s);
    } else if (kind === 'backup') {
      const b = await stores.backups.get(id);
      if (b?.task) await backupStep(b);
    } else {
      const a = await stores.volumes.getAttachment(id);
      if (a?.task) await attachmentTasks.attachmentStep(a);
    }
    await audit.step(kind, before, await read[kind](id));
    return true;
  }

  /** Drives one row until it has no task left (at most a few rounds). */
  async function process(kind: WorkKind, id: string): Promise<void> {
    for (let round = 0; round < 5 && (await step(kind, id)); round++);
  }

  const kinds: WorkKind[] = ['volume', 'snapshot', 'backup', 'attachment'];
  const pending: Record<WorkKind, (limit: number) => Promise<{ id: string }[]>> = {
    volume: (limit) => stores.volumes.pending(limit),
    snapshot: (limit) => stores.snapshots.pending(limit),
    backup: (limit) => stores.backups.pending(limit),
    attachment: (limit) => stores.volumes.pendingAttachments(limit),
  };
  // The shared work queue (common/tasks/work-queue.ts): one lease per row, so one process drives a row
  // at a time and a row whose process died is taken over when its lease expires; at most maxParallel
  // rows at once (qemu-img and uploads are heavy).
  const queue = createWorkQueue({
    leases: deps.leases,
    holder: deps.holder,
    log,
    maxConcurrent: deps.maxParallel ?? 4,
    ...(deps.sweepLimit !== undefined && { sweepLimit: deps.sweepLimit }),
    kinds: kinds.map((kind) => ({
      kind: LEASE_KIND[kind],
      pending: async (limit: number) => (await pending[kind](limit)).map((row) => row.id),
      process: (id: string) => process(kind, id),
    })),
  });

  return {
    kick: (kind: WorkKind, id: string) => queue.kick(LEASE_KIND[kind], id),
    sweep: () => queue.sweep(),
    reattach: attachmentTasks.reattach,
    disksOf: attachmentTasks.disksOf,
    /** Sweeps now and every intervalMs; call stop() on shutdown. */
    start: (intervalMs: number) => queue.start(intervalMs),
    /** Stops sweeping; waiting rows stay pending in the database, the next start's sweep takes them. */
    stop: () => queue.stop(),
    /** Resolves when no row is in flight (tests). */
    idle: () => queue.idle(),
  };
}

export type VolumeWorker = ReturnType<typeof createVolumeWorker>;
