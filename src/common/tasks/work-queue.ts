// The one worker loop of every service's long-running work. A service describes each kind of work row
// (`pending` lists ids that need work, `process` drives one row towards its desired state, idempotently);
// the queue drives them under a lease per row, so that on several processes (API nodes after a crash,
// agents) exactly one drives a row at a time, and a row whose driver died is taken over when its lease
// expires. API writes `kick` a row for immediate work; a sweep on an interval catches everything else
// (restart, lost kicks, expired leases).
import type { LeaseStore } from './lease-store.js';

export interface WorkKind {
  /** Lease kind, e.g. `compute.server` or `volume.snapshot`. */
  kind: string;
  /** Ids of rows that need work, oldest first. */
  pending(limit: number): Promise<string[]>;
  /** Drives one row as far as it can go now. Must be idempotent; a rejection is logged and retried. */
  process(id: string): Promise<void>;
}

export interface WorkLog {
  error(obj: Record<string, unknown>, msg?: string): void;
}

export interface WorkQueueOptions {
  leases: LeaseStore;
  holder: string;
  kinds: readonly WorkKind[];
  log: WorkLog;
  /** Rows driven at once across all kinds (default 8). */
  maxConcurrent?: number;
  /** Rows one sweep takes per kind (default 100). */
  sweepLimit?: number;
  /** Lease lifetime; renewed every third of it while a row is driven (default 30 s). */
  leaseTtlMs?: number;
}

export interface WorkQueue {
  /** Drives (kind, id) soon; if it is being driven now, once more after. */
  kick(kind: string, id: string): void;
  /** Kicks every pending row of every kind. */
  sweep(): Promise<void>;
  /** Sweeps now and then every `intervalMs`. */
  start(intervalMs: number): void;
  /** Stops sweeping and waits for the rows being driven. */
  stop(): Promise<void>;
  /** Resolves when no row is being driven or waiting. */
  idle(): Promise<void>;
}

export function createWorkQueue(options: WorkQueueOptions): WorkQueue {
  const { leases, holder, log } = options;
  const maxConcurrent = options.maxConcurrent ?? 8;
  const ttlMs = options.leaseTtlMs ?? 30_000;
  const kinds = new Map(options.kinds.map((k) => [k.kind, k]));
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  const waiting: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;

  const keyOf = (kind: string, id: string) => `${kind}\u0000${id}`;

  async function drive(kind: WorkKind, id: string): Promise<void> {
    if (!(await leases.acquire(kind.kind, id, holder, ttlMs))) return;
    const renewal = setInterval(() => {
      void leases.renew(kind.kind, id, holder, ttlMs).catch(() => undefined);
    }, ttlMs / 3);
    renewal.unref();
    try {
      await kind.process(id);
    } catch (err) {
      log.error({ event: 'work.process.failed', kind: kind.kind, id, err }, 'work item failed');
    } finally {
      clearInterval(renewal);
      await leases.release(kind.kind, id, holder).catch(() => undefined);
    }
  }

  function launch(key: string): void {
    const [kindName, id] = key.split('\u0000') as [string, string];
    const kind = kinds.get(kindName);
    if (!kind) return;
    const run = drive(kind, id).finally(() => {
      running.delete(key);
      if (again.delete(key) && !stopping) enqueue(key);
      const next = waiting.shift();
      if (next !== undefined) launch(next);
    });
    running.set(key, run);
  }

  function enqueue(key: string): void {
    if (running.has(key)) {
      again.add(key);
      return;
    }
    if (waiting.includes(key)) return;
    if (running.size >= maxConcurrent) waiting.push(key);
    else launch(key);
  }

  async function sweep(): Promise<void> {
    for (const kind of kinds.values()) {
      try {
        for (const id of await kind.pending(options.sweepLimit ?? 100)) enqueue(keyOf(kind.kind, id));
      } catch (err) {
        log.error({ event: 'work.sweep.failed', kind: kind.kind, err }, 'sweep failed');
      }
    }
  }

  return {
    kick(kind, id) {
      if (!stopping) enqueue(keyOf(kind, id));
    },
    sweep,
    start(intervalMs) {
      stopping = false;
      void sweep();
      timer = setInterval(() => void sweep(), intervalMs);
      timer.unref();
    },
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      waiting.length = 0;
      again.clear();
      await Promise.allSettled([...running.values()]);
    },
    async idle() {
      while (running.size > 0 || waiting.length > 0) {
        await Promise.allSettled([...running.values()]);
      }
    },
  };
}
