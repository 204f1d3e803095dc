// The persona matrix's one table (issue 16): for every route of the OpenStack listener, the outcome
// for each persona, in this order:
//   anonymous otherMember reader member manager projectAdmin otherDomainAdmin domainAdmin cloudReader cloudAdmin
// `ok` is any 2xx/3xx; a number is the status. Write rows carry a body of `{}` (Glance PATCH `[]`,
// Swift no body), so where the caller is allowed a write answers 400 (or 415 for byte uploads): the
// row still shows who is refused before the body is read (401/403/404) and who is not. `405` rows are
// methods a Barbican collection registers only to refuse; `412` is Swift's COPY without Destination.
// Rows marked `// BUG:` keep today's behaviour and break an invariant of invariantProblems(); BUGS
// says why, and the fix belongs to the service (see src/common/policy/NEXT.md).
import type { RegisteredRoute } from '../../src/app.js';
import { PERSONAS } from './personas.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'COPY']);

/** Routes on one project's resources: another project must get 404 (or 400 for a URL naming P), never 403. */
const PROJECT_RESOURCE = [
  /^\/network\/v2\.0\/(networks|subnets|ports|routers|security-groups|security-group-rules)\/:id/,
  /^\/compute\/v2\.1\/(servers|images)\/:id/,
  /^\/volume\/v3\/:project\/(volumes|snapshots|backups|attachments)\/:id/,
  /^\/image\/v2\/images\/:id/,
  /^\/key-manager\/v1\/(secrets|containers|orders)\/:id/,
];

/** Cloud-admin-only routes: no project role (reader, member, manager, project admin) gets `ok`. */
const ADMIN_ONLY = [
  /^(POST|PUT|PATCH|DELETE) \/identity\/v3\/(regions|services|endpoints|roles|domains)/,
  /^\/identity\/v3\/(services|endpoints|system|role_inferences)/,
  /^\/compute\/v2\.1\/(os-hypervisors|os-services|os-availability-zone\/detail)/,
  /^POST \/compute\/v2\.1\/flavors|^(PUT|DELETE) \/compute\/v2\.1\/flavors/,
  /^(PUT|DELETE) \/compute\/v2\.1\/os-quota-sets/,
  /^(PUT|DELETE) \/network\/v2\.0\/quotas/,
  /^(POST|PUT|DELETE) \/volume\/v3\/:project\/(types|os-quota-sets)/,
  /^\/rating\/v1\/rating\/module_config\/hashmap\/(services|fields|mappings)/,
];

/** Resources a user owns, not a project: other users of the project (manager, admin) do not see them. */
const USER_OWNED = [
  /^\/identity\/v3\/(users\/:user_id|credentials)/,
  /^\/compute\/v2\.1\/os-keypairs\/:name/,
];

const matches = (patterns: RegExp[], method: string, url: string) =>
  patterns.some((p) => p.test(url) || p.test(`${method} ${url}`));

function rowProblems(key: string, row: Record<string, string>, isPublic: boolean): string[] {
  const [method, url] = key.split(' ') as [string, string];
  const problems: string[] = [];
  const roleNames = ['reader', 'member', 'manager', 'projectAdmin'];
  // /object-store/v1 with no account names nothing and answers 404 to everyone (as in auth-coverage).
  if (!isPublic && !url.endsWith('/object-store/v1') && row.anonymous !== '401')
    problems.push('anonymous is not refused with 401');
  if (WRITES.has(method) && (row.reader === 'ok' || row.cloudReader === 'ok'))
    problems.push('a reader writes');
  if (
    matches(PROJECT_RESOURCE, method, url) &&
    (row.otherMember === '403' || row.otherDomainAdmin === '403')
  ) {
    problems.push("403 reveals another project's resource");
  }
  if (matches(ADMIN_ONLY, method, url) && roleNames.some((r) => row[r] === 'ok')) {
    problems.push('a project role passes an admin-only route');
  }
  if (method === 'GET' && row.cloudAdmin === 'ok' && row.cloudReader !== 'ok') {
    problems.push('the cloud reader cannot read what the cloud admin reads');
  }
  if (
    row.member === 'ok' &&
    !matches(USER_OWNED, method, url) &&
    (row.manager !== 'ok' || row.projectAdmin !== 'ok')
  ) {
    problems.push('a manager or project admin cannot do what a member does');
  }
  return problems;
}

/** Every row that breaks an invariant and is not listed in BUGS, and every BUG that no longer does. */
export function invariantProblems(routes: RegisteredRoute[]): string[] {
  const publicKeys = new Set(routes.filter((r) => r.public).map((r) => `${r.method} ${r.url}`));
  const out: string[] = [];
  for (const [key, value] of Object.entries(TABLE)) {
    const cells = value.split(' ');
    const row = Object.fromEntries(PERSONAS.map((p, i) => [p, cells[i] as string]));
    const problems = rowProblems(key, row, publicKeys.has(key));
    if (problems.length && !(key in BUGS)) out.push(`${key}: ${problems.join('; ')}`);
    if (!problems.length && key in BUGS) out.push(`${key}: listed in BUGS but keeps every invariant`);
  }
  return out;
}

/** Known deviations from OpenStack's secure-RBAC defaults: the row keeps today's answer. */
export const BUGS: Record<string, string> = {
  'GET /object-store/v1/*': 'Swift: the cloud reader gets 403 on another account',
  'GET /network/v2.0/quotas':
    'Neutron rules: list-all quotas / auto-allocated topology are admin-only, not is_reader_admin',
  'GET /network/v2.0/auto-allocated-topology/:project':
    'Neutron rules: list-all quotas / auto-allocated topology are admin-only, not is_reader_admin',
  'GET /image/v2/images/:id': 'Glance (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /image/v2/images/:id/file': 'Glance (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /image/v2/images/:id/members': 'Glance (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /compute/v2.1/servers/:id': 'Nova (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /compute/v2.1/servers/:id/ips': 'Nova (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /compute/v2.1/servers/:id/os-interface':
    'Nova (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /compute/v2.1/servers/:id/os-instance-actions':
    'Nova (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /compute/v2.1/servers/:id/metadata': 'Nova (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /compute/v2.1/servers/:id/metadata/:key':
    'Nova (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /compute/v2.1/servers/:id/os-volume_attachments':
    'Nova (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /compute/v2.1/images/:id': 'Nova (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /compute/v2.1/images/:id/metadata': 'Nova (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /compute/v2.1/os-hypervisors': 'Nova (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /compute/v2.1/os-hypervisors/detail': 'Nova (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /compute/v2.1/os-hypervisors/statistics':
    'Nova (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /compute/v2.1/os-services': 'Nova (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /compute/v2.1/os-availability-zone/detail':
    'Nova (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /compute/v2.1/os-quota-sets/:project': 'Nova (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /compute/v2.1/os-quota-sets/:project/detail':
    'Nova (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /compute/v2.1/servers/:id/tags': 'Nova (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /compute/v2.1/servers/:id/tags/:tag': 'Nova (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /volume/v3/:project/limits':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/os-quota-sets/:target':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/os-quota-sets/:target/defaults':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/extensions':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/os-availability-zone':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/volumes':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/volumes/detail':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/volumes/summary':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/volumes/:id':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/volumes/:id/metadata':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/volumes/:id/metadata/:key':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/snapshots':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/snapshots/detail':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/snapshots/:id':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/snapshots/:id/metadata':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/snapshots/:id/metadata/:key':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/backups':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/backups/detail':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/types':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/types/:id':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/types/:id/extra_specs':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/types/:id/extra_specs/:key':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/attachments':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /volume/v3/:project/attachments/detail':
    'Cinder (hand-written): the cloud reader is refused (400 project mismatch) instead of reading every project',
  'GET /key-manager/v1/secrets/:id': 'Barbican (hand-written): no cloud-reader check, only isCloudAdmin',
  'GET /key-manager/v1/orders/:id':
    'Barbican refuses another domain’s domain-scoped token with 403 before the lookup (404 for a project token): reveals nothing, but is inconsistent',
  'GET /rating/v1/rating/module_config/hashmap/services':
    'CloudKitty hashmap (hand-written): admin-only, no cloud-reader check',
  'GET /rating/v1/rating/module_config/hashmap/services/':
    'CloudKitty hashmap (hand-written): admin-only, no cloud-reader check',
  'GET /rating/v1/rating/module_config/hashmap/mappings':
    'CloudKitty hashmap (hand-written): admin-only, no cloud-reader check',
  'GET /rating/v1/rating/module_config/hashmap/mappings/':
    'CloudKitty hashmap (hand-written): admin-only, no cloud-reader check',
  'DELETE /key-manager/v1/orders/:id':
    'Barbican refuses another domain’s domain-scoped token with 403 before the lookup (404 for a project token): reveals nothing, but is inconsistent',
};

