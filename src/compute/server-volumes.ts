// os-volume_attachments: the volumes attached to a server, Nova's rules for attaching and detaching
// them (server state, lock, device names), and what the worker does with them when a server is rebuilt
// or deleted. The attachment itself is the block-storage service's (through the VolumeAttacher); this
// service keeps Nova's side of it: device, tag and delete_on_termination.
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { newUuid } from '../common/ids.js';
import type { Clock } from '../common/clock.js';
import type { AttachedDisk, VolumeAttacher } from './collaborators.js';
import { isAdmin, requireWriter } from './compute-policy.js';
import type { Server, VmState } from './model.js';
import type { ServerService } from './server-service.js';
import {
  MAX_VOLUMES_PER_SERVER,
  type ServerVolume,
  type VolumeAttachmentStore,
} from './volume-attachment-store.js';
import { computeErrors } from './compute-errors.js';

export type { ServerVolume } from './volume-attachment-store.js';

/** Nova's attach_volume/detach_volume check_instance_state, for the vm_states Nuage has. */
const VOLUME_STATES: readonly VmState[] = ['active', 'paused', 'stopped', 'resized'];

/** Nova's device path pattern (nova/api/openstack/compute/schemas/volumes.py). */
const DEVICE = /^(\/dev\/x?[a-z]?d?)([a-z]+)[0-9]*$/;

export interface ServerVolumesDeps {
  servers: ServerService;
  store: VolumeAttachmentStore;
  /** Absent: attach answers 501 (index.ts then mounts no routes for it). */
  volumes: VolumeAttacher | undefined;
  clock: Clock;
}

/** A volume-backed server's root volume, as os-volume_attachments and volumes_attached show it. */
function rootOf(server: Server): ServerVolume | undefined {
  const root = server.rootVolume;
  if (!root) return undefined;
  return {
    id: root.volumeId,
    serverId: server.id,
    volumeId: root.volumeId,
    attachmentId: null,
    device: root.deviceName,
    tag: null,
    deleteOnTermination: root.deleteOnTermination,
    createdAt: server.createdAt,
  };
}

/** The next free virtio device: the root disk is /dev/vda, volumes take /dev/vdb onwards. */
function nextDevice(taken: ReadonlySet<string>): string | undefined {
  for (let code = 'b'.charCodeAt(0); code <= 'z'.charCodeAt(0); code++) {
    const device = `/dev/vd${String.fromCharCode(code)}`;
    if (!taken.has(device)) return device;
  }
  return undefined;
}

