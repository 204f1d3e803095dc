// The narrow interfaces compute needs from other services and from the host, so that the service and
// the worker never touch another service's tables or HTTP API. index.ts adapts the image and network
// modules to them (see NEXT.md); tests may pass small in-memory versions.
import type { AuthContext } from '../common/http/context.js';
import type { ServerPort } from './model.js';

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
  /** Creates a port owned by the project, bound to the server (device_owner compute:<az>). */
  createPort(input: {
    projectId: string;
    networkId: string;
    serverId: string;
    fixedIp?: string;
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
