// Servers: create writes a `building/scheduling` row and an instance action, then kicks the worker
// (202); list/show/update read and rename; delete writes task_state `deleting`. Policy, quota and
// validation live here; the worker (server-worker.ts) does everything that touches the host.
import type { Clock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { newUuid } from '../common/ids.js';
import type { ComputeQuota, ImageSource, PortProvider } from './collaborators.js';
import { canSeeProject, isAdmin, requireProject, requireWriter } from './compute-policy.js';
import { PowerState } from './driver/driver.js';
import type { FlavorService } from './flavor-service.js';
import type { KeyPairStore } from './keypair-store.js';
import type { RequestedNetwork, Server } from './model.js';
import type { ServerStore } from './server-store.js';
import { vmStatesForStatus } from './server-state.js';

export interface ServerCreateInput {
  name: string;
  imageRef: string;
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
}

export interface ServerListOptions {
  allTenants?: boolean;
  projectId?: string;
  status?: string;
  name?: string;
  limit?: number;
  marker?: string;
}

export interface ServerServiceDeps {
  store: ServerStore;
  flavors: FlavorService;
  keyPairs: KeyPairStore;
  images: ImageSource;
  ports: PortProvider;
  clock: Clock;
  quota: ComputeQuota;
  defaultAvailabilityZone: string;
  /** Runs `fn` in one database transaction over a store bound to it. */
  transaction<T>(fn: (store: ServerStore) => Promise<T>): Promise<T>;
  /** Tells the worker a row changed; it picks it up at once (and at its next sweep otherwise). */
  kick(serverId: string): void;
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

  async function checkQuota(tx: ServerStore, projectId: string, vcpus: number, ramMiB: number) {
    const used = await tx.countActive(projectId);
    const over: string[] = [];
    if (used.servers + 1 > deps.quota.instances) over.push('instances');
    if (used.vcpus + vcpus > deps.quota.cores) over.push('cores');
    if (used.ramMiB + ramMiB > deps.quota.ramMiB) over.push('ram');
    if (over.length > 0) {
      throw errors.forbidden(
        `Quota exceeded for ${over.join(', ')}: Requested 1, but already used ${used.servers}.`,
      );
    }
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
    const image = await deps.images.describe(auth, input.imageRef).catch(() => {
      throw errors.badRequest(`Image ${input.imageRef} could not be found.`);
    });
    if (image.status !== 'active') throw errors.badRequest(`Image ${image.id} is not active.`);
    if (flavor.ramMiB < image.minRamMiB)
      throw errors.badRequest("Flavor's memory is too small for requested image.");
    if (flavor.diskGib !== 0 && flavor.diskGib < image.minDiskGib) {
      throw errors.badRequest("Flavor's disk is too small for requested image.");
    }
    const keyPair =
      input.keyName === undefined ? undefined : await deps.keyPairs.get(auth.userId, input.keyName);
    if (input.keyName !== undefined && !keyPair) throw errors.badRequest(`Invalid key_name provided.`);
    if (Object.keys(input.metadata ?? {}).length > deps.quota.metadataItems) {
      throw errors.forbidden('Quota exceeded for metadata_items.');
    }
    const networks = await resolveNetworks(auth, input.networks);
    const at = clock.now().toISOString();
    const server: Server = {
      id: newUuid(),
      name: input.name,
      description: input.description ?? null,
      projectId,
      userId: auth.userId,
      flavorId: flavor.id,
      flavor,
      imageId: image.id,
      keyName: keyPair?.name ?? null,
      keyData: keyPair?.publicKey ?? null,
      userData: input.userData ?? null,
      metadata: input.metadata ?? {},
      networks,
      ports: [],
      configDrive: input.configDrive ?? false,
      availabilityZone: input.availabilityZone ?? deps.defaultAvailabilityZone,
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
    // Count and insert in one transaction, so that concurrent creates cannot both pass the quota
    // (serialised on SQLite; on PostgreSQL this still needs a per-project lock, see NEXT.md).
    await deps.transaction(async (tx) => {
      await checkQuota(tx, projectId, flavor.vcpus, flavor.ramMiB);
      await tx.insert(server);
      await recordAction(auth, server, 'create', requestId, tx);
    });
    deps.kick(server.id);
    return server;
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
    return store.list({
      ...(projectId !== undefined && { projectId }),
      ...(vmStates !== undefined && { vmStates }),
      ...(options.name !== undefined && { name: options.name }),
      ...(marker !== undefined && { marker }),
      limit: options.limit ?? 1000,
    });
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
