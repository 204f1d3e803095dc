// Server actions (POST /servers/{id}/action): the power actions write their task_state for the worker;
// lock/unlock and metadata-only actions finish in the request; console output asks the host directly.
import type { Clock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { isAdmin, requireWriter } from './compute-policy.js';
import type { ComputeDriver } from './driver/driver.js';
import type { InstanceAction, Server } from './model.js';
import type { ServerService } from './server-service.js';
import { ACTION_RULES, type ServerActionName } from './server-state.js';
import type { ServerStore } from './server-store.js';

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

  /** The last `length` lines of the serial console (Nova: 409 unless the guest has a host). */
  async function consoleOutput(auth: AuthContext, id: string, length: number | undefined): Promise<string> {
    const server = await deps.servers.visible(auth, id);
    if (server.host === null || server.vmState === 'building')
      throw invalidState(server, 'get console output');
    return deps.driver.consoleOutput(id, length);
  }

  async function actions(auth: AuthContext, id: string): Promise<InstanceAction[]> {
    const server = await deps.servers.visible(auth, id);
    return store.actions(server.id, 1000);
  }

  return { power, lock, unlock, consoleOutput, actions };
}

export type ServerActions = ReturnType<typeof createServerActions>;
