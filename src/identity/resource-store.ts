// Kysely queries for domains, projects and project tags.
import type { Kysely, Selectable } from 'kysely';
import type { Database, DomainTable, ProjectTable } from '../db/schema.js';
import type { Domain, Project } from './model.js';
import { fromBool, parseJsonObject, toBool } from './store-util.js';

export interface ProjectFilter {
  name?: string | undefined;
  domainId?: string | undefined;
  parentId?: string | undefined;
  enabled?: boolean | undefined;
  ids?: readonly string[] | undefined;
  tagsAll?: readonly string[] | undefined;
  tagsAny?: readonly string[] | undefined;
}

const domainFrom = (r: Selectable<DomainTable>): Domain => ({
  id: r.id,
  name: r.name,
  description: r.description,
  enabled: toBool(r.enabled),
  extra: parseJsonObject(r.extra),
});

const projectFrom = (r: Selectable<ProjectTable>, tags: string[]): Project => ({
  id: r.id,
  name: r.name,
  domainId: r.domain_id,
  parentId: r.parent_id,
  description: r.description,
  enabled: toBool(r.enabled),
  tags,
  extra: parseJsonObject(r.extra),
});

export function createResourceStore(db: Kysely<Database>) {
  async function tagsOf(projectIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (projectIds.length === 0) return out;
    const rows = await db
      .selectFrom('project_tags')
      .selectAll()
      .where('project_id', 'in', projectIds)
      .execute();
    for (const r of rows) out.set(r.project_id, [...(out.get(r.project_id) ?? []), r.tag]);
    return out;
  }

  return {
    async getDomain(id: string): Promise<Domain | undefined> {
      const r = await db.selectFrom('domains').selectAll().where('id', '=', id).executeTakeFirst();
      return r && domainFrom(r);
    },
    async getDomainByName(name: string): Promise<Domain | undefined> {
      const r = await db.selectFrom('domains').selectAll().where('name', '=', name).executeTakeFirst();
      return r && domainFrom(r);
    },
    async listDomains(filter: {
      name?: string | undefined;
      enabled?: boolean | undefined;
      ids?: readonly string[];
    }) {
      let q = db.selectFrom('domains').selectAll();
      if (filter.name !== undefined) q = q.where('name', '=', filter.name);
      if (filter.enabled !== undefined) q = q.where('enabled', '=', fromBool(filter.enabled));
      if (filter.ids) q = q.where('id', 'in', filter.ids.length ? [...filter.ids] : ['']);
      return (await q.orderBy('name').limit(10_000).execute()).map(domainFrom);
    },
    async insertDomain(d: Domain, createdAt: string): Promise<void> {
      await db
        .insertInto('domains')
        .values({
          id: d.id,
          name: d.name,
          description: d.description,
          enabled: fromBool(d.enabled),
          extra: JSON.stringify(d.extra),
          created_at: createdAt,
        })
        .execute();
    },
    async updateDomain(d: Domain): Promise<void> {
      await db
        .updateTable('domains')
        .set({
          name: d.name,
          description: d.description,
          enabled: fromBool(d.enabled),
          extra: JSON.stringify(d.extra),
        })
        .where('id', '=', d.id)
        .execute();
    },
    async deleteDomain(id: string): Promise<void> {
      await db.deleteFrom('domains').where('id', '=', id).execute();
    },
    async getProject(id: string): Promise<Project | undefined> {
      const r = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
      return r && projectFrom(r, (await tagsOf([r.id])).get(r.id) ?? []);
    },
    async getProjectByName(domainId: string, name: string): Promise<Project | undefined> {
      const r = await db
        .selectFrom('projects')
        .selectAll()
        .where('domain_id', '=', domainId)
        .where('name', '=', name)
        .executeTakeFirst();
      return r && projectFrom(r, (await tagsOf([r.id])).get(r.id) ?? []);
    },
    async listProjects(filter: ProjectFilter): Promise<Project[]> {
      let q = db.selectFrom('projects').selectAll();
      if (filter.name !== undefined) q = q.where('name', '=', filter.name);
      if (filter.domainId !== undefined) q = q.where('domain_id', '=', filter.domainId);
      if (filter.parentId !== undefined) q = q.where('parent_id', '=', filter.parentId);
      if (filter.enabled !== undefined) q = q.where('enabled', '=', fromBool(filter.enabled));
      if (filter.ids) q = q.where('id', 'in', filter.ids.length ? [...filter.ids] : ['']);
      const rows = await q.orderBy('name').limit(10_000).execute();
      const tags = await tagsOf(rows.map((r) => r.id));
      const projects = rows.map((r) => projectFrom(r, tags.get(r.id) ?? []));
      return projects.filter(
        (p) =>
          (!filter.tagsAll || filter.tagsAll.every((t) => p.tags.includes(t))) &&
          (!filter.tagsAny || filter.tagsAny.some((t) => p.tags.includes(t))),
      );
    },
    async countChildren(projectId: string): Promise<number> {
      const r = await db
        .selectFrom('projects')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('parent_id', '=', projectId)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async countProjectsInDomain(domainId: string): Promise<number> {
      const r = await db
        .selectFrom('projects')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('domain_id', '=', domainId)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async insertProject(p: Project, createdAt: string): Promise<void> {
      await db
        .insertInto('projects')
        .values({
          id: p.id,
          name: p.name,
          domain_id: p.domainId,
          parent_id: p.parentId,
          description: p.description,
          enabled: fromBool(p.enabled),
          extra: JSON.stringify(p.extra),
          created_at: createdAt,
        })
        .execute();
      await this.setTags(p.id, p.tags);
    },
    async updateProject(p: Project): Promise<void> {
      await db
        .updateTable('projects')
        .set({
          name: p.name,
          description: p.description,
          enabled: fromBool(p.enabled),
          extra: JSON.stringify(p.extra),
        })
        .where('id', '=', p.id)
        .execute();
      await this.setTags(p.id, p.tags);
    },
    async setTags(projectId: string, tags: readonly string[]): Promise<void> {
      await db.deleteFrom('project_tags').where('project_id', '=', projectId).execute();
      const unique = [...new Set(tags)];
      if (unique.length > 0) {
        await db
          .insertInto('project_tags')
          .values(unique.map((tag) => ({ project_id: projectId, tag })))
          .execute();
      }
    },
    async deleteProject(id: string): Promise<void> {
      await db.deleteFrom('projects').where('id', '=', id).execute();
    },
  };
}

export type ResourceStore = ReturnType<typeof createResourceStore>;
