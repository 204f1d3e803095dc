// Frozen migration: the block-storage service's tables (Cinder v3). Volume types with extra specs and a
// project access list, volumes (status plus the worker's pending `task`, a version for compare-and-set)
// with their metadata, snapshots, backups, attachments and per-project quota overrides. The default
// volume type `__DEFAULT__` exists from the start, as in Cinder. NOT yet registered in migrations/index.ts.
import type { Kysely } from 'kysely';

/** Cinder creates this type in its own migration; volumes without a type get it. */
const DEFAULT_TYPE_ID = '0c3bd5c6-9e0a-4b1c-8d3e-5b0f0f5a0d01';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('volume_types')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('is_public', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('volume_type_extra_specs')
    .addColumn('type_id', 'text', (c) => c.notNull().references('volume_types.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('volume_type_extra_specs_pk', ['type_id', 'key'])
    .execute();

  await db.schema
    .createTable('volume_type_projects')
    .addColumn('type_id', 'text', (c) => c.notNull().references('volume_types.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('volume_type_projects_pk', ['type_id', 'project_id'])
    .execute();

  await createVolumeTables(db);
  await createSnapshotAndBackupTables(db);

  await db.schema
    .createTable('volume_quotas')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('hard_limit', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('volume_quotas_pk', ['project_id', 'resource'])
    .execute();

  const now = new Date().toISOString();
  await db
    .insertInto('volume_types')
    .values({
      id: DEFAULT_TYPE_ID,
      name: '__DEFAULT__',
      description: 'Default Volume Type',
      is_public: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

async function createVolumeTables(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('volumes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('description', 'text')
    .addColumn('size_gib', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    // The worker's pending work (create, delete, extend, upload_image) and its arguments as JSON.
    .addColumn('task', 'text')
    .addColumn('task_args', 'text', (c) => c.notNull())
    .addColumn('type_id', 'text', (c) => c.notNull())
    .addColumn('availability_zone', 'text', (c) => c.notNull())
    .addColumn('bootable', 'integer', (c) => c.notNull())
    .addColumn('multiattach', 'integer', (c) => c.notNull())
    .addColumn('source_volume_id', 'text')
    .addColumn('snapshot_id', 'text')
    .addColumn('image_id', 'text')
    .addColumn('backup_id', 'text')
    .addColumn('image_metadata', 'text')
    .addColumn('host', 'text')
    // Where the backend keeps the bytes (a path relative to the backend's root for `file`).
    .addColumn('provider_location', 'text')
    .addColumn('error_reason', 'text')
    .addColumn('deleted', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .execute();
  await db.schema
    .createIndex('volumes_project_idx')
    .on('volumes')
    .columns(['project_id', 'deleted'])
    .execute();
  await db.schema.createIndex('volumes_task_idx').on('volumes').column('task').execute();

  await db.schema
    .createTable('volume_metadata')
    .addColumn('volume_id', 'text', (c) => c.notNull().references('volumes.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('volume_metadata_pk', ['volume_id', 'key'])
    .execute();

  await db.schema
    .createTable('volume_attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('volume_id', 'text', (c) => c.notNull().references('volumes.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('instance_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('task', 'text')
    .addColumn('attach_mode', 'text', (c) => c.notNull())
    .addColumn('connector', 'text')
    .addColumn('mountpoint', 'text')
    .addColumn('attached_at', 'text')
    .addColumn('detached_at', 'text')
    .addColumn('deleted', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('volume_attachments_volume_idx')
    .on('volume_attachments')
    .columns(['volume_id', 'deleted'])
    .execute();
}

async function createSnapshotAndBackupTables(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('volume_snapshots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('volume_id', 'text', (c) => c.notNull().references('volumes.id'))
    .addColumn('name', 'text')
    .addColumn('description', 'text')
    .addColumn('size_gib', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('task', 'text')
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('provider_location', 'text')
    .addColumn('deleted', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('volume_snapshots_volume_idx')
    .on('volume_snapshots')
    .columns(['volume_id', 'deleted'])
    .execute();

  await db.schema
    .createTable('volume_backups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('volume_id', 'text', (c) => c.notNull())
    .addColumn('snapshot_id', 'text')
    .addColumn('parent_id', 'text')
    .addColumn('name', 'text')
    .addColumn('description', 'text')
    .addColumn('size_gib', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('task', 'text')
    .addColumn('task_args', 'text', (c) => c.notNull())
    .addColumn('fail_reason', 'text')
    .addColumn('container', 'text', (c) => c.notNull())
    .addColumn('object_count', 'integer', (c) => c.notNull())
    .addColumn('is_incremental', 'integer', (c) => c.notNull())
    .addColumn('availability_zone', 'text', (c) => c.notNull())
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('data_timestamp', 'text', (c) => c.notNull())
    .addColumn('deleted', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('volume_backups_project_idx')
    .on('volume_backups')
    .columns(['project_id', 'deleted'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'volume_quotas',
    'volume_backups',
    'volume_snapshots',
    'volume_attachments',
    'volume_metadata',
    'volumes',
    'volume_type_projects',
    'volume_type_extra_specs',
    'volume_types',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
