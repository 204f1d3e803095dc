// Roles and implied roles (admin ⇒ member ⇒ reader): who may read and change their definitions.
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { newHexId } from '../common/ids.js';
import type { Role } from './model.js';
import {
  canManageInDomain,
  canReadInDomain,
  isCloudAdmin,
  isCloudReader,
  requireCloudAdmin,
  requireCloudReader,
} from './policy.js';
import type { RoleResolver } from './role-resolver.js';
import type { RoleStore } from './role-store.js';

export function createRoleService(deps: { roles: RoleStore; resolver: RoleResolver }) {
  const { roles } = deps;

  async function visibleRole(ctx: AuthContext, id: string): Promise<Role> {
    const role = await roles.getRole(id);
    if (!role) throw errors.notFound('role', id);
    if (role.domainId && !canReadInDomain(ctx, role.domainId) && !isCloudReader(ctx))
      throw errors.notFound('role', id);
    return role;
  }

  return {
    visibleRole,
    async listRoles(
      ctx: AuthContext,
      filter: { name?: string | undefined; domainId?: string | null | undefined },
    ) {
      if (!isCloudReader(ctx) && ctx.scope.kind !== 'domain' && ctx.scope.kind !== 'project')
        throw errors.forbidden();
      return roles.listRoles({ ...filter, domainId: filter.domainId === undefined ? null : filter.domainId });
    },
    async createRole(
      ctx: AuthContext,
      input: { name: string; domainId: string | null; description: string; extra: Record<string, unknown> },
    ) {
      if (input.domainId ? !canManageInDomain(ctx, input.domainId) : !isCloudAdmin(ctx))
        throw errors.forbidden();
      if (await roles.getRoleByName(input.name, input.domainId)) {
        throw errors.conflict(
          `Conflict occurred attempting to store role - Duplicate entry found with name ${input.name}.`,
        );
      }
      const role: Role = { id: newHexId(), ...input };
      await roles.insertRole(role);
      deps.resolver.invalidate();
      return role;
    },
    async updateRole(ctx: AuthContext, id: string, patch: Partial<Pick<Role, 'name' | 'description'>>) {
      const role = await visibleRole(ctx, id);
      requireCloudAdmin(ctx);
      const updated = { ...role, ...patch };
      await roles.updateRole(updated);
      deps.resolver.invalidate();
      return updated;
    },
    async deleteRole(ctx: AuthContext, id: string): Promise<void> {
      await visibleRole(ctx, id);
      requireCloudAdmin(ctx);
      await roles.deleteRole(id);
      deps.resolver.invalidate();
    },

    async listImplications(ctx: AuthContext) {
      requireCloudReader(ctx);
      return roles.listImplications();
    },
    async addImplication(ctx: AuthContext, priorId: string, impliedId: string) {
      requireCloudAdmin(ctx);
      const [prior, implied] = [await visibleRole(ctx, priorId), await visibleRole(ctx, impliedId)];
      if (prior.id === implied.id) throw errors.badRequest('A role cannot imply itself.');
      await roles.addImplication(prior.id, implied.id);
      deps.resolver.invalidate();
      return { prior, implied };
    },
    async checkImplication(ctx: AuthContext, priorId: string, impliedId: string) {
      requireCloudReader(ctx);
      const found = (await roles.listImplications()).some(
        (i) => i.priorRoleId === priorId && i.impliedRoleId === impliedId,
      );
      if (!found) throw errors.notFound('implied role', `${priorId}/${impliedId}`);
      return { prior: await visibleRole(ctx, priorId), implied: await visibleRole(ctx, impliedId) };
    },
    async removeImplication(ctx: AuthContext, priorId: string, impliedId: string) {
      requireCloudAdmin(ctx);
      if (!(await roles.removeImplication(priorId, impliedId)))
        throw errors.notFound('implied role', `${priorId}/${impliedId}`);
      deps.resolver.invalidate();
    },
  };
}
