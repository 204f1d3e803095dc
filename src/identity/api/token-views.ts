// The token body Keystone returns from POST/GET /v3/auth/tokens, including the catalog.
import type { CatalogEntry } from '../catalog-service.js';
import type { ValidatedToken } from '../token-service.js';

/** Keystone prints times with microseconds: 2026-11-29T21:00:00.000000Z. */
export function keystoneTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function catalogView(entries: CatalogEntry[]) {
  return entries.map(({ service, endpoints }) => ({
    id: service.id,
    type: service.type,
    name: service.name,
    endpoints: endpoints.map((e) => ({
      id: e.id,
      interface: e.interface,
      region_id: e.regionId,
      region: e.regionId,
      url: e.url,
    })),
  }));
}

/**
 * A token's body. With an admin project configured, a project-scoped token says whether it is scoped
 * to it (is_admin_project true or false); without one the attribute is absent, as in Keystone.
 */
export function tokenView(
  v: ValidatedToken,
  catalog: CatalogEntry[] | undefined,
  adminProjectConfigured: boolean,
) {
  const c = v.context;
  const body: Record<string, unknown> = {
    methods: c.methods,
    user: {
      id: c.userId,
      name: c.userName,
      domain: { id: c.userDomainId, name: c.userDomainName },
      password_expires_at: v.user.passwordExpiresAt,
    },
    audit_ids: c.auditIds,
    expires_at: keystoneTime(c.expiresAt),
    issued_at: keystoneTime(c.issuedAt),
  };
  const s = c.scope;
  if (s.kind === 'project') {
    body.project = { id: s.projectId, name: s.projectName, domain: { id: s.domainId, name: s.domainName } };
    body.is_domain = false;
  } else if (s.kind === 'domain') {
    body.domain = { id: s.domainId, name: s.domainName };
  } else if (s.kind === 'system') {
    body.system = { all: true };
  }
  if (s.kind !== 'unscoped') {
    body.roles = c.roles.map((r) => ({ id: r.id, name: r.name }));
    if (catalog) body.catalog = catalogView(catalog);
  }
  if (v.applicationCredential) {
    body.application_credential = {
      id: v.applicationCredential.id,
      name: v.applicationCredential.name,
      restricted: !v.applicationCredential.unrestricted,
    };
  }
  if (s.kind === 'project' && adminProjectConfigured) body.is_admin_project = c.isAdminProject;
  return { token: body };
}
