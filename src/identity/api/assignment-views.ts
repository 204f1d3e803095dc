// The wire shape of /v3/role_assignments entries, with names resolved when include_names is asked.
import type { ListedAssignment } from '../assignment-lister.js';
import { SYSTEM_TARGET } from '../model.js';
import type { IdentityServices } from './route-deps.js';

import type { Named } from '../assignment-service.js';

interface NameCache {
  get(kind: 'user' | 'group' | 'project' | 'domain' | 'role', id: string): Promise<Named>;
}

function nameCache(services: IdentityServices, includeNames: boolean): NameCache {
  const cache = new Map<string, Promise<Named>>();
  const load = (kind: 'user' | 'group' | 'project' | 'domain' | 'role', id: string) =>
    services.assignments.describe(kind, id);
  return {
    get(kind, id) {
      if (!includeNames) return Promise.resolve({ id });
      const key = `${kind}:${id}`;
      let hit = cache.get(key);
      if (!hit) {
        hit = load(kind, id);
        cache.set(key, hit);
      }
      return hit;
    },
  };
}

export async function renderAssignments(
  list: ListedAssignment[],
  services: IdentityServices,
  base: string,
  includeNames: boolean,
) {
  const names = nameCache(services, includeNames);
  const out = [];
  for (const a of list) {
    const actorKind = a.type.startsWith('User') ? 'user' : 'group';
    const targetKind = a.type.endsWith('Project')
      ? 'project'
      : a.type.endsWith('Domain')
        ? 'domain'
        : 'system';
    const scope: Record<string, unknown> =
      targetKind === 'system' || a.targetId === SYSTEM_TARGET
        ? { system: { all: true } }
        : { [targetKind]: await names.get(targetKind, a.targetId) };
    if (a.inherited) scope['OS-INHERIT:inherited_to'] = 'projects';
    const targetPath = targetKind === 'system' ? 'system' : `${targetKind}s/${a.targetId}`;
    const assignmentUrl = `${base}/v3/${a.inherited ? 'OS-INHERIT/' : ''}${targetPath}/${actorKind}s/${a.viaGroupId ?? a.actorId}/roles/${a.priorRoleId ?? a.roleId}${a.inherited ? '/inherited_to_projects' : ''}`;
    const links: Record<string, string> = { assignment: assignmentUrl };
    if (a.viaGroupId) links.membership = `${base}/v3/groups/${a.viaGroupId}/users/${a.actorId}`;
    if (a.priorRoleId) links.prior_role = `${base}/v3/roles/${a.priorRoleId}`;
    out.push({
      role: await names.get('role', a.roleId),
      [actorKind]: await names.get(actorKind, a.actorId),
      scope,
      links,
    });
  }
  return out;
}
