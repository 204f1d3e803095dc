// The usage recorder on both dialects, inside real transactions: open/close/split/transfer at the
// clock's instant, idempotent opens, the database's "one open record per resource and meter" rule
// (even against a raw insert and concurrent transactions), and a rolled-back transaction leaving nothing.
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../test/support/dialects.js';
import type { MeteringTables } from './metering-tables.js';
import { meters } from './model.js';
import { createUsageRecorder } from './usage-recorder.js';
import { recordsOfResources } from './usage-store.js';

describe.each(DIALECTS)('usage recorder on $name', ({ open }) => {
  let t: TestDatabase;
  let db: Kysely<MeteringTables>;
  let now = new Date('2026-12-07T10:00:00.000Z');
  const clock = { now: () => now };
  const usage = createUsageRecorder(clock);
  const advance = (minutes: number) => {
    now = new Date(now.getTime() + minutes * 60_000);
  };
  const server = (id: string, flavor = 'f1', state: 'running' | 'stopped' = 'running') => ({
    resourceType: 'server' as const,
    resourceId: id,
    projectId: 'p1',
    meter: meters.server(flavor, state),
    quantity: 1,
  });
  const history = async (id: string, type = 'server') =>
    (await recordsOfResources(db, type, [id])).map((r) => [r.meter, r.projectId, r.startedAt, r.endedAt]);

  beforeAll(async () => {
    t = await open();
    db = t.db as unknown as Kysely<MeteringTables>;
  });
  afterAll(async () => t?.close());

  it('opens, splits on a state change and a resize, and closes at the clock instants', async () => {
    await db.transaction().execute((trx) => usage.openUsage(trx, server('s1')));
    advance(30);
    await db.transaction().execute((trx) => usage.splitUsage(trx, server('s1', 'f2')));
    advance(15);
    await db.transaction().execute((trx) => usage.splitUsage(trx, server('s1', 'f2', 'stopped')));
    advance(45);
    expect(
      await db
        .transaction()
        .execute((trx) => usage.closeUsage(trx, { resourceType: 'server', resourceId: 's1' })),
    ).toBe(1);
    expect(await history('s1')).toEqual([
      ['server:flavor:f1:running', 'p1', '2026-12-07T10:00:00.000Z', '2026-12-07T10:30:00.000Z'],
      ['server:flavor:f2:running', 'p1', '2026-12-07T10:30:00.000Z', '2026-12-07T10:45:00.000Z'],
      ['server:flavor:f2:stopped', 'p1', '2026-12-07T10:45:00.000Z', '2026-12-07T11:30:00.000Z'],
    ]);
    // Closing again (a retried delete) changes nothing.
    expect(await usage.closeUsage(db, { resourceType: 'server', resourceId: 's1' })).toBe(0);
  });

  it('is idempotent on a repeated open, and splits when the quantity changed', async () => {
    const volume = {
      resourceType: 'volume' as const,
      resourceId: 'v1',
      projectId: 'p1',
      meter: meters.volume('fast'),
    };
    const first = await usage.openUsage(db, { ...volume, quantity: '10' });
    advance(10);
    expect((await usage.openUsage(db, { ...volume, quantity: 10 })).id).toBe(first.id);
    await usage.openUsage(db, { ...volume, quantity: 20 });
    const rows = await recordsOfResources(db, 'volume', ['v1']);
    expect(rows.map((r) => [r.quantity, r.endedAt])).toEqual([
      ['10', now.toISOString()],
      ['20', null],
    ]);
  });

  it('lets the database refuse a second open record for a resource and meter', async () => {
    await usage.openUsage(db, server('s2'));
    const raw = {
      id: 'dup',
      resource_type: 'server',
      resource_id: 's2',
      project_id: 'p1',
      meter: meters.server('f1', 'running'),
      quantity: '1',
      attributes: null,
      started_at: now.toISOString(),
      ended_at: null,
    };
    await expect(db.insertInto('usage_records').values(raw).execute()).rejects.toThrow();
    // A closed record with the same meter is fine (that is history).
    await db
      .insertInto('usage_records')
      .values({ ...raw, ended_at: now.toISOString() })
      .execute();
  });

  it('keeps one open record when many transactions open the same meter at once', async () => {
    await Promise.all(
      Array.from({ length: 8 }, () =>
        db
          .transaction()
          .execute((trx) => usage.openUsage(trx, server('s3')))
          .catch(() => undefined),
      ),
    );
    const rows = await recordsOfResources(db, 'server', ['s3']);
    expect(rows.filter((r) => r.endedAt === null)).toHaveLength(1);
  });

  it('leaves nothing when the service transaction rolls back', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await usage.openUsage(trx, server('s4'));
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(await history('s4')).toEqual([]);
  });

  it('moves open records to another project at the transfer instant, and records events', async () => {
    const start = now.toISOString();
    await usage.openUsage(db, { ...server('s5'), attributes: { name: 'web' } });
    advance(60);
    expect(await usage.transferUsage(db, { resourceType: 'server', resourceId: 's5' }, 'p2')).toBe(1);
    expect(await history('s5')).toEqual([
      ['server:flavor:f1:running', 'p1', start, now.toISOString()],
      ['server:flavor:f1:running', 'p2', now.toISOString(), null],
    ]);
    const [, moved] = await recordsOfResources(db, 'server', ['s5']);
    expect(moved?.attributes).toEqual({ name: 'web' });
    const event = await usage.recordEvent(db, {
      resourceType: 'object-store',
      resourceId: 'p1',
      projectId: 'p1',
      meter: meters.egressBytes(),
      quantity: 1073741824,
    });
    expect(event.startedAt).toBe(event.endedAt);
  });

  it('never ends a record before it started, and refuses unknown meters and negative quantities', async () => {
    await usage.openUsage(db, server('s6'));
    const started = now.toISOString();
    await usage.closeUsage(db, { resourceType: 'server', resourceId: 's6' }, new Date(now.getTime() - 5000));
    expect(await history('s6')).toEqual([['server:flavor:f1:running', 'p1', started, started]]);
    await expect(usage.openUsage(db, { ...server('s7'), meter: 'server:bogus' })).rejects.toThrow(
      /unknown meter/,
    );
    await expect(usage.openUsage(db, { ...server('s7'), quantity: -1 })).rejects.toThrow(/>= 0/);
  });
});
