// The policy engine's view of an authenticated caller: oslo.context's policy values built from the
// AuthContext token validation produced. is_admin and is_reader_admin carry identity/policy.ts's
// decisions (cloud admin, cloud reader), so every service's rules agree with docs/admin-semantics.md.
import type { AuthContext } from '../common/http/context.js';
import type { PolicyCredentials } from '../common/policy/types.js';
import { isCloudAdmin, isCloudReader } from './policy.js';

// One AuthContext serves one request (or one cached validation); its credentials never change.
const cache = new WeakMap<AuthContext, PolicyCredentials>();

export function policyCredentials(auth: AuthContext): PolicyCredentials {
  const hit = cache.get(auth);
  if (hit) return hit;
  const scope = auth.scope;
  const creds: PolicyCredentials = {
    userId: auth.userId,
    userDomainId: auth.userDomainId,
    ...(scope.kind === 'project' && { projectId: scope.projectId, projectDomainId: scope.domainId }),
    ...(scope.kind === 'domain' && { domainId: scope.domainId }),
    ...(scope.kind === 'system' && { systemScope: 'all' }),
    roles: auth.roles.map((role) => role.name),
    isAdmin: isCloudAdmin(auth),
    isReaderAdmin: isCloudReader(auth),
    isAdminProject: auth.isAdminProject,
  };
  cache.set(auth, creds);
  return creds;
}
