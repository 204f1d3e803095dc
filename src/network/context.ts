// What every network service shares: the store, the clock, the data plane trigger, the mutation lock,
// and the caller helpers (project, admin) that policy decisions use.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import type { PolicyTarget } from '../common/policy/index.js';
import { isCloudAdmin } from '../identity/policy.js';
import { badRequest, conflict, notFound, policyDenied } from './errors.js';
import type { NetworkPolicy } from './network-policy.js';
import type { NetworkStore, Rec, ResourceKind } from './network-store.js';

export interface NetworkSettings {
  mtu: number;
  quotas: Record<string, number>;
}

export interface NetContext {
  store: NetworkStore;
  clock: Clock;
  settings: NetworkSettings;
  /** Runs `fn` with no other network mutation in between (one process owns the data plane). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Asks the data plane to converge after a change and waits for it (errors are logged, not thrown). */
  changed(): Promise<void>;
  /** Plugs (host_id set) or unplugs a port's device after its row changed; errors are logged. */
  bind(port: Rec): Promise<void>;
  /** Neutron's policy rules through the shared engine. */
  policy: NetworkPolicy;
}

export function createLock() {
  let tail: Promise<unknown> = Promise.resolve();
  return function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

export function callerProject(auth: AuthContext): string {
  if (auth.scope.kind === 'project') return auth.scope.projectId;
  if (auth.scope.kind === 'system') return '';
  throw errors.forbidden('A project-scoped token is required.');
}

// Every decision below is a Neutron policy rule evaluated by the shared engine (network-policy.ts):
// `get_<kind>` decides what the caller sees, `create_/update_/delete_<kind>` what it may change, and
// `<action>:<attribute>` rules the attributes it sets. The cloud admin is identity/policy.ts's.

/** The cloud admin, for Neutron's non-policy checks on context.is_admin (service ports, default groups). */
export function isAdmin(auth: AuthContext): boolean {
  return isCloudAdmin(auth);
}

/** Neutron's get_<kind> rule on the record (with any parent attributes in `extra`). */
export function canSee(
  ctx: NetContext,
  auth: AuthContext,
  kind: string,
  rec: PolicyTarget,
  extra?: PolicyTarget,
): boolean {
  return ctx.policy.allowed(auth, `get_${kind}`, extra ? { ...rec, ...extra } : rec);
}

/** Refuses with Neutron's 403 unless `action` and every `<action>:<attribute>` rule pass. */
export function requirePolicy(
  ctx: NetContext,
  auth: AuthContext,
  action: string,
  target: PolicyTarget,
  attributes: readonly string[] = [],
): void {
  if (!ctx.policy.allowed(auth, action, target)) throw policyDenied(action);
  const refused = ctx.policy.refusedAttributes(auth, action, target, attributes);
  if (refused.length > 0) throw policyDenied(action, refused);
}

/**
 * An update or delete of a record: refused with Neutron's 403 when the caller may see it, else with
 * the 404 that hides it; then the attribute rules.
 */
export function requireWrite(
  ctx: NetContext,
  auth: AuthContext,
  action: string,
  kind: string,
  target: PolicyTarget,
  attributes: readonly string[] = [],
): void {
  if (!ctx.policy.allowed(auth, action, target)) {
    if (canSee(ctx, auth, kind, target)) throw policyDenied(action);
    throw notFound(kind, String(target.id));
  }
  requirePolicy(ctx, auth, action, target, attributes);
}

/** The project a new resource belongs to: the one the body names (the API allowed it), else the caller's. */
export function ownerFor(auth: AuthContext, body: Record<string, unknown>): string {
  const asked = (body.project_id ?? body.tenant_id) as string | undefined;
  if (asked !== undefined && asked !== '') {
    if (asked !== callerProject(auth) && !isAdmin(auth))
      throw badRequest(
        "Specifying 'project_id' other than the authenticated project in request is not allowed for the current user.",
        'HTTPBadRequest',
      );
    return asked;
  }
  const own = callerProject(auth);
  if (own === '')
    throw badRequest(
      'Running without keystone AuthN requires that project_id is specified',
      'HTTPBadRequest',
    );
  return own;
}

export { badRequest, conflict, notFound, policyDenied };

/** The standard attributes every Neutron resource carries. */
export function standardAttrs(clock: Clock, projectId: string, description: unknown) {
  const now = clock
    .now()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  return {
    id: randomUUID(),
    project_id: projectId,
    tenant_id: projectId,
    description: typeof description === 'string' ? description : '',
    tags: [] as string[],
    created_at: now,
    updated_at: now,
    revision_number: 0,
  };
}

export function touch(clock: Clock, rec: Rec): Rec {
  rec.updated_at = clock
    .now()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  rec.revision_number = Number(rec.revision_number ?? 0) + 1;
  return rec;
}

/** Neutron's MAC prefix fa:16:3e with three random bytes. */
export function newMac(): string {
  return ['fa', '16', '3e', ...[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** Loads a record the caller may see, else 404 in Neutron's words (other projects' rows included). */
export async function visible(
  ctx: NetContext,
  auth: AuthContext,
  kind: ResourceKind,
  id: string,
  label: string,
) {
  const rec = await ctx.store.get(kind, id);
  if (!rec || !canSee(ctx, auth, label, rec)) throw notFound(label, id);
  return rec;
}

/** Copies the listed keys of `body` that are present onto `rec`. */
export function assign(rec: Rec, body: Record<string, unknown>, keys: string[]): void {
  for (const key of keys) if (body[key] !== undefined) rec[key] = body[key];
}

export const bool = (v: unknown, dflt: boolean): boolean => (typeof v === 'boolean' ? v : dflt);
