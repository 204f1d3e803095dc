// Deterministic names of every kernel object the linux driver owns, all at most 15 characters, so an
// object's name says which row owns it (Neutron's linuxbridge/L3/DHCP agent conventions).
export const HOST_NS = 'nuage-host';
export const MAX_IFNAME = 15;

const short = (id: string, n: number) => id.replaceAll('-', '').slice(0, n);

export const names = {
  /** Bridge of a network, in the host namespace. */
  bridge: (networkId: string) => `brq${short(networkId, 11)}`,
  /** Bridge-side device of a port (tap for QEMU, or a veth end), in the host namespace. */
  tap: (portId: string) => `tap${short(portId, 11)}`,
  dhcpNs: (networkId: string) => `qdhcp-${short(networkId, 9)}`,
  routerNs: (routerId: string) => `qrouter-${short(routerId, 7)}`,
  /** DHCP port's device inside its qdhcp namespace. */
  dhcpDev: (portId: string) => `ns-${short(portId, 11)}`,
  routerInterface: (portId: string) => `qr-${short(portId, 11)}`,
  routerGateway: (portId: string) => `qg-${short(portId, 11)}`,
  /** Host-namespace end of the root namespace's link to an external network. */
  externalBridgeSide: (networkId: string) => `nxb${short(networkId, 11)}`,
  /** Root-namespace end, holding the external subnet's gateway address. */
  externalRootSide: (networkId: string) => `nxr${short(networkId, 11)}`,
  /** The 11 characters of a port id that its devices carry. */
  portKey: (portId: string) => short(portId, 11),
};

export const isOwnedNs = (n: string) => n === HOST_NS || n.startsWith('qdhcp-') || n.startsWith('qrouter-');
