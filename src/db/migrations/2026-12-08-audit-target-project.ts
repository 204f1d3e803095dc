// Audit events name the project that owns their target when it is not the initiator's: a cloud admin's
// read of another project's data, so that project's admins find it in their own trail. Null for every
// event where the two are the same (the chain hash covers the column only when it is set, so events
// written before it keep their hashes).
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_events').addColumn('target_project_id', 'text').execute();
  await db.schema
    .createIndex('audit_events_target_project_at')
    .on('audit_events')
    .columns(['target_project_id', 'at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_events_target_project_at').execute();
  await db.schema.alterTable('audit_events').dropColumn('target_project_id').execute();
}
