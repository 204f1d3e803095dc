// What every network service shares: the store, the clock, the data plane trigger, the mutation lock,
// and the caller helpers (project, admin) that policy decisions use.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import type { ApiError } from '../common/errors/api-error.js';
import type { AuthContext } from '../common/http/context.js';
import { isCloudAdmin } from '../identity/policy.js';
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

export function isAdmin(auth: AuthContext): boolean {
  return isCloudAdmin(auth);
}

/** The project a new resource belongs to: the caller's, or any the admin names. */
export function ownerFor(auth: AuthContext, body: Record<string, unknown>): string {
  const asked = (body.project_id ?? body.tenant_id) as string | undefined;
  const own = callerProject(auth);
  if (asked && asked !== own) {
    if (!isAdmin(auth)) throw errors.forbidden('Only an admin may create resources for another project.');
    return asked;
  }
  return own;
}

export function canSee(auth: AuthContext, rec: Rec): boolean {
  return isAdmin(auth) || (rec.project_id !== '' && rec.project_id === callerProject(auth));
}

export function notFound(kind: string, id: string): ApiError {
  return errors.notFound(kind, id);
}

export function badRequest(message: string, neutronType = 'BadRequest'): ApiError {
  return errors.badRequest(message, { internalContext: { neutronType } });
}

export function conflict(message: string, neutronType: string): ApiError {
  return errors.conflict(message, { internalContext: { neutronType } });
}

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
  if (!rec || !canSee(auth, rec)) throw notFound(label, id);
  return rec;
}

/** Copies the listed keys of `body` that are present onto `rec`. */
export function assign(rec: Rec, body: Record<string, unknown>, keys: string[]): void {
  for (const key of keys) if (body[key] !== undefined) rec[key] = body[key];
}

export const bool = (v: unknown, dflt: boolean): boolean => (typeof v === 'boolean' ? v : dflt);
