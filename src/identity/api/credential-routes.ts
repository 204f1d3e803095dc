// Routes for application credentials (/v3/users/{user_id}/application_credentials), stored credentials
// (/v3/credentials) and EC2 keys (/v3/users/{user_id}/credentials/OS-EC2), with their Keystone views.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { ApplicationCredentialDetails, Ec2Credential } from '../credential-service.js';
import type { Credential } from '../model.js';
import type { RouteDeps } from './route-deps.js';
import { callerOf, identityBase, queryOf } from './request-util.js';
import { Description, Id, Name, NullableId } from './schemas.js';
import { keystoneTime } from './token-views.js';
import { collection } from './views.js';

const ApplicationCredentialCreateBody = Type.Object(
  {
    application_credential: Type.Object({
      name: Name,
      secret: Type.Optional(Type.String({ maxLength: 4096 })),
      description: Type.Optional(Type.Union([Description, Type.Null()])),
      expires_at: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
      roles: Type.Optional(
        Type.Array(Type.Object({ id: Type.Optional(Id), name: Type.Optional(Name) }), { maxItems: 100 }),
      ),
      unrestricted: Type.Optional(Type.Boolean()),
      // Access rules are not supported; an empty list (what clients send by default) is accepted.
      access_rules: Type.Optional(Type.Array(Type.Object({}), { maxItems: 0 })),
    }),
  },
  { additionalProperties: false },
);

// The sealer takes at most about 3 KiB; the service checks the exact byte count.
const Blob = Type.String({ minLength: 1, maxLength: 4096 });
const CredentialType = Type.String({ minLength: 1, maxLength: 255 });

const CredentialCreateBody = Type.Object(
  {
    credential: Type.Object({
      type: CredentialType,
      blob: Blob,
      user_id: Type.Optional(Id),
      project_id: Type.Optional(NullableId),
    }),
  },
  { additionalProperties: false },
);

const CredentialUpdateBody = Type.Object(
  {
    credential: Type.Object(
      {
        type: Type.Optional(CredentialType),
        blob: Type.Optional(Blob),
        user_id: Type.Optional(Id),
        project_id: Type.Optional(NullableId),
      },
      { minProperties: 1 },
    ),
  },
  { additionalProperties: false },
);

const Ec2CreateBody = Type.Object({ tenant_id: Id }, { additionalProperties: false });

function applicationCredentialView(a: ApplicationCredentialDetails, base: string) {
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    expires_at: a.expiresAt === null ? null : keystoneTime(new Date(a.expiresAt)),
    project_id: a.projectId,
    roles: a.roles.map((r) => ({ id: r.id, name: r.name, domain_id: null })),
    unrestricted: a.unrestricted,
    access_rules: [],
    links: { self: `${base}/v3/users/${a.userId}/application_credentials/${a.id}` },
  };
}

function credentialView(c: Credential, base: string) {
  return {
    id: c.id,
    user_id: c.userId,
    project_id: c.projectId,
    type: c.type,
    blob: c.blob,
    links: { self: `${base}/v3/credentials/${c.id}` },
  };
}

function ec2View(c: Ec2Credential, base: string) {
  return {
    user_id: c.userId,
    tenant_id: c.projectId,
    access: c.access,
    secret: c.secret,
    trust_id: null,
    links: { self: `${base}/v3/users/${c.userId}/credentials/OS-EC2/${c.access}` },
  };
}

type UserParams = { Params: { user_id: string } };
type UserItemParams = { Params: { user_id: string; id: string } };

function registerApplicationCredentialRoutes(app: FastifyInstance, { services, publicUrl }: RouteDeps): void {
  const { credentials } = services;
  const collectionPath = (userId: string) => `/v3/users/${userId}/application_credentials`;

  app.get<UserParams>('/v3/users/:user_id/application_credentials', async (request) => {
    const { user_id } = request.params;
    const found = await credentials.listApplicationCredentials(
      callerOf(request),
      user_id,
      queryOf(request).name,
    );
    const base = identityBase(request, publicUrl);
    const items = found.map((a) => applicationCredentialView(a, base));
    return collection('application_credentials', items, `${base}${collectionPath(user_id)}`);
  });

  app.post<UserParams & { Body: Static<typeof ApplicationCredentialCreateBody> }>(
    '/v3/users/:user_id/application_credentials',
    { schema: { body: ApplicationCredentialCreateBody } },
    async (request, reply) => {
      const a = request.body.application_credential;
      const { applicationCredential, secret } = await credentials.createApplicationCredential(
        callerOf(request),
        request.params.user_id,
        {
          name: a.name,
          secret: a.secret,
          description: a.description,
          expiresAt: a.expires_at,
          roles: a.roles,
          unrestricted: a.unrestricted,
        },
      );
      request.auditTarget = { targetType: 'application_credential', targetId: applicationCredential.id };
      const view = applicationCredentialView(applicationCredential, identityBase(request, publicUrl));
      return reply.status(201).send({ application_credential: { ...view, secret } });
    },
  );

  app.get<UserItemParams>('/v3/users/:user_id/application_credentials/:id', async (request) => {
    const { user_id, id } = request.params;
    const found = await credentials.getApplicationCredential(callerOf(request), user_id, id);
    return { application_credential: applicationCredentialView(found, identityBase(request, publicUrl)) };
  });

  app.delete<UserItemParams>('/v3/users/:user_id/application_credentials/:id', async (request, reply) => {
    await credentials.deleteApplicationCredential(
      callerOf(request),
      request.params.user_id,
      request.params.id,
    );
    return reply.status(204).send();
  });
}

