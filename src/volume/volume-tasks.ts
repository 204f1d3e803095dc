// The worker's steps for volume and snapshot rows: create (from nothing, an image, a snapshot, a volume
// or a backup), delete (with cascade), extend (offline through the backend, online through the host)
// and upload to an image; snapshot create and delete. Each step is idempotent (the backend's methods
// are) and records its outcome with a compare-and-set; a failure leaves Cinder's error status.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Clock } from '../common/clock.js';
import { runSaga, type SagaOutcome } from '../common/tasks/saga.js';
import type { Location, VolumeBackend } from './backend/backend.js';
import type { BackupEngine } from './backup-engine.js';
import type { BackupPatch } from './backup-store.js';
import type { ImageUploader, VolumeHost, VolumeImages } from './collaborators.js';
import type { Backup, Snapshot, Volume, VolumeStatus } from './model.js';
import type { VolumeStores } from './service-deps.js';
import {
  backupJournal,
  createSteps,
  extendSteps,
  restoreSteps,
  volumeJournal,
  type SagaDeps,
  type VolumeStep,
} from './volume-sagas.js';
import type { VolumePatch } from './volume-store.js';

export interface WorkerLog {
  info(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

export interface TaskDeps {
  stores: VolumeStores;
  clock: Clock;
  log: WorkerLog;
  backend: VolumeBackend;
  engine: BackupEngine;
  images: VolumeImages;
  uploader: ImageUploader;
  host: VolumeHost;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function createVolumeTasks(deps: TaskDeps) {
  const { stores, backend, log } = deps;
  const now = () => deps.clock.now().toISOString();

  /** Writes a patch to the volume's current version (other columns may have moved meanwhile). */
  async function patchVolume(
    id: string,
    patch: VolumePatch,
    expectTask?: Volume['task'],
  ): Promise<Volume | undefined> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const v = await stores.volumes.get(id);
      if (!v || (expectTask !== undefined && v.task !== expectTask)) return undefined;
      const next = await stores.volumes.update(id, v.version, patch, now());
      if (next) return next;
    }
    return undefined;
  }

  async function fail(v: Volume, status: VolumeStatus, err: unknown, extra: VolumePatch = {}): Promise<void> {
    log.error({ event: 'volume.task.failed', volumeId: v.id, task: v.task, err }, 'volume task failed');
    await patchVolume(
      v.id,
      { status, task: null, taskArgs: {}, errorReason: message(err), ...extra },
      v.task,
    );
  }

  async function attachedServer(volumeId: string): Promise<string | undefined> {
    const attachments = await stores.volumes.attachmentsOf([volumeId]);
    return attachments.find((a) => a.status === 'attached' && a.instanceId !== null)?.instanceId ?? undefined;
  }

  /**
   * Copies of a volume's file (clone, snapshot, backup, upload) run with `inUse` false when it is not
   * attached, else with the guest frozen so the copy is one point in time (read with `-U`).
   */
  async function readingVolume<T>(volumeId: string, copy: (inUse: boolean) => Promise<T>): Promise<T> {
    const server = await attachedServer(volumeId);
    if (server === undefined) return copy(false);
    return deps.host.quiesced(server, () => copy(true));
  }

  const sagaDeps: SagaDeps = { ...deps, readingVolume, attachedServer };
  const journal = volumeJournal(deps);

  /** Runs one of the volume's sagas; a failure has undone its steps and is recorded as `errorStatus`. */
  async function runVolumeSaga(
    v: Volume,
    errorStatus: VolumeStatus,
    steps: () => Promise<VolumeStep[]>,
  ): Promise<boolean> {
    let outcome: SagaOutcome<Volume>;
    try {
      outcome = await runSaga(await steps(), journal, v, log);
    } catch (err) {
      await fail(v, errorStatus, err);
      return false;
    }
    if (outcome.kind === 'failed') {
      // Undone: the bytes are gone. Not undone: the location stays recorded, so a delete finds them.
      await fail(v, errorStatus, outcome.error, outcome.undone ? { providerLocation: null } : {});
    }
    return outcome.kind === 'complete';
  }

  /** Restores a backup into an existing volume (the backup row carries the saga's journal). */
  async function restoreInto(b: Backup, location: Location, sizeGib: number): Promise<void> {
    const steps = restoreSteps<Backup, BackupPatch>(sagaDeps, b, () => ({ location, sizeGib }));
    const outcome = await runSaga(steps, backupJournal(deps), b, log);
    if (outcome.kind === 'failed') throw outcome.error;
    if (outcome.kind === 'lost') throw new Error(`backup ${b.id} changed during the restore`);
  }

  async function create(v: Volume): Promise<void> {
    if (!(await runVolumeSaga(v, 'error', () => createSteps(sagaDeps, v)))) return;
    const done = await patchVolume(v.id, { status: 'available', task: null, taskArgs: {} }, 'create');
    if (!done)
      log.info({ event: 'volume.create.superseded', volumeId: v.id }, 'volume changed during create');
  }

  async function remove(v: Volume): Promise<void> {
    try {
      if (v.taskArgs.cascade) {
        for (const s of await stores.snapshots.list({ projectId: undefined, volumeId: v.id, limit: 1000 })) {
          if (s.providerLocation) await backend.delete(s.providerLocation);
          await stores.snapshots.update(
            s.id,
            s.version,
            { status: 'deleting', task: null, deleted: true },
            now(),
          );
        }
      }
      if (v.providerLocation) await backend.delete(v.providerLocation);
    } catch (err) {
      return fail(v, 'error_deleting', err);
    }
    await patchVolume(v.id, { status: 'deleting', task: null, deleted: true }, 'delete');
  }

  async function extend(v: Volume): Promise<void> {
    const newSizeGib = v.taskArgs.newSizeGib ?? v.sizeGib;
    const returnStatus = v.taskArgs.returnStatus ?? 'available';
    if (!(await runVolumeSaga(v, 'error_extending', async () => extendSteps(sagaDeps, v)))) return;
    await patchVolume(
      v.id,
      { status: returnStatus, task: null, taskArgs: {}, sizeGib: newSizeGib },
      'extend',
    );
  }

  async function uploadImage(v: Volume): Promise<void> {
    const { imageId, diskFormat = 'raw', returnStatus = 'available' } = v.taskArgs;
    if (imageId === undefined || !v.providerLocation) {
      return fail(v, returnStatus, new Error('upload task without an image or data'));
    }
    try {
      const from = v.providerLocation;
      const path = await readingVolume(v.id, (inUse) => backend.exportTo(from, diskFormat, inUse));
      try {
        const { size } = await stat(path);
        await deps.uploader.upload(imageId, createReadStream(path, { highWaterMark: 4 << 20 }), size);
      } finally {
        await backend.removeExport(path);
      }
    } catch (err) {
      await deps.uploader.abandon(imageId).catch(() => undefined);
      return fail(v, returnStatus, err);
    }
    await patchVolume(v.id, { status: returnStatus, task: null, taskArgs: {} }, 'upload_image');
  }

  async function snapshotStep(s: Snapshot): Promise<void> {
    const t = now();
    if (s.task === 'delete') {
      try {
        if (s.providerLocation) await backend.delete(s.providerLocation);
      } catch (err) {
        log.error({ event: 'volume.snapshot.failed', snapshotId: s.id, err }, 'snapshot delete failed');
        await stores.snapshots.update(s.id, s.version, { status: 'error_deleting', task: null }, t);
        return;
      }
      await stores.snapshots.update(s.id, s.version, { task: null, deleted: true }, t);
      return;
    }
    try {
      const v = await stores.volumes.get(s.volumeId);
      if (!v?.providerLocation) throw new Error(`volume ${s.volumeId} has no data`);
      const from = v.providerLocation;
      const location = await readingVolume(v.id, (inUse) => backend.snapshot(s.id, from, inUse));
      const done = await stores.snapshots.update(
        s.id,
        s.version,
        { status: 'available', task: null, providerLocation: location },
        t,
      );
      if (!done) await backend.delete(location);
    } catch (err) {
      log.error({ event: 'volume.snapshot.failed', snapshotId: s.id, err }, 'snapshot create failed');
      await stores.snapshots.update(s.id, s.version, { status: 'error', task: null }, t);
    }
  }

  return {
    patchVolume,
    restoreInto,
    attachedServer,
    readingVolume,
    async volumeStep(v: Volume): Promise<void> {
      if (v.task === 'create') return create(v);
      if (v.task === 'delete') return remove(v);
      if (v.task === 'extend') return extend(v);
      if (v.task === 'upload_image') return uploadImage(v);
    },
    snapshotStep,
  };
}

export type VolumeTasks = ReturnType<typeof createVolumeTasks>;
