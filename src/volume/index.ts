// Composition of the block-storage service (Cinder v3): stores over the database, the volume, action,
// snapshot, backup, attachment, type and quota services, the worker that drives pending rows over the
// backend, the object store and the host, and the Fastify plugin served under /volume (app.ts mounts it;
// main.ts re-attaches recorded attachments and starts the worker).
import type { VolumeUsageHook } from '../metering/hooks/volume.js';
import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock.js';
import { newLeaseHolder } from '../common/tasks/holder.js';
import { createLeaseStore, type LeaseTables } from '../common/tasks/lease-store.js';
import type { TokenValidator } from '../common/http/context.js';
import { volumePlugin } from './api/plugin.js';
import { createAttachmentService } from './attachment-service.js';
import type { VolumeBackend } from './backend/backend.js';
import { createBackupEngine } from './backup-engine.js';
import { createBackupService } from './backup-service.js';
import { createBackupStore } from './backup-store.js';
import { createBootVolumes } from './compute-adapter.js';
import type { BackupObjects, ImageUploader, VolumeHost, VolumeImages } from './collaborators.js';
import { DEFAULT_VOLUME_QUOTA, type VolumeQuota } from './model.js';
import { createQuotaService } from './quota-service.js';
import type { ServiceDeps, VolumeStores } from './service-deps.js';
import { createSnapshotService } from './snapshot-service.js';
import { createSnapshotStore } from './snapshot-store.js';
import { createTypeService } from './type-service.js';
import { createTypeStore } from './type-store.js';
import { createVolumeActions } from './volume-actions.js';
import { createVolumeService } from './volume-service.js';
import { createVolumeStore } from './volume-store.js';
import type { VolumeTables } from './volume-tables.js';
import { createVolumeWorker, type VolumeWorkerDeps, type WorkerLog } from './volume-worker.js';

export interface VolumeModuleDeps {
  /** Audit records of the worker's task steps (app.ts passes the audit recorder). */
  audit?: VolumeWorkerDeps['audit'];
  /** The app's database; its Database type must include VolumeTables (see NEXT.md). */
  db: Kysely<VolumeTables>;
  clock: Clock;
  validator: TokenValidator;
  backend: VolumeBackend;
  images: VolumeImages;
  uploader: ImageUploader;
  objects: BackupObjects;
  host: VolumeHost;
  log: WorkerLog;
  publicUrl: string;
  hostName: string;
  availabilityZone?: string;
  quota?: Partial<VolumeQuota>;
  /** Backup chunk size (default 32 MiB). */
  backupChunkBytes?: number;
  /** Metering: called in the transaction of every volume, snapshot and backup row update. */
  usage?: VolumeUsageHook;
}

function storesOf(db: Kysely<VolumeTables>, usage?: VolumeUsageHook): VolumeStores {
  return {
    volumes: createVolumeStore(db, usage),
    snapshots: createSnapshotStore(db, usage),
    backups: createBackupStore(db, usage),
    types: createTypeStore(db),
  };
}

export function createVolumeModule(deps: VolumeModuleDeps) {
  const { db, clock, backend } = deps;
  const quota: VolumeQuota = { ...DEFAULT_VOLUME_QUOTA, ...deps.quota };
  const stores = storesOf(db, deps.usage);
  const engine = createBackupEngine(deps.objects, deps.backupChunkBytes);
  const worker = createVolumeWorker({
    // Database extends LeaseTables (the work_leases migration); Kysely's type is invariant, hence the cast.
    leases: createLeaseStore(db as unknown as Kysely<LeaseTables>, clock),
    holder: newLeaseHolder('volume'),
    stores,
    clock,
    log: deps.log,
    backend,
    engine,
    images: deps.images,
    uploader: deps.uploader,
    host: deps.host,
    hostName: deps.hostName,
    ...(deps.audit && { audit: deps.audit }),
  });
  const serviceDeps: ServiceDeps = {
    stores,
    transaction: (fn) => db.transaction().execute((trx) => fn(storesOf(trx, deps.usage))),
    clock,
    quota,
    images: deps.images,
    uploader: deps.uploader,
    host: deps.host,
    availabilityZone: deps.availabilityZone ?? 'nova',
    hostName: deps.hostName,
    backendName: backend.name,
    kick: (kind, id) => worker.kick(kind, id),
  };
  const volumes = createVolumeService(serviceDeps);
  const actions = createVolumeActions({ ...serviceDeps, volumes });
  const snapshots = createSnapshotService({ ...serviceDeps, volumes });
  const backups = createBackupService({ ...serviceDeps, volumes });
  const attachments = createAttachmentService({
    ...serviceDeps,
    volumes,
    connectionInfo: (volume, attachment) => {
      if (!volume.providerLocation) return null;
      const target = backend.attachTarget(volume.providerLocation);
      // Cinder's RBD connection data names the image; monitors and credentials are the host's own.
      const where =
        target.kind === 'rbd'
          ? { name: `${target.pool}/${target.image}`, discard: true }
          : { path: target.path, format: target.format };
      return {
        driver_volume_type: backend.name,
        data: { ...where, volume_id: volume.id, access_mode: attachment.attachMode },
      };
    },
  });
  const types = createTypeService(serviceDeps);
  const quotas = createQuotaService({ stores, defaults: quota });

  return {
    services: { volumes, actions, snapshots, backups, attachments, types, quotas },
    /** Root volumes for compute's boot from volume (compute/collaborators.ts BootVolumes). */
    bootVolumes: createBootVolumes({ ...serviceDeps, volumes, backend }),
    stores,
    worker,
    plugin: volumePlugin({
      volumes,
      actions,
      snapshots,
      backups,
      attachments,
      types,
      quotas,
      availabilityZone: serviceDeps.availabilityZone,
      publicUrl: deps.publicUrl,
      validator: deps.validator,
    }),
  };
}

export type VolumeModule = ReturnType<typeof createVolumeModule>;
