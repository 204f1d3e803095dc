// Disk work of the QEMU driver that happens beside a guest rather than inside it, all through qemu-img:
// the revert point a same-host resize keeps (copies of the overlay and the spec next to them), growing
// the overlay, and standalone qcow2 copies of the root disk for snapshots.
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { copyFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { DriverError, isVolumeRoot, type InstanceSpec, type ResizeTarget } from '../driver.js';
import { exists, type InstancePaths } from './instance-files.js';

const execFileAsync = promisify(execFile);
/** A snapshot or a disk copy of a large guest takes a while; a hung qemu-img must still end. */
const QEMU_IMG_TIMEOUT_MS = 30 * 60_000;

/**
 * Creates the guest's qcow2 overlay on its base image. A volume root is the volume's own file and an
 * RBD root the caller's image: they get no overlay.
 */
export async function createOverlay(binary: string, spec: InstanceSpec, paths: InstancePaths): Promise<void> {
  const root = spec.rootDisk;
  if (isVolumeRoot(root) || root.kind === 'rbd') return;
  const args = ['create', '-q', '-f', 'qcow2', '-b', root.baseImagePath, '-F', 'qcow2', paths.disk];
  if (root.sizeBytes !== undefined) args.push(String(root.sizeBytes));
  try {
    await execFileAsync(binary, args, { timeout: 60_000 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new DriverError('HypervisorError', `qemu-img create failed: ${stderr.trim()}`, {
      instanceId: spec.id,
      cause: err,
    });
  }
}

/** Where resize() keeps the disk and spec to go back to until the resize is confirmed or reverted. */
export interface RevertPoint {
  disk: string;
  spec: string;
}

export function revertPointOf(paths: InstancePaths): RevertPoint {
  return {
    disk: path.join(paths.dir, 'disk.qcow2.resize-orig'),
    spec: path.join(paths.dir, 'spec.json.resize-orig'),
  };
}

/** Marks a guest this driver paused for a snapshot, so that a retry after a crash resumes it. */
export function snapshotPauseMarker(paths: InstancePaths): string {
  return path.join(paths.dir, 'snapshot-paused');
}

/** The spec after a resize: the target's vCPUs and memory; the root disk only ever grows. */
export function resizedSpec(spec: InstanceSpec, target: ResizeTarget, diskBytes: number): InstanceSpec {
  return {
    ...spec,
    vcpus: target.vcpus,
    memoryMiB: target.memoryMiB,
    // A volume root keeps its size: the volume service owns it (Nova does not resize a boot volume).
    rootDisk: isVolumeRoot(spec.rootDisk)
      ? spec.rootDisk
      : { ...spec.rootDisk, sizeBytes: Math.max(diskBytes, target.rootDiskBytes ?? 0) },
  };
}

/** Arguments of `qemu-img convert` for a standalone qcow2 copy (no backing file) of a disk in use. */
export function standaloneCopyArgs(
  source: string,
  destination: string,
  format: 'qcow2' | 'raw' = 'qcow2',
): string[] {
  // -U (force-share): the running or paused QEMU holds the image's write lock.
  return ['convert', '-U', '-f', format, '-O', 'qcow2', source, destination];
}

export async function qemuImg(binary: string, args: readonly string[], id: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync(binary, [...args], {
      timeout: QEMU_IMG_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      maxBuffer: 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? (err as Error).message;
    throw new DriverError('HypervisorError', `qemu-img ${args[0] ?? ''} failed: ${stderr.trim()}`, {
      instanceId: id,
      cause: err,
    });
  }
}

/** The virtual size of a qcow2 image (read with -U, so a running guest's disk can be asked too). */
export async function virtualSizeBytes(
  binary: string,
  file: string,
  id: string,
  format: 'qcow2' | 'raw' = 'qcow2',
): Promise<number> {
  const out = await qemuImg(binary, ['info', '-U', '--output=json', '-f', format, file], id);
  const size = (JSON.parse(out) as { 'virtual-size'?: unknown })['virtual-size'];
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new DriverError('HypervisorError', `qemu-img info gave no virtual size for ${file}`, {
      instanceId: id,
    });
  }
  return size;
}

/** Copies a file through a temporary name (a reflink where the filesystem has them). */
export async function copyAtomic(source: string, destination: string): Promise<void> {
  const temporary = `${destination}.partial`;
  try {
    await copyFile(source, temporary, constants.COPYFILE_FICLONE);
    await rename(temporary, destination);
  } finally {
    await rm(temporary, { force: true });
  }
}

/** Whether both halves of a revert point are on disk. */
export async function hasRevertPoint(point: RevertPoint): Promise<boolean> {
  return (await exists(point.disk)) && (await exists(point.spec));
}

/**
 * Moves the revert point back over the disk and the spec. Each rename is atomic and each is skipped
 * when already done, so a retry after a crash between them completes the revert.
 */
export async function restoreRevertPoint(point: RevertPoint, paths: InstancePaths): Promise<void> {
  if (await exists(point.disk)) await rename(point.disk, paths.disk);
  if (await exists(point.spec)) await rename(point.spec, paths.specFile);
}

export async function dropRevertPoint(point: RevertPoint): Promise<void> {
  await rm(point.disk, { force: true });
  await rm(point.spec, { force: true });
}

/**
 * Writes a standalone qcow2 copy of `source` (a file, or an `rbd:` name in raw) at `destination`; on
 * failure nothing is left there.
 */
export async function writeStandaloneCopy(
  binary: string,
  source: string,
  destination: string,
  id: string,
  format: 'qcow2' | 'raw' = 'qcow2',
): Promise<void> {
  const temporary = `${destination}.partial`;
  try {
    await rm(destination, { force: true });
    await qemuImg(binary, standaloneCopyArgs(source, temporary, format), id);
    await rename(temporary, destination);
  } finally {
    await rm(temporary, { force: true });
  }
}
