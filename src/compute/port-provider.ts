// The PortProvider over the network service. The worker acts outside any request, so it needs
// service-level port operations from the network module (`NetworkPortOps`, to be added there as narrow
// methods that skip caller policy but keep every other rule); request-time checks use the caller's
// rights through the ordinary service methods. Ports are Neutron wire records (`Rec`) here.
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import type { PortProvider } from './collaborators.js';
import type { ServerPort } from './model.js';

type Rec = Record<string, unknown>;

export interface NetworkPortOps {
  /** Caller-checked reads (the network service's `get`, 404 when the caller may not see it). */
  getNetwork(auth: AuthContext, id: string): Promise<Rec>;
  getPort(auth: AuthContext, id: string): Promise<Rec>;
  listNetworks(auth: AuthContext): Promise<Rec[]>;
  /** Security groups the caller may see (the network service's list). */
  listSecurityGroups(auth: AuthContext): Promise<Rec[]>;
  /** Service-level writes, for the worker. */
  createPort(projectId: string, body: Rec): Promise<Rec>;
  updatePort(portId: string, body: Rec): Promise<Rec>;
  /** Resolves when the port is already gone. */
  deletePort(portId: string): Promise<void>;
  networkName(networkId: string): Promise<string>;
  /**
   * The host device the network driver made for a bound port (`tap…` with the linux driver), or
   * undefined when the data plane has no device (user/fake drivers: the guest gets user networking).
   */
  deviceOf(portId: string): Promise<{ tapName: string; netns?: string } | undefined>;
  /** Ids of the ports whose device_id is `deviceId`. */
  portsOfDevice(deviceId: string): Promise<string[]>;
  /** Floating IP addresses by port id, for the given ports. */
  floatingIpsOf(portIds: string[]): Promise<Map<string, string[]>>;
}

function toServerPort(port: Rec, networkName: string, created: boolean): ServerPort {
  const fixedIps = Array.isArray(port.fixed_ips) ? (port.fixed_ips as Rec[]) : [];
  return {
    portId: String(port.id),
    networkId: String(port.network_id),
    networkName,
    macAddress: String(port.mac_address),
    fixedIps: fixedIps.map((ip) => ({
      address: String(ip.ip_address),
      version: String(ip.ip_address).includes(':') ? 6 : 4,
      ...(typeof ip.subnet_id === 'string' && { subnetId: ip.subnet_id }),
    })),
    created,
  };
}

export function createPortProvider(
  ops: NetworkPortOps,
  hostName: string,
  availabilityZone: string,
): PortProvider {
  const binding = (serverId: string) => ({
    device_id: serverId,
    device_owner: `compute:${availabilityZone}`,
    'binding:host_id': hostName,
  });

  return {
    async checkNetwork(auth, networkId) {
      await ops.getNetwork(auth, networkId).catch(() => {
        throw errors.badRequest(`Network ${networkId} could not be found.`);
      });
    },
    async checkPort(auth, portId) {
      const port = await ops.getPort(auth, portId).catch(() => {
        throw errors.badRequest(`Port ${portId} could not be found.`);
      });
      if (typeof port.device_id === 'string' && port.device_id !== '') {
        throw errors.conflict(`Port ${portId} is still in use.`);
      }
    },
    /** Nova's `auto` without auto-allocation: the caller's one project network, else one shared network. */
    async autoNetwork(auth) {
      const usable = (await ops.listNetworks(auth)).filter((n) => n['router:external'] !== true);
      const own = usable.filter((n) => n.shared !== true);
      const pick =
        own.length === 1 ? own[0] : own.length === 0 && usable.length === 1 ? usable[0] : undefined;
      if (own.length > 1)
        throw errors.conflict('Multiple possible networks found, use a Network ID to be more specific.');
      return pick === undefined ? undefined : String(pick.id);
    },
    async securityGroups(auth, projectId, names) {
      const groups = (await ops.listSecurityGroups(auth)).filter((g) => g.project_id === projectId);
      return names.map((wanted) => {
        const byId = groups.find((g) => g.id === wanted);
        const byName = groups.filter((g) => g.name === wanted);
        if (byName.length > 1)
          throw errors.conflict(
            `Multiple security_group matches found for name '${wanted}', use an ID to be more specific.`,
          );
        const found = byId ?? byName[0];
        if (!found) throw errors.badRequest(`Unable to find security_group with name or id '${wanted}'`);
        return { id: String(found.id), name: String(found.name) };
      });
    },
    async createPort({ projectId, networkId, serverId, fixedIp, securityGroupIds }) {
      const port = await ops.createPort(projectId, {
        network_id: networkId,
        ...binding(serverId),
        ...(fixedIp !== undefined && { fixed_ips: [{ ip_address: fixedIp }] }),
        ...(securityGroupIds !== undefined && { security_groups: securityGroupIds }),
      });
      return toServerPort(port, await ops.networkName(networkId), true);
    },
    async bindPort(portId, serverId) {
      const port = await ops.updatePort(portId, binding(serverId));
      return toServerPort(port, await ops.networkName(String(port.network_id)), false);
    },
    deletePort: (portId) => ops.deletePort(portId),
    async unbindPort(portId) {
      await ops
        .updatePort(portId, { device_id: '', device_owner: '', 'binding:host_id': '' })
        .catch((err: unknown) => {
          if (!(err instanceof Error && 'status' in err && err.status === 404)) throw err;
        });
    },
    async plug(port) {
      const device = await ops.deviceOf(port.portId);
      return device === undefined ? { kind: 'user' } : { kind: 'tap', ...device };
    },
    // Unbinding (or deleting) the port makes the network service unplug its device.
    unplug: async () => undefined,
    floatingIps: (portIds) => ops.floatingIpsOf(portIds),
    portsOfServer: (serverId) => ops.portsOfDevice(serverId),
  };
}
