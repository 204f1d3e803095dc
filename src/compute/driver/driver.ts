// The compute driver contract: what the compute service may ask of a hypervisor host. The doc comment
// on each method is the contract, including what is left behind when a call fails. Implementations:
// qemu/ (real guests), fake/ (in memory, asynchronous), faulty/ (wraps another, injects errors).

/** Nova's power states (nova/compute/power_state.py), with the same numeric values on the wire. */
export enum PowerState {
  NoState = 0,
  Running = 1,
  Paused = 3,
  Shutdown = 4,
  Crashed = 6,
  Suspended = 7,
}

/** A guest network interface: a pre-created tap device, or QEMU user-mode networking (tests, all-in-one). */
export type NetworkInterfaceSpec =
  | {
      kind: 'tap';
      /** The tap must already exist (the network driver creates it); QEMU opens it with script=no. */
      tapName: string;
      /**
       * The network namespace holding the tap (the linux data plane keeps its bridges in one). QEMU is
       * started inside it, so every tap of a guest must share it. Omitted: the root namespace.
       */
      netns?: string;
      /** 52:54:00:xx:xx:xx style MAC, lower case. */
      macAddress: string;
    }
  | {
      kind: 'user';
      macAddress: string;
      /** `restrict=on`: the guest reaches nothing but the forwards below. Default true. */
      restrict?: boolean;
      hostForwards: readonly HostForward[];
    };

export interface HostForward {
  protocol: 'tcp' | 'udp';
  /** Host address to bind, e.g. 127.0.0.1. */
  hostAddress: string;
  hostPort: number;
  guestPort: number;
}

/**
 * Everything a host needs to start a guest. Plain data (JSON-serialisable) so that a remote agent can
 * receive it; paths are paths on the host that runs the guest.
 */
export interface InstanceSpec {
  /** The server's UUID (dashed, lower case). It names the instance directory, SMBIOS serial and `-uuid`. */
  id: string;
  /** Guest display name; only used for the QEMU process title. */
  name: string;
  vcpus: number;
  memoryMiB: number;
  rootDisk: RootDisk;
  networkInterfaces: readonly NetworkInterfaceSpec[];
  /**
   * A config-2 ISO on this host (see compute/config-drive). The driver copies it into the instance
   * directory at spawn, so the caller may delete its file once spawn returns.
   */
  configDrive?: { isoPath: string };
}

/**
 * The guest's first disk: a qcow2 overlay on a base image, a volume used as it is (boot from volume), or
 * an RBD image (a clone of the image in RBD, or an RBD volume).
 */
export type RootDisk = ImageRootDisk | VolumeRootDisk | RbdRootDisk;

export interface ImageRootDisk {
  /** Absent in specs written before volume roots existed. */
  kind?: 'image';
  /** A qcow2 base image on this host. It is never written; the guest writes to a qcow2 overlay. */
  baseImagePath: string;
  /** Virtual size of the overlay. Omitted: the base image's size. Must not be smaller than it. */
  sizeBytes?: number;
}

/**
 * A volume's file (or block device) on this host as the root disk: no overlay; the guest writes to it.
 * The driver never creates, resizes or deletes it (destroy leaves it; the volume service owns it).
 */
export interface VolumeRootDisk {
  kind: 'volume';
  volumeId: string;
  path: string;
  format: 'qcow2' | 'raw';
  /** Never set: a volume keeps its own size (present so that `rootDisk.sizeBytes` reads on both kinds). */
  sizeBytes?: undefined;
}

/**
 * An RBD image (raw) as the root disk, opened through librbd with this host's Ceph client config: a
 * copy-on-write clone of the image that the caller made (`vms/<server>_disk`), or an RBD volume (boot
 * from volume, `volumeId` set). The driver never creates or deletes it; destroy leaves it.
 */
export interface RbdRootDisk {
  kind: 'rbd';
  pool: string;
  image: string;
  /** Set when the image is a block-storage volume: the driver then never resizes it either. */
  volumeId?: string;
  /** The size the guest's disk should have; resize grows the image (never shrinks it). */
  sizeBytes?: number;
}

export function isVolumeRoot(disk: RootDisk): disk is VolumeRootDisk {
  return disk.kind === 'volume';
}

/** The block-storage volume that is the root disk, if it is one (a file or an RBD volume). */
export function rootVolumeId(disk: RootDisk): string | undefined {
  if (disk.kind === 'volume') return disk.volumeId;
  if (disk.kind === 'rbd') return disk.volumeId;
  return undefined;
}

