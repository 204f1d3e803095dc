// The acceptance examples, with an injected clock: usage written by the recorder into a real
// database (both dialects), read back, and rated to the cent.
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase } from '../../test/support/dialects.js';
import type { MeteringTables } from './metering-tables.js';
import { meters } from './model.js';
import type { PriceList, PriceRules } from './price-list.js';
import { rate } from './rating.js';
import { createUsageRecorder } from './usage-recorder.js';
import { recordsInWindow } from './usage-store.js';

const T0 = Date.parse('2026-11-01T00:00:00.000Z');
const MONTH = { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' };

function list(rules: PriceRules, extra: Partial<PriceList> = {}): PriceList {
  return {
    id: 'eur-2026',
    name: 'public',
    region: 'RegionOne',
    currency: 'EUR',
    validFrom: '2026-01-01T00:00:00.000Z',
    validUntil: null,
    rules,
    ...extra,
  };
}

describe.each(DIALECTS)('rating on $name', ({ open }) => {
  let t: TestDatabase;
  let db: Kysely<MeteringTables>;
  let now = new Date(T0);
  const usage = createUsageRecorder({ now: () => now });
  const at = (minutes: number) => {
    now = new Date(T0 + minutes * 60_000);
  };
  const server = (id: string, flavor: string, state: 'running' | 'stopped' = 'running') => ({
    resourceType: 'server' as const,
    resourceId: id,
    projectId: id,
    meter: meters.server(flavor, state),
    quantity: 1,
    attributes: { flavorName: `${flavor}-name`, vcpus: 2, memoryMb: 4096 },
  });
  const records = (projectId: string) =>
    recordsInWindow(db, { projectId, start: MONTH.start, end: MONTH.end, limit: 1000 });

  beforeAll(async () => {
    t = await open();
    db = t.db as unknown as Kysely<MeteringTables>;
  });
  afterAll(async () => t?.close());

  it('bills a server ACTIVE for 90 minutes then deleted exactly 1.5 hours of its flavor', async () => {
    at(0);
    await db.transaction().execute((trx) => usage.openUsage(trx, server('a', 'small')));
    at(90);
    await db
      .transaction()
      .execute((trx) => usage.closeUsage(trx, { resourceType: 'server', resourceId: 'a' }));
    const rating = rate(await records('a'), [list({ flavors: { small: '0.10' } })], MONTH, 'EUR');
    expect(rating.lines.map((l) => [l.unit, l.quantity, l.amount])).toEqual([['hour', '1.5', '0.15']]);
    expect(rating.total).toBe('0.15');
  });

  it('bills stopped time by the configured rule (nothing by default)', async () => {
    at(0);
    await usage.openUsage(db, server('b', 'small'));
    at(60);
    await usage.splitUsage(db, server('b', 'small', 'stopped'));
    at(120);
    await usage.closeUsage(db, { resourceType: 'server', resourceId: 'b' });
    const rules = { flavors: { 'small-name': '0.10' } };
    expect(rate(await records('b'), [list(rules)], MONTH, 'EUR').total).toBe('0.10');
    const quarter = { ...rules, serverStates: { stopped: '0.25' } };
    expect(rate(await records('b'), [list(quarter)], MONTH, 'EUR').total).toBe('0.13');
  });

  it('bills 30 minutes of each flavor for a resize at minute 30', async () => {
    at(0);
    await usage.openUsage(db, server('c', 'small'));
    at(30);
    await usage.splitUsage(db, server('c', 'large'));
    at(60);
    await usage.closeUsage(db, { resourceType: 'server', resourceId: 'c' });
    const rating = rate(
      await records('c'),
      [list({ flavors: { small: '0.10', large: '0.40' } })],
      MONTH,
      'EUR',
    );
    expect(rating.lines.map((l) => [l.priceKey, l.quantity, l.amount])).toEqual([
      ['flavor:small', '0.5', '0.05'],
      ['flavor:large', '0.5', '0.20'],
    ]);
    expect(rating.total).toBe('0.25');
  });

  it('prices a flavor without its own price per vCPU-hour and GiB-of-RAM-hour', async () => {
    at(0);
    await usage.openUsage(db, server('d', 'custom'));
    at(180);
    await usage.closeUsage(db, { resourceType: 'server', resourceId: 'd' });
    const rating = rate(await records('d'), [list({ vcpuHour: '0.02', ramGibHour: '0.005' })], MONTH, 'EUR');
    // 3 h × 2 vCPU × 0.02 = 0.12; 3 h × 4 GiB × 0.005 = 0.06.
    expect(rating.lines.map((l) => [l.unit, l.quantity, l.amount])).toEqual([
      ['vcpu-hour', '6', '0.12'],
      ['ram-gib-hour', '12', '0.06'],
    ]);
  });

  it('costs a 10 GB volume kept 15 days 10 × 15/30 GB-months at its type price', async () => {
    at(0);
    const volume = { resourceType: 'volume' as const, resourceId: 'v', projectId: 'e', quantity: 10 };
    await usage.openUsage(db, { ...volume, meter: meters.volume('ssd') });
    at(15 * 24 * 60);
    await usage.closeUsage(db, { resourceType: 'volume', resourceId: 'v' });
    const rules = { volumeGbMonth: { ssd: '0.10', '*': '0.04' } };
    const rating = rate(await records('e'), [list(rules)], MONTH, 'EUR');
    expect(rating.lines.map((l) => [l.unit, l.quantity, l.amount])).toEqual([['gb-month', '5', '0.50']]);
  });

  it('bills 1 GiB stored for a day and downloaded twice, storage and egress to the cent', async () => {
    at(0);
    const gib = 2 ** 30;
    const objects = { resourceType: 'object-store' as const, resourceId: 'f', projectId: 'f' };
    await usage.openUsage(db, { ...objects, meter: meters.objectBytes('gold'), quantity: gib });
    at(600);
    await usage.recordEvent(db, { ...objects, meter: meters.egressBytes(), quantity: gib });
    at(700);
    await usage.recordEvent(db, { ...objects, meter: meters.egressBytes(), quantity: gib });
    at(24 * 60);
    await usage.closeUsage(db, { resourceType: 'object-store', resourceId: 'f' });
    const rules = { objectGbMonth: { gold: '0.60' }, egressGb: '0.09' };
    const rating = rate(await records('f'), [list(rules)], MONTH, 'EUR');
    // 1 GB × 1/30 month × 0.60 = 0.02; 2 GB × 0.09 = 0.18.
    expect(rating.lines.map((l) => [l.priceKey, l.amount])).toEqual([
      ['object:gold', '0.02'],
      ['egress', '0.18'],
    ]);
    expect(rating.total).toBe('0.20');
    // With tiers (first GB out at 0.12, then 0.05), the second download is cheaper.
    const tiered = {
      ...rules,
      egressGb: {
        tiers: [
          { upTo: '1', price: '0.12' },
          { upTo: null, price: '0.05' },
        ],
      },
    };
    expect(rate(await records('f'), [list(tiered)], MONTH, 'EUR').total).toBe('0.19');
  });

  it('cuts usage where a price list ends, clips it to the period, and counts open records until its end', async () => {
    at(0);
    await usage.openUsage(db, { ...server('g', 'small'), attributes: {} });
    const lists = [
      list({ flavors: { small: '0.10' } }, { id: 'old', validUntil: '2026-11-01T01:00:00.000Z' }),
      list({ flavors: { small: '0.20' } }, { id: 'new', validFrom: '2026-11-01T01:00:00.000Z' }),
    ];
    const period = { start: '2026-11-01T00:30:00.000Z', end: '2026-11-01T03:00:00.000Z' };
    const rating = rate(await records('g'), lists, period, 'EUR');
    expect(rating.lines.map((l) => [l.priceListId, l.quantity, l.amount])).toEqual([
      ['old', '0.5', '0.05'],
      ['new', '2', '0.40'],
    ]);
    expect(rating.total).toBe('0.45');
  });
});
