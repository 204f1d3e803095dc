// Routes for image members: the owner shares a `shared` image with projects, a member project accepts it.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { callerOf, checkedBody, type ImageRouteDeps } from './route-deps.js';
import { memberBody } from './views.js';

const MemberCreate = Type.Object(
  { member: Type.String({ minLength: 1, maxLength: 255 }) },
  { additionalProperties: false },
);
// openstacksdk sends the whole member back with its new status (`member` included), as Glance, which
// reads only `status`, allows: the member's own read-only attributes may come along; anything else is
// refused.
const Echoed = Type.Optional(Type.Unknown());
const MemberUpdate = Type.Object(
  {
    status: Type.Union([Type.Literal('pending'), Type.Literal('accepted'), Type.Literal('rejected')]),
    member: Echoed,
    member_id: Echoed,
    image_id: Echoed,
    created_at: Echoed,
    updated_at: Echoed,
    schema: Echoed,
  },
  { additionalProperties: false },
);

type IdParams = { Params: { id: string } };
type MemberParams = { Params: { id: string; member: string } };

export function registerMemberRoutes(app: FastifyInstance, { members }: ImageRouteDeps): void {
  app.get<IdParams>('/v2/images/:id/members', async (request) => ({
    members: (await members.list(callerOf(request), request.params.id)).map(memberBody),
    schema: '/v2/schemas/members',
  }));

  app.post<IdParams>(
    '/v2/images/:id/members',
    { config: { declaredBody: MemberCreate } },
    async (request) => {
      const { member } = checkedBody(MemberCreate, 'member', request.body);
      return memberBody(await members.add(callerOf(request), request.params.id, member));
    },
  );

  app.get<MemberParams>('/v2/images/:id/members/:member', async (request) =>
    memberBody(await members.show(callerOf(request), request.params.id, request.params.member)),
  );

  app.put<MemberParams>(
    '/v2/images/:id/members/:member',
    { config: { declaredBody: MemberUpdate } },
    async (request) => {
      const { status } = checkedBody(MemberUpdate, 'member', request.body);
      return memberBody(
        await members.setStatus(callerOf(request), request.params.id, request.params.member, status),
      );
    },
  );

  app.delete<MemberParams>('/v2/images/:id/members/:member', async (request, reply) => {
    await members.remove(callerOf(request), request.params.id, request.params.member);
    return reply.status(204).send();
  });
}
