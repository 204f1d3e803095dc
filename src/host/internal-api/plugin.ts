// The control plane's internal API for host agents, under /internal/v1: heartbeats (capacity and guests)
// and guest events. Each agent authenticates with `Authorization: Nuage-Agent <host>:<secret>` and may act
// only for its own host (401 for a bad credential, 403 for another host's path). Errors in Nova's shape.
import type { TokenCipher } from '../../common/crypto/token-cipher.js';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Clock } from '../../common/clock.js';
import { errors } from '../../common/errors/codes.js';
import { installErrorHandler } from '../../common/http/error-handler.js';
import { renderNovaError } from '../../compute/api/render-nova.js';
import type { AgentCredentialStore } from '../agent-credential-store.js';
import { parseAgentAuthorization, verifyAgentSecret } from '../agent-credentials.js';
import {
  EventsBodySchema,
  HeartbeatBodySchema,
  type EventsBody,
  type GuestEventReport,
  type HeartbeatBody,
} from './schemas.js';

/** What the control plane does with an agent's reports (compute's host registration and reconcile). */
export interface AgentReportSink {
  heartbeat(host: string, body: HeartbeatBody): Promise<void>;
  events(host: string, events: readonly GuestEventReport[]): Promise<void>;
}

export interface InternalApiDeps {
  credentials: AgentCredentialStore;
  /** Seals each agent's control secret before it is stored: never in the database in clear. */
  secrets: TokenCipher;
  reports: AgentReportSink;
  clock: Clock;
}

/**
 * Checks the credential after the body's shape (a malformed body costs no scrypt); a request with no
 * credential at all is refused before anything else.
 */
async function authenticate(credentials: AgentCredentialStore, request: FastifyRequest): Promise<void> {
  const presented = parseAgentAuthorization(request.headers.authorization);
  if (presented === undefined) throw errors.unauthorized();
  const stored = await credentials.get(presented.host);
  if (stored === undefined || !(await verifyAgentSecret(presented.secret, stored.secretHash))) {
    throw errors.unauthorized();
  }
  const { host } = request.params as { host: string };
  if (host !== presented.host) throw errors.forbidden(`Agent ${presented.host} may act only for itself.`);
}

function routes(app: FastifyInstance, deps: InternalApiDeps): void {
  app.addHook('onRequest', async (request) => {
    if (request.headers.authorization === undefined && request.headers['x-auth-token'] === undefined) {
      throw errors.unauthorized();
    }
  });
  const preHandler = (request: FastifyRequest) => authenticate(deps.credentials, request);

  app.post<{ Params: { host: string }; Body: HeartbeatBody }>('/v1/agents/:host/heartbeat', {
    schema: { body: HeartbeatBodySchema },
    preHandler,
    handler: async (request, reply) => {
      const { host } = request.params;
      const body = request.body;
      if (!/^https?:\/\//.test(body.agentUrl)) throw errors.badRequest('agentUrl must be an http(s) URL.');
      await deps.reports.heartbeat(host, body);
      await deps.credentials.recordAgent(
        host,
        body.agentUrl,
        deps.secrets.seal(Buffer.from(body.controlSecret, 'utf8')),
        deps.clock.now().toISOString(),
      );
      return reply.status(200).send({ host, guests: body.guests.length });
    },
  });

  app.post<{ Params: { host: string }; Body: EventsBody }>('/v1/agents/:host/events', {
    schema: { body: EventsBodySchema },
    preHandler,
    handler: async (request, reply) => {
      await deps.reports.events(request.params.host, request.body.events);
      return reply.status(202).send({ accepted: request.body.events.length });
    },
  });
}

/** Mount with prefix `/internal`. */
export function internalApiPlugin(deps: InternalApiDeps): FastifyPluginAsync {
  return async (app) => {
    installErrorHandler(app, (err, message) => renderNovaError(err, message));
    routes(app, deps);
  };
}
