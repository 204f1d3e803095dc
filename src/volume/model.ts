// Domain records of the block-storage service and its state machine: which statuses a volume,
// snapshot, backup and attachment go through, and which pending `task` the worker drives for each.

/** Cinder's volume statuses (the subset this service produces). */
export type VolumeStatus =
  | 'creating'
  | 'available'
  | 'reserved'
  | 'attaching'
  | 'in-use'
  | 'detaching'
  | 'deleting'
  | 'extending'
  | 'downloading'
  | 'uploading'
  | 'backing-up'
  | 'restoring-backup'
  | 'error'
  | 'error_deleting'
  | 'error_extending'
  | 'error_restoring';

/**
 * Work the volume worker still owes a row. `create` fills a new volume from its source, `delete`
 * removes the bytes (and, with cascade, the snapshots), `extend` grows the file (online through the
 * host when attached), `upload_image` copies the bytes into a new image.
 */
export type VolumeTask = 'create' | 'delete' | 'extend' | 'upload_image';

export interface VolumeTaskArgs {
  /** extend: the new size; and the status to return to (available or in-use). */
  newSizeGib?: number;
  returnStatus?: VolumeStatus;
  /** delete: also delete the snapshots. */
  cascade?: boolean;
  /** upload_image: the image created at request time, and its disk format. */
  imageId?: string;
  diskFormat?: 'qcow2' | 'raw';
  /** The saga journal of the running task (volume-sagas.ts): the steps done, in order. */
  stepsDone?: string[];
}

export interface Volume {
  id: string;
  projectId: string;
  userId: string;
  name: string | null;
  description: string | null;
  sizeGib: number;
  status: VolumeStatus;
  task: VolumeTask | null;
  taskArgs: VolumeTaskArgs;
  typeId: string;
  availabilityZone: string;
  bootable: boolean;
  multiattach: boolean;
  sourceVolumeId: string | null;
  snapshotId: string | null;
  imageId: string | null;
  backupId: string | null;
  imageMetadata: Record<string, string> | null;
  host: string | null;
  providerLocation: string | null;
  errorReason: string | null;
  metadata: Record<string, string>;
  /** Cinder's admin metadata: `readonly` ('True'/'False', os-update_readonly_flag). */
  adminMetadata: Record<string, string>;
  deleted: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface VolumeType {
  id: string;
  name: string;
  description: string | null;
  isPublic: boolean;
  extraSpecs: Record<string, string>;
}

export type AttachmentStatus =
  'reserved' | 'attaching' | 'attached' | 'detaching' | 'detached' | 'error_attaching' | 'error_detaching';
/** attach: hot-plug through the VolumeHost; detach: unplug, then the attachment is gone. */
export type AttachmentTask = 'attach' | 'detach';

export interface Attachment {
  id: string;
  volumeId: string;
  projectId: string;
  instanceId: string | null;
  status: AttachmentStatus;
  task: AttachmentTask | null;
  attachMode: 'rw' | 'ro';
  connector: Record<string, unknown> | null;
  mountpoint: string | null;
  attachedAt: string | null;
  detachedAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type SnapshotStatus =
  'creating' | 'available' | 'deleting' | 'error' | 'error_deleting' | 'backing-up';
export type SnapshotTask = 'create' | 'delete';

export interface Snapshot {
  id: string;
  projectId: string;
  userId: string;
  volumeId: string;
  name: string | null;
  description: string | null;
  sizeGib: number;
  status: SnapshotStatus;
  task: SnapshotTask | null;
  metadata: Record<string, string>;
  providerLocation: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type BackupStatus = 'creating' | 'available' | 'deleting' | 'restoring' | 'error' | 'error_deleting';
export type BackupTask = 'create' | 'restore' | 'delete';

export interface BackupTaskArgs {
  /** restore: the target volume and the status it returns to. */
  restoreVolumeId?: string;
  /** create: the volume's status before the backup (available or in-use). */
  volumeReturnStatus?: VolumeStatus;
  /** The saga journal of the running task (volume-sagas.ts): the steps done, in order. */
  stepsDone?: string[];
}

export interface Backup {
  id: string;
  projectId: string;
  userId: string;
  volumeId: string;
  snapshotId: string | null;
  parentId: string | null;
  name: string | null;
  description: string | null;
  sizeGib: number;
  status: BackupStatus;
  task: BackupTask | null;
  taskArgs: BackupTaskArgs;
  failReason: string | null;
  container: string;
  objectCount: number;
  isIncremental: boolean;
  availabilityZone: string;
  metadata: Record<string, string>;
  dataTimestamp: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Cinder's quota resources (per project). */
export interface VolumeQuota {
  volumes: number;
  gigabytes: number;
  snapshots: number;
  backups: number;
  backupGigabytes: number;
  perVolumeGigabytes: number;
  groups: number;
}

/** Cinder's defaults (cinder/quota.py): 10 volumes, 1000 GiB, 10 snapshots, 10 backups, 1000 GiB. */
export const DEFAULT_VOLUME_QUOTA: VolumeQuota = {
  volumes: 10,
  gigabytes: 1000,
  snapshots: 10,
  backups: 10,
  backupGigabytes: 1000,
  perVolumeGigabytes: -1,
  groups: 10,
};

export const QUOTA_RESOURCES: Record<keyof VolumeQuota, string> = {
  volumes: 'volumes',
  gigabytes: 'gigabytes',
  snapshots: 'snapshots',
  backups: 'backups',
  backupGigabytes: 'backup_gigabytes',
  perVolumeGigabytes: 'per_volume_gigabytes',
  groups: 'groups',
};

/** Volume statuses in which the bytes may be read consistently for a copy (clone, snapshot, backup). */
export const READABLE_STATUSES: readonly VolumeStatus[] = ['available', 'in-use'];

export const DEFAULT_TYPE_NAME = '__DEFAULT__';
export const GIB = 1024 ** 3;
