// Kysely queries for users, groups and group membership.
import type { Kysely, Selectable } from 'kysely';
import type { Database, GroupTable, UserTable } from '../db/schema.js';
import type { Group, User } from './model.js';
import { fromBool, parseJsonObject, toBool } from './store-util.js';

const userFrom = (r: Selectable<UserTable>): User => ({
  id: r.id,
  domainId: r.domain_id,
  name: r.name,
  enabled: toBool(r.enabled),
  defaultProjectId: r.default_project_id,
  passwordHash: r.password_hash,
  passwordExpiresAt: r.password_expires_at,
  tokensValidAfter: r.tokens_valid_after,
  failedAuthCount: r.failed_auth_count,
  lastFailedAuthAt: r.last_failed_auth_at,
  extra: parseJsonObject(r.extra),
  options: parseJsonObject(r.options),
});

const groupFrom = (r: Selectable<GroupTable>): Group => ({
  id: r.id,
  domainId: r.domain_id,
  name: r.name,
  description: r.description,
  extra: parseJsonObject(r.extra),
});

export interface UserFilter {
  name?: string | undefined;
  domainId?: string | undefined;
  enabled?: boolean | undefined;
  ids?: readonly string[] | undefined;
}

export function createUserStore(db: Kysely<Database>) {
  return {
    async getUser(id: string): Promise<User | undefined> {
      const r = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return r && userFrom(r);
    },
    async getUserByName(domainId: string, name: string): Promise<User | undefined> {
      const r = await db
        .selectFrom('users')
        .selectAll()
        .where('domain_id', '=', domainId)
        .where('name', '=', name)
        .executeTakeFirst();
      return r && userFrom(r);
    },
    async listUsers(filter: UserFilter): Promise<User[]> {
      let q = db.selectFrom('users').selectAll();
      if (filter.name !== undefined) q = q.where('name', '=', filter.name);
      if (filter.domainId !== undefined) q = q.where('domain_id', '=', filter.domainId);
      if (filter.enabled !== undefined) q = q.where('enabled', '=', fromBool(filter.enabled));
      if (filter.ids) q = q.where('id', 'in', filter.ids.length ? [...filter.ids] : ['']);
      return (await q.orderBy('name').limit(10_000).execute()).map(userFrom);
    },
    async insertUser(u: User, createdAt: string): Promise<void> {
      await db
        .insertInto('users')
        .values({
          id: u.id,
          domain_id: u.domainId,
          name: u.name,
          enabled: fromBool(u.enabled),
          default_project_id: u.defaultProjectId,
          password_hash: u.passwordHash,
          password_expires_at: u.passwordExpiresAt,
          tokens_valid_after: u.tokensValidAfter,
          failed_auth_count: u.failedAuthCount,
          last_failed_auth_at: u.lastFailedAuthAt,
          extra: JSON.stringify(u.extra),
          options: JSON.stringify(u.options),
          created_at: createdAt,
        })
        .execute();
    },
    async updateUser(u: User): Promise<void> {
      await db
        .updateTable('users')
        .set({
          name: u.name,
          enabled: fromBool(u.enabled),
          default_project_id: u.defaultProjectId,
          password_hash: u.passwordHash,
          password_expires_at: u.passwordExpiresAt,
          tokens_valid_after: u.tokensValidAfter,
          failed_auth_count: u.failedAuthCount,
          last_failed_auth_at: u.lastFailedAuthAt,
          extra: JSON.stringify(u.extra),
          options: JSON.stringify(u.options),
        })
        .where('id', '=', u.id)
        .execute();
    },
    async recordAuthFailure(userId: string, at: string): Promise<void> {
      await db
        .updateTable('users')
        .set((eb) => ({ failed_auth_count: eb('failed_auth_count', '+', 1), last_failed_auth_at: at }))
        .where('id', '=', userId)
        .execute();
    },
    async resetAuthFailures(userId: string): Promise<void> {
      await db
        .updateTable('users')
        .set({ failed_auth_count: 0, last_failed_auth_at: null })
        .where('id', '=', userId)
        .where('failed_auth_count', '>', 0)
        .execute();
    },
    async deleteUser(id: string): Promise<void> {
      await db.deleteFrom('users').where('id', '=', id).execute();
    },
    async countUsersInDomain(domainId: string): Promise<number> {
      const r = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('domain_id', '=', domainId)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    async getGroup(id: string): Promise<Group | undefined> {
      const r = await db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
      return r && groupFrom(r);
    },
    async getGroupByName(domainId: string, name: string): Promise<Group | undefined> {
      const r = await db
        .selectFrom('groups')
        .selectAll()
        .where('domain_id', '=', domainId)
        .where('name', '=', name)
        .executeTakeFirst();
      return r && groupFrom(r);
    },
    async listGroups(filter: {
      name?: string | undefined;
      domainId?: string | undefined;
      ids?: readonly string[];
    }) {
      let q = db.selectFrom('groups').selectAll();
      if (filter.name !== undefined) q = q.where('name', '=', filter.name);
      if (filter.domainId !== undefined) q = q.where('domain_id', '=', filter.domainId);
      if (filter.ids) q = q.where('id', 'in', filter.ids.length ? [...filter.ids] : ['']);
      return (await q.orderBy('name').limit(10_000).execute()).map(groupFrom);
    },
    async insertGroup(g: Group): Promise<void> {
      await db
        .insertInto('groups')
        .values({
          id: g.id,
          domain_id: g.domainId,
          name: g.name,
          description: g.description,
          extra: JSON.stringify(g.extra),
        })
        .execute();
    },
    async updateGroup(g: Group): Promise<void> {
      await db
        .updateTable('groups')
        .set({ name: g.name, description: g.description, extra: JSON.stringify(g.extra) })
        .where('id', '=', g.id)
        .execute();
    },
    async deleteGroup(id: string): Promise<void> {
      await db.deleteFrom('groups').where('id', '=', id).execute();
    },
    async groupIdsOfUser(userId: string): Promise<string[]> {
      const rows = await db
        .selectFrom('group_members')
        .select('group_id')
        .where('user_id', '=', userId)
        .execute();
      return rows.map((r) => r.group_id);
    },
    async userIdsOfGroup(groupId: string): Promise<string[]> {
      const rows = await db
        .selectFrom('group_members')
        .select('user_id')
        .where('group_id', '=', groupId)
        .execute();
      return rows.map((r) => r.user_id);
    },
    async addMember(groupId: string, userId: string): Promise<void> {
      await db
        .insertInto('group_members')
        .values({ group_id: groupId, user_id: userId })
        .onConflict((oc) => oc.doNothing())
        .execute();
    },
    async removeMember(groupId: string, userId: string): Promise<boolean> {
      const r = await db
        .deleteFrom('group_members')
        .where('group_id', '=', groupId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;
