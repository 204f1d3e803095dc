// Audit retention: marks on the chain kept outside the events. 'exported' is how far (seq) every event
// has been exported; 'anchor' is where pruning cut the chain (the seq and hash of the last pruned event,
// with a MAC under the audit key), so verify starts from it and a moved anchor is caught.
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_marks')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text')
    .addColumn('mac', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_marks').execute();
}
