// /v1/secrets: list, create, metadata, payload (GET .../payload, or GET with a non-JSON Accept), add a
// payload (PUT), delete.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bodyChecker } from '../body-check.js';
import { policy } from '../key-manager-policy.js';
import { NewSecretSchema } from '../schemas.js';
import { baseUrl, callerOf, jsonBody, mediaType, rawBody, requireContentType } from './http.js';
import type { KeyManagerRouteDeps } from './route-deps.js';
import { resource } from './route-deps.js';
import { secretListFilters } from './secret-list-params.js';
import { listView, secretRef, secretView } from './views.js';

const newSecret = bodyChecker(NewSecretSchema);

interface IdParams {
  id: string;
}

/** controllers.is_json_request_accept: no Accept, or exactly application/json or * / *. */
function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return accept === undefined || accept === 'application/json' || accept === '*/*';
}

export function registerSecretRoutes(app: FastifyInstance, deps: KeyManagerRouteDeps): void {
  const { secrets } = deps;
  const base = (request: FastifyRequest) => baseUrl(request, deps.publicUrl);

  async function sendPayload(request: FastifyRequest<{ Params: IdParams }>, reply: FastifyReply) {
    const result = await secrets.payload(callerOf(request), request.params.id, request.headers.accept);
    return reply.type(result.contentType).send(result.body);
  }

  resource(
    app,
    '/v1/secrets',
    [
      {
        method: 'GET',
        operation: 'Secret(s) retrieval',
        handler: async (request) => {
          const page = await secrets.list(callerOf(request), secretListFilters(request));
          const query = request.query as Record<string, string | string[] | undefined>;
          return listView('secrets', page, (s) => secretView(s, base(request)), base(request), query);
        },
      },
      {
        method: 'POST',
        operation: 'Secret creation',
        body: NewSecretSchema,
        handler: async (request, reply) => {
          const auth = callerOf(request);
          // Barbican's order: policy, then content type, then the body.
          policy.create(auth);
          requireContentType(request, ['application/json']);
          const body = newSecret.check(jsonBody(request), 'Secret');
          const secret = await secrets.create(auth, body);
          const ref = secretRef(base(request), secret.id);
          return reply.status(201).header('location', ref).send({ secret_ref: ref });
        },
      },
    ],
    { slash: true },
  );

  resource(app, '/v1/secrets/:id', [
    {
      method: 'GET',
      operation: 'Secret retrieval',
      handler: async (request, reply) => {
        const { params } = request as FastifyRequest<{ Params: IdParams }>;
        if (!wantsJson(request)) return sendPayload(request as FastifyRequest<{ Params: IdParams }>, reply);
        return secretView(await secrets.get(callerOf(request), params.id), base(request));
      },
    },
    {
      method: 'PUT',
      operation: 'Secret update',
      body: 'raw',
      handler: async (request, reply) => {
        const { params } = request as FastifyRequest<{ Params: IdParams }>;
        const encoding = request.headers['content-encoding'];
        await secrets.putPayload(callerOf(request), params.id, {
          body: rawBody(request),
          contentType: mediaType(request),
          ...(encoding ? { encoding } : {}),
        });
        return reply.status(204).send();
      },
    },
    {
      method: 'DELETE',
      operation: 'Secret deletion',
      handler: async (request, reply) => {
        const { params } = request as FastifyRequest<{ Params: IdParams }>;
        await secrets.remove(callerOf(request), params.id);
        return reply.status(204).send();
      },
    },
  ]);

  resource(app, '/v1/secrets/:id/payload', [
    {
      method: 'GET',
      operation: 'Secret payload retrieval',
      handler: async (request, reply) => sendPayload(request as FastifyRequest<{ Params: IdParams }>, reply),
    },
  ]);
}
