// The HostAgent contract: what the control plane asks of one hypervisor host (docs/multi-host.md). Calls
// carry ids and values, never host paths: the agent maps ids to its own files, taps and ISOs. The same
// contract is served in process (local-agent.ts, all-in-one), over HTTP (http-agent.ts ↔ agent-server.ts),
// in memory (fake-agent.ts) and with seeded failures (faulty-agent.ts).
import type { InstanceInfo, PowerState, ResizeTarget, StopOptions } from '../compute/driver/driver.js';

export type { ResizeTarget, StopOptions };

/** One guest as its host knows it: Nova's power state and the hypervisor's pid while it runs. */
export interface GuestInfo extends InstanceInfo {
  powerState: PowerState;
}

/** A Neutron port as the host plugs it: the agent makes its tap and wires it to the network. */
export interface GuestPort {
  portId: string;
  networkId: string;
  networkName: string;
  macAddress: string;
  fixedIps: { address: string; version: 4 | 6; subnetId?: string }[];
  /** The network's MTU (1450 on VXLAN); omitted: the host's default. */
  mtu?: number;
}

/**
 * The root disk: a copy-on-write overlay on an image the agent fetches and caches, an RBD image (a clone
 * the control plane made, or an RBD volume), or a block-storage volume on the host's volume backend.
 */
export type GuestRootDisk =
  | { kind: 'image'; imageId: string; projectId: string; sizeBytes?: number }
  | { kind: 'rbd'; pool: string; image: string; volumeId?: string; sizeBytes?: number }
  | { kind: 'volume'; volumeId: string; format: 'qcow2' | 'raw' };

/** A config-drive file: its path inside the ISO and its bytes (the agent writes the ISO). */
export interface ConfigDriveFile {
  path: string;
  contentBase64: string;
}

/** Everything a host needs to start a guest, as plain JSON data. */
export interface GuestSpec {
  /** The server's UUID. */
  id: string;
  name: string;
  vcpus: number;
  memoryMiB: number;
  rootDisk: GuestRootDisk;
  ports: GuestPort[];
  configDrive?: { files: ConfigDriveFile[] };
}

/** A volume to hot-plug: an RBD image, or a volume on the host's own volume backend (by id). */
export type GuestVolume = { volumeId: string; readOnly?: boolean } & (
  { kind: 'rbd'; pool: string; image: string } | { kind: 'file'; format: 'qcow2' | 'raw' }
);

export type PowerAction = 'start' | 'stop' | 'pause' | 'unpause' | 'suspend' | 'resume';

/** What a guest's consoles offer: the serial log's tail, and which interactive consoles exist. */
export interface ConsoleInfo {
  output: string;
  serial: boolean;
  vnc: boolean;
}

/** What a host reports of itself in its heartbeat. */
export interface HostCapacity {
  vcpus: number;
  memoryMiB: number;
  diskGib: number;
}

/**
 * One hypervisor host. Methods fail with DriverError (compute/driver/driver.ts), whose code survives the
 * HTTP transport: NotFound for an unknown guest, InvalidState for a guest in the wrong power state,
 * AlreadyExists, Timeout, HypervisorError, Injected. The control plane serialises calls on one guest
 * (withLock('guest', id)); calls on different guests may overlap.
 */
export interface HostAgent {
  /** The host's name (Nova's OS-EXT-SRV-ATTR:host). */
  readonly host: string;

  /**
   * Prepare the root disk, plug the ports, write the config drive and start the guest; resolves once the
   * hypervisor runs it. AlreadyExists if the id is on this host. A failed spawn leaves nothing behind.
   */
  spawnGuest(spec: GuestSpec): Promise<GuestInfo>;

  /** Remove the guest, its files and its taps. Idempotent: an unknown id resolves. Volumes stay. */
  destroyGuest(id: string): Promise<void>;

  /**
   * start/stop (stop: soft with options.soft, bounded by timeoutMs, then forced), pause/unpause,
   * suspend/resume. start and stop are idempotent; the others need the matching power state.
   */
  powerGuest(id: string, action: PowerAction, options?: StopOptions): Promise<void>;

  /** soft: ACPI power-off then start (bounded by timeoutMs); hard: reset at once. */
  rebootGuest(id: string, kind: 'soft' | 'hard', timeoutMs?: number): Promise<void>;

  /** Same-host resize of a stopped guest, keeping a revert point (ComputeDriver.resize). */
  resizeGuest(id: string, target: ResizeTarget): Promise<void>;
  confirmResize(id: string): Promise<void>;
  revertResize(id: string): Promise<void>;

  /**
   * Write the root disk as a standalone qcow2 and hand it to the control plane as the data of the queued
   * image `imageId`. On failure the image gets no data.
   */
  snapshotGuest(id: string, imageId: string): Promise<void>;

  /** Hot-plug (or record for the next start) a volume; AlreadyExists if it is attached. */
  attachVolume(id: string, volume: GuestVolume): Promise<void>;
  /** Release a volume, waiting up to timeoutMs; on Timeout it stays attached. */
  detachVolume(id: string, volumeId: string, timeoutMs?: number): Promise<void>;

  /** Make the port's tap on this host and wire it to its network; idempotent for a plugged port. */
  plugPort(id: string, port: GuestPort): Promise<void>;
  /** Remove the port's tap; idempotent. */
  unplugPort(id: string, portId: string): Promise<void>;

  /** The last `lengthLines` lines of the serial log, and which interactive consoles the guest has. */
  consoleInfo(id: string, lengthLines?: number): Promise<ConsoleInfo>;

  /** The guest's power state, asked of the hypervisor. */
  guestStatus(id: string): Promise<GuestInfo>;

  /** Every guest on this host, running or not, found from the host itself (for reconcile). */
  listGuests(): Promise<GuestInfo[]>;

  /** Release connections and timers; guests keep running. */
  close(): Promise<void>;
}

/** Every operation of the contract, as the HTTP transport names them (`POST /agent/v1/<operation>`). */
export const AGENT_OPERATIONS = [
  'spawnGuest',
  'destroyGuest',
  'powerGuest',
  'rebootGuest',
  'resizeGuest',
  'confirmResize',
  'revertResize',
  'snapshotGuest',
  'attachVolume',
  'detachVolume',
  'plugPort',
  'unplugPort',
  'consoleInfo',
  'guestStatus',
  'listGuests',
] as const satisfies readonly Exclude<keyof HostAgent, 'host' | 'close'>[];

export type AgentOperation = (typeof AGENT_OPERATIONS)[number];

/** Config-drive files as the contract carries them (the ISO writer takes a map of path → bytes). */
export function configDriveFilesOf(files: ReadonlyMap<string, string | Uint8Array>): ConfigDriveFile[] {
  return [...files].map(([path, content]) => ({
    path,
    contentBase64: Buffer.from(content).toString('base64'),
  }));
}

export function configDriveMapOf(files: readonly ConfigDriveFile[]): Map<string, Uint8Array> {
  return new Map(files.map((f) => [f.path, Buffer.from(f.contentBase64, 'base64')]));
}
