// The narrow interfaces compute needs from other services and from the host, so that the service and
// the worker never touch another service's tables or HTTP API. index.ts adapts the image and network
// modules to them (see NEXT.md); tests may pass small in-memory versions.
import type { AuthContext } from '../common/http/context.js';
import type { DiskTarget } from './driver/driver.js';
import type { RootVolume, ServerPort } from './model.js';

/** What compute needs to know about an image at request time, checked with the caller's rights. */
export interface ImageFacts {
  id: string;
  status: string;
  minDiskGib: number;
  minRamMiB: number;
  sizeBytes: number | null;
}

export interface ImageSource {
  /** The image if the caller may see it; rejects with the image service's 404 otherwise. */
  describe(auth: AuthContext, imageId: string): Promise<ImageFacts>;
  /**
   * A qcow2 (or raw) file on this host holding the image's bytes, for the driver's base image. The
   * implementation caches by image id (images are immutable once active); acts as the service, not as a
   * user, because the worker runs outside any request.
   */
  baseImagePath(imageId: string, projectId: string): Promise<string>;
}

export interface PortProvider {
  /** Checks that the caller may use the network (or port) at request time. */
  checkNetwork(auth: AuthContext, networkId: string): Promise<void>;
  checkPort(auth: AuthContext, portId: string): Promise<void>;
  /** Networks a server with `networks: "auto"` gets: the project's one usable network, else none. */
  autoNetwork(auth: AuthContext): Promise<string | undefined>;
  /** Resolves security group names (or ids) in the project; 400 for an unknown one, 409 if ambiguous. */
  securityGroups(
    auth: AuthContext,
    projectId: string,
    names: string[],
  ): Promise<{ id: string; name: string }[]>;
  /** Creates a port owned by the project, bound to the server (device_owner compute:<az>). */
  createPort(input: {
    projectId: string;
    networkId: string;
    serverId: string;
    fixedIp?: string;
    securityGroupIds?: string[];
  }): Promise<ServerPort>;
  /** Binds an existing port to the server. */
  bindPort(portId: string, serverId: string): Promise<ServerPort>;
  /** Deletes a created port; a missing port resolves (idempotent). */
  deletePort(portId: string): Promise<void>;
  /** Clears device_id/device_owner of a given port; a missing port resolves. */
  unbindPort(portId: string): Promise<void>;
  /** Plugs the port on this host and returns the tap to hand to the driver (or user networking). */
  plug(
    port: ServerPort,
    serverId: string,
  ): Promise<{ kind: 'tap'; tapName: string; netns?: string } | { kind: 'user' }>;
  unplug(port: ServerPort, serverId: string): Promise<void>;
  /** Ids of every port whose device is this server (also those a crash kept out of the row). */
  portsOfServer(serverId: string): Promise<string[]>;
  /** The floating IPs associated with each of these ports (ports without any are absent). */
  floatingIps(portIds: string[]): Promise<Map<string, string[]>>;
}

/** Writes and removes a server's config drive ISO on this host. */
export interface ConfigDriveWriter {
  write(serverId: string, files: ReadonlyMap<string, string | Uint8Array>): Promise<string>;
  remove(serverId: string): Promise<void>;
}

/** Compute quotas (Nova's defaults: 10 instances, 20 cores, 50 GiB of RAM, 100 key pairs). */
export interface ComputeQuota {
  instances: number;
  cores: number;
  ramMiB: number;
  keyPairs: number;
  metadataItems: number;
}

export const DEFAULT_COMPUTE_QUOTA: ComputeQuota = {
  instances: 10,
  cores: 20,
  ramMiB: 51_200,
  keyPairs: 100,
  metadataItems: 128,
};

/** What a snapshot image gets at creation (Nova's createImage: name, properties, owner). */
export interface SnapshotImageProps {
  name: string;
  /** The server the snapshot is of (property instance_uuid). */
  serverId: string;
  /** The image the server was booted or rebuilt from (property base_image_ref), if any. */
  baseImageId: string | null;
  /** Minimum disk (GiB) and RAM (MiB) for servers booted from the snapshot. */
  minDiskGib: number;
  minRamMiB: number;
  /** The caller's metadata, stored as image properties. */
  metadata: Record<string, string>;
}

/**
 * Snapshot images in the image service, as the service rather than as a user: the worker that uploads
 * the bytes runs outside any request. The image is private to the server's project.
 */
