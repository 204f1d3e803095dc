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
  const system = object(token.system)?.all === true;
  // Keystone writes is_admin_project only when an admin project is configured; absent, every project
  // is one for the admin role only (docs/admin-semantics.md), as identity/policy.ts decides.
  const adminProject = token.is_admin_project;
  const lower = roles.map((r) => r.toLowerCase());
  const isAdmin = lower.includes('admin') && (system || (project !== undefined && adminProject !== false));
  const reader = lower.includes('reader') || lower.includes('admin');
  const isReaderAdmin = isAdmin || (reader && (system || (project !== undefined && adminProject === true)));
  return {
    userId: id(user),
    userDomainId: id(user?.domain),
    projectId: id(project),
    projectDomainId: id(project?.domain),
    domainId: id(token.domain),
    systemScope: system ? 'all' : undefined,
    roles,
    isAdmin,
    isReaderAdmin,
    isAdminProject: typeof token.is_admin_project === 'boolean' ? token.is_admin_project : undefined,
  };
}
