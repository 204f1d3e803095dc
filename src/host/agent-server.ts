// The agent's listener: serves the HostAgent contract as `POST /agent/v1/<operation>` to the control
// plane only. The control plane presents `Authorization: Nuage-Agent control-plane:<secret>` with the
// secret this agent gave it in its heartbeat (new at every agent start); anything else is a 401.
import Fastify, { type FastifyInstance } from 'fastify';
import { isDriverError } from '../compute/driver/driver.js';
import { AGENT_OPERATIONS, type AgentOperation, type HostAgent } from './agent-contract.js';
import { parseAgentAuthorization, sameSecret } from './agent-credentials.js';
import { argumentsProblem, OperationBodySchema, statusOfDriverError, type WireError } from './agent-wire.js';

/** The name the control plane presents itself as. */
export const CONTROL_PLANE_PRINCIPAL = 'control-plane';

export interface AgentServerOptions {
  agent: HostAgent;
  controlSecret: string;
  log: { error(obj: Record<string, unknown>, msg?: string): void };
}

function wireError(code: WireError['error']['code'], message: string): WireError {
  return { error: { code, message } };
}

export function buildAgentServer(options: AgentServerOptions): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
  const operations = new Set<string>(AGENT_OPERATIONS);
  app.addHook('onRequest', async (request, reply) => {
    const presented = parseAgentAuthorization(request.headers.authorization);
    if (
      presented === undefined ||
      presented.host !== CONTROL_PLANE_PRINCIPAL ||
      !sameSecret(presented.secret, options.controlSecret)
    ) {
      return reply
        .status(401)
        .send(wireError('Unauthorized', 'The control plane credential is missing or wrong.'));
    }
  });
  app.setErrorHandler((err, _request, reply) => {
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) return reply.status(400).send(wireError('BadRequest', (err as Error).message));
    options.log.error({ event: 'agent.request.failed', err });
    return reply.status(500).send(wireError('HypervisorError', 'The agent failed to handle the request.'));
  });
  app.post<{ Params: { operation: string }; Body: { args: unknown[] } }>('/agent/v1/:operation', {
    schema: { body: OperationBodySchema },
    handler: async (request, reply) => {
      const { operation } = request.params;
      if (!operations.has(operation))
        return reply.status(404).send(wireError('BadRequest', `no operation ${operation}`));
      const op = operation as AgentOperation;
      const problem = argumentsProblem(op, request.body.args);
      if (problem !== undefined) return reply.status(400).send(wireError('BadRequest', problem));
      try {
        const method = options.agent[op] as (...args: unknown[]) => Promise<unknown>;
        const result = await method.apply(options.agent, request.body.args);
        return reply.status(200).send({ result: result ?? null });
      } catch (err) {
        if (!isDriverError(err)) throw err;
        return reply.status(statusOfDriverError(err.code)).send(wireError(err.code, err.message));
      }
    },
  });
  return app;
}
