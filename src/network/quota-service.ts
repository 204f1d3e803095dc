// Neutron quotas: defaults from config, per-project overrides in the store, checked before creates.
import type { AuthContext } from '../common/http/context.js';
import { errors } from '../common/errors/codes.js';
import { policyDenied, type NetContext } from './context.js';
import type { ResourceKind } from './network-store.js';

export const QUOTA_RESOURCES: Record<string, ResourceKind> = {
  network: 'network',
  subnet: 'subnet',
  port: 'port',
  router: 'router',
  floatingip: 'floatingip',
  security_group: 'security_group',
  security_group_rule: 'security_group_rule',
};

export function createQuotaService(ctx: NetContext) {
  async function limits(projectId: string): Promise<Record<string, number>> {
    return { ...ctx.settings.quotas, ...((await ctx.store.getQuota(projectId)) ?? {}) };
  }
  /** Neutron's get_quota/update_quota/delete_quota on the project's quota. */
  function authorize(auth: AuthContext, action: string, projectId: string): void {
    if (!ctx.policy.allowed(auth, action, { project_id: projectId, tenant_id: projectId }))
      throw policyDenied(action);
  }
  const mayRead = (auth: AuthContext, projectId: string) => authorize(auth, 'get_quota', projectId);
  return {
    /** Throws 409 OverQuota if one more `kind` would exceed the project's limit (-1 = unlimited). */
    async check(projectId: string, kind: ResourceKind): Promise<void> {
      const limit = (await limits(projectId))[kind];
      if (limit === undefined || limit < 0 || projectId === '') return;
      if ((await ctx.store.count(kind, projectId)) >= limit)
        throw errors.conflict(`Quota exceeded for resources: ['${kind}'].`, {
          internalContext: { neutronType: 'OverQuota' },
        });
    },
    async show(auth: AuthContext, projectId: string) {
      mayRead(auth, projectId);
      return limits(projectId);
    },
    defaults(auth: AuthContext, projectId: string) {
      mayRead(auth, projectId);
      return { ...ctx.settings.quotas };
    },
    async details(auth: AuthContext, projectId: string) {
      mayRead(auth, projectId);
      const lim = await limits(projectId);
      const out: Record<string, { limit: number; used: number; reserved: number }> = {};
      for (const [name, kind] of Object.entries(QUOTA_RESOURCES))
        out[name] = { limit: lim[name] ?? -1, used: await ctx.store.count(kind, projectId), reserved: 0 };
      return out;
    },
    async list(auth: AuthContext) {
      // Every project's quotas: Neutron's _check_admin (the context_is_admin rule).
      if (!ctx.policy.allowed(auth, 'context_is_admin', {})) throw policyDenied('get_quota');
      const rows = await ctx.store.listQuotas();
      return rows.map((r) => ({
        ...ctx.settings.quotas,
        ...r.quota,
        project_id: r.projectId,
        tenant_id: r.projectId,
      }));
    },
    /** `changes` passed the API's quota schema: known resources, integers of at least -1. */
    async update(auth: AuthContext, projectId: string, changes: Record<string, number>) {
      authorize(auth, 'update_quota', projectId);
      const current = (await ctx.store.getQuota(projectId)) ?? {};
      for (const [key, value] of Object.entries(changes)) current[key] = value;
      await ctx.store.setQuota(projectId, current);
      return limits(projectId);
    },
    async reset(auth: AuthContext, projectId: string) {
      authorize(auth, 'delete_quota', projectId);
      await ctx.store.deleteQuota(projectId);
    },
  };
}

export type QuotaService = ReturnType<typeof createQuotaService>;
