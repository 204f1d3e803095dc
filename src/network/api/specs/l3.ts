// The attribute maps of routers (l3, ext-gw-mode, extraroute), floating IPs, security groups and their
// rules (security-group, stateful-security-group).
import {
  createOnly,
  readOnly,
  rw,
  standardAttributes,
  updateOnly,
  type ResourceSpec,
} from '../validation/attribute-map.js';
import {
  ethertypeKind,
  gatewayInfoKind,
  idOrNoneKind,
  portKind,
  protocolKind,
  remoteIpPrefixKind,
} from '../validation/extension-kinds.js';
import { kinds } from '../validation/kinds.js';

const f = { filter: true, sort: true };

export const routerSpec: ResourceSpec = {
  resource: 'router',
  collection: 'routers',
  allowBulk: true,
  adminOnlyFields: ['distributed', 'ha'],
  attributes: {
    ...standardAttributes(),
    name: rw(kinds.string(255), f),
    admin_state_up: rw(kinds.boolean(), f),
    status: readOnly(f),
    external_gateway_info: rw(gatewayInfoKind),
    routes: updateOnly(kinds.hostRoutes()),
    distributed: readOnly({ filter: true }),
    ha: readOnly({ filter: true }),
    availability_zone_hints: readOnly(),
    availability_zones: readOnly(),
    flavor_id: readOnly({ filter: true }),
  },
};

export const floatingIpSpec: ResourceSpec = {
  resource: 'floatingip',
  collection: 'floatingips',
  allowBulk: true,
  attributes: {
    ...standardAttributes(),
    floating_ip_address: createOnly(kinds.ipAddressOrNone(), f),
    subnet_id: createOnly(kinds.uuidOrNone()),
    floating_network_id: createOnly(kinds.uuid(), { required: true, ...f }),
    router_id: readOnly(f),
    port_id: rw(kinds.uuidOrNone(), f),
    fixed_ip_address: rw(kinds.ipAddressOrNone(), f),
    status: readOnly(f),
    qos_policy_id: readOnly(),
    port_details: readOnly(),
    port_forwardings: readOnly(),
  },
};

export const securityGroupSpec: ResourceSpec = {
  resource: 'security_group',
  collection: 'security_groups',
  allowBulk: true,
  attributes: {
    ...standardAttributes(),
    name: rw(kinds.string(255), f),
    stateful: rw(kinds.boolean(), f),
    shared: readOnly({ filter: true }),
    security_group_rules: readOnly(),
  },
};

export const securityGroupRuleSpec: ResourceSpec = {
  resource: 'security_group_rule',
  collection: 'security_group_rules',
  allowBulk: true,
  attributes: {
    ...standardAttributes(),
    security_group_id: createOnly(kinds.string(36), { required: true, ...f }),
    remote_group_id: createOnly(idOrNoneKind, f),
    direction: createOnly(kinds.values(['ingress', 'egress']), { required: true, ...f }),
    protocol: createOnly(protocolKind, f),
    port_range_min: createOnly(portKind, f),
    port_range_max: createOnly(portKind, f),
    ethertype: createOnly(ethertypeKind, f),
    remote_ip_prefix: createOnly(remoteIpPrefixKind, f),
    remote_address_group_id: readOnly(f),
    normalized_cidr: readOnly(),
    belongs_to_default_sg: readOnly({ filter: true }),
  },
};
