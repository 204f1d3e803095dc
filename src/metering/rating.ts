// Rating: usage records over a period, priced by the price lists of one region and currency. Each
// record's life is clipped to the period and cut where a price list's validity ends; tiers accumulate
// per project and price in the order usage happened; each line is rounded to the currency's minor unit
// and the total is the sum of the rounded lines (so an invoice's total equals the sum of its lines).
import assert from 'node:assert/strict';
import { chargesOf, type ChargeUnit } from './charges.js';
import { Dec, toMinorUnit } from './money.js';
import { parseMeter, type UsageRecord } from './model.js';
import type { PriceList } from './price-list.js';
import { tieredAmount } from './tiers.js';

export interface RatingPeriod {
  /** ISO-8601 UTC, inclusive. */
  start: string;
  /** ISO-8601 UTC, exclusive; open records count until here (pass now for "so far"). */
  end: string;
}

export interface RatedLine {
  projectId: string;
  resourceType: string;
  resourceId: string;
  meter: string;
  priceListId: string;
  /** Which price of the list: flavor:<id>, vcpu, ram, volume:<type>, egress… */
  priceKey: string;
  unit: ChargeUnit;
  /** Consumption in `unit`, as decimal text (full precision). */
  quantity: string;
  /** Rounded to the currency's minor unit. */
  amount: string;
}

export interface Rating {
  currency: string;
  period: RatingPeriod;
  lines: RatedLine[];
  /** The sum of the lines' amounts. */
  total: string;
}

interface Accumulating {
  line: Omit<RatedLine, 'quantity' | 'amount'>;
  quantity: Dec;
  amount: Dec;
}

const ms = (iso: string) => Date.parse(iso);

/** The stretches of [from, to) each price list covers, as [list, milliseconds]. */
function stretches(lists: readonly PriceList[], from: number, to: number): [PriceList, number][] {
  const out: [PriceList, number][] = [];
  for (const list of lists) {
    const start = Math.max(from, ms(list.validFrom));
    const end = Math.min(to, list.validUntil === null ? Infinity : ms(list.validUntil));
    if (end > start) out.push([list, end - start]);
  }
  return out;
}

/** For an event, the one list valid at its instant; for a time record, every list over its life. */
function pricedStretches(record: UsageRecord, lists: readonly PriceList[], period: RatingPeriod) {
  if (parseMeter(record.meter)?.kind === 'event') {
    const at = ms(record.startedAt);
    if (at < ms(period.start) || at >= ms(period.end)) return [];
    return stretches(lists, at, at + 1).map(([list]) => [list, 0] as [PriceList, number]);
  }
  const from = Math.max(ms(record.startedAt), ms(period.start));
  const to = Math.min(record.endedAt === null ? Infinity : ms(record.endedAt), ms(period.end));
  return to > from ? stretches(lists, from, to) : [];
}

/**
 * Rates `records` over `period` with `lists` (all of one currency; validity periods must not overlap).
 * Usage no list prices is left out.
 */
export function rate(
  records: readonly UsageRecord[],
  lists: readonly PriceList[],
  period: RatingPeriod,
  currency: string,
): Rating {
  assert.ok(ms(period.start) < ms(period.end), 'the rating period must not be empty');
  assert.ok(
    lists.every((l) => l.currency === currency),
    'price lists of another currency',
  );
  const ordered = [...records].sort((a, b) =>
    a.startedAt === b.startedAt ? a.id.localeCompare(b.id) : a.startedAt < b.startedAt ? -1 : 1,
  );
  const consumed = new Map<string, Dec>();
  const lines = new Map<string, Accumulating>();
  for (const record of ordered) {
    for (const [list, stretchMs] of pricedStretches(record, lists, period)) {
      for (const charge of chargesOf(record, stretchMs, list.rules)) {
        const tierKey = `${record.projectId}\u0000${list.id}\u0000${charge.priceKey}`;
        const before = consumed.get(tierKey) ?? new Dec(0);
        consumed.set(tierKey, before.add(charge.quantity));
        const amount = tieredAmount(charge.price, before, charge.quantity).mul(charge.factor);
        const key = `${tierKey}\u0000${record.resourceType}\u0000${record.resourceId}\u0000${record.meter}`;
        const line = lines.get(key) ?? {
          line: {
            projectId: record.projectId,
            resourceType: record.resourceType,
            resourceId: record.resourceId,
            meter: record.meter,
            priceListId: list.id,
            priceKey: charge.priceKey,
            unit: charge.unit,
          },
          quantity: new Dec(0),
          amount: new Dec(0),
        };
        line.quantity = line.quantity.add(charge.quantity);
        line.amount = line.amount.add(amount);
        lines.set(key, line);
      }
    }
  }
  const rated = [...lines.values()].map((l) => ({
    ...l.line,
    quantity: l.quantity.toFixed(),
    amount: toMinorUnit(l.amount, currency),
  }));
  const total = rated.reduce((sum, l) => sum.add(l.amount), new Dec(0));
  return { currency, period, lines: rated, total: toMinorUnit(total, currency) };
}
