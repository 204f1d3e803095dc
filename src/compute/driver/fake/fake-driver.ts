// An in-memory compute driver with the QEMU driver's contract and honest timing: every operation
// completes after a configurable delay on a timer, overlapping operations on one instance are refused,
// and tests can make guests crash or power off on their own.
import { rm, writeFile } from 'node:fs/promises';
import { systemClock, type Clock } from '../../../common/clock.js';
import {
  DriverError,
  rootVolumeId,
  PowerState,
  type ComputeDriver,
  type DriverEvent,
  type InstanceInfo,
  type InstanceSpec,
  type LifecycleTransition,
  type ResizeTarget,
  type StopOptions,
  type VolumeAttachment,
  type ConsoleKind,
} from '../driver.js';
import { emptyQcow2 } from './empty-qcow2.js';
import { FakeConsoles } from './fake-consoles.js';

/** Milliseconds each operation takes. */
export interface FakeDelays {
  spawnMs: number;
  stopMs: number;
  startMs: number;
  rebootMs: number;
  pauseMs: number;
  destroyMs: number;
  volumeMs: number;
  resizeMs: number;
  snapshotMs: number;
}

export interface FakeDriverOptions {
  delays?: Partial<FakeDelays>;
  clock?: Clock;
  /** How many guests this fake host holds at most; spawn beyond it fails like a full host. */
  maxInstances?: number;
  /** Where guests' console sockets listen (fake-consoles.ts); without it the driver has no consoles. */
  consoleDir?: string;
}

interface FakeInstance {
  spec: InstanceSpec;
  powerState: PowerState;
  pid: number;
  volumes: Map<string, VolumeAttachment>;
  console: string[];
  /** The operation in flight, if any: the caller must serialise per instance. */
  busy: string | undefined;
  /** The spec before an unconfirmed resize (the fake's "disk" is its spec). */
  revertPoint: InstanceSpec | undefined;
}

const DEFAULT_DELAYS: FakeDelays = {
  spawnMs: 20,
  stopMs: 10,
  startMs: 10,
  rebootMs: 10,
  pauseMs: 2,
  destroyMs: 5,
  volumeMs: 5,
  resizeMs: 5,
  snapshotMs: 5,
};

export class FakeDriver implements ComputeDriver {
  private readonly instances = new Map<string, FakeInstance>();
  private readonly listeners = new Set<(event: DriverEvent) => void>();
  /** Sizes given by resizeVolume, by volume id. */
  private readonly volumeSizes = new Map<string, number>();
  private readonly delays: FakeDelays;
  private readonly clock: Clock;
  private readonly maxInstances: number;
  private nextPid = 10_000;
  private readonly consoles: FakeConsoles | undefined;
  /** Present only with `consoleDir`, as the contract's optional method (absent: no consoles). */
  readonly consoleSocket?: (id: string, kind: ConsoleKind) => Promise<string | undefined>;

  constructor(options: FakeDriverOptions = {}) {
    this.delays = { ...DEFAULT_DELAYS, ...options.delays };
    this.clock = options.clock ?? systemClock;
    this.maxInstances = options.maxInstances ?? 1_000;
    if (options.consoleDir !== undefined) {
      const consoles = new FakeConsoles(options.consoleDir);
      this.consoles = consoles;
      this.consoleSocket = (id, kind) => {
        const instance = this.get(id);
        return consoles.socketFor(id, kind, () => instance.console);
      };
    }
  }

  async spawn(spec: InstanceSpec): Promise<InstanceInfo> {
    if (this.instances.has(spec.id)) {
      throw new DriverError('AlreadyExists', `instance ${spec.id} exists`, { instanceId: spec.id });
    }
    if (this.instances.size >= this.maxInstances) {
      throw new DriverError('HypervisorError', 'fake host is full', { instanceId: spec.id });
    }
    const instance: FakeInstance = {
      spec: structuredClone(spec),
      powerState: PowerState.NoState,
      pid: this.nextPid++,
      volumes: new Map(),
      console: [],
      busy: 'spawn',
      revertPoint: undefined,
    };
    this.instances.set(spec.id, instance);
    await delay(this.delays.spawnMs);
    instance.busy = undefined;
    if (this.instances.get(spec.id) !== instance) {
      throw new DriverError('HypervisorError', `instance ${spec.id} was destroyed while spawning`);
    }
    this.boot(instance);
    return this.info(instance);
  }

  async stop(id: string, options: StopOptions): Promise<void> {
    const instance = this.get(id);
    if (instance.powerState === PowerState.Shutdown) return;
    await this.task(instance, 'stop', this.delays.stopMs, () => {
      if (options.soft && instance.powerState === PowerState.Running) instance.console.push('GUEST-POWEROFF');
      this.powerOff(instance, 'stopped');
    });
  }

  async start(id: string): Promise<void> {
    const instance = this.get(id);
    if (instance.powerState !== PowerState.Shutdown) return;
    await this.task(instance, 'start', this.delays.startMs, () => this.boot(instance));
  }

