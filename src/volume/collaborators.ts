// The narrow interfaces the block-storage service needs from other services and from the host, so
// that neither its services nor its worker touch another module's tables or HTTP API. adapters.ts
// builds them from the image, object-store and compute modules; tests pass small in-memory versions.
import type { AuthContext } from '../common/http/context.js';
import type { VolumeTarget } from './backend/backend.js';

/** What volume creation needs to know about an image, checked with the caller's rights. */
export interface VolumeImageFacts {
  id: string;
  name: string | null;
  status: string;
  minDiskGib: number;
  sizeBytes: number | null;
  diskFormat: string | null;
  containerFormat: string | null;
}

export interface VolumeImages {
  /** The image if the caller may see it; rejects with the image service's 404 otherwise. */
  describe(auth: AuthContext, imageId: string): Promise<VolumeImageFacts>;
  /**
   * A qcow2 file on this host holding the image's bytes (shared and read-only: copy, never write).
   * Acts as the service: the worker runs outside any request.
   */
  localCopy(imageId: string, projectId: string): Promise<string>;
}

/** os-volume_upload_image: a new image is made at request time and filled by the worker. */
export interface ImageUploader {
  /** Creates a queued image owned by the caller's project (caller's rights and image quota). */
  createImage(
    auth: AuthContext,
    input: {
      name: string;
      diskFormat: string;
      containerFormat: string;
      visibility: string;
      protected: boolean;
      minDiskGib: number;
    },
  ): Promise<{ id: string; status: string }>;
  /** Uploads the bytes into the queued image as the service; the image becomes active. */
  upload(imageId: string, body: AsyncIterable<Buffer>, sizeBytes: number): Promise<void>;
  /** Gives up on an image whose upload failed (deletes it as the service; a missing image resolves). */
  abandon(imageId: string): Promise<void>;
}

/** The object store as backups use it: one container per project, opaque objects. */
export interface BackupObjects {
  /** Creates the container if it is missing. */
  ensureContainer(projectId: string, container: string): Promise<void>;
  put(projectId: string, container: string, name: string, body: Buffer): Promise<void>;
  /** The object's bytes; rejects with BackupObjectMissing if there is none. */
  get(projectId: string, container: string, name: string): Promise<Buffer>;
  /** Deletes an object; a missing one resolves. */
  delete(projectId: string, container: string, name: string): Promise<void>;
}

export class BackupObjectMissing extends Error {
  constructor(name: string) {
    super(`backup object ${name} is missing`);
    this.name = 'BackupObjectMissing';
  }
}

/** The guest side of an attachment: the compute host that runs the server. */
export interface VolumeHost {
  /** Rejects (the compute service's 404) if the caller may not see the server. */
  checkServer(auth: AuthContext, serverId: string): Promise<void>;
  /**
   * Makes the disk part of the server: hot-plugs it when the guest runs (or is paused); resolves without
   * doing anything when the guest is stopped (compute plugs recorded attachments at start). Plugging a
   * disk that is already plugged resolves (restart re-attach relies on this).
   */
  attach(serverId: string, disk: { volumeId: string; readOnly: boolean } & VolumeTarget): Promise<void>;
  /** Unplugs the disk; a disk that is not plugged (or a server that is gone) resolves. */
  detach(serverId: string, volumeId: string): Promise<void>;
  /** Grows an attached disk through the hypervisor (QMP block_resize), which owns the image while it runs. */
  extend(serverId: string, volumeId: string, newSizeBytes: number): Promise<void>;
  /**
   * Runs `work` (a copy of an attached disk's file) while the server's vCPUs are frozen, so the copy is
   * one point in time rather than blocks from different moments; a guest that does not run is left as
   * it is. The guest resumes even when `work` fails.
   */
  quiesced<T>(serverId: string, work: () => Promise<T>): Promise<T>;
}
