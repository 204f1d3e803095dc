// Composition of the network service: the store, the chosen data plane driver, the services, the
// Fastify plugin served under /network, and the start-up steps (external network, reconcile).
import type { NetworkUsageHook } from '../metering/hooks/network.js';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../common/clock.js';
import type { AuthContext, TokenValidator } from '../common/http/context.js';
import type { Config } from '../config/schema.js';
import type { Database } from '../db/schema.js';
import { metadataSocketPath } from '../compute/metadata-api/index.js';
import { networkPlugin } from './api/plugin.js';
import { bootstrapExternalNetwork } from './bootstrap.js';
import { createLock, type NetContext } from './context.js';
import type { NetworkDriver } from './driver/driver.js';
import { createFakeNetworkDriver } from './driver/fake/fake-driver.js';
import { createLinuxNetworkDriver } from './driver/linux/linux-driver.js';
import { createUserNetworkDriver } from './driver/user/user-driver.js';
import { createNetworkStore } from './network-store.js';
import { createNetworkServices } from './services.js';
import { upgradeLegacySegments } from './provider.js';
import { createReconciler, portSpec } from './topology.js';
import type { Rec } from './network-store.js';
import type { Enforcer } from '../common/policy/index.js';
import { createNetworkPolicy } from './network-policy.js';

export interface NetworkModuleDeps {
  db: Kysely<Database>;
  clock: Clock;
  config: Config;
  validator: TokenValidator;
  /** Overrides the configured driver (tests). */
  driver?: NetworkDriver;
  /** Metering: called in the transaction that inserts or removes a row (src/metering/hooks/network.ts). */
  usage?: NetworkUsageHook;
  /** The network service's effective policy rules (defaults with the operator's overrides). */
  policy: Enforcer;
}

export const DEFAULT_QUOTAS: Record<string, number> = {
  network: 100,
  subnet: 100,
  port: 500,
  router: 10,
  floatingip: 50,
  security_group: 10,
  security_group_rule: 100,
};

function chooseDriver(config: Config, log: () => FastifyBaseLogger | undefined): NetworkDriver {
  const wanted = config.network.driver;
  if (wanted === 'fake') return createFakeNetworkDriver();
  // `auto` is the real Linux data plane when we are root (bridges, namespaces, nftables, dnsmasq), and
  // QEMU user networking otherwise. The linux plane owns host-wide names, so one server per host runs it
  // (a lock file enforces that); tests that start several servers ask for `user` explicitly.
  const root = process.getuid?.() === 0;
  if (wanted === 'user' || (wanted === 'auto' && !root)) return createUserNetworkDriver();
  return createLinuxNetworkDriver({
    stateDir: `${config.dataDir}/network`,
    metadataPort: config.network.metadataPort,
    metadataSocketPath: metadataSocketPath(config.dataDir),
    log: (event, detail) => log()?.warn({ event, ...detail }, event),
  });
}

export function createNetworkModule(deps: NetworkModuleDeps) {
  const store = createNetworkStore(deps.db, deps.usage);
  let logger: FastifyBaseLogger | undefined;
  const log = () => logger;
  const driver = deps.driver ?? chooseDriver(deps.config, log);
  const reconciler = createReconciler(store, driver, log);
  const ctx: NetContext = {
    store,
    clock: deps.clock,
    settings: { mtu: deps.config.network.mtu, quotas: DEFAULT_QUOTAS },
    exclusive: createLock(),
    policy: createNetworkPolicy(deps.policy),
    changed: () => reconciler.sync(),
    bind: async (port: Rec) => {
      try {
        if (!port['binding:host_id']) return await driver.unplugPort(port.id);
        const profile = (port['binding:profile'] ?? {}) as Record<string, unknown>;
        const netns = typeof profile.netns === 'string' ? profile.netns : undefined;
        const ifname = typeof profile.ifname === 'string' ? profile.ifname : undefined;
        await driver.plugPort(portSpec(port), netns ? { netns, ...(ifname ? { ifname } : {}) } : undefined);
      } catch (err) {
        logger?.error({ event: 'network.plug.failed', err, portId: port.id }, 'port plug failed');
      }
    },
  };
  const services = createNetworkServices(ctx);
  // What the compute worker needs (see compute/port-provider.ts): caller-checked reads, and
  // service-level port writes for instances.
  const portOps = {
    getNetwork: (auth: AuthContext, id: string) => services.networks.get(auth, id),
    getPort: (auth: AuthContext, id: string) => services.ports.get(auth, id),
    listNetworks: (auth: AuthContext) => services.networks.list(auth),
    listSecurityGroups: (auth: AuthContext) => services.securityGroups.list(auth),
    createPort: (projectId: string, body: Rec) => services.ports.createForInstance(projectId, body),
    updatePort: (id: string, body: Rec) => services.ports.bindForInstance(id, body),
    deletePort: (id: string) => services.ports.removeForInstance(id),
    async networkName(id: string) {
      const net = await store.get('network', id);
      return typeof net?.name === 'string' ? net.name : id;
    },
    deviceOf: async (portId: string) => driver.portDevice(portId),
    async portsOfDevice(deviceId: string) {
      return (await store.list('port')).filter((p) => p.device_id === deviceId).map((p) => String(p.id));
    },
    async floatingIpsOf(portIds: string[]) {
      const wanted = new Set(portIds);
      const out = new Map<string, string[]>();
      if (wanted.size === 0) return out;
      for (const fip of await store.list('floatingip')) {
        const port = typeof fip.port_id === 'string' ? fip.port_id : undefined;
        if (port === undefined || !wanted.has(port)) continue;
        out.set(port, [...(out.get(port) ?? []), String(fip.floating_ip_address)]);
      }
      return out;
    },
  };
  return {
    services,
    driver,
    portOps,
    plugin: networkPlugin({
      services,
      validator: deps.validator,
      publicUrl: deps.config.publicUrl,
      dataPlane: { driver: driver.capabilities.name, notEnforced: driver.capabilities.notEnforced },
    }),
    setLogger(l: FastifyBaseLogger) {
      logger = l;
    },
    /** Start-up: the external network, then the data plane converged to the rows. Idempotent. */
    async start(adminProjectId: string): Promise<void> {
      const n = deps.config.network;
      await upgradeLegacySegments(ctx);
      await bootstrapExternalNetwork(services, adminProjectId, {
        name: 'public',
        cidr: n.externalCidr,
        gatewayIp: n.externalGatewayIp,
        poolStart: n.externalPoolStart,
        poolEnd: n.externalPoolEnd,
      });
      await reconciler.sync();
    },
    /** Converges the data plane now (tests, and after out-of-band changes). */
    reconcile: () => reconciler.sync(),
    close: () => driver.close(),
  };
}

export type NetworkModule = ReturnType<typeof createNetworkModule>;
