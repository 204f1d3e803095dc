// The server actions that replace a server's disk or flavor: rebuild, resize with confirmResize and
// revertResize, and createImage (a snapshot into the image service). Each checks policy, state, input
// and quota, writes its task state (and what the worker needs) with a compare-and-set, records the
// instance action and kicks the worker (server-tasks.ts), as Nova's API does before its RPC cast.
import type { Clock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import type { ImageSnapshots, ImageSource } from './collaborators.js';
import { isAdmin, requireWriter } from './compute-policy.js';
import { PowerState, type ComputeDriver } from './driver/driver.js';
import type { FlavorService } from './flavor-service.js';
import type { KeyPairStore } from './keypair-store.js';
import type { Flavor, Server, VmState } from './model.js';
import type { ServerService } from './server-service.js';
import type { ServerPatch, ServerStore } from './server-store.js';
import type { WorkerLog } from './server-worker.js';

/** The limits a resize is checked against (-1: unlimited), as os-quota-sets reports them. */
export interface LifecycleQuota {
  cores: number;
  ramMiB: number;
  metadataItems: number;
}

export interface ServerLifecycleDeps {
  servers: ServerService;
  store: ServerStore;
  flavors: FlavorService;
  keyPairs: KeyPairStore;
  images: ImageSource;
  /** Snapshot images (createImage answers 501 without them, e.g. in tests that do not need them). */
  snapshots?: ImageSnapshots;
  /** The project's compute limits (defaults merged with its overrides). */
  quotaFor(projectId: string): Promise<LifecycleQuota>;
  driver: ComputeDriver;
  clock: Clock;
  log: WorkerLog;
  kick(serverId: string): void;
}

export interface RebuildInput {
  imageRef: string;
  name?: string;
  /** Replaces the server's metadata. */
  metadata?: Record<string, string>;
  /** 2.54: a key pair name, or null to remove the key. Omitted: unchanged. */
  keyName?: string | null;
  /** 2.57: base64 user data, or null to remove it. Omitted: unchanged. */
  userData?: string | null;
  /** 2.19. Omitted: unchanged. */
  description?: string | null;
}

export interface CreateImageInput {
  name: string;
  metadata: Record<string, string>;
}

/** Nova's 409 for an action the state does not allow (nova.exception.InstanceInvalidState). */
function invalidState(server: Server, action: string) {
  return errors.conflict(
    `Cannot '${action}' instance ${server.id} while it is in vm_state ${server.vmState}` +
      (server.taskState ? ` and task_state ${server.taskState}` : ''),
  );
}

function requireIdleIn(server: Server, action: string, allowed: readonly VmState[]): void {
  if (server.taskState !== null || !allowed.includes(server.vmState)) throw invalidState(server, action);
}

const over = (limit: number, wanted: number) => limit >= 0 && wanted > limit;

export function createServerLifecycle(deps: ServerLifecycleDeps) {
  const { store, clock } = deps;
  const now = () => clock.now().toISOString();

  async function writable(auth: AuthContext, id: string): Promise<Server> {
    requireWriter(auth);
    const server = await deps.servers.visible(auth, id);
    if (server.locked && !isAdmin(auth)) throw errors.conflict(`Instance ${id} is locked`);
    return server;
  }

  /** Writes the task's patch if the row did not change meanwhile, records the action, kicks the worker. */
  async function begin(
    auth: AuthContext,
    server: Server,
    action: string,
    patch: ServerPatch,
    requestId: string,
  ): Promise<Server> {
    const next = await store.update(server.id, server.version, patch, now());
    if (!next) throw invalidState(server, action);
    await deps.servers.recordAction(auth, server, action, requestId);
    deps.kick(server.id);
    return next;
  }

  async function rebuildKey(auth: AuthContext, keyName: string | null | undefined): Promise<ServerPatch> {
    if (keyName === undefined) return {};
    if (keyName === null) return { keyName: null, keyData: null };
    const keyPair = await deps.keyPairs.get(auth.userId, keyName);
    if (!keyPair) throw errors.badRequest('Invalid key_name provided.');
    return { keyName: keyPair.name, keyData: keyPair.publicKey };
  }

  /** Rebuild: a new root disk from `imageRef` (and a new config drive); ports and flavor stay. */
  async function rebuild(auth: AuthContext, id: string, input: RebuildInput, requestId: string) {
    const server = await writable(auth, id);
    requireIdleIn(server, 'rebuild', ['active', 'stopped', 'error']);
    // Nova before 2.93 rebuilds a volume-backed server only onto its own image; its root is a volume here.
    if (server.rootVolume)
      throw errors.badRequest('Unable to rebuild with a different image for a volume-backed server.');
    const image = await deps.images.describe(auth, input.imageRef).catch(() => {
      throw errors.badRequest('Cannot find requested image');
    });
    if (image.status !== 'active') throw errors.badRequest(`Image ${image.id} is not active.`);
    if (server.flavor.ramMiB < image.minRamMiB)
      throw errors.badRequest("Flavor's memory is too small for requested image.");
    if (server.flavor.diskGib !== 0 && server.flavor.diskGib < image.minDiskGib)
      throw errors.badRequest("Flavor's disk is too small for requested image.");
    if (input.metadata !== undefined) {
      const quota = await deps.quotaFor(server.projectId);
      if (over(quota.metadataItems, Object.keys(input.metadata).length))
        throw errors.forbidden('Quota exceeded for metadata_items.');
    }
    return begin(
      auth,
      server,
      'rebuild',
      {
        taskState: 'rebuilding',
        imageId: image.id,
        ...(input.name !== undefined && { name: input.name }),
        ...(input.metadata !== undefined && { metadata: input.metadata }),
        ...(input.userData !== undefined && { userData: input.userData }),
        ...(input.description !== undefined && { description: input.description }),
        ...(await rebuildKey(auth, input.keyName)),
      },
      requestId,
    );
  }

  /** Nova's 403 when the new flavor's extra cores or RAM would exceed the project's quota. */
  async function checkResizeQuota(server: Server, flavor: Flavor): Promise<void> {
    const cores = flavor.vcpus - server.flavor.vcpus;
    const ramMiB = flavor.ramMiB - server.flavor.ramMiB;
    if (cores <= 0 && ramMiB <= 0) return;
    const quota = await deps.quotaFor(server.projectId);
    const used = await store.countActive(server.projectId);
    const exceeded: string[] = [];
    if (cores > 0 && over(quota.cores, used.vcpus + cores))
      exceeded.push(`cores: Requested ${cores}, but already used ${used.vcpus} of ${quota.cores} cores`);
    if (ramMiB > 0 && over(quota.ramMiB, used.ramMiB + ramMiB))
      exceeded.push(`ram: Requested ${ramMiB}, but already used ${used.ramMiB} of ${quota.ramMiB} ram`);
    if (exceeded.length > 0) throw errors.forbidden(`Quota exceeded for ${exceeded.join('; ')}`);
  }

  /** Resize to another flavor on this host; the server waits in VERIFY_RESIZE for confirm or revert. */
  async function resize(auth: AuthContext, id: string, flavorRef: string, requestId: string) {
    const server = await writable(auth, id);
    requireIdleIn(server, 'resize', ['active', 'stopped']);
    const flavor = await deps.flavors.visible(auth, flavorRef).catch(() => {
      throw errors.badRequest('Unable to locate requested flavor.');
    });
    if (flavor.id === server.flavorId)
      throw errors.badRequest('When resizing, instances must change flavor!');
    if (flavor.diskGib === 0 && server.flavor.diskGib > 0)
      throw errors.badRequest('Resize to zero disk flavor is not allowed.');
    if (flavor.diskGib < server.flavor.diskGib) {
      throw errors.badRequest('Server disk was unable to be resized because: Unable to resize disk down.');
    }
    await checkResizeQuota(server, flavor);
    await begin(auth, server, 'resize', { taskState: 'resize_prep', newFlavor: flavor }, requestId);
  }

  /** Keep the new flavor: the server becomes ACTIVE (or SHUTOFF) and the revert point is dropped. */
  async function confirmResize(auth: AuthContext, id: string, requestId: string): Promise<void> {
    const server = await writable(auth, id);
    requireIdleIn(server, 'confirmResize', ['resized']);
    const vmState = server.powerState === PowerState.Running ? 'active' : 'stopped';
    const next = await store.update(server.id, server.version, { vmState, oldFlavor: null }, now());
    if (!next) throw invalidState(server, 'confirmResize');
    const at = now();
    await store.startAction({
      requestId,
      serverId: server.id,
      action: 'confirmResize',
      projectId: server.projectId,
      userId: auth.userId,
      message: null,
      startTime: at,
      finishTime: at,
      result: 'Success',
    });
    // The row no longer allows a revert, so the revert point is garbage whatever happens here; a
    // leftover is dropped by the next resize (server-tasks.ts) or with the guest.
    await deps.driver.confirmResize(server.id).catch((err: unknown) => {
      deps.log.error(
        { event: 'compute.confirm-resize.cleanup-failed', serverId: server.id, err },
        'dropping the resize revert point failed',
      );
    });
  }

  /** Go back to the old flavor and the disk as it was before the resize. */
  async function revertResize(auth: AuthContext, id: string, requestId: string): Promise<void> {
    const server = await writable(auth, id);
    requireIdleIn(server, 'revertResize', ['resized']);
    if (!server.oldFlavor) throw errors.badRequest('Instance has not been resized.');
    await begin(auth, server, 'revertResize', { taskState: 'resize_reverting' }, requestId);
  }

  /** Snapshot the root disk into a new private image of the server's project; resolves its id. */
  async function createImage(
    auth: AuthContext,
    id: string,
    input: CreateImageInput,
    requestId: string,
  ): Promise<string> {
    const snapshots = deps.snapshots;
    if (snapshots === undefined) throw errors.notImplemented('Snapshots are not available on this cloud.');
    // Nova does not refuse snapshots of locked servers (compute API snapshot has no lock check).
    requireWriter(auth);
    const server = await deps.servers.visible(auth, id);
    requireIdleIn(server, 'createImage', ['active', 'stopped', 'paused', 'suspended']);
    // Nova snapshots the root volume and makes an image that maps it; not done yet here.
    if (server.rootVolume)
      throw errors.notImplemented('createImage of a volume-backed server is not supported yet.');
    const quota = await deps.quotaFor(server.projectId);
    if (over(quota.metadataItems, Object.keys(input.metadata).length))
      throw errors.forbidden('Image metadata limit exceeded');
    const imageId = await snapshots.create(server.projectId, auth.userId, {
      name: input.name,
      serverId: server.id,
      baseImageId: server.imageId,
      minDiskGib: server.flavor.diskGib,
      minRamMiB: 0,
      metadata: input.metadata,
    });
    try {
      await begin(
        auth,
        server,
        'createImage',
        { taskState: 'image_snapshot', snapshotImageId: imageId },
        requestId,
      );
    } catch (err) {
      await snapshots.discard(imageId);
      throw err;
    }
    return imageId;
  }

  return { rebuild, resize, confirmResize, revertResize, createImage };
}

export type ServerLifecycle = ReturnType<typeof createServerLifecycle>;
