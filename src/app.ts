// Composition root: builds the Fastify application from already-opened dependencies. No listen, no env
// reads — main.ts and the tests both call this.
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { Kysely } from 'kysely';
import { installAuditHook } from './audit/audit-hook.js';
import { createAuditStore } from './audit/audit-store.js';
import { createAuditRecorder, type AuditRecorder } from './audit/audit-recorder.js';
import { auditPlugin } from './audit/api/audit-plugin.js';
import type { AuditSealer } from './audit/audit-seal.js';
import { startAuditJobs } from './audit/audit-jobs.js';
import type { Clock } from './common/clock.js';
import { newRequestId, addRequestIdHeader } from './common/http/request-id.js';
import { logSerializers } from './common/http/log-serializers.js';
import { installErrorHandler } from './common/http/error-handler.js';
import { acceptEmptyJsonBodies } from './common/http/json-body.js';
import { renderKeystoneError } from './common/errors/render-keystone.js';
import { renderS3Error } from './common/errors/render-s3.js';
import { s3FrameworkError, s3Plugin } from './object-store/api/s3/plugin.js';
import { createS3Services, type S3Services } from './object-store/s3/index.js';
import type { Config } from './config/schema.js';
import type { TlsMaterial } from './config/tls.js';
import { httpsServerFactory } from './common/http/https-server.js';
import type { Database } from './db/schema.js';
import type { DialectName } from './db/kysely.js';
import type { ServedService } from './identity/bootstrap.js';
import { createIdentityModule, type IdentityModule } from './identity/index.js';
import { createObjectStoreModule, type ObjectStoreModule } from './object-store/index.js';
import { createNetworkModule, type NetworkModule } from './network/index.js';
import { enforcerOf, loadPolicy } from './common/policy/index.js';
import type { NetworkDriver } from './network/driver/driver.js';
import { createImageModule, type ImageModule } from './image/index.js';
import { swiftRouterError } from './object-store/api/swift/plugin.js';
import { requestIdFor } from './object-store/api/swift/trans-id.js';
import { createComputeModule, type ComputeModule } from './compute/index.js';
import type { ComputeTables } from './compute/compute-tables.js';
import { createImageProxy } from './compute/image-proxy.js';
import { createImageSource } from './compute/image-source.js';
import { createImageSnapshots } from './compute/image-snapshots.js';
import { createPortProvider } from './compute/port-provider.js';
import { createConfigDriveWriter } from './compute/config-drive-writer.js';
import type { ComputeDriver } from './compute/driver/driver.js';
import { chooseComputeDriver } from './compute/driver/choose-driver.js';
import { mountInternalApi } from './host/internal-api/mount.js';
import { agentSecretCipher } from './host/agent-credentials.js';
import type { AgentCredentialTables } from './host/agent-credential-store.js';
import { createVolumeModule, type VolumeModule } from './volume/index.js';
import { chooseVolumeBackend } from './volume/backend/select-backend.js';
import {
  createBackupObjects,
  createImageUploader,
  createVolumeHost,
  createVolumeImages,
} from './volume/adapters.js';
import type { VolumeTables } from './volume/volume-tables.js';
import { lateBootVolumes } from './volume/compute-adapter.js';
import { createComputeVolumeAttacher } from './volume/compute-attacher.js';
import { mountConsole, type ConsoleModule } from './console/index.js';
import { createKeyManagerModule, type KeyManagerModule } from './key-manager/index.js';
import type { KeyManagerTables } from './key-manager/key-manager-tables.js';
import { createMeteringModule, type MeteringModule } from './metering/index.js';
import type { MeteringTables } from './metering/metering-tables.js';
import { meterServer } from './metering/hooks/compute.js';
import { createNetworkUsageHook } from './metering/hooks/network.js';
import { createImageUsageHook } from './metering/hooks/image.js';
import { createVolumeUsageHook } from './metering/hooks/volume.js';
import type { TokenValidator } from './common/http/context.js';
import { createAppMetrics, instrumentRequests, type NuageMetrics } from './metrics/index.js';

