// Cinder's default policy as predicates over the caller: who is an admin, which project acts, and
// whether a caller may see (and change) a project's resources. Another project's volume is a 404.
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { isCloudAdmin } from '../identity/policy.js';

export function isAdmin(auth: AuthContext): boolean {
  return isCloudAdmin(auth);
}

export function callerProject(auth: AuthContext): string | undefined {
  return auth.scope.kind === 'project' ? auth.scope.projectId : undefined;
}

/** The project the caller acts for; a token without a project scope cannot own volumes. */
export function requireProject(auth: AuthContext): string {
  const project = callerProject(auth);
  if (project === undefined) throw errors.forbidden('A project-scoped token is required.');
  return project;
}

export function requireAdmin(auth: AuthContext): void {
  if (!isAdmin(auth)) throw errors.forbidden("Policy doesn't allow this operation to be performed.");
}

export function canSeeProject(auth: AuthContext, projectId: string): boolean {
  return isAdmin(auth) || callerProject(auth) === projectId;
}

/** Members (and admins) change; readers only read. */
export function requireWriter(auth: AuthContext): void {
  if (isAdmin(auth) || auth.roleNames.has('member') || auth.roleNames.has('admin')) return;
  throw errors.forbidden("Policy doesn't allow this operation to be performed.");
}
