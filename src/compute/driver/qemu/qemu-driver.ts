// The QEMU compute driver: guests as detached QEMU processes under `<root>/instances/<uuid>/`, driven
// over QMP. The instance directory is the only state, so a new driver object (after a control-plane
// restart) finds, re-attaches to, and cleans up what an earlier one started.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { systemClock, type Clock } from '../../../common/clock.js';
import {
  isVolumeRoot,
  DriverError,
  PowerState,
  type ComputeDriver,
  type DriverEvent,
  type InstanceInfo,
  type InstanceSpec,
  type LifecycleTransition,
  type ResizeTarget,
  type StopOptions,
  type VolumeAttachment,
} from '../driver.js';
import { chooseAccelerator, type Accelerator } from './accel.js';
import * as disks from './disk-ops.js';
import { GuestMonitor } from './guest-monitor.js';
import { isAlive, isOurProcess, killVerified, spawnDetached, sleep, waitUntilDead } from './host-process.js';
import * as files from './instance-files.js';
import { powerdownAndWait } from './power-button.js';
import { buildQemuArgs } from './qemu-args.js';
import { asDriverError, invalidState, powerStateOf, UUID, validateSpec, wrapQmp } from './qemu-support.js';
import { attachVolumeLive, detachVolumeLive } from './volume-hotplug.js';
import { volumeNodeNames } from './volume-names.js';

const execFileAsync = promisify(execFile);
/** sockaddr_un.sun_path is 108 bytes including the NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

export interface QemuDriverConfig {
  /** Data root; instances live in `<root>/instances/<uuid>/`. */
  root: string;
  qemuBinary?: string;
  qemuImgBinary?: string;
  /** `auto` tries KVM once (see accel.ts) and falls back to TCG. */
  accelerator?: 'auto' | Accelerator;
  tcgTranslationBlockMiB?: number;
  /** How long a new QEMU may take to open its QMP socket. */
  launchTimeoutMs?: number;
  pollIntervalMs?: number;
  qmpCommandTimeoutMs?: number;
  clock?: Clock;
}

export class QemuDriver implements ComputeDriver {
  private readonly config: Required<QemuDriverConfig>;
  private readonly monitors = new Map<string, GuestMonitor>();
  private readonly listeners = new Set<(event: DriverEvent) => void>();
  private accelerator: Promise<Accelerator> | undefined;

  constructor(config: QemuDriverConfig) {
    this.config = {
      qemuBinary: 'qemu-system-x86_64',
      qemuImgBinary: 'qemu-img',
      accelerator: 'auto',
      tcgTranslationBlockMiB: 64,
      launchTimeoutMs: 30_000,
      pollIntervalMs: 1_000,
      qmpCommandTimeoutMs: 10_000,
      clock: systemClock,
      ...config,
    };
  }

  /** The accelerator guests get on this host (probed once). */
  resolveAccelerator(): Promise<Accelerator> {
    this.accelerator ??= chooseAccelerator(this.config.accelerator, this.config.qemuBinary);
    return this.accelerator;
  }

  async spawn(spec: InstanceSpec): Promise<InstanceInfo> {
    validateSpec(spec);
    const paths = files.instancePaths(this.config.root, spec.id);
    if (Buffer.byteLength(paths.qmpSocket) > MAX_SOCKET_PATH_BYTES) {
      throw new DriverError('HypervisorError', `instance root too long for a unix socket: ${paths.dir}`);
    }
    await mkdir(files.instancesDir(this.config.root), { recursive: true, mode: 0o700 });
    try {
      await mkdir(paths.dir, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new DriverError('AlreadyExists', `instance ${spec.id} exists on this host`, {
          instanceId: spec.id,
        });
      }
      throw err;
    }
    try {
      await files.writeFileAtomic(paths.specFile, JSON.stringify(spec));
      await this.createOverlay(spec, paths);
      if (spec.configDrive !== undefined) await copyFile(spec.configDrive.isoPath, paths.configDrive);
      return await this.launch(spec, paths);
    } catch (err) {
      await this.destroy(spec.id);
      throw asDriverError(err, spec.id, 'spawn failed');
    }
  }

