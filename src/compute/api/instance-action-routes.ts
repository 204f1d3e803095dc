// os-instance-actions: the actions of a server, newest first (paged and filtered from 2.58, also of a
// deleted server from 2.21), and one action with its events.
// Nuage's worker does each action's host work in one piece, so an action has one event, named after
// the compute manager method Nova records (compute_reboot_instance, …) and timed like the action.
import type { FastifyInstance } from 'fastify';
import { isAdmin } from '../compute-policy.js';
import type { InstanceAction, Server } from '../model.js';
import { atLeast, type Microversion } from './microversion.js';
import { type ComputeRouteDeps, callerOf, versionOf } from './route-deps.js';
import { ANY_QUERY } from './schemas/parameter-types.js';
import { INSTANCE_ACTION_LIST_QUERY } from './schemas/misc-schemas.js';
import { parseIsoTime } from './validation/nova-formats.js';
import { hostIdOf, instanceActionView, isoMicros } from './views.js';

type Params = { id: string };

/** Nova's event (compute manager function) for each action; API-only actions (lock…) have none. */
const EVENTS: Record<string, string> = {
  create: 'compute__do_build_and_run_instance',
  delete: 'compute_terminate_instance',
  reboot: 'compute_reboot_instance',
  stop: 'compute_stop_instance',
  start: 'compute_start_instance',
  pause: 'compute_pause_instance',
  unpause: 'compute_unpause_instance',
  suspend: 'compute_suspend_instance',
  resume: 'compute_resume_instance',
  rebuild: 'compute_rebuild_instance',
  resize: 'compute_prep_resize',
  confirmResize: 'compute_confirm_resize',
  revertResize: 'compute_revert_resize',
  createImage: 'compute_snapshot_instance',
  attach_volume: 'compute_attach_volume',
  detach_volume: 'compute_detach_volume',
};

function eventsOf(a: InstanceAction, server: Server, v: Microversion, admin: boolean) {
  const name = EVENTS[a.action];
  if (name === undefined) return [];
  return [
    {
      event: name,
      start_time: isoMicros(a.startTime),
      finish_time: isoMicros(a.finishTime),
      result: a.result,
      // Nova's events policy: admins see the traceback (and the host from 2.62).
      ...(admin && { traceback: a.result === 'Error' ? a.message : null }),
      ...(admin && atLeast(v, 62) && { host: server.host ?? '' }),
      ...(atLeast(v, 62) && { hostId: hostIdOf(server) }),
    },
  ];
}

function pageQuery(query: Record<string, string[]>, v: Microversion) {
  if (!atLeast(v, 58)) return {};
  const one = (key: string) => query[key]?.[0];
  const iso = (key: string) => {
    const raw = one(key);
    return raw === undefined ? undefined : parseIsoTime(raw)?.toISOString();
  };
  const limit = one('limit');
  return {
    ...(limit !== undefined && { limit: Number(limit) }),
    ...(one('marker') !== undefined && { marker: one('marker') }),
    ...(iso('changes-since') !== undefined && { changesSince: iso('changes-since') }),
    ...(iso('changes-before') !== undefined && { changesBefore: iso('changes-before') }),
  };
}

export function registerInstanceActionRoutes(app: FastifyInstance, deps: ComputeRouteDeps): void {
  const base = '/v2.1/servers/:id/os-instance-actions';

  app.get<{ Params: Params }>(
    base,
    { config: { nova: { query: INSTANCE_ACTION_LIST_QUERY } } },
    async (request) => {
      const v = versionOf(request);
      const list = await deps.actions.actions(callerOf(request), request.params.id, {
        deleted: atLeast(v, 21),
        ...pageQuery(request.novaQuery ?? {}, v),
      });
      return { instanceActions: list.map((a) => instanceActionView(a, v)) };
    },
  );

  app.get<{ Params: Params & { requestId: string } }>(
    `${base}/:requestId`,
    { config: { nova: { query: ANY_QUERY } } },
    async (request) => {
      const v = versionOf(request);
      const auth = callerOf(request);
      const { server, action } = await deps.actions.action(
        auth,
        request.params.id,
        request.params.requestId,
        atLeast(v, 21),
      );
      // Nova shows events to admins (os-instance-actions:events), from 2.51 to the owner too.
      const admin = isAdmin(auth);
      return {
        instanceAction: {
          ...instanceActionView(action, v),
          ...((admin || atLeast(v, 51)) && { events: eventsOf(action, server, v, admin) }),
        },
      };
    },
  );
}
