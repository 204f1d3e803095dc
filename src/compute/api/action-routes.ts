// POST /servers/{id}/action: the power actions (202; the worker performs them), lock/unlock, and
// os-getConsoleOutput (200 with the text). One action per body, as Nova requires.
import type { FastifyInstance } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import type { ServerActionName } from '../server-state.js';
import { LIFECYCLE_ACTIONS, runLifecycleAction } from './lifecycle-actions.js';
import { atLeast } from './microversion.js';
import { LEGACY_CONSOLE_ACTIONS, runLegacyConsoleAction } from './remote-console-routes.js';
import { type ComputeRouteDeps, callerOf, objectBody, versionOf } from './route-deps.js';

type Params = { id: string };

const POWER_ACTIONS: Record<string, ServerActionName> = {
  'os-start': 'os-start',
  'os-stop': 'os-stop',
  pause: 'pause',
  unpause: 'unpause',
  suspend: 'suspend',
  resume: 'resume',
};

function rebootKind(raw: unknown): ServerActionName {
  const type = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).type : undefined;
  if (typeof type !== 'string') throw errors.badRequest("'type' is a required property");
  if (type.toUpperCase() === 'SOFT') return 'reboot-soft';
  if (type.toUpperCase() === 'HARD') return 'reboot-hard';
  throw errors.badRequest(`Invalid input for field/attribute type. Value: ${type}.`);
}

function consoleLength(raw: unknown): number | undefined {
  const length =
    typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).length : undefined;
  if (length === undefined || length === null || length === -1 || length === '-1') return undefined;
  const n = typeof length === 'string' && /^\d+$/.test(length) ? Number(length) : length;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
    throw errors.badRequest('Invalid input for field/attribute length.');
  return n;
}

/** `locked_reason` (2.73+), at most 255 characters; null when absent. */
function lockReason(raw: unknown, allowed: boolean): string | null {
  if (!allowed || typeof raw !== 'object' || raw === null) return null;
  const reason = (raw as Record<string, unknown>).locked_reason;
  if (reason === undefined) return null;
  if (typeof reason !== 'string' || reason.length > 255) {
    throw errors.badRequest('Invalid input for field/attribute locked_reason.');
  }
  return reason;
}

export function registerActionRoutes(app: FastifyInstance, deps: ComputeRouteDeps): void {
  const { actions } = deps;

  app.post<{ Params: Params }>('/v2.1/servers/:id/action', async (request, reply) => {
    const auth = callerOf(request);
    const body = objectBody(request.body);
    const keys = Object.keys(body);
    const [name] = keys;
    if (name === undefined || keys.length !== 1)
      throw errors.badRequest('There is not exactly one action in the request body.');
    const id = request.params.id;
    if (LIFECYCLE_ACTIONS.has(name) && deps.lifecycle !== undefined)
      return runLifecycleAction(deps.lifecycle, deps, name, request, reply);
    if (name in LEGACY_CONSOLE_ACTIONS && deps.consoles !== undefined)
      return runLegacyConsoleAction({ ...deps, consoles: deps.consoles }, name, request, reply);
    const power = POWER_ACTIONS[name];
    if (power !== undefined) {
      await actions.power(auth, id, power, request.id);
      return reply.status(202).send();
    }
    switch (name) {
      case 'reboot':
        await actions.power(auth, id, rebootKind(body.reboot), request.id);
        return reply.status(202).send();
      case 'lock':
        await actions.lock(auth, id, lockReason(body.lock, atLeast(versionOf(request), 73)), request.id);
        return reply.status(202).send();
      case 'unlock':
        await actions.unlock(auth, id, request.id);
        return reply.status(202).send();
      case 'os-getConsoleOutput':
        return reply
          .status(200)
          .send({ output: await actions.consoleOutput(auth, id, consoleLength(body[name])) });
      default:
        throw errors.badRequest(`Action ${name} is not supported yet.`);
    }
  });
}
