// Frozen migration: the compute service's tables. Flavors (with their project access list and extra
// specs), key pairs, servers (Nova's vm_state / task_state / power_state plus the boot saga's step log),
// instance actions with their events, and instance faults. NOT yet registered in migrations/index.ts.
import { PostgresAdapter, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const big = postgres ? 'bigint' : 'integer';

  await db.schema
    .createTable('compute_flavors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('vcpus', 'integer', (c) => c.notNull())
    .addColumn('ram_mib', 'integer', (c) => c.notNull())
    .addColumn('disk_gib', 'integer', (c) => c.notNull())
    .addColumn('ephemeral_gib', 'integer', (c) => c.notNull())
    .addColumn('swap_mib', 'integer', (c) => c.notNull())
    .addColumn('rxtx_factor', 'real', (c) => c.notNull())
    .addColumn('is_public', 'integer', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('compute_flavor_projects')
    .addColumn('flavor_id', 'text', (c) => c.notNull().references('compute_flavors.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('compute_flavor_projects_pk', ['flavor_id', 'project_id'])
    .execute();

  await db.schema
    .createTable('compute_flavor_extra_specs')
    .addColumn('flavor_id', 'text', (c) => c.notNull().references('compute_flavors.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('compute_flavor_extra_specs_pk', ['flavor_id', 'key'])
    .execute();

  await db.schema
    .createTable('compute_key_pairs')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('compute_key_pairs_pk', ['user_id', 'name'])
    .execute();

  await createServerTables(db, big);
}

async function createServerTables(db: Kysely<any>, big: 'bigint' | 'integer'): Promise<void> {
  await db.schema
    .createTable('compute_servers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('flavor_id', 'text', (c) => c.notNull())
    // The flavor as it was at boot (Nova embeds it since 2.47): deleting a flavor leaves servers intact.
    .addColumn('flavor', 'text', (c) => c.notNull())
    .addColumn('image_id', 'text')
    .addColumn('key_name', 'text')
    .addColumn('key_data', 'text')
    .addColumn('user_data', 'text')
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('networks', 'text', (c) => c.notNull())
    .addColumn('ports', 'text', (c) => c.notNull())
    .addColumn('config_drive', 'integer', (c) => c.notNull())
    .addColumn('availability_zone', 'text', (c) => c.notNull())
    .addColumn('host', 'text')
    .addColumn('vm_state', 'text', (c) => c.notNull())
    .addColumn('task_state', 'text')
    .addColumn('power_state', 'integer', (c) => c.notNull())
    .addColumn('locked', 'integer', (c) => c.notNull())
    .addColumn('locked_reason', 'text')
    .addColumn('steps_done', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('launched_at', 'text')
    .addColumn('terminated_at', 'text')
    .addColumn('deleted', 'integer', (c) => c.notNull())
    .addColumn('version', big, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('compute_servers_project')
    .on('compute_servers')
    .columns(['project_id'])
    .execute();
  await db.schema.createIndex('compute_servers_task').on('compute_servers').columns(['task_state']).execute();

  await db.schema
    .createTable('compute_instance_faults')
    .addColumn('server_id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'integer', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('details', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('compute_instance_actions')
    .addColumn('request_id', 'text', (c) => c.primaryKey())
    .addColumn('server_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('message', 'text')
    .addColumn('start_time', 'text', (c) => c.notNull())
    .addColumn('finish_time', 'text')
    .addColumn('result', 'text')
    .execute();
  await db.schema
    .createIndex('compute_instance_actions_server')
    .on('compute_instance_actions')
    .columns(['server_id', 'start_time'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
