// "Admin read of another project's data": a cloud admin or cloud reader whose successful GET returned a
// project-scoped resource (or a listing) of a project other than the token's. Found without asking each
// service: the project named by the path (Swift's AUTH_<project>, Cinder's /v3/<project_id>), by the
// query (all_tenants, project_id, tenant_id, owner…), or by the single resource in the answer (Nova,
// Neutron and Cinder wrap it in one key with tenant_id/project_id; Glance answers it bare with owner).
import type { FastifyRequest } from 'fastify';
import { isCloudReader } from '../identity/policy.js';

/** Every project at once (a listing across projects). */
export const ALL_PROJECTS = '*';

/** Answers larger than this are not parsed for their owner (a listing names its projects in the query). */
const MAX_PARSED = 256 * 1024;
const OWNER_KEYS = ['tenant_id', 'project_id', 'owner', 'os-vol-tenant-attr:tenant_id'];
const QUERY_PROJECT_KEYS = ['project_id', 'tenant_id', 'project', 'owner'];
const ALL_KEYS = ['all_tenants', 'all_projects'];

function ownerOf(record: unknown): string | undefined {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return undefined;
  const fields = record as Record<string, unknown>;
  for (const key of OWNER_KEYS) {
    const value = fields[key];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}

/** The owner of the one resource an answer carries, bare or wrapped in a single key. */
function ownerInPayload(payload: unknown): string | undefined {
  if (typeof payload !== 'string' || payload.length > MAX_PARSED || !payload.startsWith('{'))
    return undefined;
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const bare = ownerOf(body);
  if (bare !== undefined) return bare;
  const values = Object.values(body as Record<string, unknown>);
  return values.length === 1 ? ownerOf(values[0]) : undefined;
}

function projectInRequest(request: FastifyRequest): string | undefined {
  const params = (request.params ?? {}) as Record<string, unknown>;
  const account = params.account;
  if (typeof account === 'string' && account.startsWith('AUTH_')) return account.slice('AUTH_'.length);
  for (const key of ['project_id', 'projectId', 'tenant_id']) {
    if (typeof params[key] === 'string') return params[key];
  }
  const query = (request.query ?? {}) as Record<string, unknown>;
  for (const key of ALL_KEYS) {
    const value = query[key];
    if (value !== undefined && !['0', 'false', 'False'].includes(String(value))) return ALL_PROJECTS;
  }
  for (const key of QUERY_PROJECT_KEYS) {
    if (typeof query[key] === 'string' && query[key].length > 0) return query[key];
  }
  return undefined;
}

/** The other project a cloud reader's successful read touched, or undefined (not such a read). */
export function adminReadTarget(
  request: FastifyRequest,
  status: number,
  payload: unknown,
): string | undefined {
  const auth = request.auth;
  if (!auth || status >= 400 || (request.method !== 'GET' && request.method !== 'HEAD')) return undefined;
  if (!isCloudReader(auth)) return undefined;
  const own = auth.scope.kind === 'project' ? auth.scope.projectId : undefined;
  const target = projectInRequest(request) ?? ownerInPayload(payload);
  return target !== undefined && target !== own ? target : undefined;
}
