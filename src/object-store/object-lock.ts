// Object Lock (S3's write-once retention) as the object service enforces it, for every front end and
// every caller, cloud admin included: a version under retention (until its date) or under a legal hold
// is never deleted, and never replaced in place. The lock lives in the version's system metadata, so
// every copy of the row (a version archived by versioning) carries it. A bucket with Object Lock keeps
// versioning on for good, so writes and plain deletes archive the locked version instead of removing it.
import { errors } from '../common/errors/codes.js';
import type { Container, StoredMetadata, StoredObject } from './model.js';

export const OBJECT_LOCK_SYSMETA = {
  mode: 'x-object-sysmeta-lock-mode',
  retainUntil: 'x-object-sysmeta-lock-retain-until',
  legalHold: 'x-object-sysmeta-lock-legal-hold',
} as const;

/** The container flag: Object Lock enabled at creation (never turned off). */
export const CONTAINER_OBJECT_LOCK = 'x-container-sysmeta-object-lock';

export type RetentionMode = 'GOVERNANCE' | 'COMPLIANCE';

export interface ObjectLock {
  mode: RetentionMode | undefined;
  retainUntil: Date | undefined;
  legalHold: boolean;
}

export function lockOf(metadata: StoredMetadata): ObjectLock {
  const mode = metadata.headers[OBJECT_LOCK_SYSMETA.mode];
  const until = metadata.headers[OBJECT_LOCK_SYSMETA.retainUntil];
  return {
    mode: mode === 'GOVERNANCE' || mode === 'COMPLIANCE' ? mode : undefined,
    retainUntil: until === undefined ? undefined : new Date(until),
    legalHold: metadata.headers[OBJECT_LOCK_SYSMETA.legalHold] === 'ON',
  };
}

/** Writes a lock into metadata (removing the parts that are undefined). */
export function withLock(metadata: StoredMetadata, lock: ObjectLock): StoredMetadata {
  const set = (name: string, value: string | undefined) => {
    if (value === undefined) delete metadata.headers[name];
    else metadata.headers[name] = value;
  };
  const retained = lock.mode !== undefined && lock.retainUntil !== undefined;
  set(OBJECT_LOCK_SYSMETA.mode, retained ? lock.mode : undefined);
  set(OBJECT_LOCK_SYSMETA.retainUntil, retained ? lock.retainUntil?.toISOString() : undefined);
  set(OBJECT_LOCK_SYSMETA.legalHold, lock.legalHold ? 'ON' : undefined);
  return metadata;
}

export function isLockEnabled(container: Container): boolean {
  return container.metadata.headers[CONTAINER_OBJECT_LOCK] === 'Enabled';
}

/** Whether the retention still holds at `now`. */
export function isRetained(lock: ObjectLock, now: Date): boolean {
  return lock.mode !== undefined && lock.retainUntil !== undefined && lock.retainUntil > now;
}

/** Whether `object` may be removed at `now` without a bypass (lifecycle expiry skips it otherwise). */
export function isRemovable(object: StoredObject, now: Date): boolean {
  const lock = lockOf(object.metadata);
  return !lock.legalHold && !isRetained(lock, now);
}

/**
 * Throws 403 when `object` may not be removed at `now`: a legal hold, COMPLIANCE retention (for
 * everyone), or GOVERNANCE retention unless the caller may bypass it and asked to.
 */
export function assertRemovable(object: StoredObject, now: Date, bypassGovernance = false): void {
  const lock = lockOf(object.metadata);
  if (lock.legalHold) throw errors.forbidden('The object version is under a legal hold.');
  if (!isRetained(lock, now)) return;
  if (lock.mode === 'GOVERNANCE' && bypassGovernance) return;
  throw errors.forbidden(
    `The object version is locked in ${lock.mode} mode until ${lock.retainUntil?.toISOString()}.`,
  );
}
