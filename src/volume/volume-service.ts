// Volumes: create (empty, from an image, a snapshot, another volume or a backup), list and show with
// Cinder's filters and paging, update, delete (refused while attached or with snapshots, unless
// cascade) and metadata. Everything that takes longer than a request is a `task` on the row that the
// worker drives; the API writes it and answers 202.
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { newUuid } from '../common/ids.js';
import { DEFAULT_TYPE_NAME, GIB, type Attachment, type Volume, type VolumeType } from './model.js';
import { checkQuota } from './quota-service.js';
import type { ServiceDeps } from './service-deps.js';
import { volumeErrors } from './volume-errors.js';
import { callerProject, canSeeProject, isAdmin, requireProject, requireWriter } from './volume-policy.js';
import type { FilterClause, SortKey } from './list-query.js';
import type { VolumeListQuery } from './volume-store.js';

export interface CreateVolumeInput {
  sizeGib: number | undefined;
  name: string | null;
  description: string | null;
  volumeType: string | undefined;
  availabilityZone: string | undefined;
  snapshotId: string | undefined;
  sourceVolumeId: string | undefined;
  imageId: string | undefined;
  backupId: string | undefined;
  metadata: Record<string, string>;
}

export interface ListVolumesInput {
  allTenants: boolean;
  /** Column filters by Cinder's wire names; `project_id` narrows an all-tenants list. */
  filters: readonly FilterClause[];
  metadata?: Record<string, string> | undefined;
  /** An admin's filter on something no volume has: the list is empty, as in Cinder. */
  matchesNothing?: boolean;
  marker?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
  sort: readonly SortKey[];
}

/** A volume with what its views need. */
export interface VolumeView {
  volume: Volume;
  type: VolumeType | undefined;
  attachments: Attachment[];
}

/** Checks the source of a new volume and returns the size it implies and what the row records. */
async function checkSource(
  deps: ServiceDeps,
  visible: (auth: AuthContext, id: string) => Promise<Volume>,
  auth: AuthContext,
  input: CreateVolumeInput,
) {
  const { stores } = deps;
  const sources = [input.snapshotId, input.sourceVolumeId, input.imageId, input.backupId].filter(
    (s) => s !== undefined,
  );
  if (sources.length > 1) {
    throw volumeErrors.invalidInput(
      'Only one of snapshot_id, source_volid, imageRef or backup_id may be given.',
    );
  }
  if (input.snapshotId !== undefined) {
    const s = await stores.snapshots.get(input.snapshotId);
    if (!s || !canSeeProject(auth, s.projectId)) throw volumeErrors.snapshotNotFound(input.snapshotId);
    if (s.status !== 'available')
      throw volumeErrors.invalidSnapshot("Originating snapshot status must be one of 'available' values");
    return {
      minGib: s.sizeGib,
      defaultGib: s.sizeGib,
      bootable: (await stores.volumes.get(s.volumeId))?.bootable ?? false,
    };
  }
  if (input.sourceVolumeId !== undefined) {
    const src = await visible(auth, input.sourceVolumeId);
    if (src.status !== 'available' && src.status !== 'in-use')
      throw volumeErrors.invalidVolume(
        `Source volume status must be available or in-use, but is ${src.status}.`,
      );
    return { minGib: src.sizeGib, defaultGib: src.sizeGib, bootable: src.bootable };
  }
  if (input.backupId !== undefined) {
    const b = await stores.backups.get(input.backupId);
    if (!b || !canSeeProject(auth, b.projectId)) throw volumeErrors.backupNotFound(input.backupId);
    if (b.status !== 'available')
      throw volumeErrors.invalidBackup(`Backup status must be available but is ${b.status}.`);
    return { minGib: b.sizeGib, defaultGib: b.sizeGib, bootable: false };
  }
  if (input.imageId !== undefined) {
    const image = await deps.images.describe(auth, input.imageId);
    if (image.status !== 'active') throw volumeErrors.invalidInput(`Image ${image.id} is not active.`);
    const dataGib = Math.ceil((image.sizeBytes ?? 0) / GIB);
    const minGib = Math.max(image.minDiskGib, dataGib, 1);
    return { minGib, defaultGib: undefined, bootable: true, image };
  }
  return { minGib: 1, defaultGib: undefined, bootable: false };
}

