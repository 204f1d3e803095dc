// One lock per resource, shared by every worker that touches it, in every process: the compute worker's
// power actions, the volume worker's hot-plugs and snapshots all take `guest:<server id>` before they
// call the hypervisor, so two of them never drive the same guest at once. Callers in this process queue
// in memory; across processes the lock is a lease in the database, renewed while held, so a process
// that dies frees its locks when they expire.
import { errors } from '../errors/codes.js';
import type { LeaseStore } from './lease-store.js';

export interface ResourceLocks {
  /** Runs `fn` holding the lock on (kind, id); waits up to `waitMs` for it (409 Conflict after). */
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

  async function holding<T>(kind: string, id: string, fn: () => Promise<T>, waitMs: number): Promise<T> {
    await acquire(kind, id, waitMs);
    const renewal = setInterval(() => {
      void leases.renew(LOCK_PREFIX + kind, id, holder, ttlMs).catch(() => undefined);
    }, ttlMs / 3);
    renewal.unref();
    try {
      return await fn();
    } finally {
      clearInterval(renewal);
      await leases.release(LOCK_PREFIX + kind, id, holder);
    }
  }

  return {
    withLock(kind, id, fn, lockOptions = {}) {
      const key = `${kind}\u0000${id}`;
      const waitMs = lockOptions.waitMs ?? options.waitMs ?? 120_000;
      const previous = tails.get(key) ?? Promise.resolve();
      const run = previous.catch(() => undefined).then(() => holding(kind, id, fn, waitMs));
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
