// Computes a user's effective roles on a scope: direct and group assignments, inherited assignments from
// the project's domain and ancestors, expanded through implied roles (admin ⇒ member ⇒ reader).
// Role definitions are cached for a second (they change rarely and are not a revocation path);
// assignments are read on every call, so removing one takes effect at once.
import type { Clock } from '../common/clock.js';
import type { RoleRef } from '../common/http/context.js';
import type { Assignment, Project, Role } from './model.js';
import { SYSTEM_TARGET } from './model.js';
import type { ResourceStore } from './resource-store.js';
import type { RoleStore } from './role-store.js';
import type { UserStore } from './user-store.js';

const DEFINITIONS_TTL_MS = 1000;
const MAX_HIERARCHY_DEPTH = 16;

export type ResolvedScope =
  | { kind: 'project'; project: Project }
  | { kind: 'domain'; domainId: string }
  | { kind: 'system' }
  | { kind: 'unscoped' };

interface Definitions {
  loadedAt: number;
  byId: Map<string, Role>;
  implies: Map<string, string[]>;
}

export function createRoleResolver(deps: {
  roles: RoleStore;
  users: UserStore;
  resources: ResourceStore;
  clock: Clock;
}) {
  let cache: Definitions | undefined;

  async function definitions(): Promise<Definitions> {
    const now = deps.clock.now().getTime();
    if (cache && now - cache.loadedAt < DEFINITIONS_TTL_MS) return cache;
    const [roles, implications] = await Promise.all([deps.roles.allRoles(), deps.roles.listImplications()]);
    const implies = new Map<string, string[]>();
    for (const i of implications)
      implies.set(i.priorRoleId, [...(implies.get(i.priorRoleId) ?? []), i.impliedRoleId]);
    cache = { loadedAt: now, byId: new Map(roles.map((r) => [r.id, r])), implies };
    return cache;
  }

  /** The role ids plus everything they imply, transitively (cycles are harmless). */
  async function expand(roleIds: Iterable<string>): Promise<RoleRef[]> {
    const defs = await definitions();
    const seen = new Set<string>();
    const queue = [...roleIds];
    while (queue.length > 0 && seen.size < 1000) {
      const id = queue.pop() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      queue.push(...(defs.implies.get(id) ?? []));
    }
    return [...seen]
      .map((id) => defs.byId.get(id))
      .filter((r): r is Role => r !== undefined)
      .map((r) => ({ id: r.id, name: r.name }));
  }

  async function ancestorsOf(project: Project): Promise<string[]> {
    const out: string[] = [];
    let parentId = project.parentId;
    while (parentId && out.length < MAX_HIERARCHY_DEPTH) {
      out.push(parentId);
      parentId = (await deps.resources.getProject(parentId))?.parentId ?? null;
    }
    return out;
  }

  /** Role ids granted directly (not implied) to the user or their groups on the scope. */
  async function assignedRoleIds(userId: string, scope: ResolvedScope): Promise<Set<string>> {
    if (scope.kind === 'unscoped') return new Set();
    const actorIds = [userId, ...(await deps.users.groupIdsOfUser(userId))];
    let direct: string;
    let inheritedFrom: string[] = [];
    if (scope.kind === 'project') {
      direct = scope.project.id;
      inheritedFrom = [scope.project.domainId, ...(await ancestorsOf(scope.project))];
    } else if (scope.kind === 'domain') {
      direct = scope.domainId;
    } else {
      direct = SYSTEM_TARGET;
    }
    const rows = await deps.roles.listAssignments({ actorIds, targetIds: [direct, ...inheritedFrom] });
    const applies = (a: Assignment) =>
      (a.targetId === direct && !a.inherited) || (a.inherited && inheritedFrom.includes(a.targetId));
    return new Set(rows.filter(applies).map((a) => a.roleId));
  }

  return {
    expand,
    assignedRoleIds,
    /** Effective roles; for an application credential, only those of its roles the user still holds. */
    async effectiveRoles(
      userId: string,
      scope: ResolvedScope,
      limitToRoleIds?: readonly string[],
    ): Promise<RoleRef[]> {
      const assigned = await assignedRoleIds(userId, scope);
      const roles = await expand(assigned);
      if (!limitToRoleIds) return roles;
      const allowed = new Set((await expand(limitToRoleIds)).map((r) => r.id));
      return roles.filter((r) => allowed.has(r.id));
    },
    async roleById(id: string): Promise<Role | undefined> {
      return (await definitions()).byId.get(id);
    },
    invalidate(): void {
      cache = undefined;
    },
  };
}

export type RoleResolver = ReturnType<typeof createRoleResolver>;