  async stop(id: string, options: StopOptions): Promise<void> {
    const monitor = await this.runningMonitor(id);
    if (monitor === undefined) return;
    monitor.expectingExit = true;
    const { qmp, status } = await this.queryStatus(id, monitor);
    // A frozen guest cannot see the power button.
    if (options.soft && status === 'running') {
      if (await powerdownAndWait(id, qmp, monitor, options.timeoutMs)) return this.afterStop(id);
    }
    await this.forceExit(id, monitor);
    await this.afterStop(id);
  }

  async start(id: string): Promise<void> {
    const paths = await this.existingPaths(id);
    if ((await this.runningMonitor(id)) !== undefined) return;
    const spec = await files.readSpec(paths);
    if (spec === undefined)
      throw new DriverError('NotFound', `instance ${id} has no spec`, { instanceId: id });
    await this.launch(spec, paths);
  }

  async reboot(id: string, kind: 'soft' | 'hard', timeoutMs = 60_000): Promise<void> {
    const monitor = await this.runningMonitor(id);
    if (monitor === undefined) throw invalidState(id, 'is not running');
    const { qmp, status } = await this.queryStatus(id, monitor);
    if (kind === 'soft' && status === 'running') {
      monitor.expectingExit = true;
      if (await powerdownAndWait(id, qmp, monitor, timeoutMs)) return this.start(id);
      monitor.expectingExit = false;
    }
    await wrapQmp(id, async () => {
      await qmp.execute({ execute: 'system_reset' });
      if (status !== 'running') await qmp.execute({ execute: 'cont' });
    });
    this.suspendedIds.delete(id);
    await rm(files.instancePaths(this.config.root, id).suspendedMarker, { force: true });
  }

  pause(id: string): Promise<void> {
    return this.freeze(id, false);
  }

  unpause(id: string): Promise<void> {
    return this.thaw(id, false);
  }

  suspend(id: string): Promise<void> {
    return this.freeze(id, true);
  }

  resume(id: string): Promise<void> {
    return this.thaw(id, true);
  }

  async destroy(id: string): Promise<void> {
    if (!UUID.test(id)) return;
    const paths = files.instancePaths(this.config.root, id);
    const monitor = this.monitors.get(id);
    if (monitor !== undefined && !monitor.hasExited) {
      monitor.expectingExit = true;
      await this.forceExit(id, monitor);
    } else {
      const pid = await files.readPid(paths);
      if (pid !== undefined) {
        await killVerified(pid, id);
        await waitUntilDead(pid, 5_000);
      }
    }
    this.monitors.get(id)?.release();
    this.monitors.delete(id);
    await rm(paths.dir, { recursive: true, force: true });
  }

  async consoleOutput(id: string, lengthLines?: number): Promise<string> {
    const paths = await this.existingPaths(id);
    return files.tailFile(paths.consoleLog, lengthLines);
  }

  async status(id: string): Promise<InstanceInfo> {
    const paths = await this.existingPaths(id);
    const monitor = await this.runningMonitor(id);
    if (monitor === undefined) return { id, powerState: PowerState.Shutdown };
    const { status } = await this.queryStatus(id, monitor);
    const suspended = await files.exists(paths.suspendedMarker);
    return { id, powerState: powerStateOf(status, suspended), pid: monitor.pid };
  }

  /**
   * Scans the instance directories. Guests this driver does not supervise are reported from the pid
   * alone (Running, or Suspended by its marker); attach() or status() asks QEMU itself.
   */
  async list(): Promise<InstanceInfo[]> {
    let entries: string[];
    try {
      entries = await readdir(files.instancesDir(this.config.root));
    } catch {
      return [];
    }
    const result: InstanceInfo[] = [];
    for (const id of entries.filter((entry) => UUID.test(entry)).slice(0, 10_000)) {
      const paths = files.instancePaths(this.config.root, id);
      if (!(await files.exists(paths.specFile))) continue;
      const pid = await this.livePid(id);
      if (pid === undefined) result.push({ id, powerState: PowerState.Shutdown });
      else {
        const suspended = await files.exists(paths.suspendedMarker);
        result.push({ id, pid, powerState: suspended ? PowerState.Suspended : PowerState.Running });
      }
    }
    return result;
  }

