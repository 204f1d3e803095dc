// Root volumes for compute's boot from volume (compute/collaborators.ts BootVolumes), over the volume
// stores: request-time checks with the caller's rights, then — as the service, since compute's worker
// runs outside any request — the volume made from an image or a snapshot, the wait until it is
// available, the attachment that shows it in-use on the server, and its release or deletion.
import { setTimeout as sleep } from 'node:timers/promises';
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import type { BootVolumes, RootVolumeFacts, RootVolumeRequest } from '../compute/collaborators.js';
import type { RootVolume } from '../compute/model.js';
import { newUuid } from '../common/ids.js';
import type { VolumeBackend } from './backend/backend.js';
import { DEFAULT_TYPE_NAME, GIB, type Attachment, type Volume } from './model.js';
import { checkQuota } from './quota-service.js';
import type { ServiceDeps } from './service-deps.js';
import { canSeeProject, requireProject } from './volume-policy.js';
import type { VolumeService } from './volume-service.js';
import type { VolumePatch } from './volume-store.js';

export interface BootVolumeDeps extends ServiceDeps {
  volumes: VolumeService;
  backend: Pick<VolumeBackend, 'attachTarget'>;
  /** How long prepareRoot waits for a new volume to become available (default 30 min). */
  createTimeoutMs?: number;
  /** Poll interval while waiting (default 250 ms). */
  pollMs?: number;
}

const bdmInvalid = (details: string) => errors.badRequest(`Block Device Mapping is Invalid: ${details}`);
const LIVE: readonly Attachment['status'][] = ['reserved', 'attaching', 'attached', 'detaching'];

