// GET /v3/role_assignments: raw or effective listings. Effective listings expand group grants to their
// members, inherited grants to the projects below them, and roles to the roles they imply, as Keystone does.
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { SYSTEM_TARGET, type Assignment } from './model.js';
import { isCloudReader, isDomainReader } from './policy.js';
import type { ResourceStore } from './resource-store.js';
import type { RoleResolver } from './role-resolver.js';
import type { RoleStore } from './role-store.js';
import type { UserStore } from './user-store.js';

export interface AssignmentQuery {
  userId?: string | undefined;
  groupId?: string | undefined;
  roleId?: string | undefined;
  projectId?: string | undefined;
  domainId?: string | undefined;
  system?: boolean | undefined;
  inherited?: boolean | undefined;
  effective: boolean;
}

export interface ListedAssignment extends Assignment {
  /** Effective listings: the group the user holds it through, and the role that implied it. */
  viaGroupId?: string | undefined;
  priorRoleId?: string | undefined;
}

const MAX_RESULTS = 10_000;

export function createAssignmentLister(deps: {
  roles: RoleStore;
  users: UserStore;
  resources: ResourceStore;
  resolver: RoleResolver;
}) {
  /** Which assignments the caller may see: all, those in one domain, or only their own / their project's. */
  async function visibility(
    ctx: AuthContext,
    q: AssignmentQuery,
  ): Promise<(a: Assignment) => Promise<boolean>> {
    if (isCloudReader(ctx)) return async () => true;
    if (ctx.scope.kind === 'domain' && isDomainReader(ctx, ctx.scope.domainId)) {
      const domainId = ctx.scope.domainId;
      return async (a) =>
        a.targetId === domainId || (await deps.resources.getProject(a.targetId))?.domainId === domainId;
    }
    const ownProject = ctx.scope.kind === 'project' ? ctx.scope.projectId : undefined;
    if (q.userId === ctx.userId) return async (a) => a.actorId === ctx.userId || a.type.startsWith('Group');
    if (ownProject && q.projectId === ownProject) return async (a) => a.targetId === ownProject;
    throw errors.forbidden();
  }

  async function expandGroups(rows: Assignment[]): Promise<ListedAssignment[]> {
    const out: ListedAssignment[] = [];
    for (const a of rows) {
      if (!a.type.startsWith('Group')) {
        out.push(a);
        continue;
      }
      for (const userId of await deps.users.userIdsOfGroup(a.actorId)) {
        out.push({
          ...a,
          type: a.type.replace('Group', 'User') as Assignment['type'],
          actorId: userId,
          viaGroupId: a.actorId,
        });
      }
    }
    return out;
  }

  async function expandInheritance(rows: ListedAssignment[]): Promise<ListedAssignment[]> {
    const out: ListedAssignment[] = [];
    for (const a of rows) {
      if (!a.inherited) {
        out.push(a);
        continue;
      }
      const projects = a.type.endsWith('Domain')
        ? await deps.resources.listProjects({ domainId: a.targetId })
        : await deps.resources.listProjects({ parentId: a.targetId });
      for (const p of projects)
        out.push({
          ...a,
          type: a.type.replace(/Domain$/, 'Project') as Assignment['type'],
          targetId: p.id,
          inherited: false,
        });
    }
    return out;
  }

  async function expandImplied(rows: ListedAssignment[]): Promise<ListedAssignment[]> {
    const out: ListedAssignment[] = [];
    for (const a of rows) {
      out.push(a);
      for (const implied of await deps.resolver.expand([a.roleId])) {
        if (implied.id !== a.roleId) out.push({ ...a, roleId: implied.id, priorRoleId: a.roleId });
      }
    }
    return out;
  }

  function matches(q: AssignmentQuery, a: ListedAssignment): boolean {
    if (q.userId !== undefined && !(a.type.startsWith('User') && a.actorId === q.userId)) return false;
    if (q.groupId !== undefined && !(a.type.startsWith('Group') && a.actorId === q.groupId)) return false;
    if (q.roleId !== undefined && a.roleId !== q.roleId) return false;
    if (q.projectId !== undefined && !(a.type.endsWith('Project') && a.targetId === q.projectId))
      return false;
    if (q.domainId !== undefined && !(a.type.endsWith('Domain') && a.targetId === q.domainId)) return false;
    if (q.system && a.targetId !== SYSTEM_TARGET) return false;
    if (q.inherited !== undefined && a.inherited !== q.inherited) return false;
    return true;
  }

  return {
    async listAssignments(ctx: AuthContext, q: AssignmentQuery): Promise<ListedAssignment[]> {
      const visible = await visibility(ctx, q);
      let rows: ListedAssignment[] = await deps.roles.listAssignments({});
      if (q.effective) {
        rows = await expandImplied(await expandInheritance(await expandGroups(rows)));
      }
      const out: ListedAssignment[] = [];
      const seen = new Set<string>();
      for (const a of rows) {
        if (!matches(q, a) || !(await visible(a))) continue;
        const key = `${a.type}|${a.actorId}|${a.targetId}|${a.roleId}|${a.inherited}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(a);
        if (out.length >= MAX_RESULTS) break;
      }
      return out;
    },
  };
}