export interface ImageSnapshots {
  /**
   * Creates a `queued` image owned by `projectId` (disk_format qcow2, container_format bare, property
   * image_type=snapshot) and resolves its id. Rejects with the image service's quota errors.
   */
  create(projectId: string, userId: string, props: SnapshotImageProps): Promise<string>;
  /**
   * Uploads the qcow2 file at `path` as the image's data, inspected as an upload is, and makes the
   * image active. Resolves at once if the image is already active (a retry); rejects if it is in any
   * other status than queued (an interrupted upload: discard the image).
   */
  upload(imageId: string, path: string): Promise<void>;
  /** Deletes a snapshot image that failed, with any data it has (Nova deletes it too). Idempotent. */
  discard(imageId: string): Promise<void>;
}

/** A disk the block-storage service has attached to a server (a file on this host or an RBD image). */
export type AttachedDisk = { volumeId: string; readOnly: boolean } & DiskTarget;

/**
 * The block-storage service as os-volume_attachments and the worker use it (in process; an HTTP client
 * could implement it). Calls with an AuthContext check the caller's rights on the volume; the others act
 * as the service, for the worker, which runs outside any request.
 */
export interface VolumeAttacher {
  /**
   * Reserves the volume for the server and starts attaching it: the block-storage worker plugs it in
   * through this host's compute driver (volume `attaching`, then `in-use`). Resolves the attachment id.
   * Rejects with the block-storage service's 404 for a volume the caller cannot see and its 400 for a
   * volume that is not available.
   */
  attach(auth: AuthContext, input: { serverId: string; volumeId: string; device: string }): Promise<string>;
  /** Starts detaching (volume `detaching`, then `available`); an attachment already gone resolves. */
  detach(auth: AuthContext, attachmentId: string): Promise<void>;
  /** The disks recorded as attached to the server, to plug back into a guest made anew (rebuild). */
  disksOf(serverId: string): Promise<AttachedDisk[]>;
  /**
   * Server delete: ends every attachment of the server at once (its volumes become `available`), then
   * deletes the volumes in `deleteVolumeIds` (delete_on_termination). Idempotent.
   */
  releaseServer(serverId: string, deleteVolumeIds: readonly string[]): Promise<void>;
}

/** What a boot from volume asks of the block-storage service at request time. */
export interface RootVolumeRequest {
  sourceType: 'volume' | 'image' | 'snapshot';
  sourceId: string;
  /** GiB of a volume to create; undefined: the source's size (a snapshot's) or, for a volume, its own. */
  sizeGib: number | undefined;
  volumeType: string | null;
  /** How many servers the create boots (one volume each). */
  count: number;
}

/** The root volume a server will boot from, as checked: its size and the image facts that apply. */
export interface RootVolumeFacts {
  sizeGib: number;
  minRamMiB: number;
}

/** The root disk the boot step hands to the driver: the volume's file on this host, or its RBD image. */
export type RootVolumeTarget = { volumeId: string } & DiskTarget;

/**
 * Volumes as root disks (boot from volume), adapted from the block-storage service (see
 * volume/compute-adapter.ts). The worker runs outside any request, so prepareRoot and release act as
 * the service; check runs with the caller's rights.
 */
export interface BootVolumes {
  /**
   * At request time: the source exists and the caller may use it; an existing volume is available and
   * bootable; a new volume fits the source (≥ the image's min_disk and data, ≥ the snapshot) and the
   * project's volume quota. Rejects with Nova's 400s (403 for quota).
   */
  check(auth: AuthContext, request: RootVolumeRequest): Promise<RootVolumeFacts>;
  /**
   * Worker: makes `root.volumeId` the server's root disk. For an image or snapshot source, creates that
   * volume (owned by the server's project) unless it exists, and waits until it is available; then
   * records the attachment (volume in-use, attached to the server at root.deviceName). Idempotent; on
   * failure the caller runs release().
   */
  prepareRoot(
    server: { id: string; projectId: string; userId: string; name: string },
    root: RootVolume,
  ): Promise<RootVolumeTarget>;
  /**
   * Drops the server's attachment of the volume (volume available again unless attached elsewhere) and,
   * if `deleteVolume`, deletes the volume when no other server has it attached. Idempotent: a missing or
   * deleted volume resolves.
   */
  release(serverId: string, volumeId: string, deleteVolume: boolean): Promise<void>;
}
