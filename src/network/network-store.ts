// Kysely queries of the network service: the generic resource rows, IP allocations and quotas. The
// only file of src/network that names columns.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { isMeteredKind, type NetworkUsageHook } from '../metering/hooks/network.js';
import { errors } from '../common/errors/codes.js';

export type ResourceKind =
  | 'network'
  | 'subnet'
  | 'subnetpool'
  | 'port'
  | 'security_group'
  | 'security_group_rule'
  | 'router'
  | 'floatingip';

/** A Neutron wire record: snake_case keys, exactly what the API shows. */
export type Rec = Record<string, unknown> & { id: string; project_id: string };

export interface StoredRef {
  parentId?: string;
  deviceId?: string;
}

const MAX_ROWS = 100_000;

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === '23505' || (typeof e.code === 'string' && e.code.startsWith('SQLITE_CONSTRAINT'));
}

export function createNetworkStore(db: Kysely<Database>, usage?: NetworkUsageHook) {
  const parse = (body: string) => JSON.parse(body) as Rec;
  return {
    async insert(kind: ResourceKind, rec: Rec, ref: StoredRef, createdAt: string): Promise<void> {
      // With metering, a billed resource's usage record opens in the transaction of its row.
      if (usage && isMeteredKind(kind) && !db.isTransaction) {
        return db
          .transaction()
          .execute((trx) => createNetworkStore(trx, usage).insert(kind, rec, ref, createdAt));
      }
      await usage?.inserted(db, kind, rec, createdAt);
      await db
        .insertInto('net_resources')
        .values({
          id: rec.id,
          kind,
          project_id: rec.project_id,
          parent_id: ref.parentId ?? '',
          device_id: ref.deviceId ?? '',
          body: JSON.stringify(rec),
          created_at: createdAt,
        })
        .execute();
    },
    async update(rec: Rec, ref: StoredRef = {}): Promise<void> {
      await db
        .updateTable('net_resources')
        .set({
          body: JSON.stringify(rec),
          ...(ref.deviceId !== undefined ? { device_id: ref.deviceId } : {}),
        })
        .where('id', '=', rec.id)
        .execute();
    },
    async get(kind: ResourceKind, id: string): Promise<Rec | undefined> {
      const row = await db
        .selectFrom('net_resources')
        .select('body')
        .where('kind', '=', kind)
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? parse(row.body) : undefined;
    },
    async list(kind: ResourceKind, where: { projectIds?: string[]; parentId?: string } = {}): Promise<Rec[]> {
      let q = db.selectFrom('net_resources').select('body').where('kind', '=', kind);
      if (where.projectIds)
        q = q.where('project_id', 'in', where.projectIds.length ? where.projectIds : ['']);
      if (where.parentId !== undefined) q = q.where('parent_id', '=', where.parentId);
      const rows = await q.orderBy('created_at').orderBy('id').limit(MAX_ROWS).execute();
      return rows.map((r) => parse(r.body));
    },
    async count(kind: ResourceKind, projectId: string): Promise<number> {
      const row = await db
        .selectFrom('net_resources')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('kind', '=', kind)
        .where('project_id', '=', projectId)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },
    async remove(id: string): Promise<void> {
      if (usage && !db.isTransaction) {
        return db.transaction().execute((trx) => createNetworkStore(trx, usage).remove(id));
      }
      await usage?.removed(db, id);
      await db.deleteFrom('net_resources').where('id', '=', id).execute();
    },
    /** Takes an IP on a network; a duplicate is a 409 IpAddressAlreadyAllocated. */
    async allocate(networkId: string, subnetId: string, ip: string, portId: string): Promise<void> {
      try {
        await db
          .insertInto('net_ip_allocations')
          .values({ network_id: networkId, ip_address: ip, subnet_id: subnetId, port_id: portId })
          .execute();
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        throw errors.conflict(`IP address ${ip} already allocated in subnet ${subnetId}`, {
          internalContext: { neutronType: 'IpAddressAlreadyAllocated' },
        });
      }
    },
    async allocatedIps(networkId: string): Promise<Set<string>> {
      const rows = await db
        .selectFrom('net_ip_allocations')
        .select('ip_address')
        .where('network_id', '=', networkId)
        .limit(MAX_ROWS)
        .execute();
      return new Set(rows.map((r) => r.ip_address));
    },
    async subnetInUse(subnetId: string): Promise<string[]> {
      const rows = await db
        .selectFrom('net_ip_allocations')
        .select('port_id')
        .where('subnet_id', '=', subnetId)
        .limit(MAX_ROWS)
        .execute();
      return rows.map((r) => r.port_id);
    },
    async releasePort(portId: string): Promise<void> {
      await db.deleteFrom('net_ip_allocations').where('port_id', '=', portId).execute();
    },
    async getQuota(projectId: string): Promise<Record<string, number> | undefined> {
      const row = await db
        .selectFrom('net_quotas')
        .select('body')
        .where('project_id', '=', projectId)
        .executeTakeFirst();
      return row ? (JSON.parse(row.body) as Record<string, number>) : undefined;
    },
    async listQuotas(): Promise<{ projectId: string; quota: Record<string, number> }[]> {
      const rows = await db.selectFrom('net_quotas').selectAll().limit(MAX_ROWS).execute();
      return rows.map((r) => ({
        projectId: r.project_id,
        quota: JSON.parse(r.body) as Record<string, number>,
      }));
    },
    async setQuota(projectId: string, quota: Record<string, number>): Promise<void> {
      await db.deleteFrom('net_quotas').where('project_id', '=', projectId).execute();
      await db
        .insertInto('net_quotas')
        .values({ project_id: projectId, body: JSON.stringify(quota) })
        .execute();
    },
    async deleteQuota(projectId: string): Promise<void> {
      await db.deleteFrom('net_quotas').where('project_id', '=', projectId).execute();
    },
  };
}

export type NetworkStore = ReturnType<typeof createNetworkStore>;
