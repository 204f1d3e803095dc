// Helpers for the network integration tests: JSON calls against the test app, and a project with a
// member user so tests can act as a tenant other than admin.
import { issueToken, passwordAuth, type TestApp } from '../support/app.js';

export interface Reply {
  status: number;
  body: Record<string, any>;
}

export function caller(t: TestApp, token: string) {
  return async (method: string, path: string, body?: unknown): Promise<Reply> => {
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: {
        'x-auth-token': token,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
}

/** Creates project `name` with a member user and returns that user's project token and the project id. */
export async function tenant(t: TestApp, name: string): Promise<{ token: string; projectId: string }> {
  const admin = caller(t, t.adminToken);
  const project = await admin('POST', '/identity/v3/projects', { project: { name, domain_id: 'default' } });
  const user = await admin('POST', '/identity/v3/users', {
    user: { name: `${name}-user`, password: 'Passw0rd-secret', domain_id: 'default' },
  });
  const roles = await admin('GET', '/identity/v3/roles?name=member');
  const roleId = roles.body.roles[0].id as string;
  await admin(
    'PUT',
    `/identity/v3/projects/${project.body.project.id}/users/${user.body.user.id}/roles/${roleId}`,
  );
  const token = await issueToken(t.identityUrl, passwordAuth(`${name}-user`, 'Passw0rd-secret', name));
  return { token, projectId: project.body.project.id as string };
}
