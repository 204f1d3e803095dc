// Domains and projects: Keystone's rules (the default domain exists and cannot be deleted; a domain must
// be disabled before deletion; a project with children cannot be deleted) and who may do what.
// Resources the caller may not see are reported as not found, never as forbidden.
import type { Clock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { newHexId } from '../common/ids.js';
import { DEFAULT_DOMAIN_ID, type Domain, type Project } from './model.js';
import {
  canManageInDomain,
  canReadInDomain,
  isCloudAdmin,
  isCloudReader,
  isProjectScopedTo,
  requireCloudAdmin,
} from './policy.js';
import type { ProjectFilter, ResourceStore } from './resource-store.js';
import type { RoleStore } from './role-store.js';

export interface ResourceServiceDeps {
  resources: ResourceStore;
  roles: RoleStore;
  clock: Clock;
  /** Runs fn inside one database transaction with stores bound to it. */
  transaction<T>(fn: (stores: { resources: ResourceStore; roles: RoleStore }) => Promise<T>): Promise<T>;
}

export type ProjectInput = Pick<Project, 'name'> &
  Partial<Omit<Project, 'id' | 'name'>> & { isDomain?: boolean };

export function createResourceService(deps: ResourceServiceDeps) {
  const { resources } = deps;

  function canSeeDomain(ctx: AuthContext, domain: Domain): boolean {
    if (isCloudReader(ctx) || canReadInDomain(ctx, domain.id)) return true;
    // Keystone lets a project-scoped token read its own project's domain, and any user read their own.
    return (
      (ctx.scope.kind === 'project' && ctx.scope.domainId === domain.id) || ctx.userDomainId === domain.id
    );
  }

  function canSeeProject(ctx: AuthContext, project: Project): boolean {
    return canReadInDomain(ctx, project.domainId) || isProjectScopedTo(ctx, project.id);
  }

  async function visibleDomain(ctx: AuthContext, id: string): Promise<Domain> {
    const domain = await resources.getDomain(id);
    if (!domain || !canSeeDomain(ctx, domain)) throw errors.notFound('domain', id);
    return domain;
  }

  async function visibleProject(ctx: AuthContext, id: string): Promise<Project> {
    const project = await resources.getProject(id);
    if (!project || !canSeeProject(ctx, project)) throw errors.notFound('project', id);
    return project;
  }

  /** A project the caller may change: hidden → 404, visible but not theirs to change → 403. */
  async function manageableProject(ctx: AuthContext, id: string): Promise<Project> {
    const project = await visibleProject(ctx, id);
    if (!canManageInDomain(ctx, project.domainId)) throw errors.forbidden();
    return project;
  }

  return {
    visibleDomain,
    visibleProject,

    async listDomains(
      ctx: AuthContext,
      filter: { name?: string | undefined; enabled?: boolean | undefined },
    ) {
      const all = await resources.listDomains(filter);
      if (isCloudReader(ctx)) return all;
      const own = all.filter((d) => canSeeDomain(ctx, d));
      if (own.length === 0 && ctx.scope.kind !== 'domain') throw errors.forbidden();
      return own;
    },
    async createDomain(
      ctx: AuthContext,
      input: Omit<Domain, 'id'> & { id?: string | undefined },
    ): Promise<Domain> {
      requireCloudAdmin(ctx);
      const domain: Domain = { ...input, id: input.id ?? newHexId() };
      if (await resources.getDomainByName(domain.name))
        throw errors.conflict(
          `Conflict occurred attempting to store domain - Duplicate entry found with name ${domain.name}.`,
        );
      await resources.insertDomain(domain, deps.clock.now().toISOString());
      return domain;
    },
    async updateDomain(ctx: AuthContext, id: string, patch: Partial<Omit<Domain, 'id'>>): Promise<Domain> {
      const domain = await visibleDomain(ctx, id);
      requireCloudAdmin(ctx);
      if (id === DEFAULT_DOMAIN_ID && patch.enabled === false)
        throw errors.forbidden('The default domain cannot be disabled.');
      const updated = { ...domain, ...patch, id };
      await resources.updateDomain(updated);
      return updated;
    },
    async deleteDomain(ctx: AuthContext, id: string): Promise<void> {
      const domain = await visibleDomain(ctx, id);
      requireCloudAdmin(ctx);
      if (id === DEFAULT_DOMAIN_ID) throw errors.forbidden('The default domain cannot be deleted.');
      if (domain.enabled)
        throw errors.forbidden('Cannot delete a domain that is enabled, please disable it first.');
      await deps
        .transaction(async (tx) => {
          for (const p of await tx.resources.listProjects({ domainId: id })) {
            await tx.roles.removeAssignmentsOf(p.id);
            await tx.resources.deleteProject(p.id);
          }
          await tx.roles.removeAssignmentsOf(id);
          await tx.resources.deleteDomain(id);
        })
        .catch((err: unknown) => {
          throw errors.conflict('The domain still owns users, groups or roles; delete them first.', {
            cause: err,
          });
        });
    },

    async listProjects(ctx: AuthContext, filter: ProjectFilter): Promise<Project[]> {
      if (isCloudReader(ctx)) return resources.listProjects(filter);
      if (ctx.scope.kind === 'domain' && canReadInDomain(ctx, ctx.scope.domainId)) {
        if (filter.domainId !== undefined && filter.domainId !== ctx.scope.domainId) return [];
        return resources.listProjects({ ...filter, domainId: ctx.scope.domainId });
      }
      throw errors.forbidden();
    },
    async createProject(ctx: AuthContext, input: ProjectInput): Promise<Project> {
      if (input.isDomain)
        throw errors.notImplemented('Projects acting as domains are not supported; create a domain.');
      let domainId = input.domainId ?? (ctx.scope.kind === 'domain' ? ctx.scope.domainId : undefined);
      const parent = input.parentId
        ? await visibleProject(ctx, input.parentId).catch(() => undefined)
        : undefined;
      if (input.parentId && !parent) {
        // Keystone treats a parent_id equal to a domain id as "top level in that domain".
        if (!(await resources.getDomain(input.parentId))) throw errors.notFound('project', input.parentId);
        domainId ??= input.parentId;
      }
      domainId ??= parent?.domainId ?? ctx.userDomainId;
      if (parent && parent.domainId !== domainId)
        throw errors.badRequest('The parent project is in another domain.');
      if (!canManageInDomain(ctx, domainId)) throw errors.forbidden();
      const domain = await resources.getDomain(domainId);
      if (!domain) throw errors.notFound('domain', domainId);
      const project: Project = {
        id: newHexId(),
        name: input.name,
        domainId,
        parentId: parent?.id ?? null,
        description: input.description ?? '',
        enabled: input.enabled ?? true,
        tags: input.tags ?? [],
        extra: input.extra ?? {},
      };
      if (await resources.getProjectByName(domainId, project.name)) {
        throw errors.conflict(
          `Conflict occurred attempting to store project - it is not permitted to have two projects with the same name in the same domain : ${project.name}.`,
        );
      }
      await resources.insertProject(project, deps.clock.now().toISOString());
      return project;
    },
    async updateProject(
      ctx: AuthContext,
      id: string,
      patch: Partial<Omit<Project, 'id' | 'domainId' | 'parentId'>>,
    ) {
      const project = await manageableProject(ctx, id);
      const updated = { ...project, ...patch, id };
      if (
        patch.name &&
        patch.name !== project.name &&
        (await resources.getProjectByName(project.domainId, patch.name))
      ) {
        throw errors.conflict(
          `Conflict occurred attempting to store project - Duplicate entry found with name ${patch.name}.`,
        );
      }
      await resources.updateProject(updated);
      return updated;
    },
    async deleteProject(ctx: AuthContext, id: string): Promise<void> {
      await manageableProject(ctx, id);
      if ((await resources.countChildren(id)) > 0) {
        throw errors.forbidden('Cannot delete the project since it is not a leaf in the hierarchy.');
      }
      await deps.transaction(async (tx) => {
        await tx.roles.removeAssignmentsOf(id);
        await tx.resources.deleteProject(id);
      });
    },
    async projectTags(ctx: AuthContext, id: string): Promise<string[]> {
      return (await visibleProject(ctx, id)).tags;
    },
    async setProjectTags(ctx: AuthContext, id: string, tags: string[]): Promise<string[]> {
      const project = await manageableProject(ctx, id);
      await resources.updateProject({ ...project, tags });
      return [...new Set(tags)];
    },
    isCloudAdmin,
  };
}

export type ResourceService = ReturnType<typeof createResourceService>;
