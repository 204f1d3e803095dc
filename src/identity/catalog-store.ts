// Kysely queries for regions, services and endpoints: the service catalog.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { CatalogService, Endpoint, Region } from './model.js';
import { fromBool, parseJsonObject, toBool } from './store-util.js';

export function createCatalogStore(db: Kysely<Database>) {
  return {
    async listRegions(): Promise<Region[]> {
      const rows = await db.selectFrom('regions').selectAll().orderBy('id').limit(10_000).execute();
      return rows.map((r) => ({
        id: r.id,
        description: r.description,
        parentRegionId: r.parent_region_id,
        extra: parseJsonObject(r.extra),
      }));
    },
    async insertRegion(r: Region): Promise<void> {
      await db
        .insertInto('regions')
        .values({
          id: r.id,
          description: r.description,
          parent_region_id: r.parentRegionId,
          extra: JSON.stringify(r.extra),
        })
        .execute();
    },
    async updateRegion(r: Region): Promise<void> {
      await db
        .updateTable('regions')
        .set({
          description: r.description,
          parent_region_id: r.parentRegionId,
          extra: JSON.stringify(r.extra),
        })
        .where('id', '=', r.id)
        .execute();
    },
    async deleteRegion(id: string): Promise<void> {
      await db.deleteFrom('regions').where('id', '=', id).execute();
    },

    async listServices(): Promise<CatalogService[]> {
      const rows = await db.selectFrom('services').selectAll().orderBy('type').limit(10_000).execute();
      return rows.map((r) => ({
        id: r.id,
        type: r.type,
        name: r.name,
        description: r.description,
        enabled: toBool(r.enabled),
        extra: parseJsonObject(r.extra),
      }));
    },
    async insertService(s: CatalogService): Promise<void> {
      await db
        .insertInto('services')
        .values({
          id: s.id,
          type: s.type,
          name: s.name,
          description: s.description,
          enabled: fromBool(s.enabled),
          extra: JSON.stringify(s.extra),
        })
        .execute();
    },
    async updateService(s: CatalogService): Promise<void> {
      await db
        .updateTable('services')
        .set({
          type: s.type,
          name: s.name,
          description: s.description,
          enabled: fromBool(s.enabled),
          extra: JSON.stringify(s.extra),
        })
        .where('id', '=', s.id)
        .execute();
    },
    async deleteService(id: string): Promise<void> {
      await db.deleteFrom('services').where('id', '=', id).execute();
    },

    async listEndpoints(): Promise<Endpoint[]> {
      const rows = await db.selectFrom('endpoints').selectAll().orderBy('id').limit(10_000).execute();
      return rows.map((r) => ({
        id: r.id,
        serviceId: r.service_id,
        regionId: r.region_id,
        interface: r.interface as Endpoint['interface'],
        url: r.url,
        enabled: toBool(r.enabled),
        extra: parseJsonObject(r.extra),
      }));
    },
    async insertEndpoint(e: Endpoint): Promise<void> {
      await db
        .insertInto('endpoints')
        .values({
          id: e.id,
          service_id: e.serviceId,
          region_id: e.regionId,
          interface: e.interface,
          url: e.url,
          enabled: fromBool(e.enabled),
          extra: JSON.stringify(e.extra),
        })
        .execute();
    },
    async updateEndpoint(e: Endpoint): Promise<void> {
      await db
        .updateTable('endpoints')
        .set({
          service_id: e.serviceId,
          region_id: e.regionId,
          interface: e.interface,
          url: e.url,
          enabled: fromBool(e.enabled),
          extra: JSON.stringify(e.extra),
        })
        .where('id', '=', e.id)
        .execute();
    },
    async deleteEndpoint(id: string): Promise<void> {
      await db.deleteFrom('endpoints').where('id', '=', id).execute();
    },
  };
}

export type CatalogStore = ReturnType<typeof createCatalogStore>;
