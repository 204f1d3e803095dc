// The compute service's domain records (camelCase; views.ts turns them into Nova's wire shapes).
import type { PowerState } from './driver/driver.js';

export interface Flavor {
  id: string;
  name: string;
  description: string | null;
  vcpus: number;
  ramMiB: number;
  diskGib: number;
  ephemeralGib: number;
  swapMiB: number;
  rxtxFactor: number;
  isPublic: boolean;
  disabled: boolean;
  extraSpecs: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export type KeyPairType = 'ssh' | 'x509';

export interface KeyPair {
  userId: string;
  name: string;
  type: KeyPairType;
  publicKey: string;
  fingerprint: string;
  createdAt: string;
}

/** Nova's vm_states (nova/compute/vm_states.py) that Nuage uses. */
export type VmState =
  'building' | 'active' | 'stopped' | 'paused' | 'suspended' | 'resized' | 'error' | 'deleted';

/** Nova's task_states (nova/compute/task_states.py) that Nuage uses; null when idle. */
export type TaskState =
  | 'scheduling'
  | 'networking'
  | 'block_device_mapping'
  | 'spawning'
  | 'powering-off'
  | 'powering-on'
  | 'rebooting'
  | 'rebooting_hard'
  | 'pausing'
  | 'unpausing'
  | 'suspending'
  | 'resuming'
  | 'rebuilding'
  | 'rebuild_spawning'
  | 'resize_prep'
  | 'resize_migrating'
  | 'resize_finish'
  | 'resize_reverting'
  | 'image_snapshot'
  | 'image_uploading'
  | 'deleting';

/** A network the create request asked for: a network (a port is created) or an existing port. */
export type RequestedNetwork =
  | {
      kind: 'network';
      networkId: string;
      fixedIp?: string;
      /** Security groups the created port gets (resolved at request time); absent: the project's default. */
      securityGroups?: { id: string; name: string }[];
    }
  | { kind: 'port'; portId: string };

/** A port the server uses; `created` ports are deleted with the server, given ones only unbound. */
export interface ServerPort {
  portId: string;
  networkId: string;
  /** The network's name: Nova keys `addresses` by it. */
  networkName: string;
  macAddress: string;
  fixedIps: { address: string; version: 4 | 6; subnetId?: string }[];
  created: boolean;
}

/**
 * A volume-backed server's root disk (Nova's block device mapping with boot_index 0 and
 * destination_type volume). The volume id is chosen at request time, also when the worker creates the
 * volume from an image or a snapshot, so that every undo knows which volume to remove.
 */
export interface RootVolume {
  /** Where the volume comes from: an existing volume, or a new one made from an image or a snapshot. */
  sourceType: 'volume' | 'image' | 'snapshot';
  /** The source's id (the volume itself for sourceType volume). */
  sourceId: string;
  volumeId: string;
  /** The size of a volume to create (GiB); null for an existing volume. */
  sizeGib: number | null;
  volumeType: string | null;
  deleteOnTermination: boolean;
  /** Nova's device_name, default /dev/vda; recorded as the attachment's mountpoint. */
  deviceName: string;
  diskBus: string | null;
  /** Set by the root-volume boot step: the volume's file on this host. */
  path?: string;
  format?: 'qcow2' | 'raw';
}

export interface InstanceFault {
  code: number;
  message: string;
  details: string | null;
  createdAt: string;
}

export interface Server {
  id: string;
  name: string;
  description: string | null;
  projectId: string;
  userId: string;
  flavorId: string;
  flavor: Flavor;
  imageId: string | null;
  keyName: string | null;
  keyData: string | null;
  userData: string | null;
  metadata: Record<string, string>;
  networks: RequestedNetwork[];
  ports: ServerPort[];
  configDrive: boolean;
  availabilityZone: string;
  host: string | null;
  vmState: VmState;
  taskState: TaskState | null;
  powerState: PowerState;
  locked: boolean;
  lockedReason: string | null;
  stepsDone: string[];
  attempts: number;
  launchedAt: string | null;
  terminatedAt: string | null;
  deleted: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
  fault: InstanceFault | null;
  /** Shared by the servers one create request made (Nova's reservation_id, `r-` and 8 characters). */
  reservationId?: string | null;
  /** The server's index among them (Nova's launch_index). */
  launchIndex?: number;
  /** Server tags (2.26), sorted; loaded by get and list. */
  tags?: string[];
  /** While resized (VERIFY_RESIZE): the flavor a revert goes back to (Nova's old_flavor). */
  oldFlavor?: Flavor | null;
  /** While a resize runs: the flavor it goes to (Nova's new_flavor). */
  newFlavor?: Flavor | null;
  /** While task_state is image_snapshot or image_uploading: the image that receives the snapshot. */
  snapshotImageId?: string | null;
  /** Boot from volume: the root volume (imageId is then null). */
  rootVolume?: RootVolume | null;
  /** Addresses the user records for the server (Nova's accessIPv4/accessIPv6). */
  accessIpv4?: string | null;
  accessIpv6?: string | null;
  /** OS-DCF:diskConfig AUTO (Nova's auto_disk_config); MANUAL when false or absent. */
  autoDiskConfig?: boolean;
  /** What the create asked of the scheduler (Nova's RequestSpec). */
  requestSpec?: ServerRequestSpec | null;
}

/** Nova's RequestSpec parts a create records: its scheduler hints and a requested destination (2.74). */
export interface ServerRequestSpec {
  schedulerHints?: Record<string, unknown>;
  /** 2.74 `host`/`hypervisor_hostname` (one node per host here: both name the host). */
  requestedHost?: string;
}

export interface InstanceAction {
  requestId: string;
  serverId: string;
  action: string;
  projectId: string;
  userId: string;
  message: string | null;
  startTime: string;
  finishTime: string | null;
  result: 'Success' | 'Error' | null;
}
