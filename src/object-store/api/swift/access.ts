// Who may do what on a Swift path, per Swift's keystoneauth: cloud admins and reseller admins
// everything; the account's own project with an operator role (admin, member) everything and with
// reader only reads; everyone else only what the account ACL (X-Account-Access-Control) or the
// container ACLs (X-Container-Read/Write, with .r: referrer and .rlistings elements) grant. Anonymous
// callers get 401, authenticated strangers 403.
import { errors } from '../../../common/errors/codes.js';
import type { AuthContext } from '../../../common/http/context.js';
import { isCloudAdmin } from '../../../identity/policy.js';
import type { StoredMetadata } from '../../model.js';
import { objectReadAllowed } from '../../s3/acl-model.js';

export type Operation =
  'account-read' | 'account-write' | 'container-read' | 'container-write' | 'object-read' | 'object-write';

export interface AccessInput {
  auth: AuthContext | undefined;
  projectId: string;
  operation: Operation;
  account?: StoredMetadata | undefined;
  container?: StoredMetadata | undefined;
  /** The object read, for its own S3 ACL (which then decides instead of the container's read ACL). */
  object?: StoredMetadata | undefined;
  referer?: string | undefined;
}

/** keystoneauth's reseller_admin_role (compared without case, as Swift lowercases role names). */
export const RESELLER_ADMIN_ROLE = 'reselleradmin';

/**
 * A reseller manages every account, as keystoneauth grants its reseller_admin_role (and only a reseller
 * may change account quotas). The cloud admin is one too: Nuage's admin runs the whole cloud.
 */
export function isSwiftReseller(auth: AuthContext | undefined): boolean {
  if (!auth) return false;
  if (isCloudAdmin(auth)) return true;
  return [...auth.roleNames].some((name) => name.toLowerCase() === RESELLER_ADMIN_ROLE);
}

/** What an object's own S3 ACL says about reading it (undefined: it has none, or this is no object read). */
function objectAclDecision(input: AccessInput, auth: AuthContext | undefined): boolean | undefined {
  if (input.operation !== 'object-read') return undefined;
  const projectId = auth?.scope.kind === 'project' ? auth.scope.projectId : undefined;
  return objectReadAllowed(input.object, auth && projectId !== undefined ? { projectId } : undefined);
}

const READS = new Set<Operation>(['account-read', 'container-read', 'object-read']);

function aclElements(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Does an ACL element like "project:user", "project:*", "*:user" name this caller? */
function namesCaller(element: string, auth: AuthContext): boolean {
  const [project, user] = element.split(':');
  if (user === undefined) return false;
  const scopeProject = auth.scope.kind === 'project' ? [auth.scope.projectId, auth.scope.projectName] : [];
  const projectOk = project === '*' || (project !== undefined && scopeProject.includes(project));
  const userOk = user === '*' || user === auth.userId || user === auth.userName;
  return projectOk && userOk;
}

function hostOf(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).hostname;
  } catch {
    return undefined;
  }
}

/** Swift referrer ACL: .r:* any, .r:host, .r:.suffix, .r:-host to deny (last match wins). */
export function referrerAllowed(elements: string[], referer: string | undefined): boolean {
  const host = hostOf(referer);
  let allowed = false;
  for (const e of elements) {
    if (!e.startsWith('.r:') && !e.startsWith('.referrer:')) continue;
    let pattern = e.slice(e.indexOf(':') + 1);
    const deny = pattern.startsWith('-');
    if (deny) pattern = pattern.slice(1);
    const match =
      pattern === '*' ||
      (host !== undefined && (pattern.startsWith('.') ? host.endsWith(pattern) : host === pattern));
    if (match) allowed = !deny;
  }
  return allowed;
}

function accountAcl(meta: StoredMetadata | undefined): {
  admin: string[];
  readWrite: string[];
  readOnly: string[];
} {
  try {
    const v = JSON.parse(meta?.headers['x-account-access-control'] ?? '{}') as Record<string, unknown>;
    const list = (k: string) =>
      Array.isArray(v[k]) ? (v[k] as unknown[]).filter((x): x is string => typeof x === 'string') : [];
    return { admin: list('admin'), readWrite: list('read-write'), readOnly: list('read-only') };
  } catch {
    return { admin: [], readWrite: [], readOnly: [] };
  }
}

function ownerAccess(auth: AuthContext, projectId: string, operation: Operation): boolean | undefined {
  if (auth.scope.kind !== 'project' || auth.scope.projectId !== projectId) return undefined;
  if (auth.roleNames.has('admin') || auth.roleNames.has('member')) return true;
  if (auth.roleNames.has('reader')) return READS.has(operation);
  return undefined;
}

function aclAccess(input: AccessInput, auth: AuthContext): boolean {
  const acl = accountAcl(input.account);
  const named = (list: string[]) =>
    list.some(
      (e) =>
        namesCaller(e, auth) ||
        e === auth.userId ||
        (auth.scope.kind === 'project' && e === auth.scope.projectId),
    );
  if (named(acl.admin) || named(acl.readWrite))
    return input.operation !== 'account-write' || named(acl.admin);
  if (named(acl.readOnly) && READS.has(input.operation)) return true;
  const own = objectAclDecision(input, auth);
  if (own !== undefined) return own;
  const read = aclElements(input.container?.headers['x-container-read']);
  const write = aclElements(input.container?.headers['x-container-write']);
  if (input.operation === 'object-write') return write.some((e) => namesCaller(e, auth));
  if (input.operation === 'object-read')
    return read.some((e) => namesCaller(e, auth)) || referrerAllowed(read, input.referer);
  if (input.operation === 'container-read') {
    return (
      read.some((e) => namesCaller(e, auth)) ||
      (read.includes('.rlistings') && referrerAllowed(read, input.referer))
    );
  }
  return false;
}

/** Throws 401 (anonymous) or 403 (authenticated) unless the operation is allowed. */
export function authorizeSwift(input: AccessInput): void {
  const { auth } = input;
  if (auth) {
    if (isSwiftReseller(auth)) return;
    const owner = ownerAccess(auth, input.projectId, input.operation);
    if (owner === true) return;
    if (owner === false) throw errors.forbidden('Access was denied to this resource.');
    if (aclAccess(input, auth)) return;
    throw errors.forbidden('Access was denied to this resource.');
  }
  const read = aclElements(input.container?.headers['x-container-read']);
  const own = objectAclDecision(input, undefined);
  if (own === true) return;
  if (own === undefined && input.operation === 'object-read' && referrerAllowed(read, input.referer)) return;
  if (
    input.operation === 'container-read' &&
    read.includes('.rlistings') &&
    referrerAllowed(read, input.referer)
  )
    return;
  throw errors.unauthorized(
    'This server could not verify that you are authorized to access the document you requested.',
  );
}
