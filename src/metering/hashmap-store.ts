// Kysely queries on CloudKitty's hashmap tables: services, fields and mappings. Deletes remove the
// children first (SQLite does not enforce the cascade without its foreign-key pragma).
import type { MeteringExecutor } from './metering-tables.js';

export interface HashmapService {
  serviceId: string;
  name: string;
}

export interface HashmapField {
  fieldId: string;
  serviceId: string;
  name: string;
}

export interface HashmapMapping {
  mappingId: string;
  serviceId: string | null;
  fieldId: string | null;
  value: string | null;
  /** Decimal text. */
  cost: string;
  type: 'flat' | 'rate';
  tenantId: string | null;
}

/** Every table here is small (a price catalogue); reads are capped all the same. */
const MAX_ROWS = 10_000;

export function createHashmapStore(db: MeteringExecutor) {
  return {
    async services(): Promise<HashmapService[]> {
      const rows = await db
        .selectFrom('rating_hashmap_services')
        .selectAll()
        .orderBy('name')
        .limit(MAX_ROWS)
        .execute();
      return rows.map((r) => ({ serviceId: r.id, name: r.name }));
    },
    async insertService(s: HashmapService, at: string): Promise<boolean> {
      const result = await db
        .insertInto('rating_hashmap_services')
        .values({ id: s.serviceId, name: s.name, created_at: at })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
    async deleteService(serviceId: string): Promise<boolean> {
      const fields = db.selectFrom('rating_hashmap_fields').select('id').where('service_id', '=', serviceId);
      await db.deleteFrom('rating_hashmap_mappings').where('field_id', 'in', fields).execute();
      await db.deleteFrom('rating_hashmap_mappings').where('service_id', '=', serviceId).execute();
      await db.deleteFrom('rating_hashmap_fields').where('service_id', '=', serviceId).execute();
      const result = await db
        .deleteFrom('rating_hashmap_services')
        .where('id', '=', serviceId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
    async fields(filter: { serviceId?: string; fieldId?: string } = {}): Promise<HashmapField[]> {
      let query = db.selectFrom('rating_hashmap_fields').selectAll();
      if (filter.serviceId !== undefined) query = query.where('service_id', '=', filter.serviceId);
      if (filter.fieldId !== undefined) query = query.where('id', '=', filter.fieldId);
      const rows = await query.orderBy('name').limit(MAX_ROWS).execute();
      return rows.map((r) => ({ fieldId: r.id, serviceId: r.service_id, name: r.name }));
    },
    async insertField(f: HashmapField, at: string): Promise<boolean> {
      const result = await db
        .insertInto('rating_hashmap_fields')
        .values({ id: f.fieldId, service_id: f.serviceId, name: f.name, created_at: at })
        .onConflict((oc) => oc.columns(['service_id', 'name']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
    async deleteField(fieldId: string): Promise<boolean> {
      await db.deleteFrom('rating_hashmap_mappings').where('field_id', '=', fieldId).execute();
      const result = await db
        .deleteFrom('rating_hashmap_fields')
        .where('id', '=', fieldId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
    async mappings(
      filter: { serviceId?: string; fieldId?: string; mappingId?: string; tenantId?: string } = {},
    ): Promise<HashmapMapping[]> {
      let query = db.selectFrom('rating_hashmap_mappings').selectAll();
      if (filter.serviceId !== undefined) query = query.where('service_id', '=', filter.serviceId);
      if (filter.fieldId !== undefined) query = query.where('field_id', '=', filter.fieldId);
      if (filter.mappingId !== undefined) query = query.where('id', '=', filter.mappingId);
      if (filter.tenantId !== undefined) query = query.where('tenant_id', '=', filter.tenantId);
      const rows = await query.orderBy('created_at').orderBy('id').limit(MAX_ROWS).execute();
      return rows.map((r) => ({
        mappingId: r.id,
        serviceId: r.service_id,
        fieldId: r.field_id,
        value: r.value,
        cost: r.cost,
        type: r.type === 'rate' ? 'rate' : 'flat',
        tenantId: r.tenant_id,
      }));
    },
    async insertMapping(m: HashmapMapping, at: string): Promise<void> {
      await db
        .insertInto('rating_hashmap_mappings')
        .values({
          id: m.mappingId,
          service_id: m.serviceId,
          field_id: m.fieldId,
          value: m.value,
          cost: m.cost,
          type: m.type,
          tenant_id: m.tenantId,
          created_at: at,
        })
        .execute();
    },
    async deleteMapping(mappingId: string): Promise<boolean> {
      const result = await db
        .deleteFrom('rating_hashmap_mappings')
        .where('id', '=', mappingId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
  };
}

export type HashmapStore = ReturnType<typeof createHashmapStore>;
