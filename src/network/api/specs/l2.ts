// The attribute maps of networks, subnets, ports and subnet pools: neutron_lib's core definitions plus
// the extensions /v2.0/extensions lists (external-net, provider, net-mtu-writable, port-security,
// allowed-address-pairs, binding, auto-allocated-topology, subnet_allocation, stateful/standard attrs).
import {
  createOnly,
  readOnly,
  rw,
  standardAttributes,
  type ResourceSpec,
} from '../validation/attribute-map.js';
import { addressPairsKind, stringOrNoneKind } from '../validation/extension-kinds.js';
import { kinds } from '../validation/kinds.js';

const f = { filter: true, sort: true };

export const NETWORK_TYPES = ['flat', 'vxlan'];

export const networkSpec: ResourceSpec = {
  resource: 'network',
  collection: 'networks',
  allowBulk: true,
  adminOnlyFields: ['provider:network_type', 'provider:physical_network', 'provider:segmentation_id'],
  attributes: {
    ...standardAttributes(),
    name: rw(kinds.string(255), f),
    subnets: readOnly(),
    admin_state_up: rw(kinds.boolean(), f),
    status: readOnly(f),
    shared: rw(kinds.boolean(), { filter: true }),
    'router:external': rw(kinds.boolean(), { filter: true }),
    is_default: rw(kinds.boolean(), { filter: true }),
    mtu: rw(kinds.intRange(0, 65535), f),
    port_security_enabled: rw(kinds.boolean(), { filter: true }),
    'provider:network_type': rw(kinds.values(NETWORK_TYPES), { filter: true }),
    'provider:physical_network': rw(stringOrNoneKind(64), { filter: true }),
    'provider:segmentation_id': rw(kinds.intRange(0, 2 ** 31 - 1), { filter: true }),
    availability_zone_hints: readOnly(),
    availability_zones: readOnly(),
    ipv4_address_scope: readOnly(),
    ipv6_address_scope: readOnly(),
    l2_adjacency: readOnly(),
  },
};

export const IPV6_MODES = ['dhcpv6-stateful', 'dhcpv6-stateless', 'slaac'];

export const subnetSpec: ResourceSpec = {
  resource: 'subnet',
  collection: 'subnets',
  allowBulk: true,
  attributes: {
    ...standardAttributes(),
    name: rw(kinds.string(255), f),
    ip_version: createOnly(kinds.intValues([4, 6]), { required: true, ...f }),
    network_id: createOnly(kinds.uuid(), { required: true, ...f }),
    subnetpool_id: createOnly(kinds.uuidOrNone(), f),
    prefixlen: createOnly(kinds.intRange(0, 128)),
    cidr: createOnly(kinds.subnetOrNone(), f),
    gateway_ip: rw(kinds.ipAddressOrNone(), f),
    allocation_pools: rw(kinds.ipPools()),
    dns_nameservers: rw(kinds.nameservers()),
    host_routes: rw(kinds.hostRoutes()),
    enable_dhcp: rw(kinds.boolean(), f),
    ipv6_ra_mode: createOnly(kinds.valuesOrNone(IPV6_MODES), f),
    ipv6_address_mode: createOnly(kinds.valuesOrNone(IPV6_MODES), f),
    shared: readOnly({ filter: true }),
    service_types: readOnly(),
    segment_id: readOnly({ filter: true }),
    dns_publish_fixed_ip: readOnly(),
  },
};

export const VNIC_TYPES = ['normal'];

export const portSpec: ResourceSpec = {
  resource: 'port',
  collection: 'ports',
  allowBulk: true,
  adminOnlyFields: ['binding:host_id', 'binding:profile', 'binding:vif_type', 'binding:vif_details'],
  attributes: {
    ...standardAttributes(),
    name: rw(kinds.string(255), f),
    network_id: createOnly(kinds.uuid(), { required: true, ...f }),
    admin_state_up: rw(kinds.boolean(), f),
    mac_address: rw(kinds.macAddress(), f),
    fixed_ips: rw(kinds.fixedIps(), { filter: true }),
    device_id: rw(kinds.string(255), f),
    device_owner: rw(kinds.string(255), f),
    status: readOnly(f),
    security_groups: rw(kinds.uuidList(), { filter: true }),
    port_security_enabled: rw(kinds.boolean(), { filter: true }),
    allowed_address_pairs: rw(addressPairsKind),
    'binding:host_id': rw(kinds.string(255), { filter: true }),
    'binding:profile': rw(kinds.dict()),
    'binding:vnic_type': rw(kinds.values(VNIC_TYPES), { filter: true }),
    'binding:vif_type': readOnly(),
    'binding:vif_details': readOnly(),
    extra_dhcp_opts: readOnly(),
    ip_allocation: readOnly(),
    propagate_uplink_status: readOnly(),
  },
};

export const subnetPoolSpec: ResourceSpec = {
  resource: 'subnetpool',
  collection: 'subnetpools',
  allowBulk: true,
  attributes: {
    ...standardAttributes(),
    name: rw(kinds.notEmptyString(255), { required: true, ...f }),
    prefixes: rw(kinds.subnetList(), { required: true }),
    default_quota: rw(kinds.intRange(0, 2 ** 31 - 1), f),
    ip_version: readOnly(f),
    default_prefixlen: rw(kinds.intRange(0, 128), f),
    min_prefixlen: rw(kinds.intRange(0, 128), f),
    max_prefixlen: rw(kinds.intRange(0, 128), f),
    is_default: rw(kinds.boolean(), f),
    shared: createOnly(kinds.boolean(), f),
  },
};
