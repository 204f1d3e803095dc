// The network service's (Neutron's) policy defaults, registered under the service name `network`.
import type { PolicyRegistry } from '../registry.js';
import { NETWORK_BASE_RULES } from './network-base.js';
import { NETWORK_NETWORK_RULES } from './network-network.js';
import { NETWORK_PORT_RULES } from './network-port.js';
import { NETWORK_ROUTER_RULES } from './network-router.js';
import { NETWORK_SECURITY_GROUP_RULES } from './network-security-group.js';

export function registerNetworkDefaults(registry: PolicyRegistry): void {
  registry.registerDefaults('network', [
    ...NETWORK_BASE_RULES,
    ...NETWORK_NETWORK_RULES,
    ...NETWORK_PORT_RULES,
    ...NETWORK_ROUTER_RULES,
    ...NETWORK_SECURITY_GROUP_RULES,
  ]);
}