/** A disk image file on this host. `kind` is absent in records written before RBD disks existed. */
export interface FileDiskTarget {
  kind?: 'file';
  path: string;
  format: 'qcow2' | 'raw';
}

/** An RBD image (raw), opened through librbd with this host's Ceph client config; carries no secret. */
export interface RbdDiskTarget {
  kind: 'rbd';
  pool: string;
  image: string;
  /** A snapshot is opened read-only. */
  snapshot?: string;
}

export type DiskTarget = FileDiskTarget | RbdDiskTarget;

/**
 * A block device to hot-plug: the volume's id (its first 20 characters become the virtio serial, as
 * Nova does) and where it is, a file on this host or an RBD image.
 */
export type VolumeAttachment = {
  volumeId: string;
  readOnly?: boolean;
} & DiskTarget;

/** The sizes a resize gives a guest (the new flavor's). */
export interface ResizeTarget {
  vcpus: number;
  memoryMiB: number;
  /** The root disk's new virtual size; omitted or not larger than now: the disk keeps its size. */
  rootDiskBytes?: number;
}

export interface StopOptions {
  /** true: ACPI power button first, then force after timeoutMs. false: force at once. */
  soft: boolean;
  /** How long the guest may take to power off by itself. */
  timeoutMs: number;
}

/** What a host knows about one of its guests. */
export interface InstanceInfo {
  id: string;
  powerState: PowerState;
  /** The hypervisor process id while one runs. */
  pid?: number;
}

export type LifecycleTransition = 'started' | 'stopped' | 'paused' | 'resumed' | 'suspended' | 'died';

/**
 * Something that happened to a guest without (or after) being asked: `stopped` is an orderly power-off
 * (guest-initiated or requested), `died` is a hypervisor exit with no shutdown (crash, kill -9).
 */
export interface DriverEvent {
  instanceId: string;
  transition: LifecycleTransition;
  at: Date;
  detail?: string;
}

export type DriverErrorCode =
  'NotFound' | 'AlreadyExists' | 'InvalidState' | 'Timeout' | 'HypervisorError' | 'Injected';

/**
 * The one error drivers throw. The compute service maps it to an ApiError (NotFound → 404,
 * InvalidState → 409, the rest → 500/503) and to instance fault records.
 */
export class DriverError extends Error {
  readonly code: DriverErrorCode;
  readonly instanceId: string | undefined;

  constructor(
    code: DriverErrorCode,
    message: string,
    options: { instanceId?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'DriverError';
    this.code = code;
    this.instanceId = options.instanceId;
  }
}

export function isDriverError(err: unknown, code?: DriverErrorCode): err is DriverError {
  return err instanceof DriverError && (code === undefined || err.code === code);
}

/**
 * A hypervisor host. All methods are asynchronous and safe to call concurrently for different
 * instances; callers serialise operations on one instance (the compute service holds a per-instance
 * task state). Unknown ids reject with DriverError('NotFound').
 */
/** The interactive consoles a guest may offer (Nova's `serial` and `vnc` protocols). */
export type ConsoleKind = 'serial' | 'vnc';

export interface ComputeDriver {
  /**
   * Create the guest's disk and start it. Resolves once the hypervisor runs the guest (power state
   * Running), not when the guest OS has booted. Rejects with AlreadyExists if the id exists on this
   * host. If spawn fails, nothing is left: no process, no directory, no overlay.
   */
  spawn(spec: InstanceSpec): Promise<InstanceInfo>;

  /**
   * Power the guest off and stop its hypervisor process; disks stay. Soft: ACPI power button, wait up
   * to timeoutMs for the guest to power off, then force. Idempotent: stopping a stopped guest is a
   * no-op. Emits `stopped`.
   */
  stop(id: string, options: StopOptions): Promise<void>;

  /** Start a stopped guest with the spec it was spawned with. No-op if it already runs. */
  start(id: string): Promise<void>;

  /**
   * soft: ACPI power-off (bounded by timeoutMs, default 60 s), then start again; falls back to hard
   * if the guest does not power off. hard: reset the virtual machine at once. The guest must run or
   * be paused (InvalidState otherwise).
   */
  reboot(id: string, kind: 'soft' | 'hard', timeoutMs?: number): Promise<void>;

  /** Freeze the vCPUs (QMP stop); memory stays resident. Requires Running. */
  pause(id: string): Promise<void>;

  /** Undo pause (QMP cont). Requires Paused. */
  unpause(id: string): Promise<void>;

