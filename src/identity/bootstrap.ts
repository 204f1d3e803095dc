// First-start setup of a cloud (Keystone's `keystone-manage bootstrap`): the default domain, the admin,
// member and reader roles with their implications, Swift's ResellerAdmin role, the admin project and
// user, and the region.
// Also keeps the catalog equal to the services this process really serves, on every start.
import type { Clock } from '../common/clock.js';
import { hashPassword } from '../common/crypto/password-hash.js';
import { randomSecret } from '../common/crypto/secret-token.js';
import { newHexId } from '../common/ids.js';
import type { IdentityStores } from './index.js';
import { bootstrapProjectName } from './admin-project.js';
import { ADMIN_PROJECT_SETTING } from './index.js';
import { DEFAULT_DOMAIN_ID, SYSTEM_TARGET, type Role } from './model.js';

export interface BootstrapResult {
  /** The bootstrap admin's project (the admin project, unless none is configured). */
  adminProjectId: string;
  /** Only on the start that created the admin user; never logged, written to clouds.yaml only. */
  newAdminPassword?: string | undefined;
}

async function ensureRole(stores: IdentityStores, name: string): Promise<Role> {
  const found = await stores.roles.getRoleByName(name);
  if (found) return found;
  const role: Role = { id: newHexId(), name, domainId: null, description: '', extra: {} };
  await stores.roles.insertRole(role);
  return role;
}

export async function bootstrapIdentity(
  stores: IdentityStores,
  options: { clock: Clock; region: string; adminProjectName: string },
): Promise<BootstrapResult> {
  const now = options.clock.now().toISOString();
  if (!(await stores.resources.getDomain(DEFAULT_DOMAIN_ID))) {
    await stores.resources.insertDomain(
      { id: DEFAULT_DOMAIN_ID, name: 'Default', description: 'The default domain', enabled: true, extra: {} },
      now,
    );
  }
  const admin = await ensureRole(stores, 'admin');
  const member = await ensureRole(stores, 'member');
  const reader = await ensureRole(stores, 'reader');
  await ensureRole(stores, 'service');
  // Swift's reseller_admin_role: its holders manage every account (account quotas among others).
  await ensureRole(stores, 'ResellerAdmin');
  await stores.roles.addImplication(admin.id, member.id);
  await stores.roles.addImplication(member.id, reader.id);

  const projectName = bootstrapProjectName(options.adminProjectName);
  let project = await stores.resources.getProjectByName(DEFAULT_DOMAIN_ID, projectName);
  if (!project) {
    project = {
      id: newHexId(),
      name: projectName,
      domainId: DEFAULT_DOMAIN_ID,
      parentId: null,
      description: 'Bootstrap project for the cloud administrators',
      enabled: true,
      tags: [],
      extra: {},
    };
    await stores.resources.insertProject(project, now);
  }
  await stores.credentials.putSetting(ADMIN_PROJECT_SETTING, project.id);

  let newAdminPassword: string | undefined;
  let user = await stores.users.getUserByName(DEFAULT_DOMAIN_ID, 'admin');
  if (!user) {
    newAdminPassword = randomSecret(18);
    user = {
      id: newHexId(),
      domainId: DEFAULT_DOMAIN_ID,
      name: 'admin',
      enabled: true,
      defaultProjectId: project.id,
      passwordHash: await hashPassword(newAdminPassword),
      passwordExpiresAt: null,
      tokensValidAfter: now,
      failedAuthCount: 0,
      lastFailedAuthAt: null,
      extra: {},
      options: {},
    };
    await stores.users.insertUser(user, now);
  }
  await stores.roles.addAssignment({
    type: 'UserProject',
    actorId: user.id,
    targetId: project.id,
    roleId: admin.id,
    inherited: false,
  });
  await stores.roles.addAssignment({
    type: 'UserSystem',
    actorId: user.id,
    targetId: SYSTEM_TARGET,
    roleId: admin.id,
    inherited: false,
  });

  if (!(await stores.catalog.listRegions()).some((r) => r.id === options.region)) {
    await stores.catalog.insertRegion({
      id: options.region,
      description: '',
      parentRegionId: null,
      extra: {},
    });
  }
  return { adminProjectId: project.id, newAdminPassword };
}

/** A service this process serves, as it should appear in the catalog. */
export interface ServedService {
  type: string;
  name: string;
  /** URL under the public base (or an absolute http(s) URL), may contain $(project_id)s. */
  path: string;
}

/**
 * Makes the catalog list exactly the served services at the current public URL. Entries we manage carry
 * extra.managed = true; services an operator added by hand are left alone.
 */
export async function syncCatalog(
  stores: IdentityStores,
  options: { region: string; publicUrl: string; served: ServedService[] },
) {
  const base = options.publicUrl.replace(/\/+$/, '');
  const services = await stores.catalog.listServices();
  const endpoints = await stores.catalog.listEndpoints();
  const managed = services.filter((s) => s.extra.managed === true);
  for (const stale of managed.filter((s) => !options.served.some((w) => w.type === s.type))) {
    await stores.catalog.deleteService(stale.id);
  }
  for (const want of options.served) {
    let service = managed.find((s) => s.type === want.type);
    if (!service) {
      service = {
        id: newHexId(),
        type: want.type,
        name: want.name,
        description: '',
        enabled: true,
        extra: { managed: true },
      };
      await stores.catalog.insertService(service);
    }
    const url = /^https?:\/\//.test(want.path) ? want.path : `${base}${want.path}`;
    for (const iface of ['public', 'internal', 'admin'] as const) {
      const existing = endpoints.find((e) => e.serviceId === service.id && e.interface === iface);
      if (!existing) {
        await stores.catalog.insertEndpoint({
          id: newHexId(),
          serviceId: service.id,
          regionId: options.region,
          interface: iface,
          url,
          enabled: true,
          extra: {},
        });
      } else if (existing.url !== url || existing.regionId !== options.region) {
        await stores.catalog.updateEndpoint({ ...existing, url, regionId: options.region });
      }
    }
  }
}
