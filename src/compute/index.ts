// Composition of the compute service (Nova v2.1): stores over the database, the flavor, key pair and
// server services, the worker that drives server rows over the ComputeDriver, and the Fastify plugin
// served under /compute (mounted by app.ts; main.ts runs reconcile and the worker).
import type { TokenCipher } from '../common/crypto/token-cipher.js';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock.js';
import { newLeaseHolder } from '../common/tasks/holder.js';
import { createLeaseStore, type LeaseTables } from '../common/tasks/lease-store.js';
import { createResourceLocks, type ResourceLocks } from '../common/tasks/resource-lock.js';
import type { AuthContext, TokenValidator } from '../common/http/context.js';
import { createPendingInjections } from './injection.js';
import { computePlugin } from './api/plugin.js';
import type { RemoteConsoles } from './api/remote-console-routes.js';
import {
  type BootVolumes,
  type ComputeQuota,
  type ConfigDriveWriter,
  DEFAULT_COMPUTE_QUOTA,
  type ImageSnapshots,
  type ImageSource,
  type PortProvider,
  type VolumeAttacher,
} from './collaborators.js';
import type { ComputeTables } from './compute-tables.js';
import { callerProject } from './compute-policy.js';
import type { ComputeDriver } from './driver/driver.js';
import { createFlavorService } from './flavor-service.js';
import { guestLock } from './guest-lock.js';
import { createFlavorStore } from './flavor-store.js';
import { createKeyPairService } from './keypair-service.js';
import { createKeyPairStore } from './keypair-store.js';
import { createServerActions } from './server-actions.js';
import { createServerLifecycle } from './server-lifecycle.js';
import { createAgentReports } from './agent-reports.js';
import { createHostAgents } from './local-agent-facilities.js';
import { createComputeAdmin } from './compute-admin.js';
import type { HostRegistrationOptions } from './host-registration.js';
import type { ImageProxy } from './image-proxy.js';
import { reconcileHost, watchDriverEvents } from './server-reconcile.js';
import { createServerMetadata } from './server-metadata.js';
import { createServerService } from './server-service.js';
import { createServerStore, type ServerUsageHook } from './server-store.js';
import { createServerWorker, type ServerWorkerDeps, type WorkerLog } from './server-worker.js';
import { createServerVolumes } from './server-volumes.js';
import { createVolumeAttachmentStore } from './volume-attachment-store.js';

export interface ComputeModuleDeps {
  /** The app's database; its Database type must include ComputeTables (see NEXT.md). */
  db: Kysely<ComputeTables>;
  clock: Clock;
  validator: TokenValidator;
  driver: ComputeDriver;
  images: ImageSource;
  ports: PortProvider;
  configDrives: ConfigDriveWriter;
  log: WorkerLog;
  publicUrl: string;
  hostName: string;
  defaultAvailabilityZone?: string;
  quota?: Partial<ComputeQuota>;
  /** How long a soft stop waits for the guest (Nova shutdown_timeout). */
  stopTimeoutMs?: number;
  /** Snapshot images in the image service (createImage answers 501 without them). */
  snapshots?: ImageSnapshots;
  /** Where snapshots wait on this host until they are uploaded: <dataDir>/compute/snapshots. */
  snapshotDir?: string;
  /** This process as a compute host, registered (with heartbeat) by start(); without it every boot is NoValidHost. */
  host?: Omit<HostRegistrationOptions, 'hostName'>;
  /** Seals and opens host agents' control secrets (app.ts: <dataDir>/keys/agents). */
  agentSecrets?: TokenCipher;
  serviceDownSeconds?: number;
  /** Root volumes from the block-storage service (boot from volume answers 400 without them). */
  bootVolumes?: BootVolumes;
  /** The block-storage service, for os-volume_attachments (absent: attach answers 501). */
  volumes?: VolumeAttacher;
  /** Interactive consoles (src/console/); absent: no os-remote-consoles. */
  consoles?: RemoteConsoles;
  /** Nova's [api] enable_instance_password (default true). */
  enableInstancePassword?: boolean;
  /** The image service for Nova's image proxy API (absent: no /images routes). */
  imageProxy?: ImageProxy;
  /** Resource locks (the per-guest lock); default: leases in this database held by this process. */
  locks?: ResourceLocks;
  /** Metering: called in the transaction of every server row update (src/metering/hooks/compute.ts). */
  serverUsage?: ServerUsageHook;
  /** Audit records of the worker's steps (app.ts passes the audit recorder). */
  audit?: ServerWorkerDeps['audit'];
  /** false: an API node only (`nuage up --no-local-agent`): no guest runs here, every host is remote. */
  localAgent?: boolean;
}

