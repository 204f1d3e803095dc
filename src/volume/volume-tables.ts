// Table interfaces of the block-storage service, matching migrations/2026-12-01-volume.ts. The app's
// `Database` (db/schema.ts) extends VolumeTables; the stores use Kysely<VolumeTables> so that module tests
// can open a database with these tables alone.

export interface VolumeTypeTable {
  id: string;
  name: string;
  description: string | null;
  is_public: number;
  created_at: string;
  updated_at: string;
}

export interface VolumeTypeExtraSpecTable {
  type_id: string;
  key: string;
  value: string;
}

export interface VolumeTypeProjectTable {
  type_id: string;
  project_id: string;
}

export interface VolumeTable {
  id: string;
  project_id: string;
  user_id: string;
  name: string | null;
  description: string | null;
  size_gib: number;
  status: string;
  task: string | null;
  task_args: string;
  type_id: string;
  availability_zone: string;
  bootable: number;
  multiattach: number;
  source_volume_id: string | null;
  snapshot_id: string | null;
  image_id: string | null;
  backup_id: string | null;
  image_metadata: string | null;
  host: string | null;
  provider_location: string | null;
  error_reason: string | null;
  deleted: number;
  version: number;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface VolumeMetadataTable {
  volume_id: string;
  key: string;
  value: string;
}

/** Cinder's volume admin metadata (`readonly`, `attached_mode`), written by the service and admins. */
export interface VolumeAdminMetadataTable {
  volume_id: string;
  key: string;
  value: string;
}

export interface VolumeAttachmentTable {
  id: string;
  volume_id: string;
  project_id: string;
  instance_id: string | null;
  status: string;
  task: string | null;
  attach_mode: string;
  connector: string | null;
  mountpoint: string | null;
  attached_at: string | null;
  detached_at: string | null;
  deleted: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface VolumeSnapshotTable {
  id: string;
  project_id: string;
  user_id: string;
  volume_id: string;
  name: string | null;
  description: string | null;
  size_gib: number;
  status: string;
  task: string | null;
  metadata: string;
  provider_location: string | null;
  deleted: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface VolumeBackupTable {
  id: string;
  project_id: string;
  user_id: string;
  volume_id: string;
  snapshot_id: string | null;
  parent_id: string | null;
  name: string | null;
  description: string | null;
  size_gib: number;
  status: string;
  task: string | null;
  task_args: string;
  fail_reason: string | null;
  container: string;
  object_count: number;
  is_incremental: number;
  availability_zone: string;
  metadata: string;
  data_timestamp: string;
  deleted: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface VolumeQuotaTable {
  project_id: string;
  resource: string;
  hard_limit: number;
}

export interface VolumeTables {
  volume_types: VolumeTypeTable;
  volume_type_extra_specs: VolumeTypeExtraSpecTable;
  volume_type_projects: VolumeTypeProjectTable;
  volumes: VolumeTable;
  volume_metadata: VolumeMetadataTable;
  volume_admin_metadata: VolumeAdminMetadataTable;
  volume_attachments: VolumeAttachmentTable;
  volume_snapshots: VolumeSnapshotTable;
  volume_backups: VolumeBackupTable;
  volume_quotas: VolumeQuotaTable;
}
