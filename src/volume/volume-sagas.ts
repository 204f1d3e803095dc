// The volume worker's long operations as sagas on the common engine (common/tasks/saga.ts): create
// (empty, from an image, a snapshot, a volume or a backup), extend, backup and restore. Each step has an
// undo that removes what the step made, from any state its run can leave; the steps done are journaled
// in the row's taskArgs.stepsDone with the row's compare-and-set, so a restarted worker resumes at the
// first step not recorded. Steps are built per run: a closure keeps the scratch path a step made, so
// that its undo can find it even when the step failed before recording it.
import type { SagaJournal, SagaStep } from '../common/tasks/saga.js';
import type { Location } from './backend/backend.js';
import type { BackupPatch } from './backup-store.js';
import { GIB, type Backup, type Volume } from './model.js';
import type { TaskDeps } from './volume-tasks.js';
import type { VolumePatch } from './volume-store.js';

export type VolumeStep = SagaStep<Volume, VolumePatch>;
export type BackupStep = SagaStep<Backup, BackupPatch>;

/** What the steps use beyond the worker's dependencies. */
export interface SagaDeps extends Pick<
  TaskDeps,
  'stores' | 'backend' | 'images' | 'engine' | 'host' | 'clock'
> {
  /** Runs a copy of the volume with the guest frozen when it is attached (volume-tasks.ts). */
  readingVolume<T>(volumeId: string, copy: (inUse: boolean) => Promise<T>): Promise<T>;
  attachedServer(volumeId: string): Promise<string | undefined>;
}

const noUndo = async () => undefined;

/** The volume journal: steps done live in taskArgs, written with the row's version. */
export function volumeJournal(deps: Pick<SagaDeps, 'stores' | 'clock'>): SagaJournal<Volume, VolumePatch> {
  return {
    stepsDone: (v) => v.taskArgs.stepsDone ?? [],
    record: (v, step, patch) =>
      deps.stores.volumes.update(
        v.id,
        v.version,
        { ...patch, taskArgs: { ...v.taskArgs, stepsDone: [...(v.taskArgs.stepsDone ?? []), step.name] } },
        deps.clock.now().toISOString(),
      ),
  };
}

export function backupJournal(deps: Pick<SagaDeps, 'stores' | 'clock'>): SagaJournal<Backup, BackupPatch> {
  return {
    stepsDone: (b) => b.taskArgs.stepsDone ?? [],
    record: (b, step, patch) =>
      deps.stores.backups.update(
        b.id,
        b.version,
        { ...patch, taskArgs: { ...b.taskArgs, stepsDone: [...(b.taskArgs.stepsDone ?? []), step.name] } },
        deps.clock.now().toISOString(),
      ),
  };
}

/** Removes whatever a create of this volume left: the recorded location, or where it would have gone. */
function dropVolume(deps: SagaDeps, v: Volume): Promise<void> {
  return deps.backend.delete(v.providerLocation ?? deps.backend.volumeLocation(v.id));
}

/**
 * Assembles a backup's chunks into a scratch file, then writes them into the volume at `target`. The
 * import overwrites the target in place, which no undo can take back: a failed restore leaves Cinder's
 * error_restoring on an existing volume, and a new volume's own undo removes it whole.
 */
export function restoreSteps<R, P extends object>(
  deps: SagaDeps,
  backup: Backup,
  target: (resource: R) => { location: Location; sizeGib: number },
): SagaStep<R, P>[] {
  let scratch: string | undefined;
  const dropScratch = async () => {
    if (scratch !== undefined) await deps.backend.removeExport(scratch);
  };
  const assemble = async (): Promise<string> => {
    scratch = await deps.backend.scratchPath(`restore-${backup.id}`);
    await deps.engine.restore(backup, scratch);
    return scratch;
  };
  return [
    { name: 'assemble-backup', run: async () => (await assemble(), {} as P), undo: dropScratch },
    {
      name: 'import-backup',
      async run(resource) {
        // A resumed saga (another process assembled) assembles again: scratch files are per process.
        const raw = scratch ?? (await assemble());
        const { location, sizeGib } = target(resource);
        await deps.backend.importRaw(location, raw, sizeGib);
        return {} as P;
      },
      undo: noUndo,
    },
    { name: 'drop-scratch', run: async () => (await dropScratch(), {} as P), undo: noUndo },
  ];
}

