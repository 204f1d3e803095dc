// The worker's side of rebuild, resize, revertResize and createImage (server-lifecycle.ts writes them).
// Each task is a short chain of task states; every step is idempotent and persisted by moving the row
// to the next task state with a compare-and-set, so a restarted worker resumes at the step it was in.
//   rebuild:      rebuilding (destroy the guest) → rebuild_spawning (spawn from the new image)
//   resize:       resize_prep (drop a stale revert point) → resize_migrating (stop, driver.resize)
//                 → resize_finish (start if it ran) → vm_state resized (VERIFY_RESIZE)
//   revertResize: resize_reverting (stop, driver.revertResize, start if it ran) → old flavor back
//   createImage:  image_snapshot (driver.snapshot to a file) → image_uploading (into the image) → idle
// A failure clears the task and records the action as Error with a fault; rebuild and revert leave the
// server in ERROR (its disk is gone or half-restored), a failed resize is rolled back, and a failed
// snapshot deletes its image, as Nova does.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../common/clock.js';
import { spawnSpec, type BootSagaDeps } from './boot-saga.js';
import type { AttachedDisk, ImageSnapshots } from './collaborators.js';
import { PowerState, isDriverError, type ResizeTarget } from './driver/driver.js';
import { unlockedGuest } from './guest-lock.js';
import type { Flavor, Server, TaskState } from './model.js';
import { LIFECYCLE_TASK_STATES } from './server-state.js';
import type { ServerPatch, ServerStore } from './server-store.js';
import type { WorkerLog } from './server-worker.js';

export interface ServerTaskDeps extends BootSagaDeps {
  store: ServerStore;
  clock: Clock;
  log: WorkerLog;
  /** The image service's snapshot methods; without them createImage tasks fail. */
  snapshots?: ImageSnapshots;
  /** Where snapshot files wait on this host until they are uploaded (e.g. <dataDir>/compute/snapshots). */
  snapshotDir?: string;
  stopTimeoutMs?: number;
  /** The disks attached to a server (block storage), plugged back into a guest a rebuild made anew. */
  volumes?: { disksOf(serverId: string): Promise<AttachedDisk[]> };
}

/** The driver's resize target for a flavor (a disk of 0 GiB keeps the image's size). */
export function resizeTargetOf(flavor: Flavor): ResizeTarget {
  return {
    vcpus: flavor.vcpus,
    memoryMiB: flavor.ramMiB,
    ...(flavor.diskGib > 0 && { rootDiskBytes: flavor.diskGib * 1024 ** 3 }),
  };
}

function required<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`the server row has no ${what}`);
  return value;
}