export const TABLE: Record<string, string> = {
  'GET /identity': 'ok ok ok ok ok ok ok ok ok ok',
  'GET /identity/v3': 'ok ok ok ok ok ok ok ok ok ok',
  'GET /identity/v3/': 'ok ok ok ok ok ok ok ok ok ok',
  'POST /identity/v3/auth/tokens': '400 400 400 400 400 400 400 400 400 400',
  'GET /identity/v3/auth/tokens': '401 400 400 400 400 400 400 400 400 400',
  'GET /identity/v3/auth/catalog': '401 ok ok ok ok ok ok ok ok ok',
  'GET /identity/v3/auth/projects': '401 ok ok ok ok ok ok ok ok ok',
  'GET /identity/v3/auth/domains': '401 ok ok ok ok ok ok ok ok ok',
  'GET /identity/v3/auth/system': '401 ok ok ok ok ok ok ok ok ok',
  'GET /identity/v3/users/:id/projects': '401 403 403 403 403 403 403 403 ok ok',
  'GET /identity/v3/domains': '401 ok ok ok ok ok ok ok ok ok',
  'POST /identity/v3/domains': '401 400 400 400 400 400 400 400 400 400',
  'GET /identity/v3/domains/:id': '401 404 ok ok ok ok 404 ok ok ok',
  'PATCH /identity/v3/domains/:id': '401 400 400 400 400 400 400 400 400 400',
  'GET /identity/v3/projects': '401 403 403 403 403 403 ok ok ok ok',
  'POST /identity/v3/projects': '401 400 400 400 400 400 400 400 400 400',
  'GET /identity/v3/projects/:id': '401 404 404 404 404 404 404 ok ok ok',
  'PATCH /identity/v3/projects/:id': '401 400 400 400 400 400 400 400 400 400',
  'GET /identity/v3/projects/:id/tags': '401 404 404 404 404 404 404 ok ok ok',
  'PUT /identity/v3/projects/:id/tags': '401 400 400 400 400 400 400 400 400 400',
  'GET /identity/v3/projects/:id/tags/:tag': '401 404 404 404 404 404 404 404 404 404',
  'PUT /identity/v3/projects/:id/tags/:tag': '401 404 404 404 404 404 404 ok 403 ok',
  'GET /identity/v3/users': '401 403 403 403 403 403 ok ok ok ok',
  'POST /identity/v3/users': '401 400 400 400 400 400 400 400 400 400',
  'GET /identity/v3/users/:id': '401 404 404 404 404 404 404 ok ok ok',
  'PATCH /identity/v3/users/:id': '401 400 400 400 400 400 400 400 400 400',
  'POST /identity/v3/users/:id/password': '400 400 400 400 400 400 400 400 400 400',
  'GET /identity/v3/users/:id/groups': '401 404 404 404 404 404 404 ok ok ok',
  'GET /identity/v3/groups': '401 403 403 403 403 403 ok ok ok ok',
  'POST /identity/v3/groups': '401 400 400 400 400 400 400 400 400 400',
  'GET /identity/v3/groups/:id': '401 404 404 404 404 404 404 ok ok ok',
  'PATCH /identity/v3/groups/:id': '401 400 400 400 400 400 400 400 400 400',
  'GET /identity/v3/groups/:id/users': '401 404 404 404 404 404 404 ok ok ok',
  'PUT /identity/v3/groups/:id/users/:user_id': '401 404 404 404 404 404 404 404 403 ok',
  'GET /identity/v3/groups/:id/users/:user_id': '401 404 404 404 404 404 404 404 ok ok',
  'GET /identity/v3/roles': '401 ok ok ok ok ok ok ok ok ok',
  'POST /identity/v3/roles': '401 400 400 400 400 400 400 400 400 400',
  'GET /identity/v3/roles/:id': '401 ok ok ok ok ok ok ok ok ok',
  'PATCH /identity/v3/roles/:id': '401 400 400 400 400 400 400 400 400 400',
  'PUT /identity/v3/roles/:prior/implies/:implied': '401 403 403 403 403 403 403 403 403 ok',
  'GET /identity/v3/roles/:prior/implies/:implied': '401 403 403 403 403 403 403 403 ok ok',
  'GET /identity/v3/role_inferences': '401 403 403 403 403 403 403 403 ok ok',
  'PUT /identity/v3/projects/:target_id/users/:actor_id/roles/:role_id':
    '401 403 403 403 403 403 403 ok 403 ok',
  'GET /identity/v3/projects/:target_id/users/:actor_id/roles/:role_id':
    '401 403 403 403 403 403 403 ok ok ok',
  'GET /identity/v3/projects/:target_id/users/:actor_id/roles': '401 403 403 403 403 403 403 ok ok ok',
  'PUT /identity/v3/domains/:target_id/users/:actor_id/roles/:role_id':
    '401 403 403 403 403 403 403 ok 403 ok',
  'GET /identity/v3/domains/:target_id/users/:actor_id/roles/:role_id':
    '401 403 403 403 403 403 403 ok ok ok',
  'GET /identity/v3/domains/:target_id/users/:actor_id/roles': '401 403 403 403 403 403 403 ok ok ok',
  'PUT /identity/v3/system/users/:actor_id/roles/:role_id': '401 403 403 403 403 403 403 403 403 ok',
  'GET /identity/v3/system/users/:actor_id/roles/:role_id': '401 403 403 403 403 403 403 403 ok ok',
  'GET /identity/v3/system/users/:actor_id/roles': '401 403 403 403 403 403 403 403 ok ok',
  'PUT /identity/v3/OS-INHERIT/domains/:target_id/users/:actor_id/roles/:role_id/inherited_to_projects':
    '401 403 403 403 403 403 403 ok 403 ok',
  'GET /identity/v3/OS-INHERIT/domains/:target_id/users/:actor_id/roles/:role_id/inherited_to_projects':
    '401 403 403 403 403 403 403 ok ok ok',
  'GET /identity/v3/OS-INHERIT/domains/:target_id/users/:actor_id/roles/inherited_to_projects':
    '401 403 403 403 403 403 403 ok ok ok',
  'PUT /identity/v3/OS-INHERIT/projects/:target_id/users/:actor_id/roles/:role_id/inherited_to_projects':
    '401 403 403 403 403 403 403 ok 403 ok',
  'GET /identity/v3/OS-INHERIT/projects/:target_id/users/:actor_id/roles/:role_id/inherited_to_projects':
    '401 403 403 403 403 403 403 ok ok ok',
  'GET /identity/v3/OS-INHERIT/projects/:target_id/users/:actor_id/roles/inherited_to_projects':
    '401 403 403 403 403 403 403 ok ok ok',
  'PUT /identity/v3/projects/:target_id/groups/:actor_id/roles/:role_id':
    '401 403 403 403 403 403 403 ok 403 ok',
  'GET /identity/v3/projects/:target_id/groups/:actor_id/roles/:role_id':
    '401 403 403 403 403 403 403 ok ok ok',
  'GET /identity/v3/projects/:target_id/groups/:actor_id/roles': '401 403 403 403 403 403 403 ok ok ok',
  'PUT /identity/v3/domains/:target_id/groups/:actor_id/roles/:role_id':
    '401 403 403 403 403 403 403 ok 403 ok',
  'GET /identity/v3/domains/:target_id/groups/:actor_id/roles/:role_id':
    '401 403 403 403 403 403 403 ok ok ok',
  'GET /identity/v3/domains/:target_id/groups/:actor_id/roles': '401 403 403 403 403 403 403 ok ok ok',
  'PUT /identity/v3/system/groups/:actor_id/roles/:role_id': '401 403 403 403 403 403 403 403 403 ok',
  'GET /identity/v3/system/groups/:actor_id/roles/:role_id': '401 403 403 403 403 403 403 403 ok ok',
  'GET /identity/v3/system/groups/:actor_id/roles': '401 403 403 403 403 403 403 403 ok ok',
  'PUT /identity/v3/OS-INHERIT/domains/:target_id/groups/:actor_id/roles/:role_id/inherited_to_projects':
    '401 403 403 403 403 403 403 ok 403 ok',
  'GET /identity/v3/OS-INHERIT/domains/:target_id/groups/:actor_id/roles/:role_id/inherited_to_projects':
    '401 403 403 403 403 403 403 ok ok ok',
  'GET /identity/v3/OS-INHERIT/domains/:target_id/groups/:actor_id/roles/inherited_to_projects':
    '401 403 403 403 403 403 403 ok ok ok',
  'PUT /identity/v3/OS-INHERIT/projects/:target_id/groups/:actor_id/roles/:role_id/inherited_to_projects':
    '401 403 403 403 403 403 403 ok 403 ok',
  'GET /identity/v3/OS-INHERIT/projects/:target_id/groups/:actor_id/roles/:role_id/inherited_to_projects':
    '401 403 403 403 403 403 403 ok ok ok',
  'GET /identity/v3/OS-INHERIT/projects/:target_id/groups/:actor_id/roles/inherited_to_projects':
    '401 403 403 403 403 403 403 ok ok ok',
  'GET /identity/v3/role_assignments': '401 403 403 403 403 403 ok ok ok ok',
  'GET /identity/v3/regions': '401 ok ok ok ok ok ok ok ok ok',
  'GET /identity/v3/regions/:id': '401 ok ok ok ok ok ok ok ok ok',
  'POST /identity/v3/regions': '401 400 400 400 400 400 400 400 400 400',
  'PATCH /identity/v3/regions/:id': '401 400 400 400 400 400 400 400 400 400',
  'GET /identity/v3/services': '401 403 403 403 403 403 403 403 ok ok',
  'GET /identity/v3/services/:id': '401 403 403 403 403 403 403 403 ok ok',
  'POST /identity/v3/services': '401 400 400 400 400 400 400 400 400 400',
  'PATCH /identity/v3/services/:id': '401 400 400 400 400 400 400 400 400 400',
  'GET /identity/v3/endpoints': '401 403 403 403 403 403 403 403 ok ok',
  'GET /identity/v3/endpoints/:id': '401 403 403 403 403 403 403 403 ok ok',
  'POST /identity/v3/endpoints': '401 400 400 400 400 400 400 400 400 400',
  'PATCH /identity/v3/endpoints/:id': '401 400 400 400 400 400 400 400 400 400',
  'GET /identity/v3/users/:user_id/application_credentials': '401 404 404 ok 404 404 404 404 ok ok',
  'POST /identity/v3/users/:user_id/application_credentials': '401 400 400 400 400 400 400 400 400 400',
  'GET /identity/v3/users/:user_id/application_credentials/:id': '401 404 404 ok 404 404 404 404 ok ok',
  'GET /identity/v3/credentials': '401 ok ok ok ok ok ok ok ok ok',
  'POST /identity/v3/credentials': '401 400 400 400 400 400 400 400 400 400',
  'GET /identity/v3/credentials/:id': '401 404 404 ok 404 404 404 404 ok ok',
  'PATCH /identity/v3/credentials/:id': '401 400 400 400 400 400 400 400 400 400',
  'GET /identity/v3/users/:user_id/credentials/OS-EC2': '401 404 404 ok 404 404 404 404 ok ok',
  'POST /identity/v3/users/:user_id/credentials/OS-EC2': '401 400 400 400 400 400 400 400 400 400',
  'GET /identity/v3/users/:user_id/credentials/OS-EC2/:access': '401 404 404 404 404 404 404 404 404 404',
  'GET /identity/v3/OS-NUAGE/audit/events': '401 403 403 403 403 ok 403 403 ok ok',
  'GET /object-store/info': 'ok ok ok ok ok ok ok ok ok ok',
  // BUG: see BUGS
  'GET /object-store/v1/*': '401 403 ok ok ok ok 403 403 403 ok',
  'PUT /object-store/v1/*': '401 403 403 ok ok ok 403 403 403 ok',
  'POST /object-store/v1/*': '401 403 403 ok ok ok 403 403 403 ok',
  'COPY /object-store/v1/*': '401 403 412 412 412 412 403 403 403 412',
  'GET /object-store/v1': '404 404 404 404 404 404 404 404 404 404',
  'PUT /object-store/v1': '404 404 404 404 404 404 404 404 404 404',
  'POST /object-store/v1': '404 404 404 404 404 404 404 404 404 404',
  'COPY /object-store/v1': '404 404 404 404 404 404 404 404 404 404',
  'GET /network': 'ok ok ok ok ok ok ok ok ok ok',
  'GET /network/v2.0': 'ok ok ok ok ok ok ok ok ok ok',
  'GET /network/v2.0/': 'ok ok ok ok ok ok ok ok ok ok',
  'GET /network/v2.0/extensions': '401 ok ok ok ok ok ok ok ok ok',
  'GET /network/v2.0/extensions/:alias': '401 ok ok ok ok ok ok ok ok ok',
  'GET /network/v2.0/networks': '401 ok ok ok ok ok ok ok ok ok',
  'POST /network/v2.0/networks': '401 400 400 400 400 400 400 400 400 400',
  'GET /network/v2.0/networks/:id': '401 404 ok ok ok ok 404 404 ok ok',
  'PUT /network/v2.0/networks/:id': '401 400 400 400 400 400 400 400 400 400',
  'GET /network/v2.0/subnets': '401 ok ok ok ok ok ok ok ok ok',
  'POST /network/v2.0/subnets': '401 400 400 400 400 400 400 400 400 400',
  'GET /network/v2.0/subnets/:id': '401 404 ok ok ok ok 404 404 ok ok',
  'PUT /network/v2.0/subnets/:id': '401 400 400 400 400 400 400 400 400 400',
  'GET /network/v2.0/subnetpools': '401 ok ok ok ok ok ok ok ok ok',
  'POST /network/v2.0/subnetpools': '401 400 400 400 400 400 400 400 400 400',
  'GET /network/v2.0/subnetpools/:id': '401 404 404 404 404 404 404 404 404 404',
  'PUT /network/v2.0/subnetpools/:id': '401 400 400 400 400 400 400 400 400 400',
  'GET /network/v2.0/ports': '401 ok ok ok ok ok ok ok ok ok',
  'POST /network/v2.0/ports': '401 400 400 400 400 400 400 400 400 400',
  'GET /network/v2.0/ports/:id': '401 404 ok ok ok ok 404 404 ok ok',
  'PUT /network/v2.0/ports/:id': '401 400 400 400 400 400 400 400 400 400',
  'GET /network/v2.0/security-groups': '401 ok ok ok ok ok 403 403 ok ok',
  'POST /network/v2.0/security-groups': '401 400 400 400 400 400 400 400 400 400',
  'GET /network/v2.0/security-groups/:id': '401 404 ok ok ok ok 404 404 ok ok',
  'PUT /network/v2.0/security-groups/:id': '401 400 400 400 400 400 400 400 400 400',
  'GET /network/v2.0/security-group-rules': '401 ok ok ok ok ok ok ok ok ok',
  'POST /network/v2.0/security-group-rules': '401 400 400 400 400 400 400 400 400 400',
  'GET /network/v2.0/security-group-rules/:id': '401 404 ok ok ok ok 404 404 ok ok',
  'PUT /network/v2.0/security-group-rules/:id': '401 400 400 400 400 400 400 400 400 400',
  'GET /network/v2.0/routers': '401 ok ok ok ok ok ok ok ok ok',
  'POST /network/v2.0/routers': '401 400 400 400 400 400 400 400 400 400',
  'GET /network/v2.0/routers/:id': '401 404 ok ok ok ok 404 404 ok ok',
  'PUT /network/v2.0/routers/:id': '401 400 400 400 400 400 400 400 400 400',
  'GET /network/v2.0/floatingips': '401 ok ok ok ok ok ok ok ok ok',
  'POST /network/v2.0/floatingips': '401 400 400 400 400 400 400 400 400 400',
  'GET /network/v2.0/floatingips/:id': '401 404 404 404 404 404 404 404 404 404',
  'PUT /network/v2.0/floatingips/:id': '401 400 400 400 400 400 400 400 400 400',
  'PUT /network/v2.0/routers/:id/add_router_interface': '401 400 400 400 400 400 400 400 400 400',
  'PUT /network/v2.0/routers/:id/remove_router_interface': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /network/v2.0/quotas': '401 403 403 403 403 403 403 403 403 ok',
  'GET /network/v2.0/quotas/:project': '401 403 ok ok ok ok 403 403 ok ok',
  'GET /network/v2.0/quotas/:project/default': '401 403 ok ok ok ok 403 403 ok ok',
  'GET /network/v2.0/quotas/:project/details.json': '401 403 ok ok ok ok 403 403 ok ok',
  'GET /network/v2.0/quotas/:project/details': '401 403 ok ok ok ok 403 403 ok ok',
  'PUT /network/v2.0/quotas/:project': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /network/v2.0/auto-allocated-topology/:project': '401 404 403 ok ok ok 403 403 404 ok',
  'GET /image': 'ok ok ok ok ok ok ok ok ok ok',
  'GET /image/versions': 'ok ok ok ok ok ok ok ok ok ok',
  'GET /image/v2/schemas/image': '401 ok ok ok ok ok ok ok ok ok',
  'GET /image/v2/schemas/images': '401 ok ok ok ok ok ok ok ok ok',
  'GET /image/v2/schemas/member': '401 ok ok ok ok ok ok ok ok ok',
  'GET /image/v2/schemas/members': '401 ok ok ok ok ok ok ok ok ok',
  'GET /image/v2/info/import': '401 ok ok ok ok ok ok ok ok ok',
  'GET /image/v2/info/stores': '401 ok ok ok ok ok ok ok ok ok',
  'GET /image/v2/info/usage': '401 ok ok ok ok ok ok ok ok ok',
  'POST /image/v2/images': '401 ok 403 ok ok ok 403 403 403 ok',
  'GET /image/v2/images': '401 ok ok ok ok ok ok ok ok ok',
  // BUG: see BUGS
  'GET /image/v2/images/:id': '401 404 ok ok ok ok 404 404 404 ok',
  'PATCH /image/v2/images/:id': '401 404 403 ok ok ok 404 404 404 ok',
  'POST /image/v2/images/:id/actions/deactivate': '401 404 403 ok ok ok 404 404 404 ok',
  'POST /image/v2/images/:id/actions/reactivate': '401 404 403 ok ok ok 404 404 404 ok',
  'PUT /image/v2/images/:id/tags/:tag': '401 404 403 ok ok ok 404 404 404 ok',
  'PUT /image/v2/images/:id/file': '401 415 415 415 415 415 415 415 415 415',
  // BUG: see BUGS
  'GET /image/v2/images/:id/file': '401 404 ok ok ok ok 404 404 404 ok',
  'PUT /image/v2/images/:id/stage': '401 415 415 415 415 415 415 415 415 415',
  'POST /image/v2/images/:id/import': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /image/v2/images/:id/members': '401 404 ok ok ok ok 404 404 404 ok',
  'POST /image/v2/images/:id/members': '401 400 400 400 400 400 400 400 400 400',
  'GET /image/v2/images/:id/members/:member': '401 404 404 404 404 404 404 404 404 404',
  'PUT /image/v2/images/:id/members/:member': '401 400 400 400 400 400 400 400 400 400',
  'GET /compute': 'ok ok ok ok ok ok ok ok ok ok',
  'GET /compute/v2': 'ok ok ok ok ok ok ok ok ok ok',
  'GET /compute/v2/': 'ok ok ok ok ok ok ok ok ok ok',
  'GET /compute/v2.1': 'ok ok ok ok ok ok ok ok ok ok',
  'GET /compute/v2.1/': 'ok ok ok ok ok ok ok ok ok ok',
  'GET /compute/v2.1/limits': '401 ok ok ok ok ok ok ok ok ok',
  'GET /compute/v2.1/flavors': '401 ok ok ok ok ok ok ok ok ok',
  'GET /compute/v2.1/flavors/detail': '401 ok ok ok ok ok ok ok ok ok',
  'GET /compute/v2.1/flavors/:id': '401 ok ok ok ok ok ok ok ok ok',
  'POST /compute/v2.1/flavors': '401 400 400 400 400 400 400 400 400 400',
  'PUT /compute/v2.1/flavors/:id': '401 405 405 405 405 405 405 405 405 405',
  'GET /compute/v2.1/flavors/:id/os-flavor-access': '401 403 403 403 403 403 403 403 403 404',
  'POST /compute/v2.1/flavors/:id/action': '401 400 400 400 400 400 400 400 400 400',
  'GET /compute/v2.1/flavors/:id/os-extra_specs': '401 ok ok ok ok ok ok ok ok ok',
  'POST /compute/v2.1/flavors/:id/os-extra_specs': '401 400 400 400 400 400 400 400 400 400',
  'GET /compute/v2.1/flavors/:id/os-extra_specs/:key': '401 ok ok ok ok ok ok ok ok ok',
  'PUT /compute/v2.1/flavors/:id/os-extra_specs/:key': '401 400 400 400 400 400 400 400 400 400',
  'POST /compute/v2.1/os-keypairs': '401 400 400 400 400 400 400 400 400 400',
  'GET /compute/v2.1/os-keypairs': '401 ok ok ok ok ok ok ok ok ok',
  'GET /compute/v2.1/os-keypairs/:name': '401 404 404 ok 404 404 404 404 404 404',
  'POST /compute/v2.1/servers': '401 400 400 400 400 400 400 400 400 400',
  'GET /compute/v2.1/servers': '401 ok ok ok ok ok 403 403 ok ok',
  'GET /compute/v2.1/servers/detail': '401 ok ok ok ok ok 403 403 ok ok',
  // BUG: see BUGS
  'GET /compute/v2.1/servers/:id': '401 404 ok ok ok ok 404 404 404 ok',
  'PUT /compute/v2.1/servers/:id': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /compute/v2.1/servers/:id/ips': '401 404 ok ok ok ok 404 404 404 ok',
  'GET /compute/v2.1/servers/:id/ips/:network': '401 404 404 404 404 404 404 404 404 404',
  // BUG: see BUGS
  'GET /compute/v2.1/servers/:id/os-interface': '401 404 ok ok ok ok 404 404 404 ok',
  'GET /compute/v2.1/servers/:id/os-interface/:portId': '401 404 404 404 404 404 404 404 404 404',
  // BUG: see BUGS
  'GET /compute/v2.1/servers/:id/os-instance-actions': '401 404 ok ok ok ok 404 404 404 ok',
  'GET /compute/v2.1/servers/:id/os-instance-actions/:requestId': '401 404 404 404 404 404 404 404 404 404',
  'POST /compute/v2.1/servers/:id/action': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /compute/v2.1/servers/:id/metadata': '401 404 ok ok ok ok 404 404 404 ok',
  'PUT /compute/v2.1/servers/:id/metadata': '401 400 400 400 400 400 400 400 400 400',
  'POST /compute/v2.1/servers/:id/metadata': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /compute/v2.1/servers/:id/metadata/:key': '401 404 ok ok ok ok 404 404 404 ok',
  'PUT /compute/v2.1/servers/:id/metadata/:key': '401 400 400 400 400 400 400 400 400 400',
  'GET /compute/v2.1/os-availability-zone': '401 ok ok ok ok ok ok ok ok ok',
  // BUG: see BUGS
  'GET /compute/v2.1/servers/:id/os-volume_attachments': '401 404 ok ok ok ok 404 404 404 ok',
  'POST /compute/v2.1/servers/:id/os-volume_attachments': '401 400 400 400 400 400 400 400 400 400',
  'GET /compute/v2.1/servers/:id/os-volume_attachments/:volumeId': '401 404 404 404 404 404 404 404 404 404',
  'PUT /compute/v2.1/servers/:id/os-volume_attachments/:volumeId': '401 400 400 400 400 400 400 400 400 400',
  'POST /compute/v2.1/servers/:id/remote-consoles': '401 400 400 400 400 400 400 400 400 400',
  'GET /compute/v2.1/images': '401 ok ok ok ok ok ok ok ok ok',
  'GET /compute/v2.1/images/detail': '401 ok ok ok ok ok ok ok ok ok',
  // BUG: see BUGS
  'GET /compute/v2.1/images/:id': '401 404 ok ok ok ok 404 404 404 ok',
  // BUG: see BUGS
  'GET /compute/v2.1/images/:id/metadata': '401 404 ok ok ok ok 404 404 404 ok',
  'POST /compute/v2.1/images/:id/metadata': '401 400 400 400 400 400 400 400 400 400',
  'PUT /compute/v2.1/images/:id/metadata': '401 400 400 400 400 400 400 400 400 400',
  'GET /compute/v2.1/images/:id/metadata/:key': '401 404 404 404 404 404 404 404 404 404',
  'PUT /compute/v2.1/images/:id/metadata/:key': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /compute/v2.1/os-hypervisors': '401 403 403 403 403 403 403 403 403 ok',
  // BUG: see BUGS
  'GET /compute/v2.1/os-hypervisors/detail': '401 403 403 403 403 403 403 403 403 ok',
  // BUG: see BUGS
  'GET /compute/v2.1/os-hypervisors/statistics': '401 403 403 403 403 403 403 403 403 ok',
  'GET /compute/v2.1/os-hypervisors/:id': '401 403 403 403 403 403 403 403 403 404',
  // BUG: see BUGS
  'GET /compute/v2.1/os-services': '401 403 403 403 403 403 403 403 403 ok',
  'PUT /compute/v2.1/os-services/:id': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /compute/v2.1/os-availability-zone/detail': '401 403 403 403 403 403 403 403 403 ok',
  // BUG: see BUGS
  'GET /compute/v2.1/os-quota-sets/:project': '401 403 ok ok ok ok 403 403 403 ok',
  'GET /compute/v2.1/os-quota-sets/:project/defaults': '401 ok ok ok ok ok ok ok ok ok',
  // BUG: see BUGS
  'GET /compute/v2.1/os-quota-sets/:project/detail': '401 403 ok ok ok ok 403 403 403 ok',
  'PUT /compute/v2.1/os-quota-sets/:project': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /compute/v2.1/servers/:id/tags': '401 404 ok ok ok ok 404 404 404 ok',
  'PUT /compute/v2.1/servers/:id/tags': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /compute/v2.1/servers/:id/tags/:tag': '401 404 ok ok ok ok 404 404 404 ok',
  'PUT /compute/v2.1/servers/:id/tags/:tag': '401 404 403 ok ok ok 404 404 403 ok',
  'POST /internal/v1/agents/:host/heartbeat': '401 400 400 400 400 400 400 400 400 400',
  'POST /internal/v1/agents/:host/events': '401 400 400 400 400 400 400 400 400 400',
  'GET /volume': 'ok ok ok ok ok ok ok ok ok ok',
  'GET /volume/v3': 'ok ok ok ok ok ok ok ok ok ok',
  'GET /volume/v3/': 'ok ok ok ok ok ok ok ok ok ok',
  // BUG: see BUGS
  'GET /volume/v3/:project/limits': '401 400 ok ok ok ok 400 400 400 ok',
  // BUG: see BUGS
  'GET /volume/v3/:project/os-quota-sets/:target': '401 400 ok ok ok ok 400 400 400 ok',
  // BUG: see BUGS
  'GET /volume/v3/:project/os-quota-sets/:target/defaults': '401 400 ok ok ok ok 400 400 400 ok',
  'PUT /volume/v3/:project/os-quota-sets/:target': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /volume/v3/:project/extensions': '401 400 ok ok ok ok 400 400 400 ok',
  // BUG: see BUGS
  'GET /volume/v3/:project/os-availability-zone': '401 400 ok ok ok ok 400 400 400 ok',
  'POST /volume/v3/:project/volumes': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /volume/v3/:project/volumes': '401 400 ok ok ok ok 400 400 400 ok',
  // BUG: see BUGS
  'GET /volume/v3/:project/volumes/detail': '401 400 ok ok ok ok 400 400 400 ok',
  // BUG: see BUGS
  'GET /volume/v3/:project/volumes/summary': '401 400 ok ok ok ok 400 400 400 ok',
  // BUG: see BUGS
  'GET /volume/v3/:project/volumes/:id': '401 400 ok ok ok ok 400 400 400 ok',
  'PUT /volume/v3/:project/volumes/:id': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /volume/v3/:project/volumes/:id/metadata': '401 400 ok ok ok ok 400 400 400 ok',
  'PUT /volume/v3/:project/volumes/:id/metadata': '401 400 400 400 400 400 400 400 400 400',
  'POST /volume/v3/:project/volumes/:id/metadata': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /volume/v3/:project/volumes/:id/metadata/:key': '401 400 ok ok ok ok 400 400 400 ok',
  'PUT /volume/v3/:project/volumes/:id/metadata/:key': '401 400 400 400 400 400 400 400 400 400',
  'POST /volume/v3/:project/volumes/:id/action': '401 400 400 400 400 400 400 400 400 400',
  'POST /volume/v3/:project/snapshots': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /volume/v3/:project/snapshots': '401 400 ok ok ok ok 400 400 400 ok',
  // BUG: see BUGS
  'GET /volume/v3/:project/snapshots/detail': '401 400 ok ok ok ok 400 400 400 ok',
  // BUG: see BUGS
  'GET /volume/v3/:project/snapshots/:id': '401 400 ok ok ok ok 400 400 400 ok',
  'PUT /volume/v3/:project/snapshots/:id': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /volume/v3/:project/snapshots/:id/metadata': '401 400 ok ok ok ok 400 400 400 ok',
  'PUT /volume/v3/:project/snapshots/:id/metadata': '401 400 400 400 400 400 400 400 400 400',
  'POST /volume/v3/:project/snapshots/:id/metadata': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /volume/v3/:project/snapshots/:id/metadata/:key': '401 400 ok ok ok ok 400 400 400 ok',
  'PUT /volume/v3/:project/snapshots/:id/metadata/:key': '401 400 400 400 400 400 400 400 400 400',
  'POST /volume/v3/:project/snapshots/:id/action': '401 400 400 400 400 400 400 400 400 400',
  'POST /volume/v3/:project/backups': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /volume/v3/:project/backups': '401 400 ok ok ok ok 400 400 400 ok',
  // BUG: see BUGS
  'GET /volume/v3/:project/backups/detail': '401 400 ok ok ok ok 400 400 400 ok',
  'GET /volume/v3/:project/backups/:id': '401 400 404 404 404 404 400 400 400 404',
  'PUT /volume/v3/:project/backups/:id': '401 400 400 400 400 400 400 400 400 400',
  'POST /volume/v3/:project/backups/:id/restore': '401 400 400 400 400 400 400 400 400 400',
  'POST /volume/v3/:project/backups/:id/action': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /volume/v3/:project/types': '401 400 ok ok ok ok 400 400 400 ok',
  // BUG: see BUGS
  'GET /volume/v3/:project/types/:id': '401 400 ok ok ok ok 400 400 400 ok',
  'POST /volume/v3/:project/types': '401 400 400 400 400 400 400 400 400 400',
  'PUT /volume/v3/:project/types/:id': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /volume/v3/:project/types/:id/extra_specs': '401 400 ok ok ok ok 400 400 400 ok',
  'POST /volume/v3/:project/types/:id/extra_specs': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /volume/v3/:project/types/:id/extra_specs/:key': '401 400 ok ok ok ok 400 400 400 ok',
  'PUT /volume/v3/:project/types/:id/extra_specs/:key': '401 400 400 400 400 400 400 400 400 400',
  'GET /volume/v3/:project/types/:id/os-volume-type-access': '401 400 403 403 403 403 400 400 400 404',
  'POST /volume/v3/:project/types/:id/action': '401 400 400 400 400 400 400 400 400 400',
  'POST /volume/v3/:project/attachments': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /volume/v3/:project/attachments': '401 400 ok ok ok ok 400 400 400 ok',
  // BUG: see BUGS
  'GET /volume/v3/:project/attachments/detail': '401 400 ok ok ok ok 400 400 400 ok',
  'GET /volume/v3/:project/attachments/:id': '401 400 404 404 404 404 400 400 400 404',
  'PUT /volume/v3/:project/attachments/:id': '401 400 400 400 400 400 400 400 400 400',
  'POST /volume/v3/:project/attachments/:id/action': '401 400 400 400 400 400 400 400 400 400',
  'GET /key-manager': 'ok ok ok ok ok ok ok ok ok ok',
  'GET /key-manager/v1': 'ok ok ok ok ok ok ok ok ok ok',
  'GET /key-manager/v1/': 'ok ok ok ok ok ok ok ok ok ok',
  'GET /key-manager/v1/secrets': '401 ok ok ok ok ok 403 403 ok ok',
  'POST /key-manager/v1/secrets': '401 ok 403 ok ok ok 403 403 403 ok',
  'PUT /key-manager/v1/secrets': '401 405 405 405 405 405 405 405 405 405',
  'PATCH /key-manager/v1/secrets': '401 405 405 405 405 405 405 405 405 405',
  'GET /key-manager/v1/secrets/': '401 ok ok ok ok ok 403 403 ok ok',
  'POST /key-manager/v1/secrets/': '401 ok 403 ok ok ok 403 403 403 ok',
  'PUT /key-manager/v1/secrets/': '401 405 405 405 405 405 405 405 405 405',
  'PATCH /key-manager/v1/secrets/': '401 405 405 405 405 405 405 405 405 405',
  // BUG: see BUGS
  'GET /key-manager/v1/secrets/:id': '401 404 ok ok ok ok 404 404 404 ok',
  'PUT /key-manager/v1/secrets/:id': '401 404 403 415 415 415 404 404 404 403',
  'POST /key-manager/v1/secrets/:id': '401 405 405 405 405 405 405 405 405 405',
  'PATCH /key-manager/v1/secrets/:id': '401 405 405 405 405 405 405 405 405 405',
  'GET /key-manager/v1/secrets/:id/payload': '401 404 403 ok ok ok 404 404 404 403',
  'POST /key-manager/v1/secrets/:id/payload': '401 405 405 405 405 405 405 405 405 405',
  'PUT /key-manager/v1/secrets/:id/payload': '401 405 405 405 405 405 405 405 405 405',
  'PATCH /key-manager/v1/secrets/:id/payload': '401 405 405 405 405 405 405 405 405 405',
  'GET /key-manager/v1/containers': '401 ok ok ok ok ok 403 403 ok ok',
  'POST /key-manager/v1/containers': '401 400 403 400 400 400 403 403 403 400',
  'PUT /key-manager/v1/containers': '401 405 405 405 405 405 405 405 405 405',
  'PATCH /key-manager/v1/containers': '401 405 405 405 405 405 405 405 405 405',
  'GET /key-manager/v1/containers/': '401 ok ok ok ok ok 403 403 ok ok',
  'POST /key-manager/v1/containers/': '401 400 403 400 400 400 403 403 403 400',
  'PUT /key-manager/v1/containers/': '401 405 405 405 405 405 405 405 405 405',
  'PATCH /key-manager/v1/containers/': '401 405 405 405 405 405 405 405 405 405',
  'GET /key-manager/v1/containers/:id': '401 404 ok ok ok ok 404 404 404 403',
  'POST /key-manager/v1/containers/:id': '401 405 405 405 405 405 405 405 405 405',
  'PUT /key-manager/v1/containers/:id': '401 405 405 405 405 405 405 405 405 405',
  'PATCH /key-manager/v1/containers/:id': '401 405 405 405 405 405 405 405 405 405',
  'POST /key-manager/v1/containers/:id/secrets': '401 404 403 400 400 400 404 404 404 403',
  'GET /key-manager/v1/containers/:id/secrets': '401 405 405 405 405 405 405 405 405 405',
  'PUT /key-manager/v1/containers/:id/secrets': '401 405 405 405 405 405 405 405 405 405',
  'PATCH /key-manager/v1/containers/:id/secrets': '401 405 405 405 405 405 405 405 405 405',
  'POST /key-manager/v1/containers/:id/secrets/': '401 404 403 400 400 400 404 404 404 403',
  'GET /key-manager/v1/containers/:id/secrets/': '401 405 405 405 405 405 405 405 405 405',
  'PUT /key-manager/v1/containers/:id/secrets/': '401 405 405 405 405 405 405 405 405 405',
  'PATCH /key-manager/v1/containers/:id/secrets/': '401 405 405 405 405 405 405 405 405 405',
  'GET /key-manager/v1/orders': '401 ok ok ok ok ok 403 403 ok ok',
  'POST /key-manager/v1/orders': '401 400 403 400 400 400 403 403 403 400',
  'PUT /key-manager/v1/orders': '401 405 403 405 405 405 403 403 403 405',
  'PATCH /key-manager/v1/orders': '401 405 405 405 405 405 405 405 405 405',
  'GET /key-manager/v1/orders/': '401 ok ok ok ok ok 403 403 ok ok',
  'POST /key-manager/v1/orders/': '401 400 403 400 400 400 403 403 403 400',
  'PUT /key-manager/v1/orders/': '401 405 403 405 405 405 403 403 403 405',
  'PATCH /key-manager/v1/orders/': '401 405 405 405 405 405 405 405 405 405',
  // BUG: see BUGS
  'GET /key-manager/v1/orders/:id': '401 404 ok ok ok ok 403 403 404 404',
  'POST /key-manager/v1/orders/:id': '401 405 405 405 405 405 405 405 405 405',
  'PUT /key-manager/v1/orders/:id': '401 405 405 405 405 405 405 405 405 405',
  'PATCH /key-manager/v1/orders/:id': '401 405 405 405 405 405 405 405 405 405',
  'GET /compute/v2.1/os-simple-tenant-usage': '401 403 403 403 403 403 403 403 403 400',
  'GET /compute/v2.1/os-simple-tenant-usage/:tenant_id': '401 403 400 400 400 400 403 403 403 400',
  'GET /rating/v1/report/summary': '401 ok ok ok ok ok 403 403 ok ok',
  'GET /rating/v1/storage/dataframes': '401 ok ok ok ok ok 403 403 ok ok',
  'GET /rating/v1/rating/module_config/hashmap/types': '401 ok ok ok ok ok ok ok ok ok',
  // BUG: see BUGS
  'GET /rating/v1/rating/module_config/hashmap/services': '401 403 403 403 403 403 403 403 403 ok',
  'POST /rating/v1/rating/module_config/hashmap/services': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /rating/v1/rating/module_config/hashmap/services/': '401 403 403 403 403 403 403 403 403 ok',
  'POST /rating/v1/rating/module_config/hashmap/services/': '401 400 400 400 400 400 400 400 400 400',
  'GET /rating/v1/rating/module_config/hashmap/services/:id': '401 403 403 403 403 403 403 403 403 404',
  'GET /rating/v1/rating/module_config/hashmap/fields': '401 400 400 400 400 400 400 400 400 400',
  'POST /rating/v1/rating/module_config/hashmap/fields': '401 400 400 400 400 400 400 400 400 400',
  'GET /rating/v1/rating/module_config/hashmap/fields/': '401 400 400 400 400 400 400 400 400 400',
  'POST /rating/v1/rating/module_config/hashmap/fields/': '401 400 400 400 400 400 400 400 400 400',
  'GET /rating/v1/rating/module_config/hashmap/fields/:id': '401 403 403 403 403 403 403 403 403 404',
  // BUG: see BUGS
  'GET /rating/v1/rating/module_config/hashmap/mappings': '401 403 403 403 403 403 403 403 403 ok',
  'POST /rating/v1/rating/module_config/hashmap/mappings': '401 400 400 400 400 400 400 400 400 400',
  // BUG: see BUGS
  'GET /rating/v1/rating/module_config/hashmap/mappings/': '401 403 403 403 403 403 403 403 403 ok',
  'POST /rating/v1/rating/module_config/hashmap/mappings/': '401 400 400 400 400 400 400 400 400 400',
  'GET /rating/v1/rating/module_config/hashmap/mappings/:id': '401 403 403 403 403 403 403 403 403 404',
  'DELETE /identity/v3/auth/tokens': '401 400 400 400 400 400 400 400 400 400',
  'DELETE /identity/v3/domains/:id': '401 404 403 403 403 403 404 403 403 ok',
  'DELETE /identity/v3/projects/:id': '401 404 404 404 404 404 404 ok 403 ok',
  'DELETE /identity/v3/projects/:id/tags/:tag': '401 404 404 404 404 404 404 ok 403 ok',
  'DELETE /identity/v3/users/:id': '401 404 404 404 404 404 404 ok 403 ok',
  'DELETE /identity/v3/groups/:id': '401 404 404 404 404 404 404 ok 403 ok',
  'DELETE /identity/v3/groups/:id/users/:user_id': '401 404 404 404 404 404 404 404 403 ok',
  'DELETE /identity/v3/roles/:id': '401 403 403 403 403 403 403 403 403 ok',
  'DELETE /identity/v3/roles/:prior/implies/:implied': '401 403 403 403 403 403 403 403 403 ok',
  'DELETE /identity/v3/projects/:target_id/users/:actor_id/roles/:role_id':
    '401 403 403 403 403 403 403 ok 403 ok',
  'DELETE /identity/v3/domains/:target_id/users/:actor_id/roles/:role_id':
    '401 403 403 403 403 403 403 ok 403 ok',
  'DELETE /identity/v3/system/users/:actor_id/roles/:role_id': '401 403 403 403 403 403 403 403 403 ok',
  'DELETE /identity/v3/OS-INHERIT/domains/:target_id/users/:actor_id/roles/:role_id/inherited_to_projects':
    '401 403 403 403 403 403 403 ok 403 ok',
  'DELETE /identity/v3/OS-INHERIT/projects/:target_id/users/:actor_id/roles/:role_id/inherited_to_projects':
    '401 403 403 403 403 403 403 ok 403 ok',
  'DELETE /identity/v3/projects/:target_id/groups/:actor_id/roles/:role_id':
    '401 403 403 403 403 403 403 ok 403 ok',
  'DELETE /identity/v3/domains/:target_id/groups/:actor_id/roles/:role_id':
    '401 403 403 403 403 403 403 ok 403 ok',
  'DELETE /identity/v3/system/groups/:actor_id/roles/:role_id': '401 403 403 403 403 403 403 403 403 ok',
  'DELETE /identity/v3/OS-INHERIT/domains/:target_id/groups/:actor_id/roles/:role_id/inherited_to_projects':
    '401 403 403 403 403 403 403 ok 403 ok',
  'DELETE /identity/v3/OS-INHERIT/projects/:target_id/groups/:actor_id/roles/:role_id/inherited_to_projects':
    '401 403 403 403 403 403 403 ok 403 ok',
  'DELETE /identity/v3/regions/:id': '401 403 403 403 403 403 403 403 403 ok',
  'DELETE /identity/v3/services/:id': '401 403 403 403 403 403 403 403 403 ok',
  'DELETE /identity/v3/endpoints/:id': '401 403 403 403 403 403 403 403 403 ok',
  'DELETE /identity/v3/users/:user_id/application_credentials/:id': '401 404 404 ok 404 404 404 404 403 ok',
  'DELETE /identity/v3/credentials/:id': '401 404 404 ok 404 404 404 404 403 ok',
  'DELETE /identity/v3/users/:user_id/credentials/OS-EC2/:access': '401 404 404 404 404 404 404 404 403 404',
  'DELETE /object-store/v1/*': '401 403 403 ok ok ok 403 403 403 ok',
  'DELETE /object-store/v1': '404 404 404 404 404 404 404 404 404 404',
  'DELETE /network/v2.0/networks/:id': '401 404 403 ok ok ok 404 404 403 ok',
  'DELETE /network/v2.0/subnets/:id': '401 404 403 ok ok ok 404 404 403 ok',
  'DELETE /network/v2.0/subnetpools/:id': '401 404 404 404 404 404 404 404 404 404',
  'DELETE /network/v2.0/ports/:id': '401 404 403 ok ok ok 404 404 403 ok',
  'DELETE /network/v2.0/security-groups/:id': '401 404 403 ok ok ok 404 404 403 ok',
  'DELETE /network/v2.0/security-group-rules/:id': '401 404 403 ok ok ok 404 404 403 ok',
  'DELETE /network/v2.0/routers/:id': '401 404 403 ok ok ok 404 404 403 ok',
  'DELETE /network/v2.0/floatingips/:id': '401 404 404 404 404 404 404 404 404 404',
  'DELETE /network/v2.0/quotas/:project': '401 403 403 403 403 403 403 403 403 ok',
  'DELETE /network/v2.0/auto-allocated-topology/:project': '401 404 403 ok ok ok 403 403 404 ok',
  'DELETE /image/v2/images/:id': '401 404 403 ok ok ok 404 404 404 ok',
  'DELETE /image/v2/images/:id/tags/:tag': '401 404 403 ok ok ok 404 404 404 ok',
  'DELETE /image/v2/images/:id/members/:member': '401 404 404 404 404 404 404 404 404 404',
  'DELETE /compute/v2.1/flavors/:id': '401 403 403 403 403 403 403 403 403 ok',
  'DELETE /compute/v2.1/flavors/:id/os-extra_specs/:key': '401 403 403 403 403 403 403 403 403 ok',
  'DELETE /compute/v2.1/os-keypairs/:name': '401 404 404 ok 404 404 404 404 404 404',
  'DELETE /compute/v2.1/servers/:id': '401 404 403 ok ok ok 404 404 403 ok',
  'DELETE /compute/v2.1/servers/:id/metadata/:key': '401 404 403 ok ok ok 404 404 403 ok',
  'DELETE /compute/v2.1/servers/:id/os-volume_attachments/:volumeId':
    '401 404 403 404 404 404 404 404 403 404',
  'DELETE /compute/v2.1/images/:id': '401 404 403 ok ok ok 404 404 404 ok',
  'DELETE /compute/v2.1/images/:id/metadata/:key': '401 404 404 404 404 404 404 404 404 404',
  'DELETE /compute/v2.1/os-services/:id': '401 403 403 403 403 403 403 403 403 404',
  'DELETE /compute/v2.1/os-quota-sets/:project': '401 403 403 403 403 403 403 403 403 ok',
  'DELETE /compute/v2.1/servers/:id/tags': '401 404 403 ok ok ok 404 404 403 ok',
  'DELETE /compute/v2.1/servers/:id/tags/:tag': '401 404 403 ok ok ok 404 404 403 ok',
  'DELETE /volume/v3/:project/os-quota-sets/:target': '401 400 403 403 403 403 400 400 400 ok',
  'DELETE /volume/v3/:project/volumes/:id': '401 400 403 ok ok ok 400 400 400 ok',
  'DELETE /volume/v3/:project/volumes/:id/metadata/:key': '401 400 403 ok ok ok 400 400 400 ok',
  'DELETE /volume/v3/:project/snapshots/:id': '401 400 403 ok ok ok 400 400 400 ok',
  'DELETE /volume/v3/:project/snapshots/:id/metadata/:key': '401 400 403 ok ok ok 400 400 400 ok',
  'DELETE /volume/v3/:project/backups/:id': '401 400 403 404 404 404 400 400 400 404',
  'DELETE /volume/v3/:project/types/:id': '401 400 403 403 403 403 400 400 400 ok',
  'DELETE /volume/v3/:project/types/:id/extra_specs/:key': '401 400 403 403 403 403 400 400 400 ok',
  'DELETE /volume/v3/:project/attachments/:id': '401 400 403 404 404 404 400 400 400 404',
  'DELETE /key-manager/v1/secrets': '401 405 405 405 405 405 405 405 405 405',
  'DELETE /key-manager/v1/secrets/': '401 405 405 405 405 405 405 405 405 405',
  'DELETE /key-manager/v1/secrets/:id': '401 404 403 ok ok ok 404 404 404 ok',
  'DELETE /key-manager/v1/secrets/:id/payload': '401 405 405 405 405 405 405 405 405 405',
  'DELETE /key-manager/v1/containers': '401 405 405 405 405 405 405 405 405 405',
  'DELETE /key-manager/v1/containers/': '401 405 405 405 405 405 405 405 405 405',
  'DELETE /key-manager/v1/containers/:id': '401 404 403 ok ok ok 404 404 404 403',
  'DELETE /key-manager/v1/containers/:id/secrets': '401 400 400 400 400 400 400 400 400 400',
  'DELETE /key-manager/v1/containers/:id/secrets/': '401 400 400 400 400 400 400 400 400 400',
  'DELETE /key-manager/v1/orders': '401 405 405 405 405 405 405 405 405 405',
  'DELETE /key-manager/v1/orders/': '401 405 405 405 405 405 405 405 405 405',
  // BUG: see BUGS
  'DELETE /key-manager/v1/orders/:id': '401 404 403 ok ok ok 403 403 404 404',
  'DELETE /rating/v1/rating/module_config/hashmap/services': '401 400 400 400 400 400 400 400 400 400',
  'DELETE /rating/v1/rating/module_config/hashmap/services/': '401 400 400 400 400 400 400 400 400 400',
  'DELETE /rating/v1/rating/module_config/hashmap/services/:id': '401 403 403 403 403 403 403 403 403 404',
  'DELETE /rating/v1/rating/module_config/hashmap/fields': '401 400 400 400 400 400 400 400 400 400',
  'DELETE /rating/v1/rating/module_config/hashmap/fields/': '401 400 400 400 400 400 400 400 400 400',
  'DELETE /rating/v1/rating/module_config/hashmap/fields/:id': '401 403 403 403 403 403 403 403 403 404',
  'DELETE /rating/v1/rating/module_config/hashmap/mappings': '401 400 400 400 400 400 400 400 400 400',
  'DELETE /rating/v1/rating/module_config/hashmap/mappings/': '401 400 400 400 400 400 400 400 400 400',
  'DELETE /rating/v1/rating/module_config/hashmap/mappings/:id': '401 403 403 403 403 403 403 403 403 404',
};
