// The audit trail becomes tamper-evident: each event carries its place in one chain (seq), the hash of
// the event before it and its own hash; one head row serialises appends across processes; seals record
// the head at a moment with a MAC under a key kept outside the database. Events written before this
// migration keep seq null and stay outside the chain (verify reports how many).
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_events').addColumn('seq', 'bigint').execute();
  await db.schema.alterTable('audit_events').addColumn('prev_hash', 'text').execute();
  await db.schema.alterTable('audit_events').addColumn('hash', 'text').execute();
  await db.schema.createIndex('audit_events_seq').unique().on('audit_events').column('seq').execute();
  await db.schema
    .createIndex('audit_events_project_at')
    .on('audit_events')
    .columns(['initiator_project_id', 'at'])
    .execute();
  await db.schema
    .createTable('audit_chain')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  // The genesis hash: 64 zeros, as the chain's "previous" of its first event.
  await db
    .insertInto('audit_chain')
    .values({ id: 'head', seq: 0, hash: '0'.repeat(64) })
    .execute();
  await db.schema
    .createTable('audit_seals')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('mac', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_seals').execute();
  await db.schema.dropTable('audit_chain').execute();
  await db.schema.dropIndex('audit_events_project_at').execute();
  await db.schema.dropIndex('audit_events_seq').execute();
  await db.schema.alterTable('audit_events').dropColumn('hash').execute();
  await db.schema.alterTable('audit_events').dropColumn('prev_hash').execute();
  await db.schema.alterTable('audit_events').dropColumn('seq').execute();
}
