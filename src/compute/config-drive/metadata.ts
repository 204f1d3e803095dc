// Pure builders for the OpenStack metadata documents (meta_data.json, network_data.json, vendor data,
// EC2 meta-data.json) that cloud-init reads from a config drive or the metadata service. The metadata
// service reuses these; only config-drive-iso.ts touches the filesystem.

/** The metadata versions we serve besides `latest`: the newest dated one cloud-init knows. */
export const OPENSTACK_METADATA_VERSIONS = ['2018-08-27'] as const;

export interface KeyPairInfo {
  name: string;
  /** `ssh` or `x509`, as Nova reports it. */
  type: 'ssh' | 'x509';
  publicKey: string;
}

/** One fixed IP on a port. `dhcp: true` tells the guest to ask DHCP instead of configuring it statically. */
export interface FixedIpInfo {
  version: 4 | 6;
  address: string;
  /** Dotted netmask (IPv4) or prefix length as a netmask string (IPv6), as Nova writes it. */
  netmask: string;
  gateway?: string;
  dhcp?: boolean;
  routes?: readonly { network: string; netmask: string; gateway: string }[];
}

export interface PortInfo {
  /** Neutron port id (vif id). */
  portId: string;
  networkId: string;
  macAddress: string;
  mtu?: number;
  /** Link type as cloud-init knows it (`KNOWN_PHYSICAL_TYPES`); ours are bridge + tap. */
  linkType?: 'bridge' | 'tap' | 'phy' | 'ovs' | 'ethernet';
  fixedIps: readonly FixedIpInfo[];
}

export interface InstanceMetadataInput {
  uuid: string;
  name: string;
  /** FQDN-ish host name, e.g. `vm1.novalocal`. */
  hostname: string;
  projectId: string;
  availabilityZone: string;
  launchIndex: number;
  keyPairs: readonly KeyPairInfo[];
  meta: Readonly<Record<string, string>>;
  /** Base64 of 512 random bytes; injected so that the builders stay pure. */
  randomSeed: string;
  ports: readonly PortInfo[];
  dnsServers: readonly string[];
  userData?: string | Uint8Array;
  /** Static vendor data (vendor_data.json) and dynamic vendor data (vendor_data2.json). */
  vendorData?: Record<string, unknown>;
  vendorData2?: Record<string, unknown>;
  /** For the EC2 tree. */
  flavorName?: string;
  imageId?: string;
  reservationId?: string;
  securityGroups?: readonly string[];
  /** The admin password, for the config drive only (Nova's extra_md `admin_pass`; never the metadata service). */
  adminPass?: string;
  /** Personality files, for the config drive only: `files` in meta_data.json, contents under content/. */
  files?: readonly { path: string; contents: Uint8Array }[];
}

/** Nova's content keys: 0000, 0001, … */
const contentKey = (index: number) => String(index).padStart(4, '0');

/** `openstack/<version>/meta_data.json` (nova/api/metadata/base.py `_metadata_as_json`). */
export function buildMetaData(input: InstanceMetadataInput): Record<string, unknown> {
  const publicKeys: Record<string, string> = {};
  for (const key of input.keyPairs) publicKeys[key.name] = key.publicKey;
  return {
    uuid: input.uuid,
    meta: { ...input.meta },
    public_keys: publicKeys,
    keys: input.keyPairs.map((key) => ({ name: key.name, type: key.type, data: key.publicKey })),
    hostname: input.hostname,
    name: input.name,
    launch_index: input.launchIndex,
    availability_zone: input.availabilityZone,
    random_seed: input.randomSeed,
    project_id: input.projectId,
    devices: [],
    dedicated_cpus: [],
    ...(input.adminPass !== undefined && { admin_pass: input.adminPass }),
    ...(input.files !== undefined &&
      input.files.length > 0 && {
        files: input.files.map((f, i) => ({ path: f.path, content_path: `/content/${contentKey(i)}` })),
      }),
  };
}

export interface NetworkData {
  links: Record<string, unknown>[];
  networks: Record<string, unknown>[];
  services: { type: 'dns'; address: string }[];
}

