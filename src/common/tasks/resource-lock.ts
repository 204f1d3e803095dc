// One lock per resource, shared by every worker that touches it, in every process: the compute worker's
// power actions, the volume worker's hot-plugs and snapshots all take `guest:<server id>` before they
// call the hypervisor, so two of them never drive the same guest at once. Callers in this process queue
// in memory; across processes the lock is a lease in the database, renewed while held, so a process
// that dies frees its locks when they expire. A lock is re-entrant within one async call chain (a
// compute delete that releases the guest's volumes unplugs them under the lock it already holds).
import { AsyncLocalStorage } from 'node:async_hooks';
import { errors } from '../errors/codes.js';
import type { LeaseStore } from './lease-store.js';

export interface ResourceLocks {
  /**
   * Runs `fn` holding the lock on (kind, id); waits up to `waitMs` for it (409 Conflict after). Called
   * again for the same resource inside `fn`, it runs the inner function at once (re-entrant).
   */
  withLock<T>(kind: string, id: string, fn: () => Promise<T>, options?: { waitMs?: number }): Promise<T>;
}

export interface ResourceLockOptions {
  leases: LeaseStore;
  holder: string;
  /** Lease lifetime; renewed every third of it while the lock is held. */
  ttlMs?: number;
  /** Default wait for a lock held elsewhere. */
  waitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const LOCK_PREFIX = 'lock:';

export function createResourceLocks(options: ResourceLockOptions): ResourceLocks {
  const { leases, holder } = options;
  const ttlMs = options.ttlMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  // The tail of each key's in-process queue: a caller waits for the previous one before going to the DB.
  const tails = new Map<string, Promise<unknown>>();
  // The locks the current async call chain holds, for re-entrance. A chain that `fn` started and that
  // outlives it (a kicked worker loop) inherits the context: `live` ends with `fn`, so it waits then.
  const held = new AsyncLocalStorage<{ keys: ReadonlySet<string>; live: boolean }>();
  const holds = (key: string) => {
    const context = held.getStore();
    return context !== undefined && context.live && context.keys.has(key);
  };

  async function acquire(kind: string, id: string, waitMs: number): Promise<void> {
    const deadline = Date.now() + waitMs;
    let pause = 20;
    while (!(await leases.acquire(LOCK_PREFIX + kind, id, holder, ttlMs))) {
      if (Date.now() >= deadline) {
        throw errors.conflict(`The ${kind} ${id} is busy with another operation; try again later.`);
      }
      await sleep(pause);
      pause = Math.min(pause * 2, 500);
    }
  }

  async function holding<T>(key: string, kind: string, id: string, fn: () => Promise<T>, waitMs: number) {
    await acquire(kind, id, waitMs);
    const renewal = setInterval(() => {
      void leases.renew(LOCK_PREFIX + kind, id, holder, ttlMs).catch(() => undefined);
    }, ttlMs / 3);
    renewal.unref();
    const outer = held.getStore();
    const context = { keys: new Set(outer?.live ? [...outer.keys, key] : [key]), live: true };
    try {
      return await held.run(context, fn);
    } finally {
      context.live = false;
      clearInterval(renewal);
      await leases.release(LOCK_PREFIX + kind, id, holder);
    }
  }

  return {
    withLock(kind, id, fn, lockOptions = {}) {
      const key = `${kind}\u0000${id}`;
      if (holds(key)) return fn();
      const waitMs = lockOptions.waitMs ?? options.waitMs ?? 120_000;
      const previous = tails.get(key) ?? Promise.resolve();
      const run = previous.catch(() => undefined).then(() => holding(key, kind, id, fn, waitMs));
      tails.set(key, run);
      void run
        .catch(() => undefined)
        .finally(() => {
          if (tails.get(key) === run) tails.delete(key);
        });
      return run;
    },
  };
}