export function createComputeModule(deps: ComputeModuleDeps) {
  const { db, clock } = deps;
  const quota: ComputeQuota = { ...DEFAULT_COMPUTE_QUOTA, ...deps.quota };
  // Database extends LeaseTables (the work_leases migration); Kysely's type is invariant, hence the cast.
  const locks =
    deps.locks ??
    createResourceLocks({
      leases: createLeaseStore(db as unknown as Kysely<LeaseTables>, clock),
      holder: newLeaseHolder('compute'),
    });
  const stores = {
    flavors: createFlavorStore(db),
    keyPairs: createKeyPairStore(db),
    servers: createServerStore(db, deps.serverUsage),
  };
  const admin = createComputeAdmin({
    db,
    clock,
    hostName: deps.hostName,
    quota,
    log: deps.log,
    ...(deps.serviceDownSeconds !== undefined && { serviceDownSeconds: deps.serviceDownSeconds }),
  });
  const injections = createPendingInjections();
  const hasLocalAgent = deps.localAgent !== false;
  const agents = createHostAgents(deps, stores.servers, hasLocalAgent);
  const worker = createServerWorker({
    agents,
    injections,
    // serverVolumes (below) reads servers through the server service, which kicks this worker.
    ...(deps.volumes && {
      volumes: {
        disksOf: (serverId: string) => serverVolumes.disksOf(serverId),
        releaseServer: (serverId: string) => serverVolumes.releaseServer(serverId),
      },
    }),
    store: stores.servers,
    clock,
    log: deps.log,
    ...(deps.audit && { audit: deps.audit }),
    driver: deps.driver,
    images: deps.images,
    ports: deps.ports,
    configDrives: deps.configDrives,
    hostName: deps.hostName,
    ...(deps.stopTimeoutMs !== undefined && { stopTimeoutMs: deps.stopTimeoutMs }),
    snapshots: deps.snapshots,
    snapshotDir: deps.snapshotDir,
    claims: admin.claims,
    bootVolumes: deps.bootVolumes,
    guestLock: guestLock(locks),
  });
  const flavors = createFlavorService({
    store: stores.flavors,
    clock,
    transaction: (fn) => db.transaction().execute((trx) => fn(createFlavorStore(trx))),
  });
  const keyPairs = createKeyPairService({
    store: stores.keyPairs,
    clock,
    randomBytes,
    maxPerUser: quota.keyPairs,
  });
  const servers = createServerService({
    store: stores.servers,
    flavors,
    keyPairs: stores.keyPairs,
    images: deps.images,
    ports: deps.ports,
    bootVolumes: deps.bootVolumes,
    clock,
    quota,
    defaultAvailabilityZone: deps.defaultAvailabilityZone ?? 'nova',
    transaction: (fn) => db.transaction().execute((trx) => fn(createServerStore(trx, deps.serverUsage))),
    kick: (id) => worker.kick(id),
    quotaOf: (projectId) => admin.quotas.computeQuotaOf(projectId),
    scheduledZones: true,
    zoneAccepted: (zone) => admin.hosts.zoneAccepted(zone),
    hostExists: (name) => admin.hosts.hostExists(name),
    injections,
  });
  const serverVolumes = createServerVolumes({
    servers,
    store: createVolumeAttachmentStore(db),
    volumes: deps.volumes,
    clock,
  });
  const actions = createServerActions({
    servers,
    store: stores.servers,
    driver: deps.driver,
    clock,
    kick: (id) => worker.kick(id),
  });

  const lifecycle = createServerLifecycle({
    servers,
    store: stores.servers,
    flavors,
    keyPairs: stores.keyPairs,
    images: deps.images,
    snapshots: deps.snapshots,
    quotaFor: (projectId) => admin.quotas.computeQuotaOf(projectId),
    driver: deps.driver,
    clock,
    log: deps.log,
    kick: (id) => worker.kick(id),
    injections,
  });

  const metadata = createServerMetadata({
    servers,
    store: stores.servers,
    clock,
    maxItems: quota.metadataItems,
  });
  const availabilityZone = deps.defaultAvailabilityZone ?? 'nova';

  async function usage(auth: AuthContext) {
    const project = callerProject(auth);
    const used =
      project === undefined ? { servers: 0, vcpus: 0, ramMiB: 0 } : await stores.servers.countActive(project);
    return {
      instances: used.servers,
      cores: used.vcpus,
      ramMiB: used.ramMiB,
      keyPairs: await stores.keyPairs.count(auth.userId),
    };
  }

  const reconcileDeps = {
    store: stores.servers,
    driver: deps.driver,
    clock,
    log: deps.log,
    hostName: deps.hostName,
  };

  // Heartbeats and guest events of remote agents (src/host/internal-api), with this cloud's ratios.
  const agentReports = createAgentReports({
    registration: admin.registration,
    store: stores.servers,
    clock,
    defaultAvailabilityZone: availabilityZone,
    ...(deps.host?.cpuAllocationRatio !== undefined && { cpuAllocationRatio: deps.host.cpuAllocationRatio }),
    ...(deps.host?.ramAllocationRatio !== undefined && { ramAllocationRatio: deps.host.ramAllocationRatio }),
    ...(deps.host?.diskAllocationRatio !== undefined && {
      diskAllocationRatio: deps.host.diskAllocationRatio,
    }),
    ...(deps.host?.reservedMemoryMiB !== undefined && { reservedMemoryMiB: deps.host.reservedMemoryMiB }),
  });

  let unwatch: (() => void) | undefined;
  return {
    // Not `volumes`: tests spread these services into computePlugin, whose `volumes` mounts the routes.
    services: { flavors, keyPairs, servers, actions, metadata, lifecycle, serverVolumes },
    stores,
    worker,
    driver: deps.driver,
    /** The resource locks the worker takes; the volume host shares them (`guest:<server id>`). */
    locks,
    hosts: admin.registration,
    agentReports,
    /** The agent of each host (local in all-in-one, HTTP for hosts served by `nuage agent`). */
    agents,
    /** Start-up: reconcile this host with the rows, follow guest events, then drive pending rows. */
    async start(sweepIntervalMs = 2_000): Promise<void> {
      if (hasLocalAgent) {
        if (deps.host) await admin.registration.start({ hostName: deps.hostName, ...deps.host });
        await reconcileHost(reconcileDeps);
        unwatch = watchDriverEvents(reconcileDeps);
      }
      worker.start(sweepIntervalMs);
    },
    /** Waits for the rows in flight and releases the driver; guests keep running for the next start. */
    async stop(): Promise<void> {
      admin.registration.stop();
      unwatch?.();
      await worker.stop();
      await deps.driver.close();
    },
    /** Start-up pass over this host (orphan guests, power states, vanished guests); see server-reconcile.ts. */
    reconcile: () => reconcileHost(reconcileDeps),
    /** Follows unrequested guest stops and crashes; returns the unsubscribe function. */
    watchDriverEvents: () => watchDriverEvents(reconcileDeps),
    plugin: computePlugin({
      flavors,
      keyPairs,
      servers,
      actions,
      metadata,
      lifecycle,
      admin: admin.routeDeps(servers, stores.servers),
      floatingIps: (portIds) => deps.ports.floatingIps(portIds),
      // Without a block-storage service there is no os-volume_attachments and no volume to show.
      ...(deps.volumes && { volumes: serverVolumes }),
      ...(deps.consoles && { consoles: deps.consoles }),
      availabilityZone,
      quota,
      usage,
      publicUrl: deps.publicUrl,
      enableInstancePassword: deps.enableInstancePassword ?? true,
      ...(deps.imageProxy && { images: deps.imageProxy }),
      validator: deps.validator,
    }),
  };
}

export type ComputeModule = ReturnType<typeof createComputeModule>;
