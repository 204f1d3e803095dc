// Routes for /v3/users (including the token-less password change and a user's groups) and /v3/groups
// (including membership).
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { RouteDeps } from './route-deps.js';
import { collection, views } from './views.js';
import { callerOf, extraOf, identityBase, queryBool, queryOf } from './request-util.js';
import { Description, Id, Name, NullableId } from './schemas.js';
import { errors } from '../../common/errors/codes.js';
import { NO_BODY } from '../../common/http/no-body.js';
import { UserOptions } from '../mfa/user-options.js';

// Keystone keeps every other attribute (email, description…) as an extra, returned at the top level.
const USER_KEYS = [
  'id',
  'name',
  'domain_id',
  'password',
  'enabled',
  'default_project_id',
  'options',
  'links',
];
const GROUP_KEYS = ['id', 'name', 'domain_id', 'description', 'links'];

const Password = Type.String({ minLength: 1, maxLength: 4096 });
const NullablePassword = Type.Union([Password, Type.Null()]);
const Email = Type.Union([Type.String({ maxLength: 255 }), Type.Null()]);
const UserDescription = Type.Union([Description, Type.Null()]);

const UserCreateBody = Type.Object(
  {
    user: Type.Object({
      name: Name,
      domain_id: Type.Optional(Id),
      password: Type.Optional(NullablePassword),
      enabled: Type.Optional(Type.Boolean()),
      default_project_id: Type.Optional(NullableId),
      email: Type.Optional(Email),
      description: Type.Optional(UserDescription),
      options: Type.Optional(UserOptions),
    }),
  },
  { additionalProperties: false },
);

const UserUpdateBody = Type.Object(
  {
    user: Type.Object({
      id: Type.Optional(Id),
      name: Type.Optional(Name),
      domain_id: Type.Optional(Id),
      password: Type.Optional(NullablePassword),
      enabled: Type.Optional(Type.Boolean()),
      default_project_id: Type.Optional(NullableId),
      email: Type.Optional(Email),
      description: Type.Optional(UserDescription),
      options: Type.Optional(UserOptions),
    }),
  },
  { additionalProperties: false },
);

const PasswordChangeBody = Type.Object(
  {
    user: Type.Object({ password: Password, original_password: Password }),
  },
  { additionalProperties: false },
);

const GroupCreateBody = Type.Object(
  {
    group: Type.Object({ name: Name, domain_id: Type.Optional(Id), description: Type.Optional(Description) }),
  },
  { additionalProperties: false },
);

const GroupUpdateBody = Type.Object(
  {
    group: Type.Object({
      id: Type.Optional(Id),
      name: Type.Optional(Name),
      domain_id: Type.Optional(Id),
      description: Type.Optional(Description),
    }),
  },
  { additionalProperties: false },
);

/** Keystone refuses a body whose id names another resource than the URL. */
function requireMatchingId(bodyId: string | undefined, pathId: string): void {
  if (bodyId !== undefined && bodyId !== pathId) throw errors.badRequest('Cannot change ID.');
}

/** Extras given in a PATCH body, or undefined when there are none (so stored extras stay untouched). */
function patchExtraOf(body: Record<string, unknown>, known: readonly string[]) {
  const extra = extraOf(body, known);
  return Object.keys(extra).length > 0 ? extra : undefined;
}

export function registerUserRoutes(app: FastifyInstance, { services, publicUrl }: RouteDeps): void {
  const { users } = services;

  app.get('/v3/users', async (request) => {
    const q = queryOf(request);
    const filter = { name: q.name, domainId: q.domain_id, enabled: queryBool(q, 'enabled') };
    const found = await users.listUsers(callerOf(request), filter);
    const base = identityBase(request, publicUrl);
    return collection(
      'users',
      found.map((u) => views.user(u, base)),
      `${base}/v3/users`,
    );
  });

  app.post<{ Body: Static<typeof UserCreateBody> }>(
    '/v3/users',
    { schema: { body: UserCreateBody } },
    async (request, reply) => {
      const u = request.body.user;
      const user = await users.createUser(callerOf(request), {
        name: u.name,
        domainId: u.domain_id,
        password: u.password,
        enabled: u.enabled,
        defaultProjectId: u.default_project_id,
        options: u.options,
        extra: extraOf(u, USER_KEYS),
      });
      request.auditTarget = { targetType: 'user', targetId: user.id };
      return reply.status(201).send({ user: views.user(user, identityBase(request, publicUrl)) });
    },
  );

  app.get<{ Params: { id: string } }>('/v3/users/:id', async (request) => {
    const user = await users.getUser(callerOf(request), request.params.id);
    return { user: views.user(user, identityBase(request, publicUrl)) };
  });

  app.patch<{ Params: { id: string }; Body: Static<typeof UserUpdateBody> }>(
    '/v3/users/:id',
    { schema: { body: UserUpdateBody } },
    async (request) => {
      const u = request.body.user;
      requireMatchingId(u.id, request.params.id);
      const user = await users.updateUser(callerOf(request), request.params.id, {
        name: u.name,
        domainId: u.domain_id,
        enabled: u.enabled,
        password: u.password,
        defaultProjectId: u.default_project_id,
        options: u.options,
        extra: patchExtraOf(u, USER_KEYS),
      });
      return { user: views.user(user, identityBase(request, publicUrl)) };
    },
  );

  app.delete<{ Params: { id: string } }>('/v3/users/:id', async (request, reply) => {
    await users.deleteUser(callerOf(request), request.params.id);
    return reply.status(204).send();
  });

  // Keystone's self-service password change needs no token: the original password authenticates it.
  app.post<{ Params: { id: string }; Body: Static<typeof PasswordChangeBody> }>(
    '/v3/users/:id/password',
    { config: { public: true }, schema: { body: PasswordChangeBody } },
    async (request, reply) => {
      const { password, original_password } = request.body.user;
      request.auditTarget = { action: 'change_password', targetType: 'user', targetId: request.params.id };
      await users.changePassword(request.params.id, original_password, password);
      return reply.status(204).send();
    },
  );

  app.get<{ Params: { id: string } }>('/v3/users/:id/groups', async (request) => {
    const groups = await users.listUserGroups(callerOf(request), request.params.id);
    const base = identityBase(request, publicUrl);
    const self = `${base}/v3/users/${request.params.id}/groups`;
    return collection(
      'groups',
      groups.map((g) => views.group(g, base)),
      self,
    );
  });
}