export interface AppDeps {
  config: Config;
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  /** pino options or false; tests pass false or a level. */
  logger: FastifyServerOptions['logger'];
  /** Certificate and key (already read) when both listeners serve HTTPS; main.ts reads the files. */
  tls?: TlsMaterial | undefined;
  /** Overrides the configured network data plane (tests pass the fake driver). */
  networkDriver?: NetworkDriver;
  /** Overrides the configured hypervisor driver (tests pass a FakeDriver they keep across restarts). */
  computeDriver?: ComputeDriver;
}

export interface App {
  app: FastifyInstance;
  identity: IdentityModule;
  objectStore: ObjectStoreModule;
  network: NetworkModule;
  image: ImageModule;
  compute: ComputeModule;
  volume: VolumeModule;
  /** Console tokens and URLs; the proxy is attached to the API listener's server. */
  consoles: ConsoleModule;
  /** The key manager (Barbican v1) and its in-process KeyService for data keys. */
  keyManager: KeyManagerModule;
  /** Usage records (the recorder the services call), Nova's os-simple-tenant-usage, rating. */
  metering: MeteringModule;
  /** The S3 API, on its own listener. */
  s3App: FastifyInstance;
  /** The S3 front end's own services (lifecycle passes can be run on demand). */
  s3: S3Services;
  /** Audit records of work done outside a request (workers, agents): `audit.record(event)`. */
  audit: AuditRecorder;
  /** Seals the audit chain (also on a timer and at shutdown). */
  auditSealer: AuditSealer;
  /** What the catalog must list: the services this process serves. */
  served: ServedService[];
  routes: RegisteredRoute[];
  /** Prometheus metrics, when `metrics.listen` is set (main.ts serves them on that listener). */
  metrics?: NuageMetrics;
}

export interface RegisteredRoute {
  method: string;
  url: string;
  public: boolean;
  /** One of the web console's built files (present only after `npm run build`). */
  staticFile: boolean;
  /** The route's declared body and query schemas (TypeBox / JSON Schema), for the schema tests. */
  bodySchema?: unknown;
  querySchema?: unknown;
  /** The route's config: where the compute and block-storage APIs declare their versioned schemas. */
  config?: unknown;
}

/** Options both listeners share: logging with redaction, OpenStack request ids, size limits. */
function commonOptions(deps: AppDeps) {
  return {
    logger:
      deps.logger === false
        ? false
        : { ...(typeof deps.logger === 'object' ? deps.logger : {}), serializers: logSerializers },
    // Swift's requests carry its own transaction id form (X-Trans-Id, also X-Openstack-Request-Id).
    genReqId: (req: { url?: string }) => requestIdFor(req.url, () => deps.clock.now(), newRequestId),
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 2048 },
    ...(deps.tls && { serverFactory: httpsServerFactory(deps.tls) }),
  } satisfies FastifyServerOptions;
}

/** The S3 API's own Fastify instance (its own listener) and the S3 front end's services. */
async function buildS3App(deps: AppDeps, identity: IdentityModule, objectStore: ObjectStoreModule) {
  const s3App = Fastify({
    ...commonOptions(deps),
    frameworkErrors: s3FrameworkError,
  });
  s3App.decorateRequest('auth', undefined);
  // Every S3 write leaves an audit record like the API listener's.
  installAuditHook(s3App, createAuditStore(deps.db), deps.clock, 's3');
  installErrorHandler(s3App, (err, message, requestId) => renderS3Error(err, message, requestId));
  const s3Services = createS3Services({
    db: deps.db,
    objects: objectStore.objects,
    keys: objectStore.keys,
    clock: deps.clock,
    config: deps.config,
  });
  await s3App.register(
    s3Plugin({
      objects: objectStore.objects,
      accessKeys: identity.services.credentials,
      callers: identity.services.tokens,
      buckets: s3Services.buckets,
      multipart: s3Services.multipart,
      versions: s3Services.versions,
      lifecycle: s3Services.lifecycle,
      clock: deps.clock,
      config: deps.config,
      traffic: objectStore.traffic,
    }),
  );
  return { s3App, s3Services };
}

