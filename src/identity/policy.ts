// Keystone's default secure-RBAC personas, as predicates over the caller's AuthContext. Services ask
// these questions; they never look at role names themselves.
//   cloud admin/reader : system-scoped admin/reader, or admin/reader on the admin project (is_admin_project;
//                        with no admin project configured, the admin of any project — docs/admin-semantics.md)
//   domain admin/reader: domain-scoped admin/reader on that domain
//   project admin/member/reader: project-scoped with that role (admin ⇒ member ⇒ reader by implication)
import type { AuthContext } from '../common/http/context.js';
import { errors } from '../common/errors/codes.js';

const has = (ctx: AuthContext, role: string): boolean => ctx.roleNames.has(role);

/** The one decision every service uses for "cloud admin". */
export function isCloudAdmin(ctx: AuthContext): boolean {
  return has(ctx, 'admin') && (ctx.scope.kind === 'system' || ctx.isAdminProject);
}

/**
 * A reader of everything: system-scoped readers, cloud admins, and readers of the configured admin
 * project. Without an admin project every project is one for the admin role only: a member of any
 * project reading every project would make project boundaries meaningless.
 */
export function isCloudReader(ctx: AuthContext): boolean {
  if (isCloudAdmin(ctx)) return true;
  const reader = has(ctx, 'reader') || has(ctx, 'admin');
  if (ctx.scope.kind === 'system') return reader;
  return reader && ctx.isAdminProject && ctx.everyProjectIsAdminProject !== true;
}

export function isDomainAdmin(ctx: AuthContext, domainId: string): boolean {
  return ctx.scope.kind === 'domain' && ctx.scope.domainId === domainId && has(ctx, 'admin');
}

export function isDomainReader(ctx: AuthContext, domainId: string): boolean {
  return (
    ctx.scope.kind === 'domain' &&
    ctx.scope.domainId === domainId &&
    (has(ctx, 'reader') || has(ctx, 'admin'))
  );
}

/** The domain a domain-scoped token manages, if any. */
export function scopedDomainId(ctx: AuthContext): string | undefined {
  return ctx.scope.kind === 'domain' ? ctx.scope.domainId : undefined;
}

export function isProjectScopedTo(ctx: AuthContext, projectId: string): boolean {
  return ctx.scope.kind === 'project' && ctx.scope.projectId === projectId;
}

export function hasProjectRole(
  ctx: AuthContext,
  projectId: string,
  role: 'admin' | 'member' | 'reader',
): boolean {
  return isProjectScopedTo(ctx, projectId) && has(ctx, role);
}

/** Admin of the cloud, or of the given domain. */
export function canManageInDomain(ctx: AuthContext, domainId: string): boolean {
  return isCloudAdmin(ctx) || isDomainAdmin(ctx, domainId);
}

/** Reader of the cloud, or of the given domain. */
export function canReadInDomain(ctx: AuthContext, domainId: string): boolean {
  return isCloudReader(ctx) || isDomainReader(ctx, domainId);
}

export function requireCloudAdmin(ctx: AuthContext): void {
  if (!isCloudAdmin(ctx)) throw errors.forbidden();
}

export function requireCloudReader(ctx: AuthContext): void {
  if (!isCloudReader(ctx)) throw errors.forbidden();
}