  async reboot(id: string, kind: 'soft' | 'hard'): Promise<void> {
    const instance = this.get(id);
    this.require(instance, [PowerState.Running, PowerState.Paused, PowerState.Suspended], 'reboot');
    await this.task(instance, `reboot-${kind}`, this.delays.rebootMs, () => {
      if (kind === 'soft' && instance.powerState === PowerState.Running) {
        this.powerOff(instance, 'stopped');
      }
      this.boot(instance);
    });
  }

  pause(id: string): Promise<void> {
    return this.freeze(id, PowerState.Running, PowerState.Paused, 'paused');
  }

  unpause(id: string): Promise<void> {
    return this.freeze(id, PowerState.Paused, PowerState.Running, 'resumed');
  }

  suspend(id: string): Promise<void> {
    return this.freeze(id, PowerState.Running, PowerState.Suspended, 'suspended');
  }

  resume(id: string): Promise<void> {
    return this.freeze(id, PowerState.Suspended, PowerState.Running, 'resumed');
  }

  async destroy(id: string): Promise<void> {
    const instance = this.instances.get(id);
    if (instance === undefined) return;
    // Destroy may interrupt anything (Nova deletes during any task), so it ignores `busy`.
    this.instances.delete(id);
    await this.consoles?.close(id);
    await delay(this.delays.destroyMs);
    if (instance.powerState !== PowerState.Shutdown && instance.powerState !== PowerState.NoState) {
      this.emit(id, 'stopped');
    }
  }

  async consoleOutput(id: string, lengthLines?: number): Promise<string> {
    const lines = this.get(id).console;
    const chosen = lengthLines === undefined ? lines : lines.slice(Math.max(0, lines.length - lengthLines));
    return chosen.join('\n');
  }

  async status(id: string): Promise<InstanceInfo> {
    return this.info(this.get(id));
  }

  async list(): Promise<InstanceInfo[]> {
    return [...this.instances.values()].map((instance) => this.info(instance));
  }

  async attach(id: string): Promise<InstanceInfo> {
    return this.info(this.get(id));
  }

  async attachVolume(id: string, volume: VolumeAttachment): Promise<void> {
    const instance = this.get(id);
    // A stopped guest gets the disk at its next start (cold attach), as the contract says.
    this.require(
      instance,
      [PowerState.Running, PowerState.Paused, PowerState.Suspended, PowerState.Shutdown],
      'attach a volume to',
    );
    // The root volume (boot from volume) is the guest's first disk already: never plug it twice.
    const root = instance.spec.rootDisk;
    if (instance.volumes.has(volume.volumeId) || rootVolumeId(root) === volume.volumeId) {
      throw new DriverError('AlreadyExists', `volume ${volume.volumeId} is attached to ${id}`, {
        instanceId: id,
      });
    }
    await this.task(instance, 'attach-volume', this.delays.volumeMs, () => {
      instance.volumes.set(volume.volumeId, { ...volume });
      instance.console.push(`GUEST-HOTPLUG action=add serial=${volume.volumeId.slice(0, 20)}`);
    });
  }

  async detachVolume(id: string, volumeId: string): Promise<void> {
    const instance = this.get(id);
    if (!instance.volumes.has(volumeId)) {
      throw new DriverError('NotFound', `volume ${volumeId} is not attached to ${id}`, { instanceId: id });
    }
    await this.task(instance, 'detach-volume', this.delays.volumeMs, () => {
      instance.volumes.delete(volumeId);
      instance.console.push('GUEST-HOTPLUG action=remove');
    });
  }

  async resizeVolume(id: string, volumeId: string, newSizeBytes: number): Promise<void> {
    const instance = this.get(id);
    if (!instance.volumes.has(volumeId)) {
      throw new DriverError('NotFound', `volume ${volumeId} is not attached to ${id}`, { instanceId: id });
    }
    if (newSizeBytes < (this.volumeSizes.get(volumeId) ?? 0)) {
      throw new DriverError('InvalidState', `cannot shrink volume ${volumeId}`, { instanceId: id });
    }
    await this.task(instance, 'resize-volume', this.delays.volumeMs, () => {
      this.volumeSizes.set(volumeId, newSizeBytes);
    });
  }

  /** Test hook: the size the last resizeVolume gave a volume (undefined: never resized). */
  volumeSizeOf(volumeId: string): number | undefined {
    return this.volumeSizes.get(volumeId);
  }

  async resize(id: string, target: ResizeTarget): Promise<void> {
    const instance = this.get(id);
    this.require(instance, [PowerState.Shutdown], 'resize');
    const { spec } = instance;
    const grown = Math.max(spec.rootDisk.sizeBytes ?? 0, target.rootDiskBytes ?? 0);
    const done =
      spec.vcpus === target.vcpus &&
      spec.memoryMiB === target.memoryMiB &&
      (spec.rootDisk.sizeBytes ?? 0) === grown;
    if (done && instance.revertPoint !== undefined) return;
    await this.task(instance, 'resize', this.delays.resizeMs, () => {
      instance.revertPoint = structuredClone(spec);
      instance.spec = {
        ...spec,
        vcpus: target.vcpus,
        memoryMiB: target.memoryMiB,
        // A volume root keeps its own size (the volume service owns it), a file or an RBD image alike.
        rootDisk:
          spec.rootDisk.kind === 'volume' || rootVolumeId(spec.rootDisk) !== undefined
            ? spec.rootDisk
            : { ...spec.rootDisk, ...(grown > 0 && { sizeBytes: grown }) },
      };
    });
  }

