// The idempotent worker that drives block-storage rows with a pending `task`: volumes and snapshots
// (volume-tasks.ts), backups (backup-engine.ts over the object store) and attachments (the VolumeHost
// plugs and unplugs disks). It is kicked after each API write and sweeps pending rows on an interval,
// so a restart resumes every half-done task; `reattach` plugs recorded attachments back in at start-up.
// One loop per row in this process; the row version (compare-and-set) guards against other processes.
import { createAttachmentTasks } from './attachment-tasks.js';
import type { Backup } from './model.js';
import type { WorkKind } from './service-deps.js';
import { createVolumeTasks, type TaskDeps } from './volume-tasks.js';

export type { WorkerLog } from './volume-tasks.js';

export interface VolumeWorkerDeps extends TaskDeps {
  /** How many pending rows of each kind one sweep takes. */
  sweepLimit?: number;
  /** How many rows are driven at once (default 4); the others wait their turn. */
  maxParallel?: number;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function createVolumeWorker(deps: VolumeWorkerDeps) {
  const { stores, log, backend } = deps;
  const tasks = createVolumeTasks(deps);
  const attachmentTasks = createAttachmentTasks(deps, tasks);
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const now = () => deps.clock.now().toISOString();

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
        await stores.backups.update(b.id, b.version, { status: 'available', task: null, taskArgs: {} }, t);
        await tasks.patchVolume(targetId, { status: 'error_restoring', errorReason: message(err) });
        return;
      }
      await stores.backups.update(b.id, b.version, { status: 'available', task: null, taskArgs: {} }, t);
      await tasks.patchVolume(targetId, { status: 'available' });
      return;
    }
    const returnStatus = b.taskArgs.volumeReturnStatus ?? 'available';
    try {
      const v = await stores.volumes.get(b.volumeId);
      if (!v?.providerLocation) throw new Error(`volume ${b.volumeId} has no data`);
      const from = v.providerLocation;
      const raw = await tasks.readingVolume(v.id, (inUse) => backend.exportTo(from, 'raw', inUse));
      try {
        const { objectCount } = await deps.engine.backup(b, raw, await backend.dataRanges(raw));
        await stores.backups.update(
          b.id,
          b.version,
          { status: 'available', task: null, taskArgs: {}, objectCount },
          t,
        );
      } finally {
        await backend.removeExport(raw);
      }
    } catch (err) {
      log.error({ event: 'volume.backup.failed', backupId: b.id, err }, 'backup failed');
      // Leave no chunk behind: the failed backup owns nothing (a retry writes a new backup).
      await deps.engine
        .delete(b)
        .catch((cleanup: unknown) =>
          log.error(
            { event: 'volume.backup.cleanup_failed', backupId: b.id, err: cleanup },
            'backup cleanup failed',
          ),
        );
      await stores.backups.update(
        b.id,
        b.version,
        { status: 'error', task: null, failReason: message(err) },
        t,
      );
    }
    // The volume may have been detached meanwhile: in-use only while an attachment remains.
    const attached = (await tasks.attachedServer(b.volumeId)) !== undefined;
    const status = returnStatus === 'in-use' && !attached ? 'available' : returnStatus;
    await tasks.patchVolume(b.volumeId, { status });
  }

  async function step(kind: WorkKind, id: string): Promise<boolean> {
    if (kind === 'volume') {
      const v = await stores.volumes.get(id);
      if (!v?.task) return false;
      await tasks.volumeStep(v);
    } else if (kind === 'snapshot') {
      const s = await stores.snapshots.get(id);
      if (!s?.task) return false;
      await tasks.snapshotStep(s);
    } else if (kind === 'backup') {
      const b = await stores.backups.get(id);
      if (!b?.task) return false;
      await backupStep(b);
    } else {
      const a = await stores.volumes.getAttachment(id);
      if (!a?.task) return false;
      await attachmentTasks.attachmentStep(a);
    }
    return true;
  }

  /** Drives one row until it has no task left (at most a few rounds). Never rejects. */
  async function process(kind: WorkKind, id: string): Promise<void> {
    try {
      for (let round = 0; round < 5 && (await step(kind, id)); round++);
    } catch (err) {
      log.error({ event: 'volume.worker.crashed', kind, id, err }, 'volume worker error');
    }
  }

  /** Rows waiting for a slot (qemu-img and uploads are heavy: at most maxParallel run at once). */
  const waiting = new Map<string, [WorkKind, string]>();
  const maxParallel = deps.maxParallel ?? 4;

  function kick(kind: WorkKind, id: string): void {
    const key = `${kind}:${id}`;
    if (running.has(key)) {
      again.add(key);
      return;
    }
    if (running.size >= maxParallel) {
      waiting.set(key, [kind, id]);
      return;
    }
    const run = process(kind, id).finally(() => {
      running.delete(key);
      if (again.delete(key)) kick(kind, id);
      const next = waiting.entries().next();
      if (!next.done) {
        waiting.delete(next.value[0]);
        kick(...next.value[1]);
      }
    });
    running.set(key, run);
  }

  async function sweep(): Promise<void> {
    const limit = deps.sweepLimit ?? 100;
    for (const v of await stores.volumes.pending(limit)) kick('volume', v.id);
    for (const s of await stores.snapshots.pending(limit)) kick('snapshot', s.id);
    for (const b of await stores.backups.pending(limit)) kick('backup', b.id);
    for (const a of await stores.volumes.pendingAttachments(limit)) kick('attachment', a.id);
  }

  return {
    kick,
    sweep,
    reattach: attachmentTasks.reattach,
    disksOf: attachmentTasks.disksOf,
    /** Sweeps now and every intervalMs; call stop() on shutdown. */
    start(intervalMs: number): void {
      void sweep().catch((err: unknown) => log.error({ event: 'volume.sweep.failed', err }));
      timer = setInterval(
        () => void sweep().catch((err: unknown) => log.error({ event: 'volume.sweep.failed', err })),
        intervalMs,
      );
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      // Waiting rows stay pending in the database; the next start's sweep takes them.
      waiting.clear();
      await Promise.all(running.values());
    },
    /** Resolves when no row is in flight (tests). */
    async idle(): Promise<void> {
      while (running.size > 0 || waiting.size > 0) await Promise.all(running.values());
    },
  };
}

export type VolumeWorker = ReturnType<typeof createVolumeWorker>;
