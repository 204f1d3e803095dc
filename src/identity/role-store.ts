// Kysely queries for roles, implied roles and role assignments.
import type { Kysely, Selectable } from 'kysely';
import type { Database, RoleTable } from '../db/schema.js';
import type { Assignment, AssignmentType, Role } from './model.js';
import { fromBool, parseJsonObject, toBool } from './store-util.js';

const roleFrom = (r: Selectable<RoleTable>): Role => ({
  id: r.id,
  name: r.name,
  domainId: r.domain_id === '' ? null : r.domain_id,
  description: r.description,
  extra: parseJsonObject(r.extra),
});

export interface AssignmentFilter {
  types?: readonly AssignmentType[] | undefined;
  actorIds?: readonly string[] | undefined;
  targetIds?: readonly string[] | undefined;
  roleId?: string | undefined;
  inherited?: boolean | undefined;
}

export function createRoleStore(db: Kysely<Database>) {
  return {
    async getRole(id: string): Promise<Role | undefined> {
      const r = await db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
      return r && roleFrom(r);
    },
    async getRoleByName(name: string, domainId: string | null = null): Promise<Role | undefined> {
      const r = await db
        .selectFrom('roles')
        .selectAll()
        .where('name', '=', name)
        .where('domain_id', '=', domainId ?? '')
        .executeTakeFirst();
      return r && roleFrom(r);
    },
    async listRoles(filter: {
      name?: string | undefined;
      domainId?: string | null | undefined;
    }): Promise<Role[]> {
      let q = db.selectFrom('roles').selectAll();
      if (filter.name !== undefined) q = q.where('name', '=', filter.name);
      if (filter.domainId !== undefined) q = q.where('domain_id', '=', filter.domainId ?? '');
      return (await q.orderBy('name').limit(10_000).execute()).map(roleFrom);
    },
    async allRoles(): Promise<Role[]> {
      return (await db.selectFrom('roles').selectAll().limit(10_000).execute()).map(roleFrom);
    },
    async insertRole(r: Role): Promise<void> {
      await db
        .insertInto('roles')
        .values({
          id: r.id,
          name: r.name,
          domain_id: r.domainId ?? '',
          description: r.description,
          extra: JSON.stringify(r.extra),
        })
        .execute();
    },
    async updateRole(r: Role): Promise<void> {
      await db
        .updateTable('roles')
        .set({ name: r.name, description: r.description, extra: JSON.stringify(r.extra) })
        .where('id', '=', r.id)
        .execute();
    },
    async deleteRole(id: string): Promise<void> {
      await db.deleteFrom('roles').where('id', '=', id).execute();
    },

    async listImplications(): Promise<Array<{ priorRoleId: string; impliedRoleId: string }>> {
      const rows = await db.selectFrom('implied_roles').selectAll().limit(10_000).execute();
      return rows.map((r) => ({ priorRoleId: r.prior_role_id, impliedRoleId: r.implied_role_id }));
    },
    async addImplication(priorRoleId: string, impliedRoleId: string): Promise<void> {
      await db
        .insertInto('implied_roles')
        .values({ prior_role_id: priorRoleId, implied_role_id: impliedRoleId })
        .onConflict((oc) => oc.doNothing())
        .execute();
    },
    async removeImplication(priorRoleId: string, impliedRoleId: string): Promise<boolean> {
      const r = await db
        .deleteFrom('implied_roles')
        .where('prior_role_id', '=', priorRoleId)
        .where('implied_role_id', '=', impliedRoleId)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },

    async listAssignments(filter: AssignmentFilter): Promise<Assignment[]> {
      let q = db.selectFrom('role_assignments').selectAll();
      if (filter.types) q = q.where('type', 'in', filter.types.length ? [...filter.types] : ['UserProject']);
      if (filter.actorIds)
        q = q.where('actor_id', 'in', filter.actorIds.length ? [...filter.actorIds] : ['']);
      if (filter.targetIds)
        q = q.where('target_id', 'in', filter.targetIds.length ? [...filter.targetIds] : ['']);
      if (filter.roleId !== undefined) q = q.where('role_id', '=', filter.roleId);
      if (filter.inherited !== undefined) q = q.where('inherited', '=', fromBool(filter.inherited));
      const rows = await q.limit(100_000).execute();
      return rows.map((r) => ({
        type: r.type,
        actorId: r.actor_id,
        targetId: r.target_id,
        roleId: r.role_id,
        inherited: toBool(r.inherited),
      }));
    },
    async addAssignment(a: Assignment): Promise<void> {
      await db
        .insertInto('role_assignments')
        .values({
          type: a.type,
          actor_id: a.actorId,
          target_id: a.targetId,
          role_id: a.roleId,
          inherited: fromBool(a.inherited),
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
    },
    async removeAssignment(a: Assignment): Promise<boolean> {
      const r = await db
        .deleteFrom('role_assignments')
        .where('type', '=', a.type)
        .where('actor_id', '=', a.actorId)
        .where('target_id', '=', a.targetId)
        .where('role_id', '=', a.roleId)
        .where('inherited', '=', fromBool(a.inherited))
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    /** Removes every assignment naming an actor or a target (user/group/project/domain deletion). */
    async removeAssignmentsOf(id: string): Promise<void> {
      await db
        .deleteFrom('role_assignments')
        .where((eb) => eb.or([eb('actor_id', '=', id), eb('target_id', '=', id)]))
        .execute();
    },
  };
}

export type RoleStore = ReturnType<typeof createRoleStore>;
