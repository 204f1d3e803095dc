// Kysely queries for servers, their faults and their instance actions. Writes by the worker go through
// `update` with the row's version as a compare-and-set guard, so two workers never both advance a row.
import { PostgresAdapter, sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { ComputeTables, InstanceActionTable, ServerTable } from './compute-tables.js';
import type { PowerState } from './driver/driver.js';
import type {
  Flavor,
  InstanceAction,
  InstanceFault,
  RequestedNetwork,
  RootVolume,
  Server,
  ServerPort,
  ServerRequestSpec,
  TaskState,
  VmState,
} from './model.js';
import {
  afterMarker,
  extraConditions,
  sortExpression,
  sortOrder,
  type ServerListExtraFilter,
} from './server-list-query.js';

export const SERVER_LIST_LIMIT_MAX = 1000;

function toServer(row: Selectable<ServerTable>, fault: InstanceFault | null): Server {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    projectId: row.project_id,
    userId: row.user_id,
    flavorId: row.flavor_id,
    flavor: JSON.parse(row.flavor) as Flavor,
    imageId: row.image_id,
    keyName: row.key_name,
    keyData: row.key_data,
    userData: row.user_data,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    networks: JSON.parse(row.networks) as RequestedNetwork[],
    ports: JSON.parse(row.ports) as ServerPort[],
    configDrive: row.config_drive === 1,
    availabilityZone: row.availability_zone,
    host: row.host,
    vmState: row.vm_state as VmState,
    taskState: row.task_state as TaskState | null,
    powerState: row.power_state as PowerState,
    locked: row.locked === 1,
    lockedReason: row.locked_reason,
    stepsDone: JSON.parse(row.steps_done) as string[],
    attempts: row.attempts,
    launchedAt: row.launched_at,
    terminatedAt: row.terminated_at,
    deleted: row.deleted === 1,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    fault,
    reservationId: row.reservation_id,
    launchIndex: row.launch_index,
    oldFlavor: row.old_flavor ? (JSON.parse(row.old_flavor) as Flavor) : null,
    newFlavor: row.new_flavor ? (JSON.parse(row.new_flavor) as Flavor) : null,
    snapshotImageId: row.snapshot_image_id ?? null,
    rootVolume: row.root_volume ? (JSON.parse(row.root_volume) as RootVolume) : null,
    accessIpv4: row.access_ip_v4 ?? null,
    accessIpv6: row.access_ip_v6 ?? null,
    autoDiskConfig: row.auto_disk_config === 1,
    requestSpec: row.request_spec ? (JSON.parse(row.request_spec) as ServerRequestSpec) : null,
  };
}

/** The columns a service or the worker may change; the store maps them to the row. */
export type ServerPatch = Partial<
  Pick<
    Server,
    | 'name'
    | 'description'
    | 'metadata'
    | 'ports'
    | 'host'
    | 'vmState'
    | 'taskState'
    | 'powerState'
    | 'locked'
    | 'lockedReason'
    | 'stepsDone'
    | 'attempts'
    | 'launchedAt'
    | 'terminatedAt'
    | 'deleted'
    | 'flavorId'
    | 'flavor'
    | 'imageId'
    | 'keyName'
    | 'keyData'
    | 'userData'
    | 'oldFlavor'
    | 'newFlavor'
    | 'snapshotImageId'
    | 'rootVolume'
    | 'accessIpv4'
    | 'accessIpv6'
    | 'autoDiskConfig'
  >
>;