export function createServerTasks(deps: ServerTaskDeps) {
  const { store, clock, log, driver } = deps;
  const onGuest = deps.guestLock ?? unlockedGuest;
  const now = () => clock.now().toISOString();
  const softStop = () => ({ soft: true, timeoutMs: deps.stopTimeoutMs ?? 60_000 });

  function snapshotFile(server: Server): string {
    const dir = required(deps.snapshotDir, 'snapshot directory (compute is not configured for snapshots)');
    return join(dir, `${required(server.snapshotImageId, 'snapshot image')}.qcow2`);
  }

  /**
   * Moves the row on; resolves true so that the worker reads it again, also when another writer won:
   * then the worker repeats this idempotent step, or follows the delete that took the row over.
   */
  async function advance(server: Server, patch: ServerPatch): Promise<boolean> {
    await store.update(server.id, server.version, patch, now());
    return true;
  }

  /**
   * The task's last write: back to idle, and the instance action succeeds. When another writer changed
   * the row meanwhile (a lock, a rename, a delete), resolves true: the worker reads the row again and
   * either repeats this idempotent step or follows the delete.
   */
  async function finish(server: Server, patch: ServerPatch): Promise<boolean> {
    if (!(await store.update(server.id, server.version, { ...patch, taskState: null }, now()))) return true;
    await store.finishAction(server.id, 'Success', null, now());
    return false;
  }

  async function rebuildSpawn(server: Server): Promise<boolean> {
    const spec = await spawnSpec(deps, server);
    let powerState: PowerState;
    try {
      powerState = (await driver.spawn(spec)).powerState;
    } catch (err) {
      // A spawn that completed before a crash left the guest behind: adopt it (idempotent re-run).
      if (!isDriverError(err, 'AlreadyExists')) throw err;
      powerState = (await driver.status(server.id)).powerState;
    } finally {
      if (server.configDrive) await deps.configDrives.remove(server.id);
    }
    // The new guest has none of the server's volumes: plug them back, as Nova re-attaches them.
    for (const disk of (await deps.volumes?.disksOf(server.id)) ?? []) {
      await driver.attachVolume(server.id, disk).catch((err: unknown) => {
        if (!isDriverError(err, 'AlreadyExists')) throw err;
      });
    }
    // Nova brings a server that was stopped before the rebuild back to stopped.
    if (server.vmState === 'stopped') {
      await driver.stop(server.id, { soft: false, timeoutMs: 0 });
      powerState = PowerState.Shutdown;
    }
    return finish(server, {
      vmState: server.vmState === 'stopped' ? 'stopped' : 'active',
      powerState,
      launchedAt: now(),
    });
  }

  async function resizeFinish(server: Server): Promise<boolean> {
    const flavor = required(server.newFlavor, 'new flavor');
    const running = server.vmState === 'active';
    if (running) await driver.start(server.id);
    return finish(server, {
      vmState: 'resized',
      flavor,
      flavorId: flavor.id,
      oldFlavor: server.flavor,
      newFlavor: null,
      powerState: running ? PowerState.Running : PowerState.Shutdown,
    });
  }

  async function revert(server: Server): Promise<boolean> {
    const flavor = required(server.oldFlavor, 'old flavor');
    // The row's power state is the one the resize left; it decides whether the guest comes back up.
    const running = server.powerState === PowerState.Running;
    await driver.stop(server.id, softStop());
    await driver.revertResize(server.id);
    if (running) await driver.start(server.id);
    return finish(server, {
      vmState: running ? 'active' : 'stopped',
      flavor,
      flavorId: flavor.id,
      oldFlavor: null,
      powerState: running ? PowerState.Running : PowerState.Shutdown,
    });
  }

  async function upload(server: Server): Promise<boolean> {
    const snapshots = required(deps.snapshots, 'image service for snapshots');
    const file = snapshotFile(server);
    await snapshots.upload(required(server.snapshotImageId, 'snapshot image'), file);
    await rm(file, { force: true });
    return finish(server, { snapshotImageId: null });
  }

  /** Runs the step of the row's task state; resolves whether the worker should read the row again. */
  async function runStep(server: Server): Promise<boolean> {
    switch (server.taskState) {
      case 'rebuilding':
        await driver.destroy(server.id);
        return advance(server, { taskState: 'rebuild_spawning' });
      case 'rebuild_spawning':
        return rebuildSpawn(server);
      case 'resize_prep':
        // A revert point left by a resize whose confirm could not clean up must not be reused.
        await driver.confirmResize(server.id);
        return advance(server, { taskState: 'resize_migrating' });
      case 'resize_migrating':
        await driver.stop(server.id, softStop());
        await driver.resize(server.id, resizeTargetOf(required(server.newFlavor, 'new flavor')));
        return advance(server, { taskState: 'resize_finish' });
      case 'resize_finish':
        return resizeFinish(server);
      case 'resize_reverting':
        return revert(server);
      case 'image_snapshot': {
        const file = snapshotFile(server);
        await mkdir(required(deps.snapshotDir, 'snapshot directory'), { recursive: true, mode: 0o700 });
        await driver.snapshot(server.id, file);
        return advance(server, { taskState: 'image_uploading' });
      }
      case 'image_uploading':
        return upload(server);
      default:
        return false;
    }
  }

  /** What a failed task leaves behind, after undoing what it can. */
  async function rollback(server: Server): Promise<ServerPatch> {
    const task = server.taskState;
    if (task === 'rebuilding' || task === 'rebuild_spawning' || task === 'resize_reverting') {
      const info = await driver.status(server.id).catch(() => undefined);
      return { vmState: 'error', powerState: info?.powerState ?? PowerState.NoState };
    }
    if (task === 'resize_prep' || task === 'resize_migrating' || task === 'resize_finish') {
      try {
        await driver.revertResize(server.id);
        if (server.vmState === 'active') await driver.start(server.id);
        return { newFlavor: null };
      } catch (err) {
        log.error({ event: 'compute.resize.rollback-failed', serverId: server.id, err }, 'rollback failed');
        return { vmState: 'error', newFlavor: null, powerState: PowerState.NoState };
      }
    }
    if (server.snapshotImageId) {
      if (deps.snapshotDir !== undefined) await rm(snapshotFile(server), { force: true });
      await deps.snapshots?.discard(server.snapshotImageId).catch((err: unknown) => {
        log.error({ event: 'compute.snapshot.discard-failed', serverId: server.id, err }, 'discard failed');
      });
    }
    return { snapshotImageId: null };
  }

  async function fail(server: Server, err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    log.error(
      { event: 'compute.task.failed', serverId: server.id, taskState: server.taskState, err },
      'server task failed',
    );
    const patch = await rollback(server);
    // Only when our write landed: otherwise a delete took over the row and owns its newest action.
    if (!(await store.update(server.id, server.version, { ...patch, taskState: null }, now()))) return;
    await store.setFault(server.id, { code: 500, message, details: null, createdAt: now() });
    await store.finishAction(server.id, 'Error', message, now());
  }

  return {
    /**
     * A delete took the row over: drop what an interrupted task holds outside the guest (a snapshot
     * image and its file). The guest itself, with any resize revert point, goes with the delete.
     */
    async abandon(server: Server): Promise<void> {
      if (server.snapshotImageId) await rollback(server);
    },
    /** Whether the task state belongs to these tasks. */
    handles(taskState: TaskState | null): boolean {
      return taskState !== null && LIFECYCLE_TASK_STATES.includes(taskState);
    },
    /**
     * Runs one step; resolves true when the row moved on and the worker should read it again. Rejects
     * only when the guest stays locked past the wait (409); the next sweep tries again.
     */
    async step(server: Server): Promise<boolean> {
      const attempt = async () => {
        try {
          return await runStep(server);
        } catch (err) {
          await fail(server, err);
          return false;
        }
      };
      // The upload reads the snapshot file, not the guest: the guest is free for other work meanwhile.
      return server.taskState === 'image_uploading' ? attempt() : onGuest(server.id, attempt);
    },
  };
}

export type ServerTasks = ReturnType<typeof createServerTasks>;