export function createVolumeService(deps: ServiceDeps) {
  const { stores, clock } = deps;
  const now = () => clock.now().toISOString();

  /** The volume if the caller may see it; 404 otherwise (another project's volume does not exist). */
  async function visible(auth: AuthContext, id: string) {
    const v = await stores.volumes.get(id);
    if (!v || !canSeeProject(auth, v.projectId)) throw volumeErrors.volumeNotFound(id);
    return v;
  }

  async function resolveType(auth: AuthContext, ref: string | undefined): Promise<VolumeType> {
    const name = ref ?? DEFAULT_TYPE_NAME;
    const t = (await stores.types.get(name)) ?? (await stores.types.getByName(name));
    const project = callerProject(auth);
    const allowed =
      t !== undefined &&
      (t.isPublic ||
        isAdmin(auth) ||
        (project !== undefined && (await stores.types.hasAccess(t.id, project))));
    if (!allowed) throw volumeErrors.typeNameNotFound(name);
    return t;
  }

  const { view, list, count } = readOps(stores);
  const { update, remove } = changeOps(deps, visible, view);

  async function create(auth: AuthContext, input: CreateVolumeInput): Promise<Volume> {
    requireWriter(auth);
    const projectId = requireProject(auth);
    const type = await resolveType(auth, input.volumeType);
    const az = input.availabilityZone ?? deps.availabilityZone;
    if (az !== deps.availabilityZone)
      throw volumeErrors.invalidInput(`Availability zone '${az}' is invalid.`);
    const source = await checkSource(deps, visible, auth, input);
    const sizeGib = input.sizeGib ?? source.defaultGib;
    if (sizeGib === undefined) throw volumeErrors.invalidInput('Size must be specified.');
    if (sizeGib < source.minGib) {
      throw volumeErrors.invalidInput(
        `Volume size ${sizeGib}GB cannot be smaller than the source's size of ${source.minGib}GB.`,
      );
    }
    const t = now();
    const image = 'image' in source ? source.image : undefined;
    const volume: Volume = {
      id: newUuid(),
      projectId,
      userId: auth.userId,
      name: input.name,
      description: input.description,
      sizeGib,
      status: 'creating',
      task: 'create',
      taskArgs: {},
      typeId: type.id,
      availabilityZone: az,
      bootable: source.bootable,
      // Cinder makes multiattach volumes only from a type with the multiattach extra spec.
      multiattach: type.extraSpecs.multiattach === '<is> True',
      sourceVolumeId: input.sourceVolumeId ?? null,
      snapshotId: input.snapshotId ?? null,
      imageId: input.imageId ?? null,
      backupId: input.backupId ?? null,
      imageMetadata: image
        ? {
            image_id: image.id,
            image_name: image.name ?? '',
            ...(image.diskFormat !== null && { disk_format: image.diskFormat }),
            ...(image.containerFormat !== null && { container_format: image.containerFormat }),
            min_disk: String(image.minDiskGib),
            size: String(image.sizeBytes ?? 0),
          }
        : null,
      host: `${deps.hostName}@${deps.backendName}#${deps.backendName}`,
      providerLocation: null,
      errorReason: null,
      metadata: input.metadata,
      adminMetadata: {},
      deleted: false,
      version: 1,
      createdAt: t,
      updatedAt: t,
    };
    await deps.transaction(async (tx) => {
      await checkQuota(tx, deps.quota, projectId, { volumes: 1, gigabytes: sizeGib });
      await tx.volumes.insert(volume);
    });
    deps.kick('volume', volume.id);
    return volume;
  }

  return {
    visible,
    create,
    list,
    count,
    async show(auth: AuthContext, id: string): Promise<VolumeView> {
      return view(await visible(auth, id));
    },
    view,
    update,
    delete: remove,
    ...metadataOps(stores, visible),
  };
}

/** Metadata: replace all (PUT) or merge (POST), or delete one key. */
function metadataOps(
  stores: ServiceDeps['stores'],
  visible: (auth: AuthContext, id: string) => Promise<Volume>,
) {
  return {
    /** Metadata: replace all (PUT) or merge (POST); returns the resulting metadata. */
    async setMetadata(auth: AuthContext, id: string, metadata: Record<string, string>, replace: boolean) {
      requireWriter(auth);
      const v = await visible(auth, id);
      const next = replace ? metadata : { ...v.metadata, ...metadata };
      await stores.volumes.replaceMetadata(id, next);
      return next;
    },
    async deleteMetadataKey(auth: AuthContext, id: string, key: string): Promise<void> {
      requireWriter(auth);
      const v = await visible(auth, id);
      if (!(key in v.metadata)) throw volumeErrors.notFound(`Volume ${id} has no metadata with key ${key}.`);
      const rest = Object.fromEntries(Object.entries(v.metadata).filter(([k]) => k !== key));
      await stores.volumes.replaceMetadata(id, rest);
    },
  };
}

