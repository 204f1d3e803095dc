// The on-host layout of one instance: `<root>/instances/<uuid>/` holds everything the driver needs to
// restart, re-attach to, or remove a guest, so nothing about a guest lives only in process memory.
import path from 'node:path';
import { access, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { InstanceSpec, VolumeAttachment } from '../driver.js';

export interface InstancePaths {
  dir: string;
  /** qcow2 overlay on the base image. */
  disk: string;
  /** A copy of the caller's config-2 ISO (Nova's name for it). */
  configDrive: string;
  qmpSocket: string;
  consoleSocket: string;
  /** QEMU's VNC server (no TCP port: only the console proxy reaches it). */
  vncSocket: string;
  consoleLog: string;
  /** QEMU's own stdout/stderr. */
  qemuLog: string;
  pidFile: string;
  /** The spec the instance was spawned with, for start() after a stop or a restart. */
  specFile: string;
  /** Volumes attached now, re-plugged at start(). */
  volumesFile: string;
  /** Present while the guest is suspended (pause recorded as suspend). */
  suspendedMarker: string;
}

export function instancesDir(root: string): string {
  return path.join(root, 'instances');
}

export function instancePaths(root: string, id: string): InstancePaths {
  const dir = path.join(instancesDir(root), id);
  return {
    dir,
    disk: path.join(dir, 'disk.qcow2'),
    configDrive: path.join(dir, 'disk.config'),
    qmpSocket: path.join(dir, 'qmp.sock'),
    consoleSocket: path.join(dir, 'console.sock'),
    vncSocket: path.join(dir, 'vnc.sock'),
    consoleLog: path.join(dir, 'console.log'),
    qemuLog: path.join(dir, 'qemu.log'),
    pidFile: path.join(dir, 'pid'),
    specFile: path.join(dir, 'spec.json'),
    volumesFile: path.join(dir, 'volumes.json'),
    suspendedMarker: path.join(dir, 'suspended'),
  };
}

/** The unix socket of the guest's serial port or VNC server (the console proxy connects to it). */
export function socketOf(paths: InstancePaths, kind: 'serial' | 'vnc'): string {
  return kind === 'vnc' ? paths.vncSocket : paths.consoleSocket;
}

/** Write via a temporary name and rename, so a crash never leaves half a file. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const temporary = `${file}.tmp`;
  await writeFile(temporary, content, { mode: 0o600 });
  await rename(temporary, file);
}

export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function readSpec(paths: InstancePaths): Promise<InstanceSpec | undefined> {
  return readJson<InstanceSpec>(paths.specFile);
}

export async function readVolumes(paths: InstancePaths): Promise<VolumeAttachment[]> {
  return (await readJson<VolumeAttachment[]>(paths.volumesFile)) ?? [];
}

export async function writeVolumes(
  paths: InstancePaths,
  volumes: readonly VolumeAttachment[],
): Promise<void> {
  await writeFileAtomic(paths.volumesFile, JSON.stringify(volumes));
}

export async function readPid(paths: InstancePaths): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(paths.pidFile, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 1 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** Remove what only a running QEMU uses, after it has exited. */
export async function removeRuntimeFiles(paths: InstancePaths): Promise<void> {
  await Promise.all(
    [paths.pidFile, paths.qmpSocket, paths.consoleSocket, paths.vncSocket].map((f) => rm(f, { force: true })),
  );
}

/** The last `lines` lines of a text file, reading at most `maxBytes` from its end. */
export async function tailFile(
  file: string,
  lines: number | undefined,
  maxBytes = 1024 * 1024,
): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const text = buffer.toString('utf8');
    if (lines === undefined) return text;
    const all = text.split('\n');
    const trailing = all[all.length - 1] === '' ? 1 : 0;
    return all.slice(Math.max(0, all.length - trailing - lines)).join('\n');
  } finally {
    await handle.close();
  }
}
