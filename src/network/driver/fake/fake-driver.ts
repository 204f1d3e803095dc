// The in-memory data plane for integration tests: remembers the last topology and plugged ports, so
// tests can assert what the service asked for without touching the host.
import type { NetworkDriver, PlugTarget, PortSpec, Topology } from '../driver.js';

export interface FakeNetworkDriver extends NetworkDriver {
  lastTopology(): Topology | undefined;
  syncCount(): number;
  plugged(): ReadonlyMap<string, PlugTarget | undefined>;
}

export function createFakeNetworkDriver(): FakeNetworkDriver {
  let topology: Topology | undefined;
  let syncs = 0;
  const plugged = new Map<string, PlugTarget | undefined>();
  return {
    capabilities: { name: 'fake', notEnforced: ['everything: the fake driver only records the topology'] },
    async sync(next: Topology) {
      // A structured clone, so later mutations by the caller cannot change what was recorded.
      topology = structuredClone(next);
      syncs += 1;
      const alive = new Set(next.networks.flatMap((n) => n.ports.map((p) => p.id)));
      for (const id of plugged.keys()) if (!alive.has(id)) plugged.delete(id);
    },
    portDevice: () => undefined,
    async plugPort(port: PortSpec, target?: PlugTarget) {
      plugged.set(port.id, target);
      return { device: `tap${port.id.replaceAll('-', '').slice(0, 11)}` };
    },
    async unplugPort(portId: string) {
      plugged.delete(portId);
    },
    async close() {},
    lastTopology: () => topology,
    syncCount: () => syncs,
    plugged: () => plugged,
  };
}