/** Show, list and count (the rows with their type and attachments). */
function readOps(stores: ServiceDeps['stores']) {
  async function view(volume: Volume): Promise<VolumeView> {
    return {
      volume,
      type: await stores.types.get(volume.typeId),
      attachments: await stores.volumes.attachmentsOf([volume.id]),
    };
  }

  /** The store query for a list: the caller's project unless an admin lists all tenants. */
  async function listQuery(auth: AuthContext, input: ListVolumesInput): Promise<VolumeListQuery> {
    const admin = isAdmin(auth);
    const projectId = admin && input.allTenants ? undefined : requireProject(auth);
    if (input.marker !== undefined) {
      // Cinder looks the marker up like any volume: one the caller cannot see does not exist.
      const marker = await stores.volumes.get(input.marker);
      if (!marker || !canSeeProject(auth, marker.projectId)) throw volumeErrors.volumeNotFound(input.marker);
    }
    return {
      projectId,
      filters: input.filters,
      metadata: input.metadata,
      markerId: input.marker,
      limit: input.limit ?? 1000,
      offset: input.offset,
      sort: input.sort,
    };
  }

  async function list(auth: AuthContext, input: ListVolumesInput): Promise<VolumeView[]> {
    const query = await listQuery(auth, input);
    if (input.matchesNothing) return [];
    const volumes = await stores.volumes.list(query);
    const attachments = await stores.volumes.attachmentsOf(volumes.map((v) => v.id));
    const types = new Map<string, VolumeType | undefined>();
    for (const v of volumes) if (!types.has(v.typeId)) types.set(v.typeId, await stores.types.get(v.typeId));
    return volumes.map((volume) => ({
      volume,
      type: types.get(volume.typeId),
      attachments: attachments.filter((a) => a.volumeId === volume.id),
    }));
  }

  /** How many volumes the list's filters match (Cinder's with_count, 3.45). */
  async function count(auth: AuthContext, input: ListVolumesInput): Promise<number> {
    const query = await listQuery(auth, { ...input, marker: undefined });
    return input.matchesNothing ? 0 : stores.volumes.count(query);
  }

  return { view, list, count };
}

/** Update of name, description and metadata, and delete. */
function changeOps(
  deps: ServiceDeps,
  visible: (auth: AuthContext, id: string) => Promise<Volume>,
  view: (volume: Volume) => Promise<VolumeView>,
) {
  const { stores, clock } = deps;
  const now = () => clock.now().toISOString();

  async function update(
    auth: AuthContext,
    id: string,
    patch: { name?: string | null; description?: string | null; metadata?: Record<string, string> },
  ): Promise<VolumeView> {
    requireWriter(auth);
    for (let attempt = 0; attempt < 5; attempt++) {
      const v = await visible(auth, id);
      const next = await stores.volumes.update(
        id,
        v.version,
        {
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.description !== undefined && { description: patch.description }),
        },
        now(),
      );
      if (!next) continue;
      if (patch.metadata !== undefined) await stores.volumes.replaceMetadata(id, patch.metadata);
      return view((await stores.volumes.get(id)) ?? next);
    }
    throw errors.conflict('The volume changed during the update; retry.');
  }

  async function remove(auth: AuthContext, id: string, opts: { cascade: boolean; force: boolean }) {
    requireWriter(auth);
    if (opts.force && !isAdmin(auth)) throw errors.forbidden();
    const v = await visible(auth, id);
    const deletable = ['available', 'error', 'error_restoring', 'error_extending', 'error_deleting'];
    if (!opts.force && !deletable.includes(v.status)) {
      throw volumeErrors.invalidVolume(
        `Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots or be disassociated from snapshots after volume transfer.`,
      );
    }
    if ((await stores.volumes.attachmentsOf([id])).length > 0)
      throw volumeErrors.invalidVolume('Volume is attached and cannot be deleted.');
    const snapshots = await stores.snapshots.list({ projectId: undefined, volumeId: id, limit: 1000 });
    if (snapshots.length > 0 && !opts.cascade)
      throw volumeErrors.invalidVolume('Volume has snapshots and cannot be deleted without cascade.');
    if (snapshots.some((s) => s.status !== 'available' && s.status !== 'error'))
      throw volumeErrors.invalidVolume('Volume has snapshots that are busy.');
    const next = await stores.volumes.update(
      id,
      v.version,
      { status: 'deleting', task: 'delete', taskArgs: { cascade: opts.cascade } },
      now(),
    );
    if (!next) throw errors.conflict('The volume changed during the delete; retry.');
    deps.kick('volume', id);
  }

  return { update, remove };
}

export type VolumeService = ReturnType<typeof createVolumeService>;
