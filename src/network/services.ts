// Wires the network services over one context: quotas, networks, subnet pools, subnets, ports (with the allocator),
// security groups, routers and floating IPs.
import type { NetContext } from './context.js';
import { createFloatingIpService } from './floating-ip-service.js';
import { createNetworkService } from './network-service.js';
import { createPortAllocator } from './port-allocator.js';
import { createPortService } from './port-service.js';
import { createQuotaService } from './quota-service.js';
import { createRouterService } from './router-service.js';
import { createSecurityGroupService } from './security-group-service.js';
import { createSubnetPoolService } from './subnet-pool-service.js';
import { createSubnetService } from './subnet-service.js';

export function createNetworkServices(ctx: NetContext) {
  const quotas = createQuotaService(ctx);
  const networks = createNetworkService(ctx, quotas);
  const allocator = createPortAllocator(ctx);
  const subnetPools = createSubnetPoolService(ctx);
  const subnets = createSubnetService(ctx, quotas, networks, allocator, subnetPools);
  const securityGroups = createSecurityGroupService(ctx, quotas);
  const ports = createPortService(ctx, quotas, networks, securityGroups, allocator);
  const routers = createRouterService(ctx, quotas, networks, allocator);
  const floatingIps = createFloatingIpService(ctx, quotas, networks, ports, allocator);
  return {
    policy: ctx.policy,
    quotas,
    networks,
    subnets,
    subnetPools,
    ports,
    securityGroups,
    routers,
    floatingIps,
  };
}

export type NetworkServices = ReturnType<typeof createNetworkServices>;
