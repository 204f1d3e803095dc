// Routes for roles, implied roles, grants on projects/domains/system (incl. OS-INHERIT) and
// /v3/role_assignments.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { GrantActor, GrantTarget } from '../assignment-service.js';
import type { RouteDeps } from './route-deps.js';
import { collection, views } from './views.js';
import { callerOf, extraOf, identityBase, queryFlag, queryOf } from './request-util.js';
import { errors } from '../../common/errors/codes.js';
import { Description, Id, Name } from './schemas.js';
import { renderAssignments } from './assignment-views.js';
import { NO_BODY } from '../../common/http/no-body.js';

const RoleCreateBody = Type.Object(
  {
    role: Type.Object({
      name: Name,
      domain_id: Type.Optional(Type.Union([Id, Type.Null()])),
      description: Type.Optional(Description),
      options: Type.Optional(Type.Object({})),
    }),
  },
  { additionalProperties: false },
);
const RoleUpdateBody = Type.Object(
  {
    role: Type.Object({
      name: Type.Optional(Name),
      description: Type.Optional(Description),
      options: Type.Optional(Type.Object({})),
    }),
  },
  { additionalProperties: false },
);

type GrantParams = { target_id?: string; actor_id: string; role_id: string };

/** One grant URL family, e.g. /v3/projects/:target_id/users/:actor_id/roles. */
function registerGrantFamily(
  app: FastifyInstance,
  deps: RouteDeps,
  prefix: string,
  target: (p: GrantParams) => GrantTarget,
  actorKind: GrantActor['kind'],
  inherited: boolean,
) {
  const { assignments } = deps.services;
  const suffix = inherited ? '/inherited_to_projects' : '';
  const actor = (p: GrantParams): GrantActor => ({ kind: actorKind, id: p.actor_id });
  app.put<{ Params: GrantParams }>(`${prefix}/:role_id${suffix}`, NO_BODY, async (request, reply) => {
    await assignments.grant(
      callerOf(request),
      actor(request.params),
      target(request.params),
      request.params.role_id,
      inherited,
    );
    return reply.status(204).send();
  });
  // Fastify answers HEAD through this GET route (exposeHeadRoutes).
  app.get<{ Params: GrantParams }>(`${prefix}/:role_id${suffix}`, async (request, reply) => {
    await assignments.checkGrant(
      callerOf(request),
      actor(request.params),
      target(request.params),
      request.params.role_id,
      inherited,
    );
    return reply.status(204).send();
  });
  app.delete<{ Params: GrantParams }>(`${prefix}/:role_id${suffix}`, async (request, reply) => {
    await assignments.revoke(
      callerOf(request),
      actor(request.params),
      target(request.params),
      request.params.role_id,
      inherited,
    );
    return reply.status(204).send();
  });
  app.get<{ Params: GrantParams }>(`${prefix}${suffix}`, async (request) => {
    const roles = await assignments.listGrants(
      callerOf(request),
      actor(request.params),
      target(request.params),
      inherited,
    );
    const base = identityBase(request, deps.publicUrl);
    return collection(
      'roles',
      roles.map((r) => views.role(r, base)),
      `${base}${request.url.split('?')[0]?.replace(/^\/identity/, '') ?? ''}`,
    );
  });
}

export function registerGrantRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const project = (p: GrantParams): GrantTarget => ({ kind: 'project', id: p.target_id ?? '' });
  const domain = (p: GrantParams): GrantTarget => ({ kind: 'domain', id: p.target_id ?? '' });
  const system = (): GrantTarget => ({ kind: 'system' });
  for (const kind of ['user', 'group'] as const) {
    registerGrantFamily(app, deps, `/v3/projects/:target_id/${kind}s/:actor_id/roles`, project, kind, false);
    registerGrantFamily(app, deps, `/v3/domains/:target_id/${kind}s/:actor_id/roles`, domain, kind, false);
    registerGrantFamily(app, deps, `/v3/system/${kind}s/:actor_id/roles`, system, kind, false);
    registerGrantFamily(
      app,
      deps,
      `/v3/OS-INHERIT/domains/:target_id/${kind}s/:actor_id/roles`,
      domain,
      kind,
      true,
    );
    registerGrantFamily(
      app,
      deps,
      `/v3/OS-INHERIT/projects/:target_id/${kind}s/:actor_id/roles`,
      project,
      kind,
      true,
    );
  }

  app.get('/v3/role_assignments', async (request) => {
    const q = queryOf(request);
    // Listing a project's whole subtree is not implemented: refused rather than answered for one project.
    if (queryFlag(q, 'include_subtree')) throw errors.badRequest('include_subtree is not supported.');
    const list = await deps.services.assignments.listAssignments(callerOf(request), {
      userId: q['user.id'],
      groupId: q['group.id'],
      roleId: q['role.id'],
      projectId: q['scope.project.id'],
      domainId: q['scope.domain.id'],
      system: q['scope.system'] !== undefined ? true : undefined,
      inherited: q['scope.OS-INHERIT:inherited_to'] === 'projects' ? true : undefined,
      effective: queryFlag(q, 'effective'),
    });
    const base = identityBase(request, deps.publicUrl);
    const items = await renderAssignments(list, deps.services, base, queryFlag(q, 'include_names'));
    return collection('role_assignments', items, `${base}/v3/role_assignments`);
  });
}

