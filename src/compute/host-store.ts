// Kysely queries for compute hosts (compute_hosts) and for what their servers use: a host's usage is
// the SQL sum of the resources its live servers claim (compute_servers.vcpus/memory_mib/disk_gib).
// The scheduler's claim transaction takes `lockClaims` first, so concurrent claims are serial.
import { PostgresAdapter, sql, type Kysely, type Selectable } from 'kysely';
import type { ComputeTables, HostTable } from './compute-tables.js';

export const HOST_LIST_LIMIT_MAX = 1000;

/** A compute host: Nova's compute node (hypervisor) and its nova-compute service in one record. */
export interface ComputeHost {
  /** Hypervisor UUID (os-hypervisors id from 2.53). */
  id: string;
  /** nova-compute service UUID (os-services id from 2.53). */
  serviceId: string;
  /** Integer id for microversions before 2.53. */
  number: number;
  name: string;
  availabilityZone: string;
  hostIp: string;
  vcpus: number;
  memoryMiB: number;
  memoryReservedMiB: number;
  diskGib: number;
  cpuAllocationRatio: number;
  ramAllocationRatio: number;
  diskAllocationRatio: number;
  hypervisorType: string;
  hypervisorVersion: number;
  cpuInfo: Record<string, unknown>;
  disabled: boolean;
  disabledReason: string | null;
  forcedDown: boolean;
  heartbeatAt: string;
  createdAt: string;
  updatedAt: string;
}

/** What a host's live servers use now. */
export interface HostUsage {
  servers: number;
  vcpus: number;
  memoryMiB: number;
  diskGib: number;
  /** Servers with a task in flight (Nova's current_workload). */
  busy: number;
}

export const NO_USAGE: HostUsage = { servers: 0, vcpus: 0, memoryMiB: 0, diskGib: 0, busy: 0 };

/** The facts a host reports about itself at registration. */
export type HostReport = Omit<
  ComputeHost,
  'id' | 'serviceId' | 'number' | 'disabled' | 'disabledReason' | 'forcedDown' | 'createdAt' | 'updatedAt'
>;

