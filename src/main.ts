// Process entry for `nuage up`: config → database (migrated) → app → bootstrap → listen → catalog and
// clouds.yaml → wait for SIGTERM/SIGINT, then close cleanly.
import { mkdirSync } from 'node:fs';
import { buildApp } from './app.js';
import { systemClock } from './common/clock.js';
import type { FastifyInstance } from 'fastify';
import { parseHostPort } from './config/load.js';
import { readTlsMaterial } from './config/tls.js';
import type { Config } from './config/schema.js';
import { migrateToLatest, openDatabase } from './db/kysely.js';
import { bootstrapProjectName } from './identity/admin-project.js';
import { bootstrapIdentity, syncCatalog } from './identity/bootstrap.js';
import { cloudsYamlPath, writeCloudsYaml } from './cli/clouds-yaml.js';
import {
  createStoreMetadataSource,
  metadataSocketPath,
  startMetadataServer,
} from './compute/metadata-api/index.js';
import { createNetworkStore } from './network/network-store.js';
import {
  ensureStarterFlavors,
  ensureStarterImage,
  type StarterCatalogDeps,
} from './console/starter-catalog.js';
import { DEFAULT_DOMAIN_ID } from './identity/model.js';
import { startMetricsListener, type NuageMetrics } from './metrics/index.js';
import type { FastifyBaseLogger } from 'fastify';

export interface RunningNuage {
  url: string;
  s3Url: string;
  /** The Prometheus scrape URL, when `metrics.listen` is set. */
  metricsUrl?: string;
  close(): Promise<void>;
}

/** The Prometheus listener, on its own port (never the API's). */
async function listenForMetrics(metrics: NuageMetrics, config: Config, log: FastifyBaseLogger) {
  const { host, port } = parseHostPort(config.metrics.listen);
  return startMetricsListener(metrics, host, port, (err) =>
    log.error({ event: 'metrics.scrape.failed', err }, 'metrics scrape failed'),
  );
}

