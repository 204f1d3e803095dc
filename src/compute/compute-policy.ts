// Nova's default policy as predicates over the caller: who is an admin, which project acts, and whether
// a caller may see (and change) a project's servers. A project never learns of another's servers (404).
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { isCloudAdmin } from '../identity/policy.js';

export function isAdmin(auth: AuthContext): boolean {
  return isCloudAdmin(auth);
}

export function callerProject(auth: AuthContext): string | undefined {
  return auth.scope.kind === 'project' ? auth.scope.projectId : undefined;
}

/** The project the caller acts for; a token without a project scope cannot own servers. */
export function requireProject(auth: AuthContext): string {
  const project = callerProject(auth);
  if (project === undefined) throw errors.forbidden('A project-scoped token is required.');
  return project;
}

export function requireAdmin(auth: AuthContext): void {
  if (!isAdmin(auth)) throw errors.forbidden();
}

/** Whether the caller may see resources of `projectId` (its own project, or any as a cloud admin). */
export function canSeeProject(auth: AuthContext, projectId: string): boolean {
  return isAdmin(auth) || callerProject(auth) === projectId;
}

/** Members (and admins) change; readers only read. */
export function requireWriter(auth: AuthContext): void {
  if (isAdmin(auth)) return;
  if (auth.roleNames.has('member') || auth.roleNames.has('admin')) return;
  throw errors.forbidden();
}