function toHost(row: Selectable<HostTable>): ComputeHost {
  return {
    id: row.id,
    serviceId: row.service_id,
    number: Number(row.number),
    name: row.name,
    availabilityZone: row.availability_zone,
    hostIp: row.host_ip,
    vcpus: row.vcpus,
    memoryMiB: row.memory_mib,
    memoryReservedMiB: row.memory_reserved_mib,
    diskGib: row.disk_gib,
    cpuAllocationRatio: row.cpu_allocation_ratio,
    ramAllocationRatio: row.ram_allocation_ratio,
    diskAllocationRatio: row.disk_allocation_ratio,
    hypervisorType: row.hypervisor_type,
    hypervisorVersion: row.hypervisor_version,
    cpuInfo: JSON.parse(row.cpu_info) as Record<string, unknown>,
    disabled: row.disabled === 1,
    disabledReason: row.disabled_reason,
    forcedDown: row.forced_down === 1,
    heartbeatAt: row.heartbeat_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function reportColumns(r: HostReport) {
  return {
    availability_zone: r.availabilityZone,
    host_ip: r.hostIp,
    vcpus: r.vcpus,
    memory_mib: r.memoryMiB,
    memory_reserved_mib: r.memoryReservedMiB,
    disk_gib: r.diskGib,
    cpu_allocation_ratio: r.cpuAllocationRatio,
    ram_allocation_ratio: r.ramAllocationRatio,
    disk_allocation_ratio: r.diskAllocationRatio,
    hypervisor_type: r.hypervisorType,
    hypervisor_version: r.hypervisorVersion,
    cpu_info: JSON.stringify(r.cpuInfo),
    heartbeat_at: r.heartbeatAt,
  };
}

export function createHostStore(db: Kysely<ComputeTables>) {
  return {
    async list(): Promise<ComputeHost[]> {
      const rows = await db
        .selectFrom('compute_hosts')
        .selectAll()
        .orderBy('number')
        .limit(HOST_LIST_LIMIT_MAX)
        .execute();
      return rows.map(toHost);
    },

    async byName(name: string): Promise<ComputeHost | undefined> {
      const row = await db
        .selectFrom('compute_hosts')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return row && toHost(row);
    },

    /**
     * Inserts the host or refreshes its reported facts (keeping its ids and its enabled/disabled state).
     * Call inside a transaction: the next integer id is max + 1.
     */
    async upsert(report: HostReport, ids: { id: string; serviceId: string }, at: string): Promise<void> {
      const existing = await db
        .selectFrom('compute_hosts')
        .select('id')
        .where('name', '=', report.name)
        .executeTakeFirst();
      if (existing) {
        await db
          .updateTable('compute_hosts')
          .set({ ...reportColumns(report), updated_at: at })
          .where('id', '=', existing.id)
          .execute();
        return;
      }
      const top = await db
        .selectFrom('compute_hosts')
        .select((eb) => eb.fn.max('number').as('top'))
        .executeTakeFirst();
      await db
        .insertInto('compute_hosts')
        .values({
          id: ids.id,
          service_id: ids.serviceId,
          number: Number(top?.top ?? 0) + 1,
          name: report.name,
          ...reportColumns(report),
          disabled: 0,
          disabled_reason: null,
          forced_down: 0,
          created_at: at,
          updated_at: at,
        })
        .execute();
    },

    async heartbeat(name: string, at: string): Promise<boolean> {
      const result = await db
        .updateTable('compute_hosts')
        .set({ heartbeat_at: at })
        .where('name', '=', name)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async setService(
      id: string,
      patch: { disabled?: boolean; disabledReason?: string | null; forcedDown?: boolean },
      at: string,
    ): Promise<void> {
      await db
        .updateTable('compute_hosts')
        .set({
          ...(patch.disabled !== undefined && { disabled: patch.disabled ? 1 : 0 }),
          ...(patch.disabledReason !== undefined && { disabled_reason: patch.disabledReason }),
          ...(patch.forcedDown !== undefined && { forced_down: patch.forcedDown ? 1 : 0 }),
          updated_at: at,
        })
        .where('id', '=', id)
        .execute();
    },

    async remove(id: string): Promise<void> {
      await db.deleteFrom('compute_hosts').where('id', '=', id).execute();
    },

    /** Usage of every host that has live servers, by host name. */
    async usage(): Promise<Map<string, HostUsage>> {
      const rows = await db
        .selectFrom('compute_servers')
        .select((eb) => [
          'host',
          eb.fn.countAll<number | string>().as('servers'),
          eb.fn.sum<number | string>('vcpus').as('vcpus'),
          eb.fn.sum<number | string>('memory_mib').as('memory'),
          eb.fn.sum<number | string>('disk_gib').as('disk'),
          eb.fn.count<number | string>('task_state').as('busy'),
        ])
        .where('deleted', '=', 0)
        .where('host', 'is not', null)
        .groupBy('host')
        .limit(HOST_LIST_LIMIT_MAX)
        .execute();
      const out = new Map<string, HostUsage>();
      for (const r of rows) {
        if (r.host === null) continue;
        out.set(r.host, {
          servers: Number(r.servers),
          vcpus: Number(r.vcpus),
          memoryMiB: Number(r.memory),
          diskGib: Number(r.disk),
          busy: Number(r.busy),
        });
      }
      return out;
    },

    /** Live servers on a host (os-hypervisors with_servers), bounded. */
    async serversOn(host: string, limit: number): Promise<{ id: string; name: string }[]> {
      return db
        .selectFrom('compute_servers')
        .select(['id', 'name'])
        .where('host', '=', host)
        .where('deleted', '=', 0)
        .orderBy('created_at')
        .limit(limit)
        .execute();
    },

    /**
     * Serialises claims until the enclosing transaction ends: on PostgreSQL a transaction-scoped advisory
     * lock (one key for all hosts, since a claim reads every host's usage); SQLite transactions are
     * serial already. Call inside a transaction.
     */
    async lockClaims(): Promise<void> {
      if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
      await sql`select pg_advisory_xact_lock(hashtext('compute-host-claims'))`.execute(db);
    },

    /** The server's current host (undefined: no such live row). */
    async hostOf(serverId: string): Promise<{ host: string | null } | undefined> {
      return db
        .selectFrom('compute_servers')
        .select('host')
        .where('id', '=', serverId)
        .where('deleted', '=', 0)
        .executeTakeFirst();
    },

    /**
     * Records the placement on the server row (and the host's zone when the create named none). The version is left alone on purpose: the worker's own
     * compare-and-set that records the claim step follows and writes the same host.
     */
    async setServerHost(serverId: string, host: string | null, zone?: string): Promise<void> {
      await db
        .updateTable('compute_servers')
        .set({ host, ...(zone !== undefined && { availability_zone: zone }) })
        .where('id', '=', serverId)
        .execute();
    },
  };
}

export type HostStore = ReturnType<typeof createHostStore>;