export function createBootVolumes(deps: BootVolumeDeps): BootVolumes {
  const { stores, clock } = deps;
  const now = () => clock.now().toISOString();

  async function checkExisting(auth: AuthContext, id: string): Promise<RootVolumeFacts> {
    const v = await deps.volumes.visible(auth, id).catch(() => {
      throw bdmInvalid(`failed to get volume ${id}.`);
    });
    if (v.status !== 'available')
      throw errors.badRequest(
        `Invalid volume: volume '${id}' status must be 'available'. Currently in '${v.status}'`,
      );
    if (!v.bootable) throw errors.badRequest(`Block Device ${id} is not bootable.`);
    return { sizeGib: v.sizeGib, minRamMiB: Number(v.imageMetadata?.min_ram ?? 0) || 0 };
  }

  async function checkNew(auth: AuthContext, r: RootVolumeRequest): Promise<RootVolumeFacts> {
    let minGib: number;
    let sizeGib = r.sizeGib;
    let minRamMiB = 0;
    if (r.sourceType === 'image') {
      const image = await deps.images.describe(auth, r.sourceId).catch(() => {
        throw bdmInvalid(`failed to get image ${r.sourceId}.`);
      });
      if (image.status !== 'active') throw errors.badRequest(`Image ${image.id} is not active.`);
      minGib = Math.max(image.minDiskGib, Math.ceil((image.sizeBytes ?? 0) / GIB));
    } else {
      const s = await stores.snapshots.get(r.sourceId);
      if (!s || !canSeeProject(auth, s.projectId)) throw bdmInvalid(`failed to get snapshot ${r.sourceId}.`);
      if (s.status !== 'available')
        throw errors.badRequest(`Invalid snapshot: snapshot ${s.id} status must be available.`);
      minGib = s.sizeGib;
      sizeGib ??= s.sizeGib;
      minRamMiB = Number((await stores.volumes.get(s.volumeId))?.imageMetadata?.min_ram ?? 0) || 0;
    }
    if (sizeGib === undefined || sizeGib < minGib) {
      throw errors.badRequest(
        'Volume is smaller than the minimum size specified in image metadata. ' +
          `Volume size is ${(sizeGib ?? 0) * GIB} bytes, minimum size is ${minGib * GIB} bytes.`,
      );
    }
    await typeOf(r.volumeType ?? undefined);
    const size = sizeGib;
    await deps.transaction((tx) =>
      checkQuota(tx, deps.quota, requireProject(auth), { volumes: r.count, gigabytes: size * r.count }),
    );
    return { sizeGib, minRamMiB };
  }

  async function typeOf(ref: string | undefined) {
    const name = ref ?? DEFAULT_TYPE_NAME;
    const t = (await stores.types.get(name)) ?? (await stores.types.getByName(name));
    if (!t) throw errors.badRequest(`Volume type ${name} could not be found.`);
    return t;
  }

  /** Inserts the volume made for a server (idempotent: the id was chosen at request time). */
  async function createFor(
    server: { id: string; projectId: string; userId: string; name: string },
    root: RootVolume,
  ) {
    if (await stores.volumes.get(root.volumeId)) return;
    const snapshot = root.sourceType === 'snapshot' ? await stores.snapshots.get(root.sourceId) : undefined;
    const size = root.sizeGib ?? snapshot?.sizeGib;
    if (size === undefined) throw new Error(`root volume ${root.volumeId} has no size`);
    const type = await typeOf(root.volumeType ?? undefined);
    const t = now();
    const volume: Volume = {
      id: root.volumeId,
      projectId: server.projectId,
      userId: server.userId,
      name: '',
      description: null,
      sizeGib: size,
      status: 'creating',
      task: 'create',
      taskArgs: {},
      typeId: type.id,
      availabilityZone: deps.availabilityZone,
      bootable: true,
      multiattach: false,
      sourceVolumeId: null,
      snapshotId: root.sourceType === 'snapshot' ? root.sourceId : null,
      imageId: root.sourceType === 'image' ? root.sourceId : null,
      backupId: null,
      imageMetadata: root.sourceType === 'image' ? { image_id: root.sourceId } : null,
      host: `${deps.hostName}@${deps.backendName}#${deps.backendName}`,
      providerLocation: null,
      errorReason: null,
      metadata: {},
      adminMetadata: {},
      deleted: false,
      version: 1,
      createdAt: t,
      updatedAt: t,
    };
    await deps.transaction(async (tx) => {
      await checkQuota(tx, deps.quota, server.projectId, { volumes: 1, gigabytes: size });
      await tx.volumes.insert(volume);
    });
    deps.kick('volume', volume.id);
  }

  /** Waits (bounded) until the volume is no longer being created. */
  async function settled(id: string): Promise<Volume> {
    const pollMs = deps.pollMs ?? 250;
    const rounds = Math.ceil((deps.createTimeoutMs ?? 30 * 60_000) / pollMs);
    for (let round = 0; round < rounds; round++) {
      const v = await stores.volumes.get(id);
      if (!v || v.deleted) throw new Error(`root volume ${id} is gone`);
      if (v.status === 'error')
        throw new Error(`root volume ${id} could not be created: ${v.errorReason ?? ''}`);
      if (v.status !== 'creating' && v.status !== 'downloading') return v;
      await sleep(pollMs);
    }
    throw new Error(`root volume ${id} is still being created; gave up waiting`);
  }

  /** Moves the volume to `status` over concurrent writers of other columns (bounded retries). */
  async function setStatus(id: string, status: Volume['status'], extra: VolumePatch = {}) {
    for (let attempt = 0; attempt < 10; attempt++) {
      const v = await stores.volumes.get(id);
      if (!v) return undefined;
      const next = await stores.volumes.update(id, v.version, { status, ...extra }, now());
      if (next) return next;
    }
    throw errors.conflict(`Volume ${id} keeps changing; retry.`);
  }

  return {
    async check(auth, request) {
      return request.sourceType === 'volume'
        ? checkExisting(auth, request.sourceId)
        : checkNew(auth, request);
    },

    async prepareRoot(server, root) {
      if (root.sourceType !== 'volume') await createFor(server, root);
      const v = await settled(root.volumeId);
      const live = (await stores.volumes.attachmentsOf([v.id])).filter((a) => LIVE.includes(a.status));
      const mine = live.find((a) => a.instanceId === server.id);
      if (!mine) {
        if (v.status !== 'available' || live.length > 0)
          throw new Error(`root volume ${v.id} is ${v.status}, not available`);
        const t = now();
        await stores.volumes.insertAttachment({
          id: newUuid(),
          volumeId: v.id,
          projectId: v.projectId,
          instanceId: server.id,
          status: 'attached',
          task: null,
          attachMode: 'rw',
          connector: { host: deps.hostName },
          mountpoint: root.deviceName,
          attachedAt: t,
          detachedAt: null,
          version: 1,
          createdAt: t,
          updatedAt: t,
        });
      }
      const inUse = (await setStatus(v.id, 'in-use')) ?? v;
      if (!inUse.providerLocation) throw new Error(`root volume ${v.id} has no data`);
      return { volumeId: v.id, ...deps.backend.attachTarget(inUse.providerLocation) };
    },

    async release(serverId, volumeId, deleteVolume) {
      const v = await stores.volumes.get(volumeId);
      if (!v || v.deleted) return;
      const live = (await stores.volumes.attachmentsOf([volumeId])).filter((a) => LIVE.includes(a.status));
      const t = now();
      for (const a of live.filter((x) => x.instanceId === serverId)) {
        await stores.volumes.updateAttachment(
          a.id,
          a.version,
          { status: 'detached', task: null, detachedAt: t, deleted: true },
          t,
        );
      }
      const others = live.filter((a) => a.instanceId !== serverId);
      if (others.length > 0) return;
      if (v.task === 'delete') return;
      if (!deleteVolume) {
        if (
          v.status === 'in-use' ||
          v.status === 'attaching' ||
          v.status === 'detaching' ||
          v.status === 'reserved'
        )
          await setStatus(volumeId, 'available');
        return;
      }
      if (v.status === 'creating') throw new Error(`root volume ${volumeId} is still being created`);
      await setStatus(volumeId, 'deleting', { task: 'delete', taskArgs: {} });
      deps.kick('volume', volumeId);
    },
  };
}

/**
 * BootVolumes resolved on first use: app.ts builds compute before the volume module (whose host needs
 * compute's driver), so compute receives `lateBootVolumes(() => volume.bootVolumes)`.
 */
export function lateBootVolumes(get: () => BootVolumes): BootVolumes {
  return {
    check: (auth, request) => get().check(auth, request),
    prepareRoot: (server, root) => get().prepareRoot(server, root),
    release: (serverId, volumeId, deleteVolume) => get().release(serverId, volumeId, deleteVolume),
  };
}