export async function startNuage(config: Config): Promise<RunningNuage> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  // Before anything is opened: a missing or mismatched certificate stops start-up with a ConfigError.
  const tls = readTlsMaterial(config.tls);
  const handle = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  await migrateToLatest(handle.db);
  const { app, s3App, identity, objectStore, network, image, compute, volume, served, metrics } =
    await buildApp({
      config,
      db: handle.db,
      dialect: handle.dialect,
      clock: systemClock,
      logger: { level: config.logLevel },
      tls,
    });
  // Idempotent get-or-create steps; safe to repeat on every start.
  const boot = await bootstrapIdentity(identity.stores, {
    clock: systemClock,
    region: config.region,
    adminProjectName: config.identity.adminProjectName,
  });
  // The external network, then the data plane reconciled with the rows (creates the missing, removes the unowned).
  await network.start(boot.adminProjectId);

  const recovered = await objectStore.recover();
  // Uploads and imports cut short by a crash leave images in saving/importing: mark them killed.
  await image.recoverInterrupted();
  app.log.info({ event: 'object_store.recovered', ...recovered }, 'object store recovered');
  objectStore.startReaper((err) =>
    app.log.error({ event: 'object_store.reaper.failed', err }, 'reaper failed'),
  );

  // Guests outlive the control plane: re-attach to them, stop orphans, then resume pending work.
  await compute.start();
  // Hot-plugged volumes do not survive a QEMU restart: plug recorded attachments back, then resume work.
  await volume.worker.reattach();
  volume.worker.start(2_000);
  // Guests' http://169.254.169.254, reached through the forwarder in each router namespace.
  const metadataServer = await startMetadataServer({
    socketPath: metadataSocketPath(config.dataDir),
    source: createStoreMetadataSource(createNetworkStore(handle.db), compute.stores.servers),
    log: app.log,
  });

  // Ready to use on first start: default flavors now, the tiny guest image in the background.
  const starter: StarterCatalogDeps = {
    dataDir: config.dataDir,
    async adminContext() {
      const admin = await identity.stores.users.getUserByName(DEFAULT_DOMAIN_ID, 'admin');
      return admin && identity.services.tokens.ec2Context(admin.id, boot.adminProjectId);
    },
    flavors: compute.services.flavors,
    images: { create: image.services.images.create, uploadAsService: image.services.data.uploadAsService },
    guestImage: config.console.guestImage,
    defaultFlavors: config.console.defaultFlavors,
  };
  await ensureStarterFlavors(starter);
  ensureStarterImage(starter).catch((err: unknown) =>
    app.log.error({ event: 'starter_image.failed', err }, 'registering the tiny guest image failed'),
  );

  const { url, s3Url } = await listenAll(config, app, s3App, tls !== undefined);
  served.push({ type: 's3', name: 's3', path: s3Url });
  await syncCatalog(identity.stores, { region: config.region, publicUrl: url, served });
  const metricsListener = metrics && (await listenForMetrics(metrics, config, app.log));
  const wrote = writeCloudsYaml({
    dataDir: config.dataDir,
    authUrl: `${url}/identity/v3`,
    region: config.region,
    adminProjectName: bootstrapProjectName(config.identity.adminProjectName),
    newAdminPassword: boot.newAdminPassword,
    // A self-signed certificate is trusted by no store: the clients are told to trust it by path.
    cacert: tls?.selfSigned ? tls.certPath : undefined,
  });
  if (!wrote)
    app.log.warn(
      { event: 'clouds_yaml.missing' },
      'clouds.yaml is missing and the admin password cannot be recovered',
    );
  return {
    url,
    s3Url,
    ...(metricsListener && { metricsUrl: metricsListener.url }),
    async close() {
      await metricsListener?.close();
      objectStore.stop();
      await volume.worker.stop();
      await compute.stop();
      await metadataServer.close();
      await network.close();
      await s3App.close();
      await app.close();
      await handle.close();
    },
  };
}

/** Opens the API and S3 listeners; their base URLs (configured, or derived from the bound addresses). */
async function listenAll(config: Config, app: FastifyInstance, s3App: FastifyInstance, https: boolean) {
  const scheme = https ? 'https' : 'http';
  const bind = async (server: FastifyInstance, listen: string) => {
    const { host, port } = parseHostPort(listen);
    await server.listen({ host, port });
    const address = server.server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  };
  const apiBound = await bind(app, config.listen);
  const s3Bound = await bind(s3App, config.s3Listen);
  const url = config.publicUrl || apiBound;
  const s3Url = config.s3PublicUrl || s3Bound;
  if (https)
    app.log.info({ event: 'tls.enabled', cert: config.tls.cert }, 'API and S3 listeners serve HTTPS');
  // An explicit http:// public URL would send clients in clear to a port that only speaks TLS.
  for (const given of [config.publicUrl, config.s3PublicUrl])
    if (https && given.startsWith('http:'))
      app.log.warn(
        { event: 'tls.public_url_plain', url: given },
        'HTTPS listeners, but a public URL is http:',
      );
  return { url, s3Url };
}

/** Runs until a signal arrives; prints where the cloud is and where its credentials are. */
export async function runNuageUp(config: Config): Promise<void> {
  const running = await startNuage(config);
  process.stdout.write(`Nuage is up at ${running.url}\n`);
  process.stdout.write(`S3 API at ${running.s3Url}\n`);
  if (running.metricsUrl) process.stdout.write(`Metrics at ${running.metricsUrl}\n`);
  process.stdout.write(`Admin credentials: ${cloudsYamlPath(config.dataDir)} (cloud "nuage")\n`);
  process.stdout.write(
    `Try: OS_CLIENT_CONFIG_FILE=${cloudsYamlPath(config.dataDir)} openstack --os-cloud nuage token issue\n`,
  );
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    process.stdout.write(`Received ${signal}, shutting down\n`);
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
