// What GET /v2.0/extensions lists: exactly the Neutron extensions this service implements (the CLI
// decides which calls to make from it).
const EXTENSIONS: [alias: string, name: string, description: string][] = [
  ['external-net', 'Neutron external network', 'Adds external network attribute to network resource.'],
  [
    'router',
    'Neutron L3 Router',
    'Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway.',
  ],
  [
    'ext-gw-mode',
    'Neutron L3 Configurable external gateway mode',
    'Extension of the router abstraction for specifying whether SNAT should occur on the external gateway.',
  ],
  ['extraroute', 'Neutron Extra Route', 'Extra routes configuration for L3 router'],
  ['security-group', 'security-group', 'The security groups extension.'],
  ['port-security', 'Port Security', 'Provides port security.'],
  ['allowed-address-pairs', 'Allowed Address Pairs', 'Provides allowed address pairs.'],
  ['binding', 'Port Binding', 'Expose port bindings of a virtual port to external application.'],
  ['quotas', 'Quota management support', 'Expose functions for quotas management per project.'],
  [
    'quota_details',
    'Quota details management support',
    'Expose functions for quotas usage statistics per project.',
  ],
  ['net-mtu', 'Network MTU', 'Provides MTU attribute for a network resource.'],
  ['net-mtu-writable', 'Network MTU (writable)', 'Provides a writable MTU attribute for a network resource.'],
  ['subnet_allocation', 'Subnet Allocation', 'Enables allocation of subnets from a subnet pool'],
  ['auto-allocated-topology', 'Auto Allocated Topology Services', 'Auto Allocated Topology Services.'],
  ['project-id', 'project_id field enabled', 'Extension that indicates that project_id field is enabled.'],
  [
    'standard-attr-description',
    'standard-attr-description',
    'Extension to add descriptions to standard attributes.',
  ],
  [
    'standard-attr-timestamp',
    'Resource timestamps',
    'Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.',
  ],
  [
    'standard-attr-revisions',
    'Resource revision numbers',
    'This extension will display the revision number of neutron resources.',
  ],
  ['provider', 'Provider Network', 'Expose mapping of virtual networks to physical networks.'],
  [
    'stateful-security-group',
    'Stateful security group',
    'Indicates if the security group is stateful or not.',
  ],
];

export function extensionList() {
  return EXTENSIONS.map(([alias, name, description]) => ({
    alias,
    name,
    description,
    updated: '2026-11-30T00:00:00-00:00',
    links: [],
  }));
}

export function hasExtension(alias: string): boolean {
  return EXTENSIONS.some(([a]) => a === alias);
}
