// POST /servers/{id}/action: the power actions (202; the worker performs them), lock/unlock,
// os-getConsoleOutput (200 with the text), changePassword, and the lifecycle actions
// (lifecycle-actions.ts). The plugin has validated the body against the action's schema
// (schemas/action-schemas.ts): exactly one known action, its fields typed.
import type { FastifyInstance } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import type { ServerActionName } from '../server-state.js';
import { LIFECYCLE_ACTIONS, runLifecycleAction } from './lifecycle-actions.js';
import { atLeast } from './microversion.js';
import { type ComputeRouteDeps, callerOf, versionOf } from './route-deps.js';
import { SERVER_ACTIONS } from './schemas/action-schemas.js';

type Params = { id: string };
type ActionBody = Record<string, Record<string, unknown> | null | undefined>;

const POWER_ACTIONS: Record<string, ServerActionName> = {
  'os-start': 'os-start',
  'os-stop': 'os-stop',
  pause: 'pause',
  unpause: 'unpause',
  suspend: 'suspend',
  resume: 'resume',
};

/** os-getConsoleOutput's length: -1 or null (and absent) mean everything. */
function consoleLength(raw: unknown): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  const n = Number(raw);
  return n === -1 ? undefined : n;
}

export function registerActionRoutes(app: FastifyInstance, deps: ComputeRouteDeps): void {
  const { actions } = deps;

  app.post<{ Params: Params }>(
    '/v2.1/servers/:id/action',
    { config: { nova: { actions: SERVER_ACTIONS } } },
    async (request, reply) => {
      const auth = callerOf(request);
      const body = request.body as ActionBody;
      const [name = ''] = Object.keys(body);
      const id = request.params.id;
      if (LIFECYCLE_ACTIONS.has(name)) {
        if (deps.lifecycle === undefined) throw errors.notImplemented(`Action ${name} is not available.`);
        return runLifecycleAction(deps.lifecycle, deps, name, request, reply);
      }
      const power = POWER_ACTIONS[name];
      if (power !== undefined) {
        await actions.power(auth, id, power, request.id);
        return reply.status(202).send();
      }
      const args = body[name] ?? {};
      switch (name) {
        case 'reboot':
          await actions.power(
            auth,
            id,
            /^hard$/i.test(String(args.type)) ? 'reboot-hard' : 'reboot-soft',
            request.id,
          );
          return reply.status(202).send();
        case 'lock': {
          const reason = atLeast(versionOf(request), 73) ? args.locked_reason : undefined;
          await actions.lock(auth, id, typeof reason === 'string' ? reason : null, request.id);
          return reply.status(202).send();
        }
        case 'unlock':
          await actions.unlock(auth, id, request.id);
          return reply.status(202).send();
        case 'os-getConsoleOutput':
          return reply.status(200).send({
            output: await actions.consoleOutput(auth, id, consoleLength(args.length)),
          });
        case 'changePassword':
          await actions.changePassword(auth, id, request.id);
          return reply.status(202).send();
        default:
          throw errors.badRequest(`There is no such action: ${name}`);
      }
    },
  );
}