/** The API listener's Fastify instance. */
function apiFastify(deps: AppDeps): FastifyInstance {
  return Fastify({
    ...commonOptions(deps),
    // A path the router cannot decode (e.g. %FF) fails before any plugin runs: Swift's paths answer 412
    // as Swift does, the rest go through the root error handler like every other error.
    frameworkErrors: (err, request, reply) => {
      const plain = reply as FastifyReply;
      const swift = swiftRouterError(err, request.url);
      if (swift) return plain.status(swift.status).type('text/plain; charset=UTF-8').send(swift.body);
      return plain.send(err);
    },
    trustProxy: false,
    ajv: {
      customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false },
    },
  });
}

/**
 * Every route as registered, for the auth-coverage and input-schema tests (each non-public route must
 * answer 401 to an anonymous caller, and declare its body).
 */
function recordRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods)
      routes.push({
        method,
        url: route.url,
        public: route.config?.public === true,
        staticFile: route.config?.staticFile === true,
        ...(route.schema?.body !== undefined && { bodySchema: route.schema.body }),
        ...(route.schema?.querystring !== undefined && { querySchema: route.schema.querystring }),
        ...(route.config !== undefined && { config: route.config }),
      });
  });
  return routes;
}

export async function buildApp(deps: AppDeps): Promise<App> {
  // First: a bad operator policy file stops start-up before anything listens (PolicyError names it).
  const policy = loadPolicy(deps.config.policy.file);
  const app = apiFastify(deps);
  const routes = recordRoutes(app);
  app.decorateRequest('auth', undefined);
  // Swift's server-side copy verb.
  app.addHttpMethod('COPY');
  acceptEmptyJsonBodies(app);
  addRequestIdHeader(app);
  // Paths outside every service (and framework errors before routing) answer in Keystone's shape.
  installErrorHandler(app, (err, message) => renderKeystoneError(err, message));
  const auditStore = createAuditStore(deps.db);
  installAuditHook(app, auditStore, deps.clock);
  // What workers do on a tenant's behalf (compute and volume pass it to their workers).
  const audit = createAuditRecorder(auditStore, deps.clock);

  const identity = await createIdentityModule({
    db: deps.db,
    dialect: deps.dialect,
    clock: deps.clock,
    config: deps.config,
  });
  await app.register(identity.plugin, { prefix: '/identity' });
  // Its own prefix: the identity plugin already answers everything else under /identity.
  await app.register(auditPlugin({ store: auditStore, validator: identity.validator }), {
    prefix: '/identity/v3/OS-NUAGE',
  });
  const auditSealer = startAuditJobs(app, deps);
  // Built first: the services write usage through its recorder inside their own transactions.
  const metering = createMetering(deps, identity.validator);

  const keyManager = createKeyManagerModule({
    // Database does not list the key manager's tables; the migration creates them, hence the cast.
    db: deps.db as unknown as Kysely<KeyManagerTables>,
    dialect: deps.dialect,
    clock: deps.clock,
    config: deps.config,
    validator: identity.validator,
  });
  // Created before the object store: its KeyService encrypts every object at rest.
  const objectStore = createObjectStoreModule({
    db: deps.db,
    clock: deps.clock,
    config: deps.config,
    validator: identity.validator,
    keys: keyManager.services.keys,
    storageUsage: metering.objectStorage,
    traffic: metering.objectTraffic,
  });
  startTrafficMetering(app, metering);
  await app.register(objectStore.swiftPlugin, { prefix: '/object-store' });

  const network = createNetworkModule({
    db: deps.db,
    clock: deps.clock,
    config: deps.config,
    validator: identity.validator,
    ...(deps.networkDriver ? { driver: deps.networkDriver } : {}),
    usage: createNetworkUsageHook(metering.recorder),
    policy: enforcerOf(policy, 'network'),
  });
  network.setLogger(app.log);
  await app.register(network.plugin, { prefix: '/network' });

  const image = createImageModule({
    db: deps.db,
    clock: deps.clock,
    config: deps.config,
    validator: identity.validator,
    objects: objectStore.objects,
    usage: createImageUsageHook(metering.recorder),
  });
  await app.register(image.plugin, { prefix: '/image' });

  const hostName = hostname();
  const imageSource = createImageSource(
    {
      visible: (auth, id) => image.services.images.visible(auth, id),
      async openActive(id) {
        const { image: found, stream } = await image.services.data.openActive(id);
        return { stream, diskFormat: found.diskFormat };
      },
    },
    resolve(deps.config.dataDir),
  );

  const computeConfig = deps.config.compute;
  const agentSecrets = agentSecretCipher(deps.config.dataDir);
  const computeDriver = deps.computeDriver ?? chooseComputeDriver(deps.config);
  // The web console: noVNC/serial WebSockets on this listener, checked against short-lived tokens.
  const consoles = mountConsole(app, {
    dataDir: resolve(deps.config.dataDir),
    clock: deps.clock,
    tokenTtlSeconds: deps.config.console.tokenTtlSeconds,
    driver: computeDriver,
    serverOf: (id) => compute.stores.servers.get(id),
  });
  const compute = createComputeModule({
    // Database extends ComputeTables; Kysely's type is invariant in it, hence the cast.
    db: deps.db as unknown as Kysely<ComputeTables>,
    clock: deps.clock,
    validator: identity.validator,
    driver: computeDriver,
    images: imageSource,
    ports: createPortProvider(network.portOps, hostName, computeConfig.availabilityZone),
    configDrives: createConfigDriveWriter(resolve(deps.config.dataDir)),
    log: app.log,
    publicUrl: deps.config.publicUrl,
    hostName,
    defaultAvailabilityZone: computeConfig.availabilityZone,
    stopTimeoutMs: computeConfig.stopTimeoutSeconds * 1000,
    enableInstancePassword: computeConfig.enableInstancePassword,
    // Nova's image proxy API (/compute/v2.1/images up to 2.35) over the image service.
    imageProxy: createImageProxy(image.services.images),
    serverUsage: (trx, server, at) => meterServer(metering.recorder, trx, server, at),
    audit,
    snapshots: createImageSnapshots({
      create: (owner, input) => image.services.snapshots.create(owner, input),
      get: (id) => image.services.snapshots.get(id),
      remove: (id) => image.services.snapshots.remove(id),
      uploadAsService: (id, body, size) => image.services.data.uploadAsService(id, body, size),
    }),
    snapshotDir: join(resolve(deps.config.dataDir), 'compute', 'snapshots'),
    localAgent: computeConfig.localAgent,
    agentSecrets,
    serviceDownSeconds: computeConfig.serviceDownSeconds,
    host: {
      availabilityZone: computeConfig.availabilityZone,
      dataDir: resolve(deps.config.dataDir),
      cpuAllocationRatio: computeConfig.cpuAllocationRatio,
      ramAllocationRatio: computeConfig.ramAllocationRatio,
      diskAllocationRatio: computeConfig.diskAllocationRatio,
      reservedMemoryMiB: computeConfig.reservedHostMemoryMiB,
    },
    // os-volume_attachments through the block-storage module, built below (it needs compute's driver).
    volumes: createComputeVolumeAttacher({
      attachments: () => volume.services.attachments,
      disksOf: (serverId) => volume.worker.disksOf(serverId),
      hostName,
    }),
    // Boot from volume: root volumes from the block-storage module (built below, hence resolved late).
    bootVolumes: lateBootVolumes(() => volume.bootVolumes),
    consoles: consoles.remote,
    quota: {
      instances: computeConfig.instances,
      cores: computeConfig.cores,
      ramMiB: computeConfig.ramMiB,
      keyPairs: computeConfig.keyPairs,
      metadataItems: computeConfig.metadataItems,
    },
  });
  await app.register(compute.plugin, { prefix: '/compute' });
  // Host agents' heartbeats and guest events (docs/multi-host.md).
  const agentDb = deps.db as unknown as Kysely<AgentCredentialTables>;
  await mountInternalApi(app, {
    db: agentDb,
    clock: deps.clock,
    reports: compute.agentReports,
    secrets: agentSecrets,
  });

  const volumeConfig = deps.config.volume;
  const volume = createVolumeModule({
    // Database extends VolumeTables; Kysely's type is invariant in it, hence the cast.
    db: deps.db as unknown as Kysely<VolumeTables>,
    clock: deps.clock,
    validator: identity.validator,
    backend: chooseVolumeBackend(deps.config),
    images: createVolumeImages(
      { visible: (auth, id) => image.services.images.visible(auth, id) },
      imageSource,
    ),
    uploader: createImageUploader({
      create: (auth, body) => image.services.images.create(auth, body),
      uploadAsService: (id, body, size) => image.services.data.uploadAsService(id, body, size),
      removeAsService: (id) => image.services.snapshots.remove(id),
    }),
    objects: createBackupObjects(objectStore.objects),
    host: createVolumeHost({
      driver: compute.driver,
      servers: { visible: (auth, id) => compute.services.servers.visible(auth, id) },
      locks: compute.locks,
    }),
    log: app.log,
    publicUrl: deps.config.publicUrl,
    hostName,
    availabilityZone: volumeConfig.availabilityZone,
    quota: {
      volumes: volumeConfig.volumes,
      gigabytes: volumeConfig.gigabytes,
      snapshots: volumeConfig.snapshots,
      backups: volumeConfig.backups,
      backupGigabytes: volumeConfig.backupGigabytes,
      perVolumeGigabytes: volumeConfig.perVolumeGigabytes,
    },
    backupChunkBytes: volumeConfig.backupChunkMiB * 1024 * 1024,
    usage: createVolumeUsageHook(metering.recorder),
    audit,
  });
  await app.register(volume.plugin, { prefix: '/volume' });

  app.addHook('onClose', async () => keyManager.close());
  await app.register(keyManager.plugin, { prefix: '/key-manager' });

  await app.register(metering.computePlugin, { prefix: '/compute/v2.1' });
  await app.register(metering.ratingPlugin, { prefix: '/rating' });

  const served: ServedService[] = [
    { type: 'identity', name: 'keystone', path: '/identity' },
    { type: 'object-store', name: 'swift', path: '/object-store/v1/AUTH_$(project_id)s' },
    { type: 'network', name: 'neutron', path: '/network' },
    { type: 'image', name: 'glance', path: '/image' },
    { type: 'compute', name: 'nova', path: '/compute/v2.1' },
    { type: 'block-storage', name: 'cinder', path: '/volume/v3/$(project_id)s' },
    { type: 'volumev3', name: 'cinderv3', path: '/volume/v3/$(project_id)s' },
    { type: 'key-manager', name: 'barbican', path: '/key-manager' },
    { type: 'rating', name: 'cloudkitty', path: '/rating' },
  ];
  const { s3App, s3Services } = await buildS3App(deps, identity, objectStore);
  const services = { identity, objectStore, network, image, compute, volume, consoles, keyManager, metering };
  const metrics = installMetrics(deps, app, s3App, metering);
  return { app, s3App, s3: s3Services, ...services, audit, auditSealer, served, routes, metrics };
}

