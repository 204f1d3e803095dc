// Glance's default policy, as predicates over the caller: who sees an image, who may change it, and who
// may publish one. A project never learns of an image it may not see (404, not 403).
import type { AuthContext } from '../common/http/context.js';
import { errors } from '../common/errors/codes.js';
import { isCloudAdmin } from '../identity/policy.js';
import type { Image, MemberStatus } from './model.js';

export function callerProject(auth: AuthContext): string | undefined {
  return auth.scope.kind === 'project' ? auth.scope.projectId : undefined;
}

export function isAdmin(auth: AuthContext): boolean {
  return isCloudAdmin(auth);
}

/** Whether the caller may see the image; `membership` is the caller's member status, if any. */
export function canSee(auth: AuthContext, image: Image, membership: MemberStatus | undefined): boolean {
  if (isAdmin(auth)) return true;
  const project = callerProject(auth);
  if (project !== undefined && image.owner === project) return true;
  if (image.visibility === 'public' || image.visibility === 'community') return true;
  return image.visibility === 'shared' && membership !== undefined;
}

/** Whether the caller may change the image (owner with a member role, or a cloud admin). */
export function canModify(auth: AuthContext, image: Image): boolean {
  if (isAdmin(auth)) return true;
  const project = callerProject(auth);
  return (
    project !== undefined &&
    image.owner === project &&
    (auth.roleNames.has('member') || auth.roleNames.has('admin'))
  );
}

export function requireModify(auth: AuthContext, image: Image): void {
  if (!canModify(auth, image)) throw errors.forbidden('You are not permitted to modify this image.');
}

/** Glance's default policy: only admins publicize images. */
export function requireVisibilityAllowed(auth: AuthContext, visibility: string): void {
  if (visibility === 'public' && !isAdmin(auth)) {
    throw errors.forbidden('You are not authorized to complete publicize_image action.');
  }
}

/** Glance's secure-RBAC add_image: a member (or admin) of the project; a reader reads but never creates. */
export function requireCreate(auth: AuthContext): void {
  if (isAdmin(auth) || auth.roleNames.has('member') || auth.roleNames.has('admin')) return;
  throw errors.forbidden('You are not authorized to complete add_image action.');
}

/** The project the caller acts for; a token without a project scope cannot own images. */
export function requireProject(auth: AuthContext): string {
  const project = callerProject(auth);
  if (project === undefined) throw errors.forbidden('A project-scoped token is required.');
  return project;
}
