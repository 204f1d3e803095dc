// Routes for image members: the owner shares a `shared` image with projects, a member project accepts it.
import type { FastifyInstance } from 'fastify';
import { callerOf, objectBody, type ImageRouteDeps } from './route-deps.js';
import { memberBody } from './views.js';

type IdParams = { Params: { id: string } };
type MemberParams = { Params: { id: string; member: string } };

export function registerMemberRoutes(app: FastifyInstance, { members }: ImageRouteDeps): void {
  app.get<IdParams>('/v2/images/:id/members', async (request) => ({
    members: (await members.list(callerOf(request), request.params.id)).map(memberBody),
    schema: '/v2/schemas/members',
  }));

  app.post<IdParams>('/v2/images/:id/members', async (request) =>
    memberBody(await members.add(callerOf(request), request.params.id, objectBody(request.body).member)),
  );

  app.get<MemberParams>('/v2/images/:id/members/:member', async (request) =>
    memberBody(await members.show(callerOf(request), request.params.id, request.params.member)),
  );

  app.put<MemberParams>('/v2/images/:id/members/:member', async (request) =>
    memberBody(
      await members.setStatus(
        callerOf(request),
        request.params.id,
        request.params.member,
        objectBody(request.body).status,
      ),
    ),
  );

  app.delete<MemberParams>('/v2/images/:id/members/:member', async (request, reply) => {
    await members.remove(callerOf(request), request.params.id, request.params.member);
    return reply.status(204).send();
  });
}
