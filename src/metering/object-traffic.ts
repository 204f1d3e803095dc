// Object-store traffic metering: request counts by class and bytes sent out, summed in memory per
// project, meter and minute, and written as one event record per (project, meter, minute) at each flush
// rather than a row per GET. The price of that: a crash loses at most the last flush interval of
// traffic (never storage, whose records are written with the object rows).
import type { Kysely } from 'kysely';
import type { ObjectTraffic, RequestClass } from '../object-store/traffic.js';
import type { MeteringTables } from './metering-tables.js';
import { meters } from './model.js';
import type { UsageRecorder } from './usage-recorder.js';

const MINUTE_MS = 60_000;
/** Past this many pending sums a flush starts at once, so memory stays bounded under any load. */
const MAX_PENDING = 10_000;

export interface ObjectTrafficMeter extends ObjectTraffic {
  /** Writes every pending sum (one transaction); how many records it wrote. */
  flush(): Promise<number>;
  /** Flushes every `intervalMs` until stop(); errors go to `onError` and the sums are kept. */
  start(intervalMs: number, onError: (err: unknown) => void): void;
  /** Stops the timer and flushes what is pending. */
  stop(): Promise<void>;
  /** When the oldest sum not yet written was first added (undefined when none waits): the lag. */
  oldestPending(): Date | undefined;
}

interface Pending {
  projectId: string;
  meter: string;
  minuteMs: number;
  quantity: number;
  /** When this sum was first added (the lag metric's start). */
  firstAtMs: number;
}

export function createObjectTrafficMeter(
  db: Kysely<MeteringTables>,
  recorder: UsageRecorder,
): ObjectTrafficMeter {
  let pending = new Map<string, Pending>();
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<number> | undefined;
  /** The sums a running flush is writing: not durable yet either, so they count in the lag. */
  let writing: Map<string, Pending> | undefined;
  let onError: (err: unknown) => void = () => undefined;

  function add(projectId: string, meter: string, quantity: number, at: Date) {
    const minuteMs = Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS;
    const key = `${projectId}\u0000${meter}\u0000${minuteMs}`;
    const sum = pending.get(key);
    if (sum) sum.quantity += quantity;
    else pending.set(key, { projectId, meter, minuteMs, quantity, firstAtMs: at.getTime() });
    if (pending.size >= MAX_PENDING) flush().catch(onError);
  }

  async function write(batch: Map<string, Pending>): Promise<number> {
    await db.transaction().execute(async (trx) => {
      for (const p of batch.values()) {
        const event = {
          resourceType: 'object-store' as const,
          resourceId: p.projectId,
          projectId: p.projectId,
          meter: p.meter,
          quantity: p.quantity,
        };
        await recorder.recordEvent(trx, event, new Date(p.minuteMs));
      }
    });
    return batch.size;
  }

  async function flush(): Promise<number> {
    // One flush at a time: a second caller waits for the running one, then writes what came since.
    while (flushing) await flushing.catch(() => undefined);
    if (pending.size === 0) return 0;
    const batch = pending;
    pending = new Map();
    writing = batch;
    flushing = write(batch).catch((err: unknown) => {
      // Put the sums back so the next flush writes them.
      for (const [key, p] of batch) {
        const sum = pending.get(key);
        if (sum) {
          sum.quantity += p.quantity;
          sum.firstAtMs = Math.min(sum.firstAtMs, p.firstAtMs);
        } else pending.set(key, p);
      }
      throw err;
    });
    try {
      return await flushing;
    } finally {
      flushing = undefined;
      writing = undefined;
    }
  }

  return {
    request(projectId: string, requestClass: RequestClass, at: Date) {
      add(projectId, meters.requests(requestClass), 1, at);
    },
    egress(projectId: string, bytes: number, at: Date) {
      add(projectId, meters.egressBytes(), bytes, at);
    },
    flush,
    oldestPending() {
      let oldest: number | undefined;
      for (const sums of [pending, writing ?? new Map<string, Pending>()])
        for (const p of sums.values()) if (oldest === undefined || p.firstAtMs < oldest) oldest = p.firstAtMs;
      return oldest === undefined ? undefined : new Date(oldest);
    },
    start(intervalMs, errors) {
      onError = errors;
      timer = setInterval(() => void flush().catch(onError), intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await flush();
    },
  };
}
