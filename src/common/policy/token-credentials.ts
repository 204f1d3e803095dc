// Turns a Keystone v3 token body (GET /v3/auth/tokens, `{"token": {...}}` or the inner object) into
// policy credentials, for `nuage policy check` and later for the services' auth hooks.
import { PolicyError } from './registry.js';
import type { PolicyCredentials } from './types.js';

type Json = Record<string, unknown>;

function object(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function id(value: unknown): string | undefined {
  const got = object(value)?.id;
  return typeof got === 'string' ? got : undefined;
}

export function credentialsFromToken(body: unknown): PolicyCredentials {
  const token = object(object(body)?.token) ?? object(body);
  if (!token || !Array.isArray(token.roles)) {
    throw new PolicyError('token JSON: expected a Keystone v3 token body with "roles" (GET /v3/auth/tokens)');
  }
  const roles = token.roles.map((role) => {
    const name = object(role)?.name ?? role;
    if (typeof name !== 'string')
      throw new PolicyError(`token JSON: role ${JSON.stringify(role)} has no name`);
    return name;
  });
  const user = object(token.user);
  const project = object(token.project);
  return {
    userId: id(user),
    userDomainId: id(user?.domain),
    projectId: id(project),
    projectDomainId: id(project?.domain),
    domainId: id(token.domain),
    systemScope: object(token.system)?.all === true ? 'all' : undefined,
    roles,
    isAdminProject: typeof token.is_admin_project === 'boolean' ? token.is_admin_project : undefined,
  };
}