  async confirmResize(id: string): Promise<void> {
    this.get(id).revertPoint = undefined;
  }

  async revertResize(id: string): Promise<void> {
    const instance = this.get(id);
    const saved = instance.revertPoint;
    if (saved === undefined) return;
    this.require(instance, [PowerState.Shutdown], 'revert the resize of');
    await this.task(instance, 'revert-resize', this.delays.resizeMs, () => {
      instance.spec = saved;
      instance.revertPoint = undefined;
    });
  }

  /** Writes an empty qcow2 of the disk's virtual size (1 GiB when the spec does not say), a valid image. */
  async snapshot(id: string, destPath: string): Promise<void> {
    const instance = this.get(id);
    await this.task(instance, 'snapshot', this.delays.snapshotMs, () => undefined);
    try {
      await writeFile(destPath, emptyQcow2(instance.spec.rootDisk.sizeBytes ?? 1024 ** 3));
    } catch (err) {
      await rm(destPath, { force: true });
      throw new DriverError('HypervisorError', `snapshot of ${id} failed`, { instanceId: id, cause: err });
    }
  }

  /** Test hook: the spec the instance would start with now (after resizes). */
  specOf(id: string): InstanceSpec {
    return structuredClone(this.get(id).spec);
  }

  onEvent(listener: (event: DriverEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.consoles?.closeAll();
  }

  /** Test hook: the hypervisor process dies (power state Shutdown, event `died`). */
  crash(id: string): void {
    this.powerOff(this.get(id), 'died');
  }

  /** Test hook: the guest powers itself off (event `stopped`). */
  guestPowerOff(id: string): void {
    const instance = this.get(id);
    instance.console.push('GUEST-POWEROFF');
    this.powerOff(instance, 'stopped');
  }

  /** Test hook: volumes attached to an instance. */
  volumesOf(id: string): VolumeAttachment[] {
    return [...this.get(id).volumes.values()];
  }

  private async freeze(id: string, from: PowerState, to: PowerState, transition: LifecycleTransition) {
    const instance = this.get(id);
    this.require(instance, [from], transition === 'resumed' ? 'resume' : 'freeze');
    await this.task(instance, transition, this.delays.pauseMs, () => {
      instance.powerState = to;
      this.emit(id, transition);
    });
  }

  /** Run `apply` after `delayMs`, holding the instance busy meanwhile; skipped if destroyed meanwhile. */
  private async task(
    instance: FakeInstance,
    name: string,
    delayMs: number,
    apply: () => void,
  ): Promise<void> {
    if (instance.busy !== undefined) {
      throw new DriverError('InvalidState', `instance ${instance.spec.id} is busy (${instance.busy})`, {
        instanceId: instance.spec.id,
      });
    }
    instance.busy = name;
    try {
      await delay(delayMs);
    } finally {
      instance.busy = undefined;
    }
    if (this.instances.get(instance.spec.id) !== instance) {
      throw new DriverError('NotFound', `instance ${instance.spec.id} was destroyed`, {
        instanceId: instance.spec.id,
      });
    }
    apply();
  }

  private boot(instance: FakeInstance): void {
    instance.powerState = PowerState.Running;
    instance.pid = this.nextPid++;
    instance.console.push(`GUEST-READY hostname=${instance.spec.name}`);
    this.emit(instance.spec.id, 'started');
  }

  private powerOff(instance: FakeInstance, transition: 'stopped' | 'died'): void {
    if (instance.powerState === PowerState.Shutdown) return;
    instance.powerState = PowerState.Shutdown;
    this.emit(instance.spec.id, transition);
  }

  private require(instance: FakeInstance, allowed: readonly PowerState[], what: string): void {
    if (!allowed.includes(instance.powerState)) {
      throw new DriverError(
        'InvalidState',
        `cannot ${what} instance ${instance.spec.id} in ${PowerState[instance.powerState]}`,
        {
          instanceId: instance.spec.id,
        },
      );
    }
  }

  private get(id: string): FakeInstance {
    const instance = this.instances.get(id);
    if (instance === undefined)
      throw new DriverError('NotFound', `instance ${id} is not on this host`, { instanceId: id });
    return instance;
  }

  private info(instance: FakeInstance): InstanceInfo {
    const info: InstanceInfo = { id: instance.spec.id, powerState: instance.powerState };
    if (instance.powerState !== PowerState.Shutdown && instance.powerState !== PowerState.NoState) {
      info.pid = instance.pid;
    }
    return info;
  }

  private emit(instanceId: string, transition: LifecycleTransition): void {
    const event: DriverEvent = { instanceId, transition, at: this.clock.now() };
    // Listeners run on a later tick, as a real hypervisor's events do.
    queueMicrotask(() => {
      for (const listener of [...this.listeners]) listener(event);
    });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
