// The service catalog: regions, services and endpoints (admin CRUD) and the per-token catalog that
// Keystone embeds in tokens, with $(project_id)s / %(tenant_id)s substituted. The catalog is cached for
// a second because every token validation renders it.
import type { Clock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { newHexId } from '../common/ids.js';
import type { CatalogStore } from './catalog-store.js';
import type { CatalogService, Endpoint, Region } from './model.js';
import { requireCloudAdmin, requireCloudReader } from './policy.js';

const CATALOG_TTL_MS = 1000;

export interface CatalogEntry {
  service: CatalogService;
  endpoints: Array<Endpoint & { url: string }>;
}

const SUBSTITUTION = /\$\((\w+)\)s|%\((\w+)\)s/g;

/** Substitutes $(project_id)s style variables; undefined when a variable has no value (Keystone drops it). */
export function substituteUrl(url: string, values: Record<string, string | undefined>): string | undefined {
  let missing = false;
  const out = url.replace(SUBSTITUTION, (_m, a: string | undefined, b: string | undefined) => {
    const key = a ?? b ?? '';
    const value = values[key === 'tenant_id' ? 'project_id' : key];
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing ? undefined : out;
}

export function createCatalogService(deps: { store: CatalogStore; clock: Clock }) {
  let cache: { at: number; services: CatalogService[]; endpoints: Endpoint[] } | undefined;

  async function snapshot() {
    const now = deps.clock.now().getTime();
    if (cache && now - cache.at < CATALOG_TTL_MS) return cache;
    const [services, endpoints] = await Promise.all([deps.store.listServices(), deps.store.listEndpoints()]);
    cache = { at: now, services, endpoints };
    return cache;
  }
  const invalidate = () => {
    cache = undefined;
  };

  return {
    /** The catalog as a token for this scope sees it. */
    async catalogFor(projectId: string | undefined, userId: string): Promise<CatalogEntry[]> {
      const { services, endpoints } = await snapshot();
      return services
        .filter((s) => s.enabled)
        .map((service) => ({
          service,
          endpoints: endpoints
            .filter((e) => e.serviceId === service.id && e.enabled)
            .flatMap((e) => {
              const url = substituteUrl(e.url, { project_id: projectId, user_id: userId });
              return url === undefined ? [] : [{ ...e, url }];
            }),
        }));
    },

    async listRegions(): Promise<Region[]> {
      return deps.store.listRegions();
    },
    async getRegion(id: string): Promise<Region> {
      const region = (await deps.store.listRegions()).find((r) => r.id === id);
      if (!region) throw errors.notFound('region', id);
      return region;
    },
    async createRegion(ctx: AuthContext, input: Partial<Region>): Promise<Region> {
      requireCloudAdmin(ctx);
      const region: Region = {
        id: input.id ?? newHexId(),
        description: input.description ?? '',
        parentRegionId: input.parentRegionId ?? null,
        extra: input.extra ?? {},
      };
      if (region.parentRegionId) await this.getRegion(region.parentRegionId);
      await deps.store.insertRegion(region);
      return region;
    },
    async updateRegion(ctx: AuthContext, id: string, patch: Partial<Region>): Promise<Region> {
      requireCloudAdmin(ctx);
      const region = { ...(await this.getRegion(id)), ...patch, id };
      await deps.store.updateRegion(region);
      return region;
    },
    async deleteRegion(ctx: AuthContext, id: string): Promise<void> {
      requireCloudAdmin(ctx);
      await this.getRegion(id);
      await deps.store.deleteRegion(id);
    },

    async listServices(ctx: AuthContext): Promise<CatalogService[]> {
      requireCloudReader(ctx);
      return (await snapshot()).services;
    },
    async getService(ctx: AuthContext, id: string): Promise<CatalogService> {
      requireCloudReader(ctx);
      const service = (await deps.store.listServices()).find((s) => s.id === id);
      if (!service) throw errors.notFound('service', id);
      return service;
    },
    async createService(ctx: AuthContext, input: Omit<CatalogService, 'id'>): Promise<CatalogService> {
      requireCloudAdmin(ctx);
      const service = { ...input, id: newHexId() };
      await deps.store.insertService(service);
      invalidate();
      return service;
    },
    async updateService(
      ctx: AuthContext,
      id: string,
      patch: Partial<CatalogService>,
    ): Promise<CatalogService> {
      const service = { ...(await this.getService(ctx, id)), ...patch, id };
      requireCloudAdmin(ctx);
      await deps.store.updateService(service);
      invalidate();
      return service;
    },
    async deleteService(ctx: AuthContext, id: string): Promise<void> {
      await this.getService(ctx, id);
      requireCloudAdmin(ctx);
      await deps.store.deleteService(id);
      invalidate();
    },

    async listEndpoints(ctx: AuthContext): Promise<Endpoint[]> {
      requireCloudReader(ctx);
      return (await snapshot()).endpoints;
    },
    async getEndpoint(ctx: AuthContext, id: string): Promise<Endpoint> {
      requireCloudReader(ctx);
      const endpoint = (await deps.store.listEndpoints()).find((e) => e.id === id);
      if (!endpoint) throw errors.notFound('endpoint', id);
      return endpoint;
    },
    async createEndpoint(ctx: AuthContext, input: Omit<Endpoint, 'id'>): Promise<Endpoint> {
      requireCloudAdmin(ctx);
      await this.getService(ctx, input.serviceId);
      if (input.regionId) await this.getRegion(input.regionId);
      const endpoint = { ...input, id: newHexId() };
      await deps.store.insertEndpoint(endpoint);
      invalidate();
      return endpoint;
    },
    async updateEndpoint(ctx: AuthContext, id: string, patch: Partial<Endpoint>): Promise<Endpoint> {
      const endpoint = { ...(await this.getEndpoint(ctx, id)), ...patch, id };
      requireCloudAdmin(ctx);
      await deps.store.updateEndpoint(endpoint);
      invalidate();
      return endpoint;
    },
    async deleteEndpoint(ctx: AuthContext, id: string): Promise<void> {
      await this.getEndpoint(ctx, id);
      requireCloudAdmin(ctx);
      await deps.store.deleteEndpoint(id);
      invalidate();
    },
  };
}

export type CatalogServiceApi = ReturnType<typeof createCatalogService>;
