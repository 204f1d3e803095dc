// Routes for /v3/domains and /v3/projects (including project tags).
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import type { RouteDeps } from './route-deps.js';
import { collection, views } from './views.js';
import { callerOf, extraOf, identityBase, queryBool, queryList, queryOf } from './request-util.js';
import {
  DomainCreateBody,
  DomainUpdateBody,
  ProjectCreateBody,
  ProjectUpdateBody,
  TagsBody,
} from './schemas.js';
import { NO_BODY } from '../../common/http/no-body.js';

const PROJECT_KEYS = [
  'id',
  'name',
  'domain_id',
  'parent_id',
  'description',
  'enabled',
  'is_domain',
  'tags',
  'options',
  'links',
];
const DOMAIN_KEYS = [
  'id',
  'name',
  'description',
  'enabled',
  'explicit_domain_id',
  'tags',
  'options',
  'links',
];

export function registerDomainRoutes(app: FastifyInstance, { services, publicUrl }: RouteDeps): void {
  const { resources } = services;

  app.get('/v3/domains', async (request) => {
    const q = queryOf(request);
    const domains = await resources.listDomains(callerOf(request), {
      name: q.name,
      enabled: queryBool(q, 'enabled'),
    });
    const base = identityBase(request, publicUrl);
    return collection(
      'domains',
      domains.map((d) => views.domain(d, base)),
      `${base}/v3/domains`,
    );
  });

  app.post<{ Body: Static<typeof DomainCreateBody> }>(
    '/v3/domains',
    { schema: { body: DomainCreateBody } },
    async (request, reply) => {
      const d = request.body.domain;
      const domain = await resources.createDomain(callerOf(request), {
        id: d.explicit_domain_id,
        name: d.name,
        description: d.description ?? '',
        enabled: d.enabled ?? true,
        extra: extraOf(d, DOMAIN_KEYS),
      });
      return reply.status(201).send({ domain: views.domain(domain, identityBase(request, publicUrl)) });
    },
  );

  app.get<{ Params: { id: string } }>('/v3/domains/:id', async (request) => {
    const domain = await resources.visibleDomain(callerOf(request), request.params.id);
    return { domain: views.domain(domain, identityBase(request, publicUrl)) };
  });

  app.patch<{ Params: { id: string }; Body: Static<typeof DomainUpdateBody> }>(
    '/v3/domains/:id',
    { schema: { body: DomainUpdateBody } },
    async (request) => {
      const d = request.body.domain;
      const domain = await resources.updateDomain(callerOf(request), request.params.id, {
        ...(d.name !== undefined ? { name: d.name } : {}),
        ...(d.description !== undefined ? { description: d.description } : {}),
        ...(d.enabled !== undefined ? { enabled: d.enabled } : {}),
      });
      return { domain: views.domain(domain, identityBase(request, publicUrl)) };
    },
  );

  app.delete<{ Params: { id: string } }>('/v3/domains/:id', async (request, reply) => {
    await resources.deleteDomain(callerOf(request), request.params.id);
    return reply.status(204).send();
  });
}

export function registerProjectRoutes(app: FastifyInstance, { services, publicUrl }: RouteDeps): void {
  const { resources } = services;

  app.get('/v3/projects', async (request) => {
    const q = queryOf(request);
    const projects = await resources.listProjects(callerOf(request), {
      name: q.name,
      domainId: q.domain_id,
      parentId: q.parent_id,
      enabled: queryBool(q, 'enabled'),
      tagsAll: queryList(q, 'tags'),
      tagsAny: queryList(q, 'tags-any'),
    });
    const base = identityBase(request, publicUrl);
    return collection(
      'projects',
      projects.map((p) => views.project(p, base)),
      `${base}/v3/projects`,
    );
  });

  app.post<{ Body: Static<typeof ProjectCreateBody> }>(
    '/v3/projects',
    { schema: { body: ProjectCreateBody } },
    async (request, reply) => {
      const p = request.body.project;
      const project = await resources.createProject(callerOf(request), {
        name: p.name,
        domainId: p.domain_id ?? undefined,
        parentId: p.parent_id ?? null,
        description: p.description,
        enabled: p.enabled,
        tags: p.tags,
        isDomain: p.is_domain,
        extra: extraOf(p, PROJECT_KEYS),
      });
      return reply.status(201).send({ project: views.project(project, identityBase(request, publicUrl)) });
    },
  );

  app.get<{ Params: { id: string } }>('/v3/projects/:id', async (request) => {
    const project = await resources.visibleProject(callerOf(request), request.params.id);
    return { project: views.project(project, identityBase(request, publicUrl)) };
  });

  app.patch<{ Params: { id: string }; Body: Static<typeof ProjectUpdateBody> }>(
    '/v3/projects/:id',
    { schema: { body: ProjectUpdateBody } },
    async (request) => {
      const p = request.body.project;
      const project = await resources.updateProject(callerOf(request), request.params.id, {
        ...(p.name !== undefined ? { name: p.name } : {}),
        ...(p.description !== undefined ? { description: p.description } : {}),
        ...(p.enabled !== undefined ? { enabled: p.enabled } : {}),
        ...(p.tags !== undefined ? { tags: p.tags } : {}),
      });
      return { project: views.project(project, identityBase(request, publicUrl)) };
    },
  );

  app.delete<{ Params: { id: string } }>('/v3/projects/:id', async (request, reply) => {
    await resources.deleteProject(callerOf(request), request.params.id);
    return reply.status(204).send();
  });

  app.get<{ Params: { id: string } }>('/v3/projects/:id/tags', async (request) => ({
    tags: await resources.projectTags(callerOf(request), request.params.id),
  }));
  app.put<{ Params: { id: string }; Body: Static<typeof TagsBody> }>(
    '/v3/projects/:id/tags',
    { schema: { body: TagsBody } },
    async (request) => ({
      tags: await resources.setProjectTags(callerOf(request), request.params.id, request.body.tags),
    }),
  );
  app.get<{ Params: { id: string; tag: string } }>('/v3/projects/:id/tags/:tag', async (request, reply) => {
    const tags = await resources.projectTags(callerOf(request), request.params.id);
    return reply.status(tags.includes(request.params.tag) ? 204 : 404).send();
  });
  app.put<{ Params: { id: string; tag: string } }>(
    '/v3/projects/:id/tags/:tag',
    NO_BODY,
    async (request, reply) => {
      const ctx = callerOf(request);
      const tags = await resources.projectTags(ctx, request.params.id);
      await resources.setProjectTags(ctx, request.params.id, [...tags, request.params.tag]);
      return reply.status(201).send();
    },
  );
  app.delete<{ Params: { id: string; tag: string } }>(
    '/v3/projects/:id/tags/:tag',
    async (request, reply) => {
      const ctx = callerOf(request);
      const tags = await resources.projectTags(ctx, request.params.id);
      await resources.setProjectTags(
        ctx,
        request.params.id,
        tags.filter((t) => t !== request.params.tag),
      );
      return reply.status(204).send();
    },
  );
}
