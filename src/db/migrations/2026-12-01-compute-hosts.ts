// Frozen migration: compute hosts (Nova's compute nodes and their nova-compute services), per-project
// quota overrides, server tags, and on compute_servers the resources a server claims (so that a host's
// usage is an SQL sum) and its reservation id and launch index (min_count/max_count boots).
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('compute_hosts')
    // The hypervisor's UUID (Nova's compute node uuid, the os-hypervisors id from 2.53).
    .addColumn('id', 'text', (c) => c.primaryKey())
    // The nova-compute service's UUID (the os-services id from 2.53).
    .addColumn('service_id', 'text', (c) => c.notNull().unique())
    // Small integer ids for microversions before 2.53.
    .addColumn('number', 'integer', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('availability_zone', 'text', (c) => c.notNull())
    .addColumn('host_ip', 'text', (c) => c.notNull())
    .addColumn('vcpus', 'integer', (c) => c.notNull())
    .addColumn('memory_mib', 'integer', (c) => c.notNull())
    .addColumn('memory_reserved_mib', 'integer', (c) => c.notNull())
    .addColumn('disk_gib', 'integer', (c) => c.notNull())
    .addColumn('cpu_allocation_ratio', 'real', (c) => c.notNull())
    .addColumn('ram_allocation_ratio', 'real', (c) => c.notNull())
    .addColumn('disk_allocation_ratio', 'real', (c) => c.notNull())
    .addColumn('hypervisor_type', 'text', (c) => c.notNull())
    .addColumn('hypervisor_version', 'integer', (c) => c.notNull())
    .addColumn('cpu_info', 'text', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull())
    .addColumn('disabled_reason', 'text')
    .addColumn('forced_down', 'integer', (c) => c.notNull())
    .addColumn('heartbeat_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('compute_quotas')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('hard_limit', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('compute_quotas_pk', ['project_id', 'resource'])
    .execute();

  await db.schema
    .createTable('compute_server_tags')
    .addColumn('server_id', 'text', (c) => c.notNull().references('compute_servers.id').onDelete('cascade'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('compute_server_tags_pk', ['server_id', 'tag'])
    .execute();
  await db.schema.createIndex('compute_server_tags_tag').on('compute_server_tags').column('tag').execute();

  for (const column of ['vcpus', 'memory_mib', 'disk_gib', 'launch_index']) {
    await db.schema
      .alterTable('compute_servers')
      .addColumn(column, 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  }
  await db.schema.alterTable('compute_servers').addColumn('reservation_id', 'text').execute();
  await db.schema
    .createIndex('compute_servers_host')
    .on('compute_servers')
    .columns(['host', 'deleted'])
    .execute();
  await backfillResources(db);
}

/** Rows written before this migration carry their flavor only as JSON: copy its sizes into the columns. */
async function backfillResources(db: Kysely<any>): Promise<void> {
  const rows = (await db.selectFrom('compute_servers').select(['id', 'flavor']).execute()) as {
    id: string;
    flavor: string;
  }[];
  for (const row of rows) {
    const f = JSON.parse(row.flavor) as Record<string, number>;
    await db
      .updateTable('compute_servers')
      .set({
        vcpus: f.vcpus ?? 0,
        memory_mib: f.ramMiB ?? 0,
        disk_gib: (f.diskGib ?? 0) + (f.ephemeralGib ?? 0) + Math.ceil((f.swapMiB ?? 0) / 1024),
      })
      .where('id', '=', row.id)
      .execute();
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