export function registerGroupRoutes(app: FastifyInstance, { services, publicUrl }: RouteDeps): void {
  const { users } = services;

  app.get('/v3/groups', async (request) => {
    const q = queryOf(request);
    const groups = await users.listGroups(callerOf(request), { name: q.name, domainId: q.domain_id });
    const base = identityBase(request, publicUrl);
    return collection(
      'groups',
      groups.map((g) => views.group(g, base)),
      `${base}/v3/groups`,
    );
  });

  app.post<{ Body: Static<typeof GroupCreateBody> }>(
    '/v3/groups',
    { schema: { body: GroupCreateBody } },
    async (request, reply) => {
      const g = request.body.group;
      const group = await users.createGroup(callerOf(request), {
        name: g.name,
        domainId: g.domain_id,
        description: g.description,
        extra: extraOf(g, GROUP_KEYS),
      });
      request.auditTarget = { targetType: 'group', targetId: group.id };
      return reply.status(201).send({ group: views.group(group, identityBase(request, publicUrl)) });
    },
  );

  app.get<{ Params: { id: string } }>('/v3/groups/:id', async (request) => {
    const group = await users.getGroup(callerOf(request), request.params.id);
    return { group: views.group(group, identityBase(request, publicUrl)) };
  });

  app.patch<{ Params: { id: string }; Body: Static<typeof GroupUpdateBody> }>(
    '/v3/groups/:id',
    { schema: { body: GroupUpdateBody } },
    async (request) => {
      const g = request.body.group;
      requireMatchingId(g.id, request.params.id);
      const group = await users.updateGroup(callerOf(request), request.params.id, {
        name: g.name,
        domainId: g.domain_id,
        description: g.description,
        extra: patchExtraOf(g, GROUP_KEYS),
      });
      return { group: views.group(group, identityBase(request, publicUrl)) };
    },
  );

  app.delete<{ Params: { id: string } }>('/v3/groups/:id', async (request, reply) => {
    await users.deleteGroup(callerOf(request), request.params.id);
    return reply.status(204).send();
  });

  registerMembershipRoutes(app, { services, publicUrl });
}

type MemberParams = { Params: { id: string; user_id: string } };

function registerMembershipRoutes(
  app: FastifyInstance,
  { services, publicUrl }: Pick<RouteDeps, 'services' | 'publicUrl'>,
): void {
  const { users } = services;

  app.get<{ Params: { id: string } }>('/v3/groups/:id/users', async (request) => {
    const members = await users.listGroupUsers(callerOf(request), request.params.id);
    const base = identityBase(request, publicUrl);
    const self = `${base}/v3/groups/${request.params.id}/users`;
    return collection(
      'users',
      members.map((u) => views.user(u, base)),
      self,
    );
  });

  app.put<MemberParams>('/v3/groups/:id/users/:user_id', NO_BODY, async (request, reply) => {
    await users.addUserToGroup(callerOf(request), request.params.id, request.params.user_id);
    return reply.status(204).send();
  });

  // Fastify answers HEAD through this GET route (exposeHeadRoutes), without the body.
  app.get<MemberParams>('/v3/groups/:id/users/:user_id', async (request, reply) => {
    await users.checkUserInGroup(callerOf(request), request.params.id, request.params.user_id);
    return reply.status(204).send();
  });

  app.delete<MemberParams>('/v3/groups/:id/users/:user_id', async (request, reply) => {
    await users.removeUserFromGroup(callerOf(request), request.params.id, request.params.user_id);
    return reply.status(204).send();
  });
}
