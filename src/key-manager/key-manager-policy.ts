// Barbican's default policy (barbican/common/policies, the "new defaults": project-scoped tokens, the
// reader/member/admin roles), as predicates over the caller. Nuage has no ACLs yet, so every secret and
// container is "not private" and the ACL rules never grant anything beyond the project's own members.
// One deliberate widening, decided for Nuage: a project reader may list and read the metadata of the
// project's secrets, containers and orders (Barbican's legacy "observer"); payloads and every change
// still need member (or admin), as Barbican says.
import type { AuthContext } from '../common/http/context.js';
import { isCloudAdmin } from '../identity/policy.js';
import { kmErrors } from './key-manager-errors.js';

/** The owner of a secret, container or order. */
export interface PolicyTarget {
  projectId: string;
  creatorId: string;
}

function project(auth: AuthContext): string | undefined {
  return auth.scope.kind === 'project' ? auth.scope.projectId : undefined;
}

function has(auth: AuthContext, role: string): boolean {
  return auth.roleNames.has(role);
}

// Keystone's default implied roles make admin a member and a member a reader; the checks below do not
// rely on the implication being configured.
function isMember(auth: AuthContext): boolean {
  return has(auth, 'member') || has(auth, 'admin');
}

function isReader(auth: AuthContext): boolean {
  return isMember(auth) || has(auth, 'reader');
}

function sameProject(auth: AuthContext, target: PolicyTarget): boolean {
  return project(auth) !== undefined && project(auth) === target.projectId;
}

function allow(ok: boolean): void {
  if (!ok) throw kmErrors.policy();
}

/**
 * A check on one secret, container or order. Another project's resource is "not found" (as every
 * Nuage API answers, unlike Barbican's 403), so that no answer reveals it exists; only a cloud admin,
 * who may see every project, gets the policy refusal.
 */
function allowOn(auth: AuthContext, t: PolicyTarget, ok: boolean, notFound: () => Error): void {
  if (!sameProject(auth, t) && !isCloudAdmin(auth)) throw notFound();
  allow(ok);
}

/** The project a collection request acts on; only project-scoped tokens have one (scope_types project). */
export function actingProject(auth: AuthContext): string {
  const id = project(auth);
  if (id === undefined) throw kmErrors.policy();
  return id;
}

export const policy = {
  /** secrets:get, containers:get, orders:get (list) — member in Barbican, reader in Nuage. */
  list: (auth: AuthContext) => allow(project(auth) !== undefined && isReader(auth)),
  /** secrets:post, containers:post, orders:post, orders:put. */
  create: (auth: AuthContext) => allow(project(auth) !== undefined && isMember(auth)),
  /** secret:get — also any admin of the cloud ("role:admin" in Barbican's rule). */
  readSecret: (auth: AuthContext, t: PolicyTarget) =>
    allowOn(auth, t, isCloudAdmin(auth) || (sameProject(auth, t) && isReader(auth)), kmErrors.secretNotFound),
  /** secret:decrypt — the payload: project admin or member, never a reader or another project's admin. */
  decryptSecret: (auth: AuthContext, t: PolicyTarget) =>
    allowOn(auth, t, sameProject(auth, t) && isMember(auth), kmErrors.secretNotFound),
  /** secret:put. */
  changeSecret: (auth: AuthContext, t: PolicyTarget) =>
    allowOn(auth, t, sameProject(auth, t) && isMember(auth), kmErrors.secretNotFound),
  /** secret:delete — also any admin of the cloud. */
  deleteSecret: (auth: AuthContext, t: PolicyTarget) =>
    allowOn(auth, t, isCloudAdmin(auth) || (sameProject(auth, t) && isMember(auth)), kmErrors.secretNotFound),
  /** container:get. */
  readContainer: (auth: AuthContext, t: PolicyTarget) =>
    allowOn(auth, t, sameProject(auth, t) && isReader(auth), kmErrors.containerNotFound),
  /** container:delete, container_secret:post, container_secret:delete. */
  changeContainer: (auth: AuthContext, t: PolicyTarget) =>
    allowOn(auth, t, sameProject(auth, t) && isMember(auth), kmErrors.containerNotFound),
  /** order:get. */
  readOrder: (auth: AuthContext, t: PolicyTarget) =>
    allowOn(auth, t, sameProject(auth, t) && isReader(auth), kmErrors.orderNotFound),
  /** order:delete. */
  deleteOrder: (auth: AuthContext, t: PolicyTarget) =>
    allowOn(auth, t, sameProject(auth, t) && isMember(auth), kmErrors.orderNotFound),
} as const;
