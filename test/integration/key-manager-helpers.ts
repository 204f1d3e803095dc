// Helpers for the key-manager integration tests: Barbican calls with a token, and a project with users
// holding member, reader and admin on it.
import { issueToken, passwordAuth, type TestApp } from '../support/app.js';

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/** A call to /key-manager; an object body is sent as JSON unless `contentType` says otherwise. */
export async function km(
  app: TestApp,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const raw = body instanceof Buffer || typeof body === 'string';
  const res = await fetch(`${app.url}/key-manager${path}`, {
    method,
    headers: {
      ...(token ? { 'x-auth-token': token } : {}),
      ...(body === undefined
        ? {}
        : { 'content-type': raw ? 'application/octet-stream' : 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : raw ? (body as Buffer) : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

async function keystone(app: TestApp, method: string, path: string, body?: unknown) {
  const res = await fetch(`${app.identityUrl}${path}`, {
    method,
    headers: { 'x-auth-token': app.adminToken, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, any>) : {};
}

export interface TestProject {
  projectId: string;
  /** Tokens scoped to the project, by role. */
  member: string;
  member2: string;
  reader: string;
  admin: string;
  memberUserId: string;
}

/** A new project with four users: two members, a reader and a project admin. */
export async function keyManagerProject(app: TestApp, name: string): Promise<TestProject> {
  const project = await keystone(app, 'POST', '/v3/projects', { project: { name, domain_id: 'default' } });
  const projectId = project.project.id as string;
  const tokens: Record<string, string> = {};
  let memberUserId = '';
  for (const [who, role] of [
    ['member', 'member'],
    ['member2', 'member'],
    ['reader', 'reader'],
    ['admin', 'admin'],
  ] as const) {
    const password = `pw-${name}-${who}-Secret1`;
    const user = await keystone(app, 'POST', '/v3/users', {
      user: { name: `${name}-${who}`, password, domain_id: 'default' },
    });
    if (who === 'member') memberUserId = user.user.id as string;
    const roles = await keystone(app, 'GET', `/v3/roles?name=${role}`);
    await keystone(app, 'PUT', `/v3/projects/${projectId}/users/${user.user.id}/roles/${roles.roles[0].id}`);
    tokens[who] = await issueToken(app.identityUrl, passwordAuth(`${name}-${who}`, password, name));
  }
  return {
    projectId,
    member: tokens.member as string,
    member2: tokens.member2 as string,
    reader: tokens.reader as string,
    admin: tokens.admin as string,
    memberUserId,
  };
}

/** The id at the end of a secret_ref, container_ref or order_ref. */
export const idOf = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);
