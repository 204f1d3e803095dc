// The ten personas of the persona matrix (issue 16), created through Keystone's API as a cloud admin:
// a target project P in domain D, and every kind of caller relative to it.
import type { TestApp } from './app.js';

export const PERSONAS = [
  'anonymous',
  'otherMember',
  'reader',
  'member',
  'manager',
  'projectAdmin',
  'otherDomainAdmin',
  'domainAdmin',
  'cloudReader',
  'cloudAdmin',
] as const;
export type Persona = (typeof PERSONAS)[number];

export interface World {
  /** A token per persona; anonymous has none. */
  tokens: Record<Persona, string | undefined>;
  projectId: string;
  otherProjectId: string;
  domainId: string;
  otherDomainId: string;
  /** The member's user id (owner of user-scoped resources: key pairs, credentials). */
  memberUserId: string;
  /** A user in D with no role, the object of role-assignment routes. */
  victimUserId: string;
  roleIds: Record<string, string>;
}

export const PASSWORD = 'Persona-Passw0rd';

export type Json = Record<string, any>;

/** A JSON call with a token; never throws on an HTTP error status. */
export async function api(
  t: TestApp,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: {
      'openstack-api-version': 'compute 2.79, volume 3.71',
      ...(token ? { 'x-auth-token': token } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: Json = {};
  try {
    json = text ? (JSON.parse(text) as Json) : {};
  } catch {
    json = { text };
  }
  return { status: res.status, body: json };
}

async function ok(t: TestApp, method: string, path: string, body?: unknown): Promise<Json> {
  const res = await api(t, t.adminToken, method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function token(t: TestApp, user: string, scope: Json): Promise<string> {
  const res = await fetch(`${t.identityUrl}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: user, domain: { id: 'default' }, password: PASSWORD } },
        },
        scope,
      },
    }),
  });
  if (res.status !== 201) throw new Error(`token for ${user}: ${res.status} ${await res.text()}`);
  return res.headers.get('x-subject-token') as string;
}

/** Keystone's `manager` role (2024.1 secure RBAC): implies member; created when the cloud lacks it. */
async function roles(t: TestApp): Promise<Record<string, string>> {
  const list = (await ok(t, 'GET', '/identity/v3/roles')).roles as { id: string; name: string }[];
  const ids = Object.fromEntries(list.map((r) => [r.name, r.id]));
  if (!ids.manager) {
    ids.manager = (await ok(t, 'POST', '/identity/v3/roles', { role: { name: 'manager' } })).role.id;
    await ok(t, 'PUT', `/identity/v3/roles/${ids.manager}/implies/${ids.member}`);
  }
  return ids as Record<string, string>;
}

async function user(t: TestApp, name: string): Promise<string> {
  const body = { user: { name, password: PASSWORD, domain_id: 'default' } };
  return (await ok(t, 'POST', '/identity/v3/users', body)).user.id as string;
}

export async function createWorld(t: TestApp): Promise<World> {
  const roleIds = await roles(t);
  const domainId = (await ok(t, 'POST', '/identity/v3/domains', { domain: { name: 'pm-dom' } })).domain.id;
  const otherDomainId = (await ok(t, 'POST', '/identity/v3/domains', { domain: { name: 'pm-odom' } })).domain
    .id;
  const project = async (name: string, domain: string) =>
    (await ok(t, 'POST', '/identity/v3/projects', { project: { name, domain_id: domain } })).project
      .id as string;
  const projectId = await project('pm-target', domainId);
  const otherProjectId = await project('pm-other', 'default');
  const adminProject = (await ok(t, 'GET', '/identity/v3/projects?name=admin')).projects[0].id as string;
  const grant = async (kind: 'projects' | 'domains', target: string, userId: string, role: string) =>
    ok(t, 'PUT', `/identity/v3/${kind}/${target}/users/${userId}/roles/${roleIds[role]}`);
  const inProject = async (name: string, target: string, role: string) => {
    const id = await user(t, name);
    await grant('projects', target, id, role);
    return id;
  };
  await inProject('pm-reader', projectId, 'reader');
  const memberUserId = await inProject('pm-member', projectId, 'member');
  await inProject('pm-manager', projectId, 'manager');
  await inProject('pm-padmin', projectId, 'admin');
  await inProject('pm-othermember', otherProjectId, 'member');
  await inProject('pm-creader', adminProject, 'reader');
  await grant('domains', domainId, await user(t, 'pm-domadmin'), 'admin');
  await grant('domains', otherDomainId, await user(t, 'pm-odomadmin'), 'admin');
  const victimUserId = await user(t, 'pm-victim');
  const inP = { project: { id: projectId } };
  const tokens: Record<Persona, string | undefined> = {
    anonymous: undefined,
    otherMember: await token(t, 'pm-othermember', { project: { id: otherProjectId } }),
    reader: await token(t, 'pm-reader', inP),
    member: await token(t, 'pm-member', inP),
    manager: await token(t, 'pm-manager', inP),
    projectAdmin: await token(t, 'pm-padmin', inP),
    otherDomainAdmin: await token(t, 'pm-odomadmin', { domain: { id: otherDomainId } }),
    domainAdmin: await token(t, 'pm-domadmin', { domain: { id: domainId } }),
    cloudReader: await token(t, 'pm-creader', { project: { id: adminProject } }),
    cloudAdmin: t.adminToken,
  };
  return {
    tokens,
    projectId,
    otherProjectId,
    domainId,
    otherDomainId,
    memberUserId,
    victimUserId,
    roleIds,
  };
}
