// Keystone's default secure-RBAC personas, as predicates over the caller's AuthContext. Services ask
// these questions; they never look at role names themselves.
//   cloud admin/reader : system-scoped admin/reader, or admin/reader on the admin project (is_admin_project)
//   domain admin/reader: domain-scoped admin/reader on that domain
//   project admin/member/reader: project-scoped with that role (admin ⇒ member ⇒ reader by implication)
import type { AuthContext } from '../common/http/context.js';
import { errors } from '../common/errors/codes.js';

const has = (ctx: AuthContext, role: string): boolean => ctx.roleNames.has(role);

export function isCloudAdmin(ctx: AuthContext): boolean {
  return has(ctx, 'admin') && (ctx.scope.kind === 'system' || ctx.isAdminProject);
}

export function isCloudReader(ctx: AuthContext): boolean {
  return (has(ctx, 'reader') || has(ctx, 'admin')) && (ctx.scope.kind === 'system' || ctx.isAdminProject);
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