  async attach(id: string): Promise<InstanceInfo> {
    await this.existingPaths(id);
    return this.status(id);
  }

  async attachVolume(id: string, volume: VolumeAttachment): Promise<void> {
    const paths = await this.existingPaths(id);
    const monitor = await this.runningMonitor(id);
    const volumes = await files.readVolumes(paths);
    // The root volume (boot from volume) is the guest's first disk already: never plug it twice.
    const root = (await files.readSpec(paths))?.rootDisk;
    const isRoot = root !== undefined && isVolumeRoot(root) && root.volumeId === volume.volumeId;
    if (isRoot || volumes.some((v) => v.volumeId === volume.volumeId)) {
      throw new DriverError('AlreadyExists', `volume ${volume.volumeId} is attached to ${id}`, {
        instanceId: id,
      });
    }
    // A stopped guest gets the disk on its command line at the next launch (volumes.json).
    if (monitor !== undefined) {
      await wrapQmp(id, async () => attachVolumeLive(await monitor.client(), volume));
    }
    await files.writeVolumes(paths, [...volumes, volume]);
  }

  async resizeVolume(id: string, volumeId: string, newSizeBytes: number): Promise<void> {
    const paths = await this.existingPaths(id);
    const volume = (await files.readVolumes(paths)).find((v) => v.volumeId === volumeId);
    if (volume === undefined) {
      throw new DriverError('NotFound', `volume ${volumeId} is not attached to ${id}`, { instanceId: id });
    }
    const monitor = await this.runningMonitor(id);
    if (monitor !== undefined) {
      const node = volumeNodeNames(volumeId).formatNode;
      await wrapQmp(id, async () =>
        (await monitor.client()).execute({
          execute: 'block_resize',
          arguments: { 'node-name': node, size: newSizeBytes },
        }),
      );
      return;
    }
    const current = await disks.virtualSizeBytes(this.config.qemuImgBinary, volume.path, id, volume.format);
    if (newSizeBytes < current) throw invalidState(id, `cannot shrink volume ${volumeId}`);
    if (newSizeBytes === current) return;
    const args = ['resize', '-q', '-f', volume.format, volume.path, String(newSizeBytes)];
    await disks.qemuImg(this.config.qemuImgBinary, args, id);
  }

  async detachVolume(id: string, volumeId: string, timeoutMs = 30_000): Promise<void> {
    const paths = await this.existingPaths(id);
    const volumes = await files.readVolumes(paths);
    if (!volumes.some((v) => v.volumeId === volumeId)) {
      throw new DriverError('NotFound', `volume ${volumeId} is not attached to ${id}`, { instanceId: id });
    }
    const monitor = await this.runningMonitor(id);
    if (monitor !== undefined) {
      await wrapQmp(id, async () => detachVolumeLive(await monitor.client(), volumeId, timeoutMs));
    }
    await files.writeVolumes(
      paths,
      volumes.filter((v) => v.volumeId !== volumeId),
    );
  }