export function registerRoleRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { assignments } = deps.services;
  app.get('/v3/roles', async (request) => {
    const q = queryOf(request);
    const roles = await assignments.listRoles(callerOf(request), { name: q.name, domainId: q.domain_id });
    const base = identityBase(request, deps.publicUrl);
    return collection(
      'roles',
      roles.map((r) => views.role(r, base)),
      `${base}/v3/roles`,
    );
  });
  app.post<{ Body: Static<typeof RoleCreateBody> }>(
    '/v3/roles',
    { schema: { body: RoleCreateBody } },
    async (request, reply) => {
      const r = request.body.role;
      const role = await assignments.createRole(callerOf(request), {
        name: r.name,
        domainId: r.domain_id ?? null,
        description: r.description ?? '',
        extra: extraOf(r, ['id', 'name', 'domain_id', 'description', 'options', 'links']),
      });
      return reply.status(201).send({ role: views.role(role, identityBase(request, deps.publicUrl)) });
    },
  );
  app.get<{ Params: { id: string } }>('/v3/roles/:id', async (request) => ({
    role: views.role(
      await assignments.visibleRole(callerOf(request), request.params.id),
      identityBase(request, deps.publicUrl),
    ),
  }));
  app.patch<{ Params: { id: string }; Body: Static<typeof RoleUpdateBody> }>(
    '/v3/roles/:id',
    { schema: { body: RoleUpdateBody } },
    async (request) => {
      const r = request.body.role;
      const role = await assignments.updateRole(callerOf(request), request.params.id, {
        ...(r.name !== undefined ? { name: r.name } : {}),
        ...(r.description !== undefined ? { description: r.description } : {}),
      });
      return { role: views.role(role, identityBase(request, deps.publicUrl)) };
    },
  );
  app.delete<{ Params: { id: string } }>('/v3/roles/:id', async (request, reply) => {
    await assignments.deleteRole(callerOf(request), request.params.id);
    return reply.status(204).send();
  });
  registerImpliedRoleRoutes(app, deps);
}

function registerImpliedRoleRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { assignments } = deps.services;
  type P = { prior: string; implied: string };
  const inference = (
    prior: { id: string; name: string },
    implied: { id: string; name: string },
    base: string,
  ) => ({
    role_inference: { prior_role: views.roleRef(prior, base), implies: views.roleRef(implied, base) },
    links: { self: `${base}/v3/roles/${prior.id}/implies/${implied.id}` },
  });
  app.put<{ Params: P }>('/v3/roles/:prior/implies/:implied', NO_BODY, async (request, reply) => {
    const { prior, implied } = await assignments.addImplication(
      callerOf(request),
      request.params.prior,
      request.params.implied,
    );
    return reply.status(201).send(inference(prior, implied, identityBase(request, deps.publicUrl)));
  });
  app.get<{ Params: P }>('/v3/roles/:prior/implies/:implied', async (request) => {
    const { prior, implied } = await assignments.checkImplication(
      callerOf(request),
      request.params.prior,
      request.params.implied,
    );
    return inference(prior, implied, identityBase(request, deps.publicUrl));
  });
  app.delete<{ Params: P }>('/v3/roles/:prior/implies/:implied', async (request, reply) => {
    await assignments.removeImplication(callerOf(request), request.params.prior, request.params.implied);
    return reply.status(204).send();
  });
  app.get('/v3/role_inferences', async (request) => {
    const ctx = callerOf(request);
    const base = identityBase(request, deps.publicUrl);
    const byPrior = new Map<string, string[]>();
    for (const i of await assignments.listImplications(ctx))
      byPrior.set(i.priorRoleId, [...(byPrior.get(i.priorRoleId) ?? []), i.impliedRoleId]);
    const out = [];
    for (const [priorId, impliedIds] of byPrior) {
      const prior = await assignments.visibleRole(ctx, priorId);
      const implies = [];
      for (const id of impliedIds) implies.push(views.roleRef(await assignments.visibleRole(ctx, id), base));
      out.push({ prior_role: views.roleRef(prior, base), implies });
    }
    return {
      role_inferences: out,
      links: { self: `${base}/v3/role_inferences`, previous: null, next: null },
    };
  });
}