function registerStoredCredentialRoutes(app: FastifyInstance, { services, publicUrl }: RouteDeps): void {
  const { credentials } = services;

  app.get('/v3/credentials', async (request) => {
    const q = queryOf(request);
    const found = await credentials.listCredentials(callerOf(request), { userId: q.user_id, type: q.type });
    const base = identityBase(request, publicUrl);
    return collection(
      'credentials',
      found.map((c) => credentialView(c, base)),
      `${base}/v3/credentials`,
    );
  });

  app.post<{ Body: Static<typeof CredentialCreateBody> }>(
    '/v3/credentials',
    { schema: { body: CredentialCreateBody } },
    async (request, reply) => {
      const c = request.body.credential;
      const created = await credentials.createCredential(callerOf(request), {
        type: c.type,
        blob: c.blob,
        userId: c.user_id,
        projectId: c.project_id,
      });
      request.auditTarget = { targetType: 'credential', targetId: created.id };
      return reply
        .status(201)
        .send({ credential: credentialView(created, identityBase(request, publicUrl)) });
    },
  );

  app.get<{ Params: { id: string } }>('/v3/credentials/:id', async (request) => {
    const found = await credentials.getCredential(callerOf(request), request.params.id);
    return { credential: credentialView(found, identityBase(request, publicUrl)) };
  });

  app.patch<{ Params: { id: string }; Body: Static<typeof CredentialUpdateBody> }>(
    '/v3/credentials/:id',
    { schema: { body: CredentialUpdateBody } },
    async (request) => {
      const c = request.body.credential;
      const updated = await credentials.updateCredential(callerOf(request), request.params.id, {
        type: c.type,
        blob: c.blob,
        userId: c.user_id,
        projectId: c.project_id,
      });
      return { credential: credentialView(updated, identityBase(request, publicUrl)) };
    },
  );

  app.delete<{ Params: { id: string } }>('/v3/credentials/:id', async (request, reply) => {
    await credentials.deleteCredential(callerOf(request), request.params.id);
    return reply.status(204).send();
  });
}

function registerEc2Routes(app: FastifyInstance, { services, publicUrl }: RouteDeps): void {
  const { credentials } = services;
  type AccessParams = { Params: { user_id: string; access: string } };

  app.get<UserParams>('/v3/users/:user_id/credentials/OS-EC2', async (request) => {
    const { user_id } = request.params;
    const found = await credentials.listEc2(callerOf(request), user_id);
    const base = identityBase(request, publicUrl);
    const self = `${base}/v3/users/${user_id}/credentials/OS-EC2`;
    return collection(
      'credentials',
      found.map((c) => ec2View(c, base)),
      self,
    );
  });

  app.post<UserParams & { Body: Static<typeof Ec2CreateBody> }>(
    '/v3/users/:user_id/credentials/OS-EC2',
    { schema: { body: Ec2CreateBody } },
    async (request, reply) => {
      const created = await credentials.createEc2(
        callerOf(request),
        request.params.user_id,
        request.body.tenant_id,
      );
      // The new key belongs to the user of the path; the access key is for the client, not the audit trail.
      request.auditTarget = { targetType: 'ec2_credential', targetId: request.params.user_id };
      return reply.status(201).send({ credential: ec2View(created, identityBase(request, publicUrl)) });
    },
  );

  app.get<AccessParams>('/v3/users/:user_id/credentials/OS-EC2/:access', async (request) => {
    const found = await credentials.getEc2(callerOf(request), request.params.user_id, request.params.access);
    return { credential: ec2View(found, identityBase(request, publicUrl)) };
  });

  app.delete<AccessParams>('/v3/users/:user_id/credentials/OS-EC2/:access', async (request, reply) => {
    await credentials.deleteEc2(callerOf(request), request.params.user_id, request.params.access);
    return reply.status(204).send();
  });
}

export function registerCredentialRoutes(app: FastifyInstance, deps: RouteDeps): void {
  registerApplicationCredentialRoutes(app, deps);
  registerStoredCredentialRoutes(app, deps);
  registerEc2Routes(app, deps);
}