function patchToRow(p: ServerPatch, volumeBacked = false): Updateable<ServerTable> {
  const row: Updateable<ServerTable> = {};
  if (p.name !== undefined) row.name = p.name;
  if (p.description !== undefined) row.description = p.description;
  if (p.metadata !== undefined) row.metadata = JSON.stringify(p.metadata);
  if (p.ports !== undefined) row.ports = JSON.stringify(p.ports);
  if (p.host !== undefined) row.host = p.host;
  if (p.vmState !== undefined) row.vm_state = p.vmState;
  if (p.taskState !== undefined) row.task_state = p.taskState;
  if (p.powerState !== undefined) row.power_state = p.powerState;
  if (p.locked !== undefined) row.locked = p.locked ? 1 : 0;
  if (p.lockedReason !== undefined) row.locked_reason = p.lockedReason;
  if (p.stepsDone !== undefined) row.steps_done = JSON.stringify(p.stepsDone);
  if (p.attempts !== undefined) row.attempts = p.attempts;
  if (p.launchedAt !== undefined) row.launched_at = p.launchedAt;
  if (p.terminatedAt !== undefined) row.terminated_at = p.terminatedAt;
  if (p.deleted !== undefined) row.deleted = p.deleted ? 1 : 0;
  // A resize changes the flavor, and with it what the server claims (quota and host usage).
  if (p.flavor !== undefined)
    Object.assign(row, { flavor: JSON.stringify(p.flavor) }, claimedResources(p.flavor, volumeBacked));
  if (p.flavorId !== undefined) row.flavor_id = p.flavorId;
  if (p.imageId !== undefined) row.image_id = p.imageId;
  if (p.keyName !== undefined) row.key_name = p.keyName;
  if (p.keyData !== undefined) row.key_data = p.keyData;
  if (p.userData !== undefined) row.user_data = p.userData;
  if (p.oldFlavor !== undefined) row.old_flavor = p.oldFlavor && JSON.stringify(p.oldFlavor);
  if (p.newFlavor !== undefined) row.new_flavor = p.newFlavor && JSON.stringify(p.newFlavor);
  if (p.snapshotImageId !== undefined) row.snapshot_image_id = p.snapshotImageId;
  if (p.rootVolume !== undefined) row.root_volume = p.rootVolume && JSON.stringify(p.rootVolume);
  if (p.accessIpv4 !== undefined) row.access_ip_v4 = p.accessIpv4;
  if (p.accessIpv6 !== undefined) row.access_ip_v6 = p.accessIpv6;
  if (p.autoDiskConfig !== undefined) row.auto_disk_config = p.autoDiskConfig ? 1 : 0;
  return row;
}

function serverToRow(s: Server): ServerTable {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    project_id: s.projectId,
    user_id: s.userId,
    flavor_id: s.flavorId,
    flavor: JSON.stringify(s.flavor),
    image_id: s.imageId,
    key_name: s.keyName,
    key_data: s.keyData,
    user_data: s.userData,
    metadata: JSON.stringify(s.metadata),
    networks: JSON.stringify(s.networks),
    ports: JSON.stringify(s.ports),
    config_drive: s.configDrive ? 1 : 0,
    availability_zone: s.availabilityZone,
    host: s.host,
    vm_state: s.vmState,
    task_state: s.taskState,
    power_state: s.powerState,
    locked: s.locked ? 1 : 0,
    locked_reason: s.lockedReason,
    steps_done: JSON.stringify(s.stepsDone),
    attempts: s.attempts,
    launched_at: s.launchedAt,
    terminated_at: s.terminatedAt,
    deleted: s.deleted ? 1 : 0,
    version: s.version,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    ...claimedResources(s.flavor, Boolean(s.rootVolume)),
    reservation_id: s.reservationId ?? null,
    // Only when set, so that rows insert where 2026-12-03-compute-root-volume has not run (unit tests).
    ...(s.rootVolume && { root_volume: JSON.stringify(s.rootVolume) }),
    ...(s.accessIpv4 && { access_ip_v4: s.accessIpv4 }),
    ...(s.accessIpv6 && { access_ip_v6: s.accessIpv6 }),
    ...(s.requestSpec && { request_spec: JSON.stringify(s.requestSpec) }),
    ...(s.autoDiskConfig && { auto_disk_config: 1 }),
    launch_index: s.launchIndex ?? 0,
  };
}

/**
 * What a server of this flavor claims on its host and counts against quota (disk: root+ephemeral+swap;
 * a volume-backed server's root is a volume, so it claims no root disk: Nova's root_gb 0 for BFV).
 */
export function claimedResources(
  f: Flavor,
  volumeBacked = false,
): { vcpus: number; memory_mib: number; disk_gib: number } {
  return {
    vcpus: f.vcpus,
    memory_mib: f.ramMiB,
    disk_gib: (volumeBacked ? 0 : f.diskGib) + f.ephemeralGib + Math.ceil(f.swapMiB / 1024),
  };
}

export interface ServerListFilter extends ServerListExtraFilter {
  projectId?: string;
  vmStates?: readonly VmState[];
  name?: string;
  includeDeleted?: boolean;
  limit: number;
  /** The id of the last server of the previous page (servers sort by created_at desc, id). */
  marker?: Server;
}

