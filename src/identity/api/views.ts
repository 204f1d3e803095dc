// Keystone v3 wire shapes: the only place identity objects become snake_case JSON.
import type { CatalogService, Domain, Endpoint, Group, Project, Region, Role, User } from '../model.js';

const RESERVED = new Set(['id', 'name', 'links']);

/** Keystone returns unknown attributes given at create time at the top level of the resource. */
function withExtra<T extends object>(base: T, extra: Record<string, unknown>): T & Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(extra)) if (!RESERVED.has(k)) out[k] = v;
  return Object.assign(out, base) as T & Record<string, unknown>;
}

export function collection(key: string, items: unknown[], selfUrl: string) {
  return { [key]: items, links: { self: selfUrl, previous: null, next: null } };
}

export const views = {
  domain: (d: Domain, base: string) =>
    withExtra(
      {
        id: d.id,
        name: d.name,
        description: d.description,
        enabled: d.enabled,
        tags: [],
        options: {},
        links: { self: `${base}/v3/domains/${d.id}` },
      },
      d.extra,
    ),
  project: (p: Project, base: string) =>
    withExtra(
      {
        id: p.id,
        name: p.name,
        domain_id: p.domainId,
        parent_id: p.parentId ?? p.domainId,
        description: p.description,
        enabled: p.enabled,
        is_domain: false,
        tags: p.tags,
        options: {},
        links: { self: `${base}/v3/projects/${p.id}` },
      },
      p.extra,
    ),
  user: (u: User, base: string) =>
    withExtra(
      {
        id: u.id,
        name: u.name,
        domain_id: u.domainId,
        enabled: u.enabled,
        password_expires_at: u.passwordExpiresAt,
        options: u.options,
        ...(u.defaultProjectId ? { default_project_id: u.defaultProjectId } : {}),
        links: { self: `${base}/v3/users/${u.id}` },
      },
      u.extra,
    ),
  group: (g: Group, base: string) =>
    withExtra(
      {
        id: g.id,
        name: g.name,
        domain_id: g.domainId,
        description: g.description,
        links: { self: `${base}/v3/groups/${g.id}` },
      },
      g.extra,
    ),
  role: (r: Role, base: string) =>
    withExtra(
      {
        id: r.id,
        name: r.name,
        domain_id: r.domainId,
        description: r.description,
        options: {},
        links: { self: `${base}/v3/roles/${r.id}` },
      },
      r.extra,
    ),
  roleRef: (r: { id: string; name: string }, base: string) => ({
    id: r.id,
    name: r.name,
    domain_id: null,
    links: { self: `${base}/v3/roles/${r.id}` },
  }),
  region: (r: Region, base: string) =>
    withExtra(
      {
        id: r.id,
        description: r.description,
        parent_region_id: r.parentRegionId,
        links: { self: `${base}/v3/regions/${r.id}` },
      },
      r.extra,
    ),
  service: (s: CatalogService, base: string) =>
    withExtra(
      {
        id: s.id,
        type: s.type,
        name: s.name,
        description: s.description,
        enabled: s.enabled,
        links: { self: `${base}/v3/services/${s.id}` },
      },
      s.extra,
    ),
  endpoint: (e: Endpoint, base: string) =>
    withExtra(
      {
        id: e.id,
        interface: e.interface,
        region_id: e.regionId,
        region: e.regionId,
        service_id: e.serviceId,
        url: e.url,
        enabled: e.enabled,
        links: { self: `${base}/v3/endpoints/${e.id}` },
      },
      e.extra,
    ),
};
