// The recorder the services call INSIDE their own Kysely transaction, next to the state change that
// starts or stops a usage: the record commits or rolls back with the change, so a crash can neither
// lose nor double-count usage. The database keeps at most one open record per resource and meter.
//
// Example (compute, in the transaction that makes a server ACTIVE):
//   await usage.openUsage(trx, { resourceType: 'server', resourceId: id, projectId,
//     meter: meters.server(flavorId, 'running'), quantity: 1, attributes }, launchedAt);
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock.js';
import { newUuid } from '../common/ids.js';
import type { MeteringExecutor } from './metering-tables.js';
import { parseMeter, type UsageRecord, type UsageResourceType } from './model.js';
import { closeRecord, insertClosed, insertOpen, openRecords, type ResourceRef } from './usage-store.js';

export interface UsageStart {
  resourceType: UsageResourceType;
  resourceId: string;
  projectId: string;
  meter: string;
  /** GB, bytes, a count, or 1 for a server: a decimal (string, integer or Decimal), never negative. */
  quantity: Decimal.Value;
  attributes?: Record<string, unknown>;
}

/** Any service's connection or transaction (Kysely<ComputeTables>, Transaction<VolumeTables>…). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- every service's table type is accepted.
export type AnyExecutor = Kysely<any>;

export interface UsageRecorder {
  /**
   * Opens a record at `at` (default: the clock's now). Idempotent: when the same meter is already open
   * for the resource with the same project and quantity, returns that record; with another project or
   * quantity, closes it at `at` and opens the new one (a split).
   */
  openUsage(trx: AnyExecutor, start: UsageStart, at?: Date): Promise<UsageRecord>;
  /** Closes the resource's open records (only `meter`'s when given) at `at`; how many it closed. */
  closeUsage(trx: AnyExecutor, ref: ResourceRef & { meter?: string }, at?: Date): Promise<number>;
  /**
   * Closes the resource's open records (only `closeMeter`'s when given) and opens `next` at the same
   * instant: resize, rebuild, retype, extend, a state change, a project transfer.
   */
  splitUsage(trx: AnyExecutor, next: UsageStart & { closeMeter?: string }, at?: Date): Promise<UsageRecord>;
  /** Moves every open record of the resource to another project at `at` (project transfer). */
  transferUsage(trx: AnyExecutor, ref: ResourceRef, projectId: string, at?: Date): Promise<number>;
  /** Records an event meter (bytes out, requests) at `at`: a record that starts and ends then. */
  recordEvent(trx: AnyExecutor, event: UsageStart, at?: Date): Promise<UsageRecord>;
}

function quantityText(value: Decimal.Value): string {
  const quantity = new Decimal(value);
  assert.ok(quantity.isFinite() && !quantity.isNegative(), `usage quantity must be >= 0: ${String(value)}`);
  return quantity.toFixed();
}

function newRecord(start: UsageStart, at: string, endedAt: string | null): UsageRecord {
  assert.ok(parseMeter(start.meter), `unknown meter ${start.meter}`);
  assert.ok(start.resourceId.length > 0 && start.projectId.length > 0, 'usage needs a resource and project');
  return {
    id: newUuid(),
    resourceType: start.resourceType,
    resourceId: start.resourceId,
    projectId: start.projectId,
    meter: start.meter,
    quantity: quantityText(start.quantity),
    attributes: start.attributes ?? {},
    startedAt: at,
    endedAt,
  };
}

/** Ends a record at `at`, or at its start when the clock says earlier (never a negative duration). */
async function close(db: MeteringExecutor, record: UsageRecord, at: string): Promise<boolean> {
  return closeRecord(db, record.id, at < record.startedAt ? record.startedAt : at);
}

export function createUsageRecorder(clock: Clock): UsageRecorder {
  const iso = (at?: Date) => (at ?? clock.now()).toISOString();

  async function closeAll(db: MeteringExecutor, ref: ResourceRef & { meter?: string }, at: string) {
    let closed = 0;
    for (const record of await openRecords(db, ref)) if (await close(db, record, at)) closed += 1;
    return closed;
  }

  async function open(db: MeteringExecutor, record: UsageRecord): Promise<UsageRecord> {
    if (await insertOpen(db, record)) return record;
    const [current] = await openRecords(db, record);
    assert.ok(current, 'an open record blocked the insert but cannot be read');
    if (current.projectId === record.projectId && new Decimal(current.quantity).eq(record.quantity)) {
      return current;
    }
    await close(db, current, record.startedAt);
    assert.ok(await insertOpen(db, record), 'the open record was closed but the insert still failed');
    return record;
  }

  return {
    async openUsage(trx, start, at) {
      const db = trx as MeteringExecutor;
      return open(db, newRecord(start, iso(at), null));
    },
    async closeUsage(trx, ref, at) {
      return closeAll(trx as MeteringExecutor, ref, iso(at));
    },
    async splitUsage(trx, next, at) {
      const db = trx as MeteringExecutor;
      const when = iso(at);
      const ref = { resourceType: next.resourceType, resourceId: next.resourceId };
      await closeAll(db, next.closeMeter === undefined ? ref : { ...ref, meter: next.closeMeter }, when);
      return open(db, newRecord(next, when, null));
    },
    async transferUsage(trx, ref, projectId, at) {
      const db = trx as MeteringExecutor;
      const when = iso(at);
      const moved = (await openRecords(db, ref)).filter((r) => r.projectId !== projectId);
      for (const record of moved) {
        await close(db, record, when);
        await insertOpen(db, { ...record, id: newUuid(), projectId, startedAt: when, endedAt: null });
      }
      return moved.length;
    },
    async recordEvent(trx, event, at) {
      const meter = parseMeter(event.meter);
      assert.ok(meter?.kind === 'event', `${event.meter} is not an event meter`);
      const when = iso(at);
      const record = newRecord(event, when, when);
      await insertClosed(trx as MeteringExecutor, record);
      return record;
    },
  };
}
