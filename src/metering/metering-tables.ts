// Table interfaces of metering, matching migrations/2026-12-07-metering-usage.ts and 2026-12-08-rating-hashmap.ts. The stores use
// Kysely<MeteringTables>; a service that records usage inside its own transaction passes its
// transaction, whatever its own table type, through `asMeteringExecutor`.
import type { Kysely, Transaction } from 'kysely';

export interface UsageRecordTable {
  id: string;
  resource_type: string;
  resource_id: string;
  project_id: string;
  meter: string;
  quantity: string;
  attributes: string | null;
  started_at: string;
  ended_at: string | null;
}

export interface PriceListTable {
  id: string;
  name: string;
  region: string;
  currency: string;
  valid_from: string;
  valid_until: string | null;
  rules: string;
  created_at: string;
}

export interface HashmapServiceTable {
  id: string;
  name: string;
  created_at: string;
}

export interface HashmapFieldTable {
  id: string;
  service_id: string;
  name: string;
  created_at: string;
}

export interface HashmapMappingTable {
  id: string;
  service_id: string | null;
  field_id: string | null;
  value: string | null;
  cost: string;
  type: string;
  tenant_id: string | null;
  created_at: string;
}

export interface MeteringTables {
  usage_records: UsageRecordTable;
  metering_price_lists: PriceListTable;
  rating_hashmap_services: HashmapServiceTable;
  rating_hashmap_fields: HashmapFieldTable;
  rating_hashmap_mappings: HashmapMappingTable;
}

/** A connection or transaction that can reach the metering tables. */
export type MeteringExecutor = Kysely<MeteringTables> | Transaction<MeteringTables>;

/**
 * Any service's Kysely connection or transaction, seen as one that holds the metering tables (they
 * all live in the one application database; Kysely's type is invariant in its tables, hence the cast).
 */
export function asMeteringExecutor(trx: Kysely<never> | Transaction<never>): MeteringExecutor {
  return trx as unknown as MeteringExecutor;
}
