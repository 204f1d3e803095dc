// Credentials of host agents (`nuage agent enroll`): one row per host with the scrypt hash of the secret
// the agent presents, and what the agent last told the control plane about itself: the URL it serves the
// HostAgent contract on and the per-start secret the control plane presents when it calls it.
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against Kysely<any>. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('agent_credentials')
    .addColumn('host', 'text', (c) => c.primaryKey())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('agent_url', 'text')
    .addColumn('control_secret', 'text')
    .addColumn('last_seen_at', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('agent_credentials').execute();
}