/** The steps that give a new volume its data; the last one records providerLocation. */
export async function createSteps(deps: SagaDeps, v: Volume): Promise<VolumeStep[]> {
  const { backend, stores } = deps;
  const made = (location: Location): VolumePatch => ({ providerLocation: location });
  const undo = (resource: Volume) => dropVolume(deps, resource);
  if (v.snapshotId !== null) {
    const s = await stores.snapshots.get(v.snapshotId);
    if (!s?.providerLocation) throw new Error(`snapshot ${v.snapshotId} has no data`);
    const from = s.providerLocation;
    return [
      {
        name: 'clone-snapshot',
        run: async () => made(await backend.clone(v.id, from, v.sizeGib, false)),
        undo,
      },
    ];
  }
  if (v.sourceVolumeId !== null) {
    const src = await stores.volumes.get(v.sourceVolumeId);
    if (!src?.providerLocation) throw new Error(`source volume ${v.sourceVolumeId} has no data`);
    const from = src.providerLocation;
    const clone = (inUse: boolean) => backend.clone(v.id, from, v.sizeGib, inUse);
    return [{ name: 'clone-volume', run: async () => made(await deps.readingVolume(src.id, clone)), undo }];
  }
  if (v.imageId !== null) {
    const imageId = v.imageId;
    let path: string | undefined;
    return [
      // The image cache owns the local copy (shared with compute): nothing to undo.
      {
        name: 'fetch-image',
        run: async () => ((path = await deps.images.localCopy(imageId, v.projectId)), {}),
        undo: noUndo,
      },
      {
        name: 'copy-image',
        async run() {
          path ??= await deps.images.localCopy(imageId, v.projectId);
          return made(await backend.createFromFile(v.id, path, 'qcow2', v.sizeGib));
        },
        undo,
      },
    ];
  }
  const allocate: VolumeStep = {
    name: 'allocate',
    run: async () => made(await backend.create(v.id, v.sizeGib)),
    undo,
  };
  if (v.backupId === null) return [allocate];
  const b = await stores.backups.get(v.backupId);
  if (!b) throw new Error(`backup ${v.backupId} is gone`);
  const target = (resource: Volume) => ({
    location: resource.providerLocation ?? backend.volumeLocation(resource.id),
    sizeGib: resource.sizeGib,
  });
  return [allocate, ...restoreSteps<Volume, VolumePatch>(deps, b, target)];
}

/**
 * Grows the volume (through the guest's hypervisor when attached). Growing cannot be undone safely (a
 * shrink may cut data the guest wrote meanwhile) and is harmless to keep: the row keeps its old size,
 * and a retry grows to the same size again.
 */
export function extendSteps(deps: SagaDeps, v: Volume): VolumeStep[] {
  const newSizeGib = v.taskArgs.newSizeGib ?? v.sizeGib;
  return [
    {
      name: 'grow',
      async run() {
        const server = await deps.attachedServer(v.id);
        if (server !== undefined) await deps.host.extend(server, v.id, newSizeGib * GIB);
        else if (v.providerLocation) await deps.backend.extend(v.providerLocation, newSizeGib);
        else throw new Error(`volume ${v.id} has no data`);
        return {};
      },
      undo: noUndo,
    },
  ];
}

/** Exports the volume to a raw scratch file, uploads its chunks and manifest, drops the export. */
export async function backupSteps(deps: SagaDeps, b: Backup): Promise<BackupStep[]> {
  const v = await deps.stores.volumes.get(b.volumeId);
  if (!v?.providerLocation) throw new Error(`volume ${b.volumeId} has no data`);
  const from = v.providerLocation;
  let raw: string | undefined;
  const dropExport = async () => {
    if (raw !== undefined) await deps.backend.removeExport(raw);
  };
  const exportVolume = async (): Promise<string> => {
    raw = await deps.readingVolume(v.id, (inUse) => deps.backend.exportTo(from, 'raw', inUse));
    return raw;
  };
  return [
    { name: 'export', run: async () => (await exportVolume(), {}), undo: dropExport },
    {
      name: 'upload',
      async run() {
        // A resumed saga exports again: the export of a process that died is not this one's to read.
        const path = raw ?? (await exportVolume());
        const { objectCount } = await deps.engine.backup(b, path, await deps.backend.dataRanges(path));
        return { objectCount };
      },
      // The failed backup owns nothing: its chunks and manifest go (a retry writes a new backup).
      async undo(resource) {
        await dropExport();
        await deps.engine.delete(resource);
      },
    },
    { name: 'drop-export', run: async () => (await dropExport(), {}), undo: noUndo },
  ];
}
