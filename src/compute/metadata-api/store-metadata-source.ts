// The MetadataSource over the network store (ports, router interfaces, floating IPs) and the compute
// server store, as Neutron's metadata agent and Nova's handler together resolve a request: router →
// its networks → the compute port holding the source address → device_id → the server row, which must
// be live, in the port's project, and list that port.
import type { NetworkStore, Rec } from '../../network/network-store.js';
import type { ServerStore } from '../server-store.js';
import type { MetadataInstance, MetadataSource } from './metadata-source.js';

/** The reads the source needs; the real stores satisfy them. */
export type MetadataNetworkReads = Pick<NetworkStore, 'list'>;
export type MetadataServerReads = Pick<ServerStore, 'get'>;

const fixedAddresses = (port: Rec) =>
  Array.isArray(port.fixed_ips)
    ? (port.fixed_ips as { ip_address?: unknown }[]).map((f) => f.ip_address)
    : [];

export function createStoreMetadataSource(
  network: MetadataNetworkReads,
  servers: MetadataServerReads,
): MetadataSource {
  return {
    async findInstance(routerId: string, ip: string): Promise<MetadataInstance | undefined> {
      // Every port in one read: the store has no device_id or address lookup, and the topology sync
      // reads the same list on every change.
      const ports = await network.list('port');
      const routerNetworks = new Set(
        ports
          .filter((p) => p.device_id === routerId && p.device_owner === 'network:router_interface')
          .map((p) => String(p.network_id)),
      );
      if (routerNetworks.size === 0) return undefined;
      const matches = ports.filter(
        (p) =>
          routerNetworks.has(String(p.network_id)) &&
          String(p.device_owner ?? '').startsWith('compute:') &&
          fixedAddresses(p).includes(ip),
      );
      // Overlapping subnets behind one router would make the address ambiguous: answer nobody.
      const port = matches.length === 1 ? matches[0] : undefined;
      if (port === undefined || typeof port.device_id !== 'string' || port.device_id === '') return undefined;
      const server = await servers.get(port.device_id);
      if (server === undefined || server.deleted || server.vmState === 'deleted') return undefined;
      // Nova refuses a request whose port belongs to another project than the instance.
      if (server.projectId !== port.project_id) return undefined;
      if (!server.ports.some((p) => p.portId === port.id)) return undefined;
      const floating = (await network.list('floatingip')).find(
        (f) => f.port_id === port.id && f.fixed_ip_address === ip,
      );
      const publicIpv4 = floating?.floating_ip_address;
      return { server, ...(typeof publicIpv4 === 'string' && { publicIpv4 }) };
    },
  };
}
