// Server actions (POST /servers/{id}/action): the power actions write their task_state for the worker;
// lock/unlock and metadata-only actions finish in the request; console output asks the host directly.
import type { Clock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { computeErrors } from './compute-errors.js';
import { isAdmin, requireWriter } from './compute-policy.js';
import type { ComputeDriver } from './driver/driver.js';
import type { InstanceAction, Server } from './model.js';
import type { ServerService } from './server-service.js';
import { ACTION_RULES, type ServerActionName } from './server-state.js';
import type { ServerStore } from './server-store.js';

export interface ActionQuery {
  /** 2.21: the actions of a deleted server too. */
  deleted?: boolean;
  limit?: number;
  marker?: string;
  /** ISO timestamps, compared with the action's last change. */
  changesSince?: string;
  changesBefore?: string;
}

export interface ServerActionDeps {
  servers: ServerService;
  store: ServerStore;
  driver: ComputeDriver;
  clock: Clock;
  kick(serverId: string): void;
}

/** Nova's 409 for an action the state does not allow (nova.exception.InstanceInvalidState). */
function invalidState(server: Server, action: string) {
  return errors.conflict(
    `Cannot '${action}' instance ${server.id} while it is in vm_state ${server.vmState}` +
      (server.taskState ? ` and task_state ${server.taskState}` : ''),
  );
}

export function createServerActions(deps: ServerActionDeps) {
  const { store, clock } = deps;

  async function writable(auth: AuthContext, id: string): Promise<Server> {
    requireWriter(auth);
    const server = await deps.servers.visible(auth, id);
    if (server.locked && !isAdmin(auth)) throw errors.conflict(`Instance ${id} is locked`);
    return server;
  }

  /** Starts a power action; the worker performs it and clears the task state. */
  async function power(
    auth: AuthContext,
    id: string,
    name: ServerActionName,
    requestId: string,
  ): Promise<void> {
    const server = await writable(auth, id);
    const rule = ACTION_RULES[name];
    if (server.taskState !== null || !rule.allowedFrom.includes(server.vmState)) {
      throw invalidState(server, rule.actionName);
    }
    const next = await store.update(
      server.id,
      server.version,
      { taskState: rule.taskState },
      clock.now().toISOString(),
    );
    if (!next) throw invalidState(server, rule.actionName);
    await deps.servers.recordAction(auth, server, rule.actionName, requestId);
    deps.kick(id);
  }

  async function lock(
    auth: AuthContext,
    id: string,
    reason: string | null,
    requestId: string,
  ): Promise<void> {
    requireWriter(auth);
    const server = await deps.servers.visible(auth, id);
    const next = await store.update(
      server.id,
      server.version,
      { locked: true, lockedReason: reason },
      clock.now().toISOString(),
    );
    if (!next) throw invalidState(server, 'lock');
    await finishedAction(auth, server, 'lock', requestId);
  }

  async function unlock(auth: AuthContext, id: string, requestId: string): Promise<void> {
    requireWriter(auth);
    const server = await deps.servers.visible(auth, id);
    const next = await store.update(
      server.id,
      server.version,
      { locked: false, lockedReason: null },
      clock.now().toISOString(),
    );
    if (!next) throw invalidState(server, 'unlock');
    await finishedAction(auth, server, 'unlock', requestId);
  }

  async function finishedAction(auth: AuthContext, server: Server, action: string, requestId: string) {
    const at = clock.now().toISOString();
    await store.startAction({
      requestId,
      serverId: server.id,
      action,
      projectId: server.projectId,
      userId: auth.userId,
      message: null,
      startTime: at,
      finishTime: at,
      result: 'Success',
    });
  }

  /**
   * changePassword: Nova sets the password through the QEMU guest agent, which Nuage's guests do not
   * run, so the action is recorded and fails as Nova's does on a guest without an agent (501).
   */
  async function changePassword(auth: AuthContext, id: string, requestId: string): Promise<void> {
    const server = await writable(auth, id);
    if (server.vmState !== 'active') throw invalidState(server, 'changePassword');
    const at = clock.now().toISOString();
    const message = 'Unable to set password on instance';
    await store.startAction({
      requestId,
      serverId: server.id,
      action: 'changePassword',
      projectId: server.projectId,
      userId: auth.userId,
      message,
      startTime: at,
      finishTime: at,
      result: 'Error',
    });
    throw errors.notImplemented(message);
  }

  /** The last `length` lines of the serial console (Nova: 409 unless the guest has a host). */
  async function consoleOutput(auth: AuthContext, id: string, length: number | undefined): Promise<string> {
    const server = await deps.servers.visible(auth, id);
    if (server.host === null || server.vmState === 'building')
      throw invalidState(server, 'get console output');
    return deps.driver.consoleOutput(id, length);
  }

  /**
   * os-instance-actions, newest first; from 2.21 also of a deleted server, from 2.58 paged by marker
   * (a request id) and limit and filtered by when they last changed (changes-since/-before).
   */
  async function actions(auth: AuthContext, id: string, query: ActionQuery = {}): Promise<InstanceAction[]> {
    const server = await deps.servers.visible(auth, id, { deleted: query.deleted === true });
    let list = await store.actions(server.id, 1000);
    const changed = (a: InstanceAction) => a.finishTime ?? a.startTime;
    if (query.changesSince !== undefined) list = list.filter((a) => changed(a) >= (query.changesSince ?? ''));
    if (query.changesBefore !== undefined)
      list = list.filter((a) => changed(a) <= (query.changesBefore ?? ''));
    if (query.marker !== undefined) {
      const at = list.findIndex((a) => a.requestId === query.marker);
      if (at < 0) throw errors.badRequest(`Marker ${query.marker} could not be found.`);
      list = list.slice(at + 1);
    }
    return query.limit === undefined ? list : list.slice(0, query.limit);
  }

  async function action(auth: AuthContext, id: string, requestId: string, deleted: boolean) {
    const server = await deps.servers.visible(auth, id, { deleted });
    const found = (await store.actions(server.id, 1000)).find((a) => a.requestId === requestId);
    if (!found) throw computeErrors.notFound(`Action ${requestId} not found`);
    return { server, action: found };
  }

  return { power, lock, unlock, changePassword, consoleOutput, actions, action };
}

export type ServerActions = ReturnType<typeof createServerActions>;
