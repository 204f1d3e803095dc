// Tiered prices (volume discounts): the amount of a quantity consumed after `before` units have already
// been consumed under the same price, walking the tiers in order.
import assert from 'node:assert/strict';
import { Dec } from './money.js';
import type { Price } from './price-list.js';

/** The amount for `quantity` units, given `before` units already consumed under this price. */
export function tieredAmount(price: Price, before: Dec, quantity: Dec): Dec {
  if (typeof price === 'string') return quantity.mul(price);
  let amount = new Dec(0);
  let position = before;
  let left = quantity;
  for (const tier of price.tiers) {
    if (left.lte(0)) break;
    const ceiling = tier.upTo === null ? undefined : new Dec(tier.upTo);
    if (ceiling !== undefined && position.gte(ceiling)) continue;
    const room = ceiling === undefined ? left : Dec.min(left, ceiling.sub(position));
    amount = amount.add(room.mul(tier.price));
    position = position.add(room);
    left = left.sub(room);
  }
  assert.ok(left.lte(0), 'the last tier of a price must have no upper limit');
  return amount;
}
