// Turns a registered route pattern into a concrete path on the persona matrix's real resources: each
// `:param` is resolved by its name and the collection segment before it.
import type { Fixtures } from './persona-fixtures.js';
import type { World } from './personas.js';

export const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

/** The fixture kind an `:id` after this collection segment names (absent: no fixture, a missing id). */
const KIND_OF_COLLECTION: Record<string, string> = {
  networks: 'network',
  subnets: 'subnet',
  ports: 'port',
  routers: 'router',
  'security-groups': 'sg',
  'security-group-rules': 'rule',
  servers: 'server',
  flavors: 'flavor',
  images: 'image',
  volumes: 'volume',
  snapshots: 'snapshot',
  types: 'volumeType',
  secrets: 'secret',
  containers: 'bcontainer',
  orders: 'order',
  groups: 'group',
  users: 'user',
  roles: 'role',
  regions: 'region',
  services: 'service',
  endpoints: 'endpoint',
  credentials: 'credential',
  application_credentials: 'appcred',
  'os-keypairs': 'keypair',
};

/** The kind a route's last `:id`-like parameter names: what a DELETE row needs fresh per persona. */
export function targetKind(url: string): string | undefined {
  const parts = url.split('/');
  const last = parts.length - 1;
  if (!parts[last]?.startsWith(':')) return undefined;
  if (url.includes('/users/:user_id/application_credentials/:id')) return 'appcred';
  const before = parts[last - 1] as string;
  if (before === 'projects' && parts[last] === ':id') return 'project';
  if (before === 'domains' && parts[last] === ':id') return 'domain';
  return KIND_OF_COLLECTION[before];
}

function resolve(name: string, before: string, url: string, w: World, fx: Fixtures): string {
  switch (name) {
    case 'project':
    case 'tenant_id':
    case 'target':
      return w.projectId;
    case 'target_id':
      return before === 'domains' ? w.domainId : w.projectId;
    case 'actor_id':
      return before === 'groups' ? (fx.group as string) : w.victimUserId;
    case 'user_id':
      return url.includes('/groups/') ? w.victimUserId : w.memberUserId;
    case 'role_id':
      return w.roleIds.reader as string;
    case 'prior':
      return w.roleIds.manager as string;
    case 'implied':
      return w.roleIds.member as string;
    case 'key':
      return 'k';
    case 'tag':
      return 'tag1';
    case 'name':
      return fx.keypair as string;
    case 'network':
      return 'no-such-network';
    case 'member':
      return w.otherProjectId;
    case 'alias':
      return 'security-group';
    case 'host':
      return 'no-such-host';
    default:
      break;
  }
  // Identity's own objects are fixtures in D (never P or the member themselves, which a DELETE row
  // would remove for every later row).
  if (before === 'projects') return fx.project ?? w.projectId;
  if (before === 'domains') return fx.domain ?? w.domainId;
  const kind = KIND_OF_COLLECTION[before];
  return (kind && fx[kind]) || NO_SUCH_ID;
}

export function concretePath(url: string, w: World, fx: Fixtures): string {
  if (url === '/object-store/v1/*') return `/object-store/v1/AUTH_${w.projectId}/c/o`;
  const parts = url.split('/');
  return parts
    .map((p, i) => (p.startsWith(':') ? resolve(p.slice(1), parts[i - 1] as string, url, w, fx) : p))
    .join('/');
}