/** Flushes the object traffic sums every minute while the app runs, and once more at close. */
function startTrafficMetering(app: FastifyInstance, metering: MeteringModule): void {
  const onError = (err: unknown) =>
    app.log.error({ event: 'metering.traffic.flush.failed', err }, 'traffic usage flush failed');
  app.addHook('onReady', async () => metering.objectTraffic.start(60_000, onError));
  app.addHook('onClose', async () => metering.objectTraffic.stop().catch(onError));
}

/** Prometheus metrics (off unless `metrics.listen` is set): every request of both listeners counted. */
function installMetrics(
  deps: AppDeps,
  app: FastifyInstance,
  s3App: FastifyInstance,
  metering: MeteringModule,
): NuageMetrics | undefined {
  if (deps.config.metrics.listen === '') return undefined;
  const metrics = createAppMetrics({
    db: deps.db,
    clock: deps.clock,
    oldestPendingUsage: () => metering.objectTraffic.oldestPending(),
  });
  instrumentRequests(app, metrics);
  instrumentRequests(s3App, metrics, 's3');
  return metrics;
}

/** Metering; its os-simple-tenant-usage plugin is mounted beside the compute plugin (same endpoint). */
function createMetering(deps: AppDeps, validator: TokenValidator) {
  return createMeteringModule({
    // Database does not list the metering tables; the migration creates them, hence the cast.
    db: deps.db as unknown as Kysely<MeteringTables>,
    clock: deps.clock,
    validator,
    publicUrl: deps.config.publicUrl,
    region: deps.config.region,
    // Price lists are in euros first (issue 15); other currencies come with a config key.
    currency: 'EUR',
  });
}