  async resize(id: string, target: ResizeTarget): Promise<void> {
    const paths = await this.existingPaths(id);
    if ((await this.runningMonitor(id)) !== undefined) throw invalidState(id, 'must be stopped to resize');
    const spec = await files.readSpec(paths);
    if (spec === undefined)
      throw new DriverError('NotFound', `instance ${id} has no spec`, { instanceId: id });
    const point = disks.revertPointOf(paths);
    // A volume root (boot from volume) keeps its disk: only the spec changes, and only it is kept.
    if (isVolumeRoot(spec.rootDisk)) {
      if (!(await files.exists(point.spec))) await files.writeFileAtomic(point.spec, JSON.stringify(spec));
      await files.writeFileAtomic(paths.specFile, JSON.stringify(disks.resizedSpec(spec, target, 0)));
      return;
    }
    // A complete revert point belongs to this resize (taken before a crash): keep it, finish the rest.
    if (!(await disks.hasRevertPoint(point))) {
      await disks.copyAtomic(paths.disk, point.disk);
      await files.writeFileAtomic(point.spec, JSON.stringify(spec));
    }
    const diskBytes = await disks.virtualSizeBytes(this.config.qemuImgBinary, paths.disk, id);
    const next = disks.resizedSpec(spec, target, diskBytes);
    if ((next.rootDisk.sizeBytes ?? 0) > diskBytes) {
      const size = String(next.rootDisk.sizeBytes);
      await disks.qemuImg(this.config.qemuImgBinary, ['resize', '-q', '-f', 'qcow2', paths.disk, size], id);
    }
    await files.writeFileAtomic(paths.specFile, JSON.stringify(next));
  }

  async confirmResize(id: string): Promise<void> {
    const paths = await this.existingPaths(id);
    await disks.dropRevertPoint(disks.revertPointOf(paths));
  }

  async revertResize(id: string): Promise<void> {
    const paths = await this.existingPaths(id);
    const point = disks.revertPointOf(paths);
    if (!(await files.exists(point.disk)) && !(await files.exists(point.spec))) return;
    if ((await this.runningMonitor(id)) !== undefined) throw invalidState(id, 'must be stopped to revert');
    await disks.restoreRevertPoint(point, paths);
  }

  async snapshot(id: string, destPath: string): Promise<void> {
    const paths = await this.existingPaths(id);
    const monitor = await this.runningMonitor(id);
    const marker = disks.snapshotPauseMarker(paths);
    // Pause a running guest so that the disk is consistent while it is read: QMP stop drains and
    // flushes its I/O. The marker remembers that the pause is ours, for a retry after a crash.
    let resume = await files.exists(marker);
    if (monitor !== undefined) {
      const { qmp, status } = await this.queryStatus(id, monitor);
      if (status === 'running') {
        await writeFile(marker, '');
        await wrapQmp(id, () => qmp.execute({ execute: 'stop' }));
        resume = true;
      }
    }
    try {
      await disks.writeStandaloneCopy(this.config.qemuImgBinary, paths.disk, destPath, id);
    } finally {
      if (resume && monitor !== undefined && !monitor.hasExited) {
        await wrapQmp(id, async () => (await monitor.client()).execute({ execute: 'cont' }));
      }
      await rm(marker, { force: true });
    }
  }