/** `network_data.json` (nova/virt/netutils.py `get_network_metadata`). */
export function buildNetworkData(ports: readonly PortInfo[], dnsServers: readonly string[]): NetworkData {
  const links: Record<string, unknown>[] = [];
  const networks: Record<string, unknown>[] = [];
  const usedLinkIds = new Set<string>();
  for (const port of ports) {
    // Nova's link id; link ids must be unique, so a (rare) prefix collision falls back to the full id.
    let linkId = `tap${port.portId.slice(0, 11)}`;
    if (usedLinkIds.has(linkId)) linkId = `tap${port.portId}`;
    usedLinkIds.add(linkId);
    links.push({
      id: linkId,
      vif_id: port.portId,
      type: port.linkType ?? 'bridge',
      mtu: port.mtu ?? null,
      ethernet_mac_address: port.macAddress,
    });
    for (const ip of port.fixedIps) {
      networks.push(networkEntry(`network${networks.length}`, linkId, port.networkId, ip, dnsServers));
    }
  }
  return { links, networks, services: dnsServers.map((address) => ({ type: 'dns' as const, address })) };
}

function networkEntry(
  id: string,
  linkId: string,
  networkId: string,
  ip: FixedIpInfo,
  dnsServers: readonly string[],
): Record<string, unknown> {
  const family = ip.version === 4 ? 'ipv4' : 'ipv6';
  if (ip.dhcp === true) return { id, type: `${family}_dhcp`, link: linkId, network_id: networkId };
  const routes = [...(ip.routes ?? [])];
  if (ip.gateway !== undefined) {
    const any = ip.version === 4 ? '0.0.0.0' : '::';
    routes.push({ network: any, netmask: any, gateway: ip.gateway });
  }
  return {
    id,
    type: family,
    link: linkId,
    ip_address: ip.address,
    netmask: ip.netmask,
    routes,
    network_id: networkId,
    services: dnsServers.map((address) => ({ type: 'dns', address })),
  };
}

/** `ec2/latest/meta-data.json` (nova/api/metadata/base.py `get_ec2_metadata`). */
export function buildEc2MetaData(input: InstanceMetadataInput): Record<string, unknown> {
  const firstIpv4 = input.ports.flatMap((p) => p.fixedIps).find((ip) => ip.version === 4)?.address ?? '';
  const publicKeys: Record<string, { 'openssh-key': string }> = {};
  input.keyPairs.forEach((key, index) => (publicKeys[String(index)] = { 'openssh-key': key.publicKey }));
  return {
    'ami-id': input.imageId ?? '',
    'ami-launch-index': input.launchIndex,
    'ami-manifest-path': 'FIXME',
    'block-device-mapping': { ami: 'vda', root: '/dev/vda' },
    hostname: input.hostname,
    'instance-action': 'none',
    'instance-id': `i-${input.uuid.replaceAll('-', '').slice(0, 8)}`,
    'instance-type': input.flavorName ?? '',
    'local-hostname': input.hostname,
    'local-ipv4': firstIpv4,
    placement: { 'availability-zone': input.availabilityZone },
    'public-hostname': input.hostname,
    'public-ipv4': '',
    'public-keys': publicKeys,
    'reservation-id': input.reservationId ?? '',
    'security-groups': [...(input.securityGroups ?? [])],
  };
}

/**
 * Every file of a config drive, by path inside the ISO: `openstack/{latest,2018-08-27}/…` and
 * `ec2/latest/…`. JSON documents are serialised once and shared between versions.
 */
export function buildConfigDriveFiles(input: InstanceMetadataInput): Map<string, string | Uint8Array> {
  const result = new Map<string, string | Uint8Array>();
  const metaData = JSON.stringify(buildMetaData(input));
  const networkData = JSON.stringify(buildNetworkData(input.ports, input.dnsServers));
  const vendorData = JSON.stringify(input.vendorData ?? {});
  const vendorData2 = JSON.stringify(input.vendorData2 ?? {});
  for (const version of ['latest', ...OPENSTACK_METADATA_VERSIONS]) {
    const dir = `openstack/${version}`;
    result.set(`${dir}/meta_data.json`, metaData);
    result.set(`${dir}/network_data.json`, networkData);
    result.set(`${dir}/vendor_data.json`, vendorData);
    result.set(`${dir}/vendor_data2.json`, vendorData2);
    if (input.userData !== undefined) result.set(`${dir}/user_data`, input.userData);
  }
  (input.files ?? []).forEach((f, i) => result.set(`openstack/content/${contentKey(i)}`, f.contents));
  result.set('ec2/latest/meta-data.json', JSON.stringify(buildEc2MetaData(input)));
  if (input.userData !== undefined) result.set('ec2/latest/user-data', input.userData);
  return result;
}