export function createServerVolumes(deps: ServerVolumesDeps) {
  const { store } = deps;

  function attacher(): VolumeAttacher {
    if (!deps.volumes) throw errors.notImplemented('Volume attachments need the block-storage service.');
    return deps.volumes;
  }

  /** The server, if the caller may change it now (Nova: lock, then vm_state and task_state). */
  async function changeable(auth: AuthContext, serverId: string, action: string): Promise<Server> {
    requireWriter(auth);
    const server = await deps.servers.visible(auth, serverId);
    if (server.locked && !isAdmin(auth)) throw errors.conflict(`Instance ${server.id} is locked`);
    if (server.taskState !== null || !VOLUME_STATES.includes(server.vmState)) {
      throw errors.conflict(
        `Cannot '${action}' instance ${server.id} while it is in vm_state ${server.vmState}` +
          (server.taskState ? ` and task_state ${server.taskState}` : ''),
      );
    }
    return server;
  }

  /** The server's volumes: its root volume (boot from volume) first, then the attached ones. */
  async function volumesOf(server: Server): Promise<ServerVolume[]> {
    const root = rootOf(server);
    const attached = (await store.ofServers([server.id])).get(server.id) ?? [];
    return root ? [root, ...attached] : attached;
  }

  function notAttached(serverId: string, volumeId: string) {
    return computeErrors.notFound(`Instance ${serverId} is not attached to volume ${volumeId}`);
  }

  /** The device the volume gets: the requested one when it is free (Nova honours it), else the next. */
  function chooseDevice(existing: readonly ServerVolume[], requested: string | undefined): string {
    const taken = new Set(existing.map((v) => v.device));
    if (requested !== undefined) {
      if (!DEVICE.test(requested))
        throw errors.badRequest(`The supplied device path (${requested}) is invalid.`);
      if (taken.has(requested)) throw errors.conflict(`The supplied device path (${requested}) is in use.`);
      if (/^\/dev\/vd[b-z]$/.test(requested)) return requested;
    }
    const device = nextDevice(taken);
    if (device === undefined || existing.length >= MAX_VOLUMES_PER_SERVER) {
      throw errors.forbidden(
        `The maximum allowed number of disk devices (${MAX_VOLUMES_PER_SERVER + 1}) to attach to a single instance has been exceeded.`,
      );
    }
    return device;
  }

  return {
    async list(auth: AuthContext, serverId: string): Promise<ServerVolume[]> {
      return volumesOf(await deps.servers.visible(auth, serverId));
    },

    async show(auth: AuthContext, serverId: string, volumeId: string): Promise<ServerVolume> {
      const server = await deps.servers.visible(auth, serverId);
      const found = (await volumesOf(server)).find((v) => v.volumeId === volumeId);
      if (!found) throw notAttached(server.id, volumeId);
      return found;
    },

    /** POST os-volume_attachments: records the device, then has the block-storage service attach. */
    async attach(
      auth: AuthContext,
      serverId: string,
      input: { volumeId: string; device?: string; tag?: string; deleteOnTermination: boolean },
    ): Promise<ServerVolume> {
      const volumes = attacher();
      const server = await changeable(auth, serverId, 'attach_volume');
      const existing = await volumesOf(server);
      if (existing.some((v) => v.volumeId === input.volumeId)) {
        throw errors.badRequest(`Invalid volume: volume ${input.volumeId} already attached`);
      }
      const record: ServerVolume = {
        id: newUuid(),
        serverId: server.id,
        volumeId: input.volumeId,
        attachmentId: null,
        device: chooseDevice(existing, input.device),
        tag: input.tag ?? null,
        deleteOnTermination: input.deleteOnTermination,
        createdAt: deps.clock.now().toISOString(),
      };
      // The row reserves the device name (unique per server) before the volume is touched.
      await store.insert(record);
      try {
        const attachmentId = await volumes.attach(auth, {
          serverId: server.id,
          volumeId: input.volumeId,
          device: record.device,
        });
        await store.setAttachment(record.id, attachmentId);
        return { ...record, attachmentId };
      } catch (err) {
        await store.remove(record.id);
        throw err;
      }
    },

    /** DELETE os-volume_attachments/{volumeId}: the block-storage service unplugs the disk. */
    async detach(auth: AuthContext, serverId: string, volumeId: string): Promise<void> {
      const volumes = attacher();
      const server = await changeable(auth, serverId, 'detach_volume');
      if (server.rootVolume?.volumeId === volumeId)
        throw errors.badRequest('Cannot detach a root device volume');
      const found = await store.find(server.id, volumeId);
      if (!found) throw notAttached(server.id, volumeId);
      if (found.attachmentId !== null) await volumes.detach(auth, found.attachmentId);
      await store.remove(found.id);
    },

    /** volumes_attached of each server (root volume first), by server id, for the server views. */
    async volumesOf(servers: readonly Server[]): Promise<Map<string, ServerVolume[]>> {
      const attached = await store.ofServers(servers.map((s) => s.id));
      for (const server of servers) {
        const root = rootOf(server);
        if (root) attached.set(server.id, [root, ...(attached.get(server.id) ?? [])]);
      }
      return attached;
    },

    /** The worker, after a rebuild made the guest anew: the disks to plug back in. */
    async disksOf(serverId: string): Promise<AttachedDisk[]> {
      return deps.volumes ? deps.volumes.disksOf(serverId) : [];
    },

    /** The worker, deleting a server (guest gone): volumes back to available, or deleted. Idempotent. */
    async releaseServer(serverId: string): Promise<void> {
      // The root volume is not among these rows: the boot saga's undo releases it.
      const recorded = (await store.ofServers([serverId])).get(serverId) ?? [];
      if (deps.volumes) {
        const doomed = recorded.filter((v) => v.deleteOnTermination).map((v) => v.volumeId);
        await deps.volumes.releaseServer(serverId, doomed);
      }
      for (const v of recorded) await store.remove(v.id);
    },
  };
}

export type ServerVolumes = ReturnType<typeof createServerVolumes>;
