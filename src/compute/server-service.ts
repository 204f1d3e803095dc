// Servers: create writes a `building/scheduling` row and an instance action, then kicks the worker
// (202); list/show/update read and rename; delete writes task_state `deleting`. Policy, quota and
// validation live here; the worker (server-worker.ts) does everything that touches the host.
import type { Clock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { newUuid } from '../common/ids.js';
import { checkBootSource, type RootVolumeSource } from './boot-from-volume.js';
import type { BootVolumes, ComputeQuota, ImageSource, PortProvider } from './collaborators.js';
import { canSeeProject, isAdmin, requireProject, requireWriter } from './compute-policy.js';
import { PowerState } from './driver/driver.js';
import type { FlavorService } from './flavor-service.js';
import type { KeyPairStore } from './keypair-store.js';
import type { RequestedNetwork, Server } from './model.js';
import { fitCount } from './quota-service.js';
import type { ServerListExtraFilter } from './server-list-query.js';
import { compileFilterRegex, regexFilter, scanFiltered } from './server-list.js';
import type { ServerStore } from './server-store.js';
import { vmStatesForStatus } from './server-state.js';

export interface ServerCreateInput {
  name: string;
  /** The image to boot on a local overlay; '' for a volume-backed server. */
  imageRef: string;
  /** Boot from volume: the root volume's source (block_device_mapping_v2 boot_index 0, destination volume). */
  rootVolume?: RootVolumeSource;
  flavorRef: string;
  /** `auto`, `none`, or explicit networks/ports. */
  networks: 'auto' | 'none' | RequestedNetwork[];
  keyName?: string;
  metadata?: Record<string, string>;
  /** Base64, as the API receives it (≤ 65535 bytes encoded). */
  userData?: string;
  configDrive?: boolean;
  availabilityZone?: string;
  description?: string | null;
  /** min_count/max_count: boot max_count servers, or as many as quota allows if at least min_count. */
  minCount?: number;
  maxCount?: number;
  /** Tags set at create (2.52). */
  tags?: string[];
  /** Security group names or ids for the ports the server gets (Nova's `security_groups`). */
  securityGroups?: string[];
}

export interface ServerListOptions {
  allTenants?: boolean;
  projectId?: string;
  status?: string;
  name?: string;
  limit?: number;
  marker?: string;
  /** SQL filters and sort (changes-since, flavor, image, host, tags…); `host` is dropped for non-admins. */
  extra?: ServerListExtraFilter;
  /** Regular-expression filters (Nova matches `name`, `ip` and `ip6` as regexes). */
  nameRegex?: string;
  ip?: string;
  ip6?: string;
}

export interface ServerServiceDeps {
  store: ServerStore;
  flavors: FlavorService;
  keyPairs: KeyPairStore;
  images: ImageSource;
  ports: PortProvider;
  /** Root volumes for boot from volume (400 without them). */
  bootVolumes?: BootVolumes;
  clock: Clock;
  quota: ComputeQuota;
  /** The project's quota (per-project overrides, see quota-service.ts); `quota` when absent. */
  quotaOf?: (projectId: string) => Promise<ComputeQuota>;
  defaultAvailabilityZone: string;
  /**
   * Set when the scheduler places servers (claims wired): a create without availability_zone may land
   * in any zone, so the row's zone stays '' until the claim writes the chosen host's (Nova's
   * default_schedule_zone = None).
   */
  scheduledZones?: boolean;
  /** Whether a requested zone has a usable host (host-service.ts zoneAccepted); unchecked when absent. */
  zoneAccepted?: (zone: string) => Promise<boolean>;
  /** Runs `fn` in one database transaction over a store bound to it. */
  transaction<T>(fn: (store: ServerStore) => Promise<T>): Promise<T>;
  /** Tells the worker a row changed; it picks it up at once (and at its next sweep otherwise). */
  kick(serverId: string): void;
}

/** How many of min..max servers fit the project's quota (403 with Nova's message when not min). */
async function checkQuota(
  tx: ServerStore,
  projectId: string,
  quota: ComputeQuota,
  flavor: { vcpus: number; ramMiB: number },
  count: { min: number; max: number },
): Promise<number> {
  const used = await tx.countActive(projectId);
  const fit = fitCount(
    // Only instances, cores and ram are counted at create; -1 marks the others as not checked here.
    {
      instances: quota.instances,
      cores: quota.cores,
      ram: quota.ramMiB,
      key_pairs: -1,
      metadata_items: -1,
      server_groups: -1,
      server_group_members: -1,
    },
    { instances: used.servers, cores: used.vcpus, ram: used.ramMiB },
    { cores: flavor.vcpus, ram: flavor.ramMiB },
    count.min,
    count.max,
  );
  if (!fit.ok) throw errors.forbidden(fit.message);
  return fit.count;
}

export function createServerService(deps: ServerServiceDeps) {
  const { store, clock } = deps;

  /** The server if the caller may see it (404 otherwise, deleted servers included). */
  async function visible(auth: AuthContext, id: string): Promise<Server> {
    const server = await store.get(id);
    if (!server || server.deleted || !canSeeProject(auth, server.projectId)) {
      throw errors.notFound('server', id);
    }
    return server;
  }

  async function resolveNetworks(auth: AuthContext, requested: ServerCreateInput['networks']) {
    if (requested === 'none') return [];
    if (requested === 'auto') {
      const network = await deps.ports.autoNetwork(auth);
      return network === undefined ? [] : [{ kind: 'network', networkId: network } as const];
    }
    for (const n of requested) {
      if (n.kind === 'network') await deps.ports.checkNetwork(auth, n.networkId);
      else await deps.ports.checkPort(auth, n.portId);
    }
    return requested;
  }

  async function create(auth: AuthContext, input: ServerCreateInput, requestId: string): Promise<Server> {
    requireWriter(auth);
    const projectId = requireProject(auth);
    const flavor = await deps.flavors.visible(auth, input.flavorRef).catch(() => {
      throw errors.badRequest(`Flavor ${input.flavorRef} could not be found.`);
    });
    const boot = await checkBootSource(deps, auth, input, flavor);
    const keyPair =
      input.keyName === undefined ? undefined : await deps.keyPairs.get(auth.userId, input.keyName);
    if (input.keyName !== undefined && !keyPair) throw errors.badRequest(`Invalid key_name provided.`);
    const quota = deps.quotaOf ? await deps.quotaOf(projectId) : deps.quota;
    if (quota.metadataItems >= 0 && Object.keys(input.metadata ?? {}).length > quota.metadataItems) {
      throw errors.forbidden('Quota exceeded for metadata_items.');
    }
    const zone = input.availabilityZone;
    if (zone !== undefined && deps.zoneAccepted && !(await deps.zoneAccepted(zone)))
      throw errors.badRequest('The requested availability zone is not available');
    const groups =
      input.securityGroups === undefined
        ? undefined
        : await deps.ports.securityGroups(auth, projectId, [...new Set(input.securityGroups)]);
    const networks = (await resolveNetworks(auth, input.networks)).map((n) =>
      n.kind === 'network' && groups !== undefined ? { ...n, securityGroups: groups } : n,
    );
    const at = clock.now().toISOString();
    const server: Server = {
      id: newUuid(),
      name: input.name,
      description: input.description ?? null,
      projectId,
      userId: auth.userId,
      flavorId: flavor.id,
      flavor,
      imageId: boot.imageId,
      keyName: keyPair?.name ?? null,
      keyData: keyPair?.publicKey ?? null,
      userData: input.userData ?? null,
      metadata: input.metadata ?? {},
      networks,
      ports: [],
      configDrive: input.configDrive ?? false,
      availabilityZone: input.availabilityZone ?? (deps.scheduledZones ? '' : deps.defaultAvailabilityZone),
      host: null,
      vmState: 'building',
      taskState: 'scheduling',
      powerState: PowerState.NoState,
      locked: false,
      lockedReason: null,
      stepsDone: [],
      attempts: 0,
      launchedAt: null,
      terminatedAt: null,
      deleted: false,
      version: 1,
      createdAt: at,
      updatedAt: at,
      fault: null,
    };
    const minCount = input.minCount ?? 1;
    const maxCount = Math.max(input.maxCount ?? minCount, minCount);
    const reservationId = `r-${newUuid().replaceAll('-', '').slice(0, 8)}`;
    // Count and insert in one transaction under the project's quota lock (an advisory lock on
    // PostgreSQL; SQLite transactions are serial), so that concurrent creates cannot both pass.
    const made = await deps.transaction(async (tx) => {
      await tx.lockProjectQuota(projectId);
      const count = await checkQuota(tx, projectId, quota, flavor, { min: minCount, max: maxCount });
      const out: Server[] = [];
      for (let index = 0; index < count; index++) {
        const one: Server = {
          ...server,
          id: index === 0 ? server.id : newUuid(),
          // Nova's multi_instance_display_name_template, '%(name)s-%(count)d', when several boot.
          name: count > 1 ? `${input.name}-${index + 1}` : input.name,
          reservationId,
          launchIndex: index,
          tags: input.tags ?? [],
          rootVolume: boot.rootVolume(),
        };
        await tx.insert(one);
        if (input.tags !== undefined) await tx.replaceTags(one.id, input.tags);
        // Instance actions are keyed by request id alone: the servers after the first get a suffix.
        await recordAction(auth, one, 'create', index === 0 ? requestId : `${requestId}-${index}`, tx);
        out.push(one);
      }
      return out;
    });
    for (const one of made) deps.kick(one.id);
    const first = made[0];
    if (first === undefined) throw errors.internal();
    return first;
  }

  async function recordAction(
    auth: AuthContext,
    server: Server,
    action: string,
    requestId: string,
    tx: ServerStore = store,
  ) {
    await tx.startAction({
      requestId,
      serverId: server.id,
      action,
      projectId: server.projectId,
      userId: auth.userId,
      message: null,
      startTime: clock.now().toISOString(),
      finishTime: null,
      result: null,
    });
  }

  async function list(auth: AuthContext, options: ServerListOptions): Promise<Server[]> {
    const all = options.allTenants === true && isAdmin(auth);
    const projectId = all ? options.projectId : requireProject(auth);
    const vmStates = options.status === undefined ? undefined : vmStatesForStatus(options.status);
    if (options.status !== undefined && vmStates === undefined) return [];
    const marker =
      options.marker === undefined
        ? undefined
        : await visible(auth, options.marker).catch(() => {
            throw errors.badRequest(`marker [${options.marker}] not found`);
          });
    const { host, ...extra } = options.extra ?? {};
    const filter = {
      ...extra,
      ...(host !== undefined && isAdmin(auth) && { host }),
      // Nova lists deleted servers too when asked for changes since (or before) a time.
      includeDeleted: extra.changesSince !== undefined || extra.changesBefore !== undefined,
      ...(projectId !== undefined && { projectId }),
      ...(vmStates !== undefined && { vmStates }),
      ...(options.name !== undefined && { name: options.name }),
    };
    const limit = options.limit ?? 1000;
    const keep = regexFilter({
      ...(options.nameRegex !== undefined && { name: compileFilterRegex('name', options.nameRegex) }),
      ...(options.ip !== undefined && { ip: compileFilterRegex('ip', options.ip) }),
      ...(options.ip6 !== undefined && { ip6: compileFilterRegex('ip6', options.ip6) }),
    });
    if (keep === undefined) return store.list({ ...filter, ...(marker !== undefined && { marker }), limit });
    return scanFiltered(
      (after, batch) =>
        store.list({ ...filter, ...(after !== undefined && { marker: after }), limit: batch }),
      keep,
      limit,
      marker,
    );
  }

  async function update(
    auth: AuthContext,
    id: string,
    patch: { name?: string; description?: string | null },
  ) {
    requireWriter(auth);
    const server = await visible(auth, id);
    const next = await store.update(server.id, server.version, patch, clock.now().toISOString());
    if (!next) throw errors.conflict(`Cannot update server ${id} while it is changing; retry.`);
    return next;
  }

  /** Delete is allowed in any state but a delete already in progress; locked servers need an admin. */
  async function remove(auth: AuthContext, id: string, requestId: string): Promise<void> {
    requireWriter(auth);
    const server = await visible(auth, id);
    if (server.locked && !isAdmin(auth)) throw errors.conflict(`Instance ${id} is locked`);
    if (server.taskState === 'deleting') return;
    const next = await store.update(
      server.id,
      server.version,
      { taskState: 'deleting' },
      clock.now().toISOString(),
    );
    if (!next) throw errors.conflict(`Cannot delete server ${id} while it is changing; retry.`);
    await recordAction(auth, server, 'delete', requestId);
    deps.kick(id);
  }

  return { visible, create, list, update, remove, recordAction };
}

export type ServerService = ReturnType<typeof createServerService>;
