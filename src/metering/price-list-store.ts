// Kysely queries on metering_price_lists: the price lists of a region and currency (rules stored as a
// JSON document), and adding one. Column names live here and in metering-tables.ts only.
import type { Selectable } from 'kysely';
import type { MeteringExecutor, PriceListTable } from './metering-tables.js';
import type { PriceList, PriceRules } from './price-list.js';

function listOf(row: Selectable<PriceListTable>): PriceList {
  return {
    id: row.id,
    name: row.name,
    region: row.region,
    currency: row.currency,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    rules: JSON.parse(row.rules) as PriceRules,
  };
}

/** Every list of the region and currency, oldest validity first (bounded: a list per month is 12 a year). */
export async function priceListsOf(
  db: MeteringExecutor,
  region: string,
  currency: string,
): Promise<PriceList[]> {
  const rows = await db
    .selectFrom('metering_price_lists')
    .selectAll()
    .where('region', '=', region)
    .where('currency', '=', currency)
    .orderBy('valid_from')
    .limit(1000)
    .execute();
  return rows.map(listOf);
}

export async function insertPriceList(
  db: MeteringExecutor,
  list: PriceList,
  createdAt: string,
): Promise<void> {
  await db
    .insertInto('metering_price_lists')
    .values({
      id: list.id,
      name: list.name,
      region: list.region,
      currency: list.currency,
      valid_from: list.validFrom,
      valid_until: list.validUntil,
      rules: JSON.stringify(list.rules),
      created_at: createdAt,
    })
    .execute();
}
