// Roles, implied roles, grants (role assignments on projects, domains and the system) and the
// /v3/role_assignments listing with Keystone's effective, include_names and scope filters.
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { SYSTEM_TARGET, type AssignmentType, type Project, type Role } from './model.js';
import { canManageInDomain, canReadInDomain, isCloudAdmin, isCloudReader } from './policy.js';
import type { ResourceStore } from './resource-store.js';
import type { RoleResolver } from './role-resolver.js';
import type { RoleStore } from './role-store.js';
import type { UserStore } from './user-store.js';
import { createAssignmentLister } from './assignment-lister.js';
import { createRoleService } from './role-service.js';

/** An id with its name and domain, for include_names listings. */
export type Named = { id: string; name?: string; domain?: { id: string; name?: string } };

export type GrantTarget =
  { kind: 'project'; id: string } | { kind: 'domain'; id: string } | { kind: 'system' };
export type GrantActor = { kind: 'user'; id: string } | { kind: 'group'; id: string };

function assignmentType(actor: GrantActor, target: GrantTarget): AssignmentType {
  const who = actor.kind === 'user' ? 'User' : 'Group';
  const what = target.kind === 'project' ? 'Project' : target.kind === 'domain' ? 'Domain' : 'System';
  return `${who}${what}` as AssignmentType;
}

export function createAssignmentService(deps: {
  roles: RoleStore;
  users: UserStore;
  resources: ResourceStore;
  resolver: RoleResolver;
}) {
  const { roles } = deps;

  const roleService = createRoleService(deps);
  const { visibleRole } = roleService;

  /** The domain whose admins may grant on the target; undefined for the system. */
  async function targetDomain(target: GrantTarget): Promise<string | undefined> {
    if (target.kind === 'system') return undefined;
    if (target.kind === 'domain') {
      if (!(await deps.resources.getDomain(target.id))) throw errors.notFound('domain', target.id);
      return target.id;
    }
    const project = await deps.resources.getProject(target.id);
    if (!project) throw errors.notFound('project', target.id);
    return project.domainId;
  }

  async function checkActor(actor: GrantActor): Promise<void> {
    const found =
      actor.kind === 'user' ? await deps.users.getUser(actor.id) : await deps.users.getGroup(actor.id);
    if (!found) throw errors.notFound(actor.kind, actor.id);
  }

  async function authorizeGrant(ctx: AuthContext, actor: GrantActor, target: GrantTarget, write: boolean) {
    const domainId = await targetDomain(target);
    const allowed =
      domainId === undefined
        ? write
          ? isCloudAdmin(ctx)
          : isCloudReader(ctx)
        : write
          ? canManageInDomain(ctx, domainId)
          : canReadInDomain(ctx, domainId);
    if (!allowed) throw errors.forbidden();
    await checkActor(actor);
  }

  const targetId = (t: GrantTarget) => (t.kind === 'system' ? SYSTEM_TARGET : t.id);
  const lister = createAssignmentLister(deps);

  async function domainRef(id: string): Promise<Named> {
    const d = await deps.resources.getDomain(id);
    return d ? { id, name: d.name } : { id };
  }

  return {
    ...roleService,
    listAssignments: lister.listAssignments,
    /** Name and domain of an assignment's actor, target or role (ids that vanished come back bare). */
    async describe(kind: 'user' | 'group' | 'project' | 'domain' | 'role', id: string): Promise<Named> {
      if (kind === 'domain') return domainRef(id);
      if (kind === 'role') {
        const r = await roles.getRole(id);
        return r
          ? { id, name: r.name, ...(r.domainId ? { domain: await domainRef(r.domainId) } : {}) }
          : { id };
      }
      const found =
        kind === 'user'
          ? await deps.users.getUser(id)
          : kind === 'group'
            ? await deps.users.getGroup(id)
            : await deps.resources.getProject(id);
      return found ? { id, name: found.name, domain: await domainRef(found.domainId) } : { id };
    },
    async grant(ctx: AuthContext, actor: GrantActor, target: GrantTarget, roleId: string, inherited = false) {
      await authorizeGrant(ctx, actor, target, true);
      const role = await visibleRole(ctx, roleId);
      await roles.addAssignment({
        type: assignmentType(actor, target),
        actorId: actor.id,
        targetId: targetId(target),
        roleId: role.id,
        inherited,
      });
    },
    async checkGrant(
      ctx: AuthContext,
      actor: GrantActor,
      target: GrantTarget,
      roleId: string,
      inherited = false,
    ) {
      await authorizeGrant(ctx, actor, target, false);
      const found = await roles.listAssignments({
        types: [assignmentType(actor, target)],
        actorIds: [actor.id],
        targetIds: [targetId(target)],
        roleId,
        inherited,
      });
      if (found.length === 0) throw errors.notFound('role assignment', roleId);
    },
    async revoke(
      ctx: AuthContext,
      actor: GrantActor,
      target: GrantTarget,
      roleId: string,
      inherited = false,
    ) {
      await authorizeGrant(ctx, actor, target, true);
      const removed = await roles.removeAssignment({
        type: assignmentType(actor, target),
        actorId: actor.id,
        targetId: targetId(target),
        roleId,
        inherited,
      });
      if (!removed) throw errors.notFound('role assignment', roleId);
    },
    async listGrants(
      ctx: AuthContext,
      actor: GrantActor,
      target: GrantTarget,
      inherited = false,
    ): Promise<Role[]> {
      await authorizeGrant(ctx, actor, target, false);
      const rows = await roles.listAssignments({
        types: [assignmentType(actor, target)],
        actorIds: [actor.id],
        targetIds: [targetId(target)],
        inherited,
      });
      const out: Role[] = [];
      for (const r of rows) {
        const role = await roles.getRole(r.roleId);
        if (role) out.push(role);
      }
      return out;
    },

    /** Projects on which the user has any role (GET /v3/auth/projects, /v3/users/{id}/projects). */
    async projectsOfUser(userId: string): Promise<Project[]> {
      const actorIds = [userId, ...(await deps.users.groupIdsOfUser(userId))];
      const rows = await roles.listAssignments({
        actorIds,
        types: ['UserProject', 'GroupProject', 'UserDomain', 'GroupDomain'],
      });
      const direct = rows.filter((r) => r.type.endsWith('Project')).map((r) => r.targetId);
      const inheritedDomains = rows
        .filter((r) => r.type.endsWith('Domain') && r.inherited)
        .map((r) => r.targetId);
      const projects = await deps.resources.listProjects({ ids: [...new Set(direct)] });
      for (const domainId of new Set(inheritedDomains))
        projects.push(...(await deps.resources.listProjects({ domainId })));
      const unique = new Map(projects.filter((p) => p.enabled).map((p) => [p.id, p]));
      return [...unique.values()];
    },
    async domainsOfUser(userId: string) {
      const actorIds = [userId, ...(await deps.users.groupIdsOfUser(userId))];
      const rows = await roles.listAssignments({
        actorIds,
        types: ['UserDomain', 'GroupDomain'],
        inherited: false,
      });
      const domains = await deps.resources.listDomains({ ids: [...new Set(rows.map((r) => r.targetId))] });
      return domains.filter((d) => d.enabled);
    },
    async hasSystemRole(userId: string): Promise<boolean> {
      const actorIds = [userId, ...(await deps.users.groupIdsOfUser(userId))];
      return (await roles.listAssignments({ actorIds, types: ['UserSystem', 'GroupSystem'] })).length > 0;
    },
  };
}

export type AssignmentService = ReturnType<typeof createAssignmentService>;
