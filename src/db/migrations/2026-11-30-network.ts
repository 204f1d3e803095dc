// Frozen migration: Neutron's resources. Every resource kind (network, subnet, port, security group and
// rule, router, floating IP) is one row of net_resources holding its wire record as JSON, with the
// columns that queries filter on; IP allocations have their own table so a duplicate is a unique
// violation, not a race.
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('net_resources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('net_resources_kind_project')
    .on('net_resources')
    .columns(['kind', 'project_id'])
    .execute();
  await db.schema
    .createIndex('net_resources_kind_parent')
    .on('net_resources')
    .columns(['kind', 'parent_id'])
    .execute();
  await db.schema
    .createTable('net_ip_allocations')
    .addColumn('network_id', 'text', (c) => c.notNull())
    .addColumn('ip_address', 'text', (c) => c.notNull())
    .addColumn('subnet_id', 'text', (c) => c.notNull())
    .addColumn('port_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('net_ip_allocations_pk', ['network_id', 'ip_address'])
    .execute();
  await db.schema.createIndex('net_ip_allocations_port').on('net_ip_allocations').column('port_id').execute();
  await db.schema
    .createTable('net_quotas')
    .addColumn('project_id', 'text', (c) => c.primaryKey())
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('net_quotas').execute();
  await db.schema.dropTable('net_ip_allocations').execute();
  await db.schema.dropTable('net_resources').execute();
}