  /**
   * Suspend: here the same freeze as pause, but recorded as Suspended (memory stays in the QEMU
   * process; no save-to-disk yet, so a host reboot loses a suspended guest's memory). Requires Running.
   */
  suspend(id: string): Promise<void>;

  /** Undo suspend. Requires Suspended. */
  resume(id: string): Promise<void>;

  /**
   * Remove the guest entirely: kill the hypervisor if it runs, delete its sockets, logs, overlay and
   * config drive. Idempotent: destroying an unknown id resolves. Volumes (attachments) are not touched.
   */
  destroy(id: string): Promise<void>;

  /** The last `lengthLines` lines of the serial console log (all when omitted). */
  consoleOutput(id: string, lengthLines?: number): Promise<string>;

  /**
   * The unix socket of the guest's serial port (`serial`) or VNC server (`vnc`), for the console proxy
   * (src/console/). Undefined when this driver has no such console; fails like `status` for an unknown id.
   * Optional: drivers without interactive consoles leave it out and the remote-consoles API answers 400.
   */
  consoleSocket?(id: string, kind: ConsoleKind): Promise<string | undefined>;

  /** The current power state, asked of the hypervisor (not a cache). */
  status(id: string): Promise<InstanceInfo>;

  /**
   * Every instance this host holds, running or not, found from the host itself (not from memory),
   * so that the compute service can reconcile after a control-plane restart.
   */
  list(): Promise<InstanceInfo[]>;

  /**
   * Take control of a guest that outlived a previous driver (control-plane restart): reconnect to its
   * control socket and resume supervision. Resolves with its state; a stopped guest attaches too.
   * One driver object holds a guest at a time (QEMU serves one QMP client): close() the old one first,
   * or attach fails with Timeout. Methods of this interface attach on demand, so attach() is optional.
   */
  attach(id: string): Promise<InstanceInfo>;

  /**
   * Attach a volume as a virtio disk. A running or paused guest gets it hot-plugged: resolves when the
   * hypervisor has the device (the guest notices a moment later). A stopped guest gets it at its next
   * start (cold attach). Either way the host records it, so every later start (os-start, resize, a
   * reboot that restarts the hypervisor) plugs it again. AlreadyExists if the volume is recorded for
   * this guest or is its root disk (a re-attach after a control-plane restart relies on this: no
   * double plug). If it fails, nothing stays attached.
   */
  attachVolume(id: string, volume: VolumeAttachment): Promise<void>;

  /**
   * Ask the guest to release the disk and wait up to timeoutMs (default 30 s) for it. On Timeout the
   * device stays attached and the call may be retried.
   */
  detachVolume(id: string, volumeId: string, timeoutMs?: number): Promise<void>;

  /**
   * Grow an attached volume to `newSizeBytes` while the host holds it open: QMP block_resize on a live
   * guest (the guest sees the new capacity at once), the image file itself for a stopped one. NotFound
   * if the volume is not attached to this guest; never shrinks (InvalidState if newSizeBytes is smaller).
   */
  resizeVolume(id: string, volumeId: string, newSizeBytes: number): Promise<void>;

  /**
   * Same-host resize of a stopped guest (InvalidState if it runs or is paused): keep its current disk
   * and spec as the revert point, grow the root disk to `target.rootDiskBytes` (never shrink), and store
   * the new vCPUs and memory in the spec that start() uses. Does not start the guest. Idempotent: when
   * the stored spec already has the target and a revert point exists, it resolves at once; an older
   * revert point (a resize confirmed without cleanup) is replaced. On failure the guest keeps its
   * revert point, so revertResize() puts it back.
   */
  resize(id: string, target: ResizeTarget): Promise<void>;

  /** Forget the revert point of a resize (its disk copy is deleted). Idempotent. */
  confirmResize(id: string): Promise<void>;

  /**
   * Put back the disk and spec saved by resize() and forget the revert point; the guest must be stopped
   * (InvalidState otherwise). Resolves at once when there is no revert point (already reverted).
   */
  revertResize(id: string): Promise<void>;

  /**
   * Write the root disk as a standalone qcow2 (no backing file) to `destPath` on this host, replacing any
   * file there. A running guest is paused while its disk is read and resumed afterwards; a stopped,
   * paused or suspended guest stays as it is. On failure nothing is left at `destPath`.
   */
  snapshot(id: string, destPath: string): Promise<void>;

  /** Subscribe to lifecycle events; returns the unsubscribe function. */
  onEvent(listener: (event: DriverEvent) => void): () => void;

  /** Release this driver's connections and timers. Guests keep running (see attach). */
  close(): Promise<void>;
}