function toAction(row: Selectable<InstanceActionTable>): InstanceAction {
  return {
    requestId: row.request_id,
    serverId: row.server_id,
    action: row.action,
    projectId: row.project_id,
    userId: row.user_id,
    message: row.message,
    startTime: row.start_time,
    finishTime: row.finish_time,
    result: row.result as InstanceAction['result'],
  };
}

/** Called in the transaction of every server row update with the row as written (metering's hook). */
export type ServerUsageHook = (trx: Kysely<ComputeTables>, server: Server, at: string) => Promise<void>;

export function createServerStore(db: Kysely<ComputeTables>, usage?: ServerUsageHook) {
  async function faultOf(id: string): Promise<InstanceFault | null> {
    const row = await db
      .selectFrom('compute_instance_faults')
      .selectAll()
      .where('server_id', '=', id)
      .executeTakeFirst();
    return row
      ? { code: row.code, message: row.message, details: row.details, createdAt: row.created_at }
      : null;
  }

  async function tagsOf(id: string): Promise<string[]> {
    const rows = await db
      .selectFrom('compute_server_tags')
      .select('tag')
      .where('server_id', '=', id)
      .orderBy('tag')
      .execute();
    return rows.map((r) => r.tag);
  }

  return {
    async get(id: string): Promise<Server | undefined> {
      const row = await db.selectFrom('compute_servers').selectAll().where('id', '=', id).executeTakeFirst();
      return row && { ...toServer(row, await faultOf(id)), tags: await tagsOf(id) };
    },

    async list(filter: ServerListFilter): Promise<Server[]> {
      const order = sortOrder(filter.sort);
      let query = db
        .selectFrom('compute_servers')
        .selectAll()
        .where((eb) => extraConditions(eb, filter))
        .limit(Math.min(filter.limit, SERVER_LIST_LIMIT_MAX));
      for (const key of order) query = query.orderBy((eb) => sortExpression(eb, key.column), key.direction);
      if (filter.projectId !== undefined) query = query.where('project_id', '=', filter.projectId);
      if (!filter.includeDeleted) query = query.where('deleted', '=', 0);
      if (filter.vmStates !== undefined) query = query.where('vm_state', 'in', [...filter.vmStates]);
      if (filter.name !== undefined) query = query.where('name', '=', filter.name);
      const marker = filter.marker;
      if (marker !== undefined) query = query.where((eb) => afterMarker(eb, order, serverToRow(marker)));
      const rows = await query.execute();
      return Promise.all(
        rows.map(async (r) => ({ ...toServer(r, await faultOf(r.id)), tags: await tagsOf(r.id) })),
      );
    },

    /** Servers a worker must drive: a task in flight, not yet deleted. Bounded by `limit`. */
    async pending(limit: number): Promise<Server[]> {
      const rows = await db
        .selectFrom('compute_servers')
        .selectAll()
        .where('task_state', 'is not', null)
        .where('deleted', '=', 0)
        .orderBy('updated_at')
        .limit(limit)
        .execute();
      return Promise.all(rows.map(async (r) => toServer(r, await faultOf(r.id))));
    },

    /** Live rows placed on `host` (reconciliation), bounded by `limit`. */
    async onHost(host: string, limit: number): Promise<Server[]> {
      const rows = await db
        .selectFrom('compute_servers')
        .selectAll()
        .where('host', '=', host)
        .where('deleted', '=', 0)
        .orderBy('id')
        .limit(limit)
        .execute();
      return Promise.all(rows.map(async (r) => toServer(r, await faultOf(r.id))));
    },

    async countActive(projectId: string): Promise<{ servers: number; vcpus: number; ramMiB: number }> {
      const row = await db
        .selectFrom('compute_servers')
        .select((eb) => [
          eb.fn.countAll<number | string>().as('servers'),
          eb.fn.coalesce(eb.fn.sum<number | string | null>('vcpus'), eb.val(0)).as('vcpus'),
          eb.fn.coalesce(eb.fn.sum<number | string | null>('memory_mib'), eb.val(0)).as('ram'),
        ])
        .where('project_id', '=', projectId)
        .where('deleted', '=', 0)
        .executeTakeFirstOrThrow();
      return { servers: Number(row.servers), vcpus: Number(row.vcpus), ramMiB: Number(row.ram) };
    },

    /**
     * Serialises quota checks of one project until the enclosing transaction ends: on PostgreSQL a
     * transaction-scoped advisory lock; SQLite transactions are serial already. Call inside a transaction.
     */
    async lockProjectQuota(projectId: string): Promise<void> {
      if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
      await sql`select pg_advisory_xact_lock(hashtext(${`compute-quota:${projectId}`}))`.execute(db);
    },

    /** The server's tags, sorted. */
    tags: tagsOf,

    /** Replaces every tag of the server (in the caller's transaction when bound to one). */
    async replaceTags(serverId: string, tags: readonly string[]): Promise<void> {
      await db.deleteFrom('compute_server_tags').where('server_id', '=', serverId).execute();
      if (tags.length === 0) return;
      await db
        .insertInto('compute_server_tags')
        .values([...new Set(tags)].map((tag) => ({ server_id: serverId, tag })))
        .execute();
    },

    /** Adds one tag; resolves false when it was there already. */
    async addTag(serverId: string, tag: string): Promise<boolean> {
      const result = await db
        .insertInto('compute_server_tags')
        .values({ server_id: serverId, tag })
        .onConflict((oc) => oc.columns(['server_id', 'tag']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    /** Removes one tag; resolves false when it was not there. */
    async removeTag(serverId: string, tag: string): Promise<boolean> {
      const result = await db
        .deleteFrom('compute_server_tags')
        .where('server_id', '=', serverId)
        .where('tag', '=', tag)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async insert(s: Server): Promise<void> {
      await db.insertInto('compute_servers').values(serverToRow(s)).execute();
    },

    /**
     * Applies the patch if the row still has `version`; resolves the new row, or undefined when another
     * writer got there first (the caller re-reads and decides again).
     */
    async update(id: string, version: number, patch: ServerPatch, at: string): Promise<Server | undefined> {
      // With metering, the usage record changes in the same transaction as the state it bills.
      if (usage && !db.isTransaction) {
        return db
          .transaction()
          .execute((trx) => createServerStore(trx, usage).update(id, version, patch, at));
      }
      // A new flavor claims no root disk for a volume-backed server (see claimedResources).
      const volumeBacked = patch.flavor !== undefined && Boolean((await this.get(id))?.rootVolume);
      const result = await db
        .updateTable('compute_servers')
        .set({ ...patchToRow(patch, volumeBacked), version: version + 1, updated_at: at })
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return undefined;
      const next = await this.get(id);
      if (usage && next) await usage(db, next, at);
      return next;
    },

    async setFault(id: string, fault: InstanceFault): Promise<void> {
      await db.deleteFrom('compute_instance_faults').where('server_id', '=', id).execute();
      await db
        .insertInto('compute_instance_faults')
        .values({
          server_id: id,
          code: fault.code,
          message: fault.message,
          details: fault.details,
          created_at: fault.createdAt,
        })
        .execute();
    },

    async startAction(a: InstanceAction): Promise<void> {
      await db
        .insertInto('compute_instance_actions')
        .values({
          request_id: a.requestId,
          server_id: a.serverId,
          action: a.action,
          project_id: a.projectId,
          user_id: a.userId,
          message: a.message,
          start_time: a.startTime,
          finish_time: a.finishTime,
          result: a.result,
        })
        .execute();
    },

    /** The request id of the newest unfinished action of the server: the request its task serves. */
    async openActionRequestId(serverId: string): Promise<string | undefined> {
      const open = await db
        .selectFrom('compute_instance_actions')
        .select('request_id')
        .where('server_id', '=', serverId)
        .where('finish_time', 'is', null)
        .orderBy('start_time', 'desc')
        .executeTakeFirst();
      return open?.request_id;
    },

    /** Finishes the newest unfinished action of the server (the one its task state belongs to). */
    async finishAction(serverId: string, result: 'Success' | 'Error', message: string | null, at: string) {
      const open = await db
        .selectFrom('compute_instance_actions')
        .select('request_id')
        .where('server_id', '=', serverId)
        .where('finish_time', 'is', null)
        .orderBy('start_time', 'desc')
        .executeTakeFirst();
      if (!open) return;
      await db
        .updateTable('compute_instance_actions')
        .set({ finish_time: at, result, message })
        .where('request_id', '=', open.request_id)
        .execute();
    },

    async actions(serverId: string, limit: number): Promise<InstanceAction[]> {
      const rows = await db
        .selectFrom('compute_instance_actions')
        .selectAll()
        .where('server_id', '=', serverId)
        .orderBy('start_time', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toAction);
    },
  };
}

export type ServerStore = ReturnType<typeof createServerStore>;
