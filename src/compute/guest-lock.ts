// The one lock per guest (`guest:<server id>`, common/tasks/resource-lock.ts) that every hypervisor call
// on a guest runs under: the compute worker's spawn, power actions, rebuild, resize, snapshot and
// destroy here, the volume worker's hot-plugs, online extends and copy freezes in volume/adapters.ts.
// A driver expects one operation per guest at a time, and the two workers run independently.
import type { ResourceLocks } from '../common/tasks/resource-lock.js';

/** Runs `fn` holding the guest's lock. */
export type GuestLock = <T>(serverId: string, fn: () => Promise<T>) => Promise<T>;

/**
 * A worker waits for a guest as long as a slow operation on it may take (a big snapshot or resize);
 * nobody's request is waiting on it.
 */
const WORKER_WAIT_MS = 30 * 60_000;

export function guestLock(locks: ResourceLocks, waitMs = WORKER_WAIT_MS): GuestLock {
  return (serverId, fn) => locks.withLock('guest', serverId, fn, { waitMs });
}

/** No lock (unit tests of one worker alone). */
export const unlockedGuest: GuestLock = (_serverId, fn) => fn();