  onEvent(listener: (event: DriverEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    for (const monitor of this.monitors.values()) monitor.release();
    this.monitors.clear();
    this.listeners.clear();
  }

  private async createOverlay(spec: InstanceSpec, paths: files.InstancePaths): Promise<void> {
    const root = spec.rootDisk;
    // A volume root is the volume's own file: no overlay (qemu-args opens it directly).
    if (isVolumeRoot(root)) return;
    const args = ['create', '-q', '-f', 'qcow2', '-b', root.baseImagePath, '-F', 'qcow2', paths.disk];
    if (root.sizeBytes !== undefined) args.push(String(root.sizeBytes));
    try {
      await execFileAsync(this.config.qemuImgBinary, args, { timeout: 60_000 });
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr ?? '';
      throw new DriverError('HypervisorError', `qemu-img create failed: ${stderr.trim()}`, {
        instanceId: spec.id,
        cause: err,
      });
    }
  }

  /** Start QEMU for an existing instance directory and supervise it; on failure no process remains. */
  private async launch(spec: InstanceSpec, paths: files.InstancePaths): Promise<InstanceInfo> {
    const accelerator = await this.resolveAccelerator();
    const volumes = await files.readVolumes(paths);
    const args = buildQemuArgs(
      spec,
      paths,
      { accelerator, tcgTranslationBlockMiB: this.config.tcgTranslationBlockMiB },
      volumes,
    );
    await files.removeRuntimeFiles(paths);
    await rm(paths.suspendedMarker, { force: true });
    await writeFile(paths.qemuLog, `--- launch ${this.config.clock.now().toISOString()}\n`, { flag: 'a' });
    // A tap opened by name must live in QEMU's own network namespace: `ip netns exec` enters it and
    // execs QEMU in place, so the pid is QEMU's.
    const netns = guestNetns(spec);
    const pid = netns
      ? await spawnDetached('ip', ['netns', 'exec', netns, this.config.qemuBinary, ...args], paths.qemuLog)
      : await spawnDetached(this.config.qemuBinary, args, paths.qemuLog);
    try {
      await writeFile(paths.pidFile, String(pid), { mode: 0o600 });
      const monitor = await this.connectWhenReady(spec.id, pid, paths);
      this.monitors.set(spec.id, monitor);
      this.emit(spec.id, 'started');
      return { id: spec.id, powerState: PowerState.Running, pid };
    } catch (err) {
      await killVerified(pid, spec.id);
      await waitUntilDead(pid, 5_000);
      await files.removeRuntimeFiles(paths);
      throw err;
    }
  }

  private async connectWhenReady(id: string, pid: number, paths: files.InstancePaths): Promise<GuestMonitor> {
    const attempts = Math.ceil(this.config.launchTimeoutMs / 100);
    for (let attempt = 0; attempt < attempts; attempt++) {
      // The pid is the child we just started: only its death counts. (Its command line is briefly
      // unreadable while `ip netns exec` execs QEMU; reading that as "gone" made us kill a healthy QEMU.)
      if (!(await isAlive(pid))) {
        // Give QEMU's last words a moment to reach the log, then quote them (or say there were none).
        await sleep(100);
        const said = (await files.tailFile(paths.qemuLog, 8))
          .split('\n')
          .filter((line) => line.trim() !== '' && !line.startsWith('--- launch'))
          .join('\n');
        const why = said === '' ? `pid ${pid} exited without a word (killed?)` : said;
        throw new DriverError('HypervisorError', `QEMU exited at start: ${why}`, { instanceId: id });
      }
      if (await files.exists(paths.qmpSocket)) {
        try {
          return await this.monitor(id, pid, paths);
        } catch {
          // The socket exists before QEMU listens on it; retry.
        }
      }
      await sleep(100);
    }
    throw new DriverError('Timeout', `QEMU did not open QMP within ${this.config.launchTimeoutMs} ms`, {
      instanceId: id,
    });
  }

  private monitor(id: string, pid: number, paths: files.InstancePaths): Promise<GuestMonitor> {
    return GuestMonitor.start({
      instanceId: id,
      pid,
      qmpSocket: paths.qmpSocket,
      pollIntervalMs: this.config.pollIntervalMs,
      commandTimeoutMs: this.config.qmpCommandTimeoutMs,
      isSuspended: () => this.suspendedIds.has(id),
      onTransition: (transition, detail) => this.onTransition(id, transition, detail),
    });
  }

  /** Ids currently recorded as suspended (so the STOP event reads as `suspended`). */
  private readonly suspendedIds = new Set<string>();

  private onTransition(id: string, transition: LifecycleTransition, detail?: string): void {
    if (transition === 'stopped' || transition === 'died') {
      const monitor = this.monitors.get(id);
      if (monitor?.hasExited === true) this.monitors.delete(id);
      this.suspendedIds.delete(id);
      // Stale pid/socket files are harmless (pids are checked against /proc, launch removes them);
      // deleting them here could race with a restart that already made new ones.
    }
    this.emit(id, transition, detail);
  }

  private emit(instanceId: string, transition: LifecycleTransition, detail?: string): void {
    const event: DriverEvent = { instanceId, transition, at: this.config.clock.now() };
    if (detail !== undefined) event.detail = detail;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; supervision must go on.
      }
    }
  }

  /** The monitor of a live guest, attaching to it if an earlier driver started it; undefined if stopped. */
  private async runningMonitor(id: string): Promise<GuestMonitor | undefined> {
    const paths = await this.existingPaths(id);
    const known = this.monitors.get(id);
    if (known !== undefined && !known.hasExited) return known;
    const pid = await this.livePid(id);
    if (pid === undefined) return undefined;
    const monitor = await wrapQmp(id, () => this.monitor(id, pid, paths));
    this.monitors.set(id, monitor);
    if (await files.exists(paths.suspendedMarker)) this.suspendedIds.add(id);
    return monitor;
  }

  private async livePid(id: string): Promise<number | undefined> {
    const pid = await files.readPid(files.instancePaths(this.config.root, id));
    return pid !== undefined && (await isOurProcess(pid, id)) ? pid : undefined;
  }

  private async existingPaths(id: string): Promise<files.InstancePaths> {
    const paths = files.instancePaths(this.config.root, id);
    if (!UUID.test(id) || !(await files.exists(paths.specFile))) {
      throw new DriverError('NotFound', `instance ${id} is not on this host`, { instanceId: id });
    }
    return paths;
  }

  private async freeze(id: string, suspend: boolean): Promise<void> {
    const monitor = await this.runningMonitor(id);
    if (monitor === undefined) throw invalidState(id, 'is not running');
    const { qmp, status } = await this.queryStatus(id, monitor);
    if (status !== 'running') throw invalidState(id, `is ${status}, not running`);
    const paths = files.instancePaths(this.config.root, id);
    if (suspend) {
      this.suspendedIds.add(id);
      await writeFile(paths.suspendedMarker, '');
    }
    try {
      await wrapQmp(id, () => qmp.execute({ execute: 'stop' }));
    } catch (err) {
      this.suspendedIds.delete(id);
      await rm(paths.suspendedMarker, { force: true });
      throw err;
    }
  }

  private queryStatus(id: string, monitor: GuestMonitor) {
    return wrapQmp(id, async () => {
      const qmp = await monitor.client();
      const { status } = await qmp.execute({ execute: 'query-status' });
      return { qmp, status };
    });
  }

  private async thaw(id: string, resume: boolean): Promise<void> {
    const monitor = await this.runningMonitor(id);
    if (monitor === undefined) throw invalidState(id, 'is not running');
    const paths = files.instancePaths(this.config.root, id);
    const suspended = await files.exists(paths.suspendedMarker);
    const { qmp, status } = await this.queryStatus(id, monitor);
    if (status !== 'paused' || suspended !== resume) {
      throw invalidState(id, `is not ${resume ? 'suspended' : 'paused'}`);
    }
    await wrapQmp(id, () => qmp.execute({ execute: 'cont' }));
    this.suspendedIds.delete(id);
    await rm(paths.suspendedMarker, { force: true });
  }

  /** QMP quit, then SIGKILL (after checking the pid is this guest's QEMU). */
  private async forceExit(id: string, monitor: GuestMonitor): Promise<void> {
    try {
      await (await monitor.client()).execute({ execute: 'quit' }, 2_000);
    } catch {
      // The connection closes as QEMU quits; a failure here is settled by the kill below.
    }
    if (await monitor.waitForExit(3_000)) return;
    await killVerified(monitor.pid, id);
    if (!(await waitUntilDead(monitor.pid, 5_000))) {
      throw new DriverError('HypervisorError', `QEMU pid ${monitor.pid} survived SIGKILL`, {
        instanceId: id,
      });
    }
    await monitor.waitForExit(this.config.pollIntervalMs * 2);
  }

  private async afterStop(id: string): Promise<void> {
    this.suspendedIds.delete(id);
    const paths = files.instancePaths(this.config.root, id);
    await rm(paths.suspendedMarker, { force: true });
    await files.removeRuntimeFiles(paths);
  }
}

/** The one namespace of a guest's taps (undefined: root namespace); taps in two namespaces are refused. */
function guestNetns(spec: InstanceSpec): string | undefined {
  const spaces = new Set<string>();
  for (const nic of spec.networkInterfaces) if (nic.kind === 'tap' && nic.netns) spaces.add(nic.netns);
  if (spaces.size > 1)
    throw new DriverError('HypervisorError', 'the taps of one guest must share a network namespace', {
      instanceId: spec.id,
    });
  return [...spaces][0];
}
