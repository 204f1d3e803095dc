// Kysely queries for application credentials, stored credentials (EC2 and others), token revocations
// and the settings table.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ApplicationCredential, Credential } from './model.js';
import { fromBool, parseJsonObject, toBool } from './store-util.js';

export interface StoredCredential extends Omit<Credential, 'blob'> {
  encryptedBlob: string;
}

export function createCredentialStore(db: Kysely<Database>) {
  async function rolesOf(ids: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (ids.length === 0) return out;
    const rows = await db
      .selectFrom('application_credential_roles')
      .selectAll()
      .where('application_credential_id', 'in', ids)
      .execute();
    for (const r of rows) {
      out.set(r.application_credential_id, [...(out.get(r.application_credential_id) ?? []), r.role_id]);
    }
    return out;
  }

  return {
    async listApplicationCredentials(filter: { userId?: string; name?: string; id?: string }) {
      let q = db.selectFrom('application_credentials').selectAll();
      if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
      if (filter.name !== undefined) q = q.where('name', '=', filter.name);
      if (filter.id !== undefined) q = q.where('id', '=', filter.id);
      const rows = await q.orderBy('name').limit(10_000).execute();
      const roles = await rolesOf(rows.map((r) => r.id));
      return rows.map((r): ApplicationCredential => ({
        id: r.id,
        name: r.name,
        userId: r.user_id,
        projectId: r.project_id,
        secretHash: r.secret_hash,
        description: r.description,
        expiresAt: r.expires_at,
        unrestricted: toBool(r.unrestricted),
        roleIds: roles.get(r.id) ?? [],
      }));
    },
    async insertApplicationCredential(a: ApplicationCredential, createdAt: string): Promise<void> {
      await db
        .insertInto('application_credentials')
        .values({
          id: a.id,
          name: a.name,
          user_id: a.userId,
          project_id: a.projectId,
          secret_hash: a.secretHash,
          description: a.description,
          expires_at: a.expiresAt,
          unrestricted: fromBool(a.unrestricted),
          created_at: createdAt,
        })
        .execute();
      if (a.roleIds.length > 0) {
        await db
          .insertInto('application_credential_roles')
          .values(a.roleIds.map((role_id) => ({ application_credential_id: a.id, role_id })))
          .execute();
      }
    },
    async deleteApplicationCredential(id: string): Promise<void> {
      await db.deleteFrom('application_credentials').where('id', '=', id).execute();
    },

    async listCredentials(filter: { userId?: string | undefined; type?: string | undefined; id?: string }) {
      let q = db.selectFrom('credentials').selectAll();
      if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
      if (filter.type !== undefined) q = q.where('type', '=', filter.type);
      if (filter.id !== undefined) q = q.where('id', '=', filter.id);
      const rows = await q.orderBy('created_at').limit(10_000).execute();
      return rows.map((r): StoredCredential => ({
        id: r.id,
        userId: r.user_id,
        projectId: r.project_id,
        type: r.type,
        encryptedBlob: r.encrypted_blob,
        extra: parseJsonObject(r.extra),
      }));
    },
    async insertCredential(c: StoredCredential, createdAt: string): Promise<void> {
      await db
        .insertInto('credentials')
        .values({
          id: c.id,
          user_id: c.userId,
          project_id: c.projectId,
          type: c.type,
          encrypted_blob: c.encryptedBlob,
          extra: JSON.stringify(c.extra),
          created_at: createdAt,
        })
        .execute();
    },
    async updateCredential(c: StoredCredential): Promise<void> {
      await db
        .updateTable('credentials')
        .set({
          project_id: c.projectId,
          type: c.type,
          encrypted_blob: c.encryptedBlob,
          extra: JSON.stringify(c.extra),
        })
        .where('id', '=', c.id)
        .execute();
    },
    async deleteCredential(id: string): Promise<void> {
      await db.deleteFrom('credentials').where('id', '=', id).execute();
    },

    async revokeToken(auditId: string, expiresAt: string): Promise<void> {
      await db
        .insertInto('revoked_tokens')
        .values({ audit_id: auditId, expires_at: expiresAt })
        .onConflict((oc) => oc.doNothing())
        .execute();
    },
    async isRevoked(auditIds: readonly string[]): Promise<boolean> {
      if (auditIds.length === 0) return false;
      const r = await db
        .selectFrom('revoked_tokens')
        .select('audit_id')
        .where('audit_id', 'in', [...auditIds])
        .executeTakeFirst();
      return r !== undefined;
    },
    async purgeExpiredRevocations(now: string): Promise<void> {
      await db.deleteFrom('revoked_tokens').where('expires_at', '<', now).execute();
    },

    async getSetting(key: string): Promise<string | undefined> {
      const r = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
      return r?.value;
    },
    async putSetting(key: string, value: string): Promise<void> {
      await db
        .insertInto('settings')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
    },
  };
}

export type CredentialStore = ReturnType<typeof createCredentialStore>;
