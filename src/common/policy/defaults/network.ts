// The network service's (Neutron's) policy defaults, registered under the service name `network`,
// with Nuage's deviations (nuage-deviations.ts) applied.
import type { PolicyRegistry } from '../registry.js';
import type { RuleDefault } from '../types.js';
import { ops } from './operations.js';
import { NETWORK_BASE_RULES } from './network-base.js';
import { NETWORK_NETWORK_RULES } from './network-network.js';
import { NETWORK_POOL_QUOTA_RULES } from './network-pool-quota.js';
import { NETWORK_PORT_RULES } from './network-port.js';
import { NETWORK_ROUTER_RULES } from './network-router.js';
import { NETWORK_SECURITY_GROUP_RULES } from './network-security-group.js';
import { nuageDefaults } from './nuage-deviations.js';

/** Rules for what Nuage's network API adds to Neutron's. */
const NUAGE_NETWORK_RULES: readonly RuleDefault[] = [
  {
    name: 'update_security_group_rule',
    check: '(rule:admin_only) or (role:member and rule:sg_owner)',
    scopeTypes: ['project', 'system'],
    description: "Update a security group rule's description (Nuage; Neutron's rules are immutable)",
    operations: ops('PUT /security-group-rules/{id}'),
  },
];

export function registerNetworkDefaults(registry: PolicyRegistry): void {
  const upstream = [
    ...NETWORK_BASE_RULES,
    ...NETWORK_NETWORK_RULES,
    ...NETWORK_PORT_RULES,
    ...NETWORK_ROUTER_RULES,
    ...NETWORK_SECURITY_GROUP_RULES,
    ...NETWORK_POOL_QUOTA_RULES,
  ];
  registry.registerDefaults(
    'network',
    nuageDefaults(upstream, {
      admin: 'context_is_admin',
      globalReader: 'context_with_global_access',
      // The cloud admin binds ports into a namespace (`--binding-profile netns=…`), as Nuage's tests
      // and operators do without a `service` user; upstream keeps binding:profile to service_api.
      replaced: {
        'create_port:binding:profile': 'rule:service_api or rule:admin_only',
        'update_port:binding:profile': 'rule:service_api or rule:admin_only',
      },
    }),
  );
  registry.registerDefaults('network', NUAGE_NETWORK_RULES);
}
