// Frozen migration: metering. Usage records (what each resource consumed, from when to when, written
// by the services in the transaction of the state change that starts or stops them) and price lists
// (per region and currency, with validity dates; the rules are a JSON document read by the rating).
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('usage_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // server, volume, snapshot, backup, image, object-store, floating-ip, router…
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    // What is consumed, e.g. server:flavor:<id>:running, volume:gb:<type>, object:egress:bytes.
    .addColumn('meter', 'text', (c) => c.notNull())
    // A decimal number as text: never a binary float.
    .addColumn('quantity', 'text', (c) => c.notNull())
    // What the rating and the usage views need that may change or vanish later (flavor shape, name), JSON.
    .addColumn('attributes', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    // Null while the record is open; equal to started_at for an event (bytes out, requests).
    .addColumn('ended_at', 'text')
    .execute();
  // At most one open record per resource and meter, whatever the callers do: a retried step that opens
  // again cannot double-count.
  await db.schema
    .createIndex('usage_records_one_open')
    .on('usage_records')
    .columns(['resource_type', 'resource_id', 'meter'])
    .unique()
    .where(sql.ref('ended_at'), 'is', null)
    .execute();
  await db.schema
    .createIndex('usage_records_resource')
    .on('usage_records')
    .columns(['resource_type', 'resource_id', 'started_at'])
    .execute();
  await db.schema
    .createIndex('usage_records_project')
    .on('usage_records')
    .columns(['project_id', 'started_at'])
    .execute();
  await db.schema
    .createIndex('usage_records_window')
    .on('usage_records')
    .columns(['resource_type', 'started_at'])
    .execute();

  await db.schema
    .createTable('metering_price_lists')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'text')
    // The price rules (flavors, vCPU/RAM, GB-month per volume type and storage policy, egress, tiers), JSON.
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('metering_price_lists_region')
    .on('metering_price_lists')
    .columns(['region', 'currency', 'valid_from'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('metering_price_lists').execute();
  await db.schema.dropTable('usage_records').execute();
}
