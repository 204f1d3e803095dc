// Start-up steps of the network service: the admin-owned external network `public` with a subnet on
// a host-only range (so floating IPs work on one machine), and Neutron's auto-allocated topology.
import type { AuthContext } from '../common/http/context.js';
import { errors } from '../common/errors/codes.js';
import { callerProject, isAdmin, policyDenied } from './context.js';
import type { Rec } from './network-store.js';
import { PHYSICAL_NETWORKS } from './provider.js';
import type { NetworkServices } from './services.js';

export interface ExternalNetworkSettings {
  name: string;
  cidr: string;
  gatewayIp: string;
  poolStart: string;
  poolEnd: string;
}

/** An AuthContext for the platform itself acting as the cloud admin (bootstrap only). */
export function platformAdmin(adminProjectId: string): AuthContext {
  return {
    userId: 'nuage-platform',
    userName: 'nuage-platform',
    userDomainId: 'default',
    userDomainName: 'Default',
    scope: {
      kind: 'project',
      projectId: adminProjectId,
      projectName: 'admin',
      domainId: 'default',
      domainName: 'Default',
    },
    roles: [{ id: 'admin', name: 'admin' }],
    roleNames: new Set(['admin', 'member', 'reader']),
    isAdminProject: true,
    methods: ['password'],
    auditIds: [],
    issuedAt: new Date(0),
    expiresAt: new Date(8.64e15),
  };
}

/** Idempotent: creates the external network and its subnet if no external network of that name exists. */
export async function bootstrapExternalNetwork(
  services: NetworkServices,
  adminProjectId: string,
  ext: ExternalNetworkSettings,
): Promise<Rec> {
  const admin = platformAdmin(adminProjectId);
  const existing = (await services.networks.list(admin)).find(
    (n) => n.name === ext.name && n['router:external'] === true,
  );
  const net =
    existing ??
    (await services.networks.create(admin, {
      name: ext.name,
      'router:external': true,
      shared: false,
      is_default: true,
      project_id: adminProjectId,
      'provider:network_type': 'flat',
      'provider:physical_network': PHYSICAL_NETWORKS[0],
    }));
  const subnets = (await services.subnets.list(admin)).filter((s) => s.network_id === net.id);
  if (subnets.length === 0)
    await services.subnets.create(admin, {
      name: `${ext.name}-subnet`,
      network_id: net.id,
      cidr: ext.cidr,
      ip_version: 4,
      gateway_ip: ext.gatewayIp,
      enable_dhcp: false,
      allocation_pools: [{ start: ext.poolStart, end: ext.poolEnd }],
    });
  return net;
}

const AUTO_NETWORK = 'auto_allocated_network';
const AUTO_CIDR = '10.66.0.0/24';

/** GET /v2.0/auto-allocated-topology/{project_id}: finds or builds network + subnet + router. */
export async function autoAllocatedTopology(
  services: NetworkServices,
  auth: AuthContext,
  projectId: string,
  dryRun: boolean,
) {
  if (!isAdmin(auth) && callerProject(auth) !== projectId) throw errors.notFound('project', projectId);
  const target = { project_id: projectId, tenant_id: projectId };
  if (!services.policy.allowed(auth, 'get_auto_allocated_topology', target))
    throw policyDenied('get_auto_allocated_topology');
  const owned = (await services.networks.list(auth)).find(
    (n) => n.project_id === projectId && n.name === AUTO_NETWORK,
  );
  if (owned) return { id: owned.id, project_id: projectId, tenant_id: projectId };
  const external = (await services.networks.list(auth)).filter((n) => n['router:external'] === true);
  const ext = external.find((n) => n.is_default === true) ?? external[0];
  if (!ext)
    throw errors.conflict('Deployment error: no default external network.', {
      internalContext: { neutronType: 'AutoAllocationFailure' },
    });
  if (dryRun) return { id: 'dry-run=pass', project_id: projectId, tenant_id: projectId };
  const net = await services.networks.create(auth, { name: AUTO_NETWORK, project_id: projectId });
  const subnet = await services.subnets.create(auth, {
    name: 'auto_allocated_subnet_v4',
    network_id: net.id,
    cidr: AUTO_CIDR,
    ip_version: 4,
    project_id: projectId,
  });
  const router = await services.routers.create(auth, {
    name: 'auto_allocated_router',
    project_id: projectId,
    external_gateway_info: { network_id: ext.id },
  });
  await services.routers.addInterface(auth, router.id, { subnet_id: subnet.id });
  return { id: net.id, project_id: projectId, tenant_id: projectId };
}
