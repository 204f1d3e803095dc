// The idempotent worker that drives server rows towards their desired state over the ComputeDriver:
// the boot saga (vm_state building), the power actions (task_state powering-off, rebooting, …) and
// delete. It is kicked after each API write and sweeps pending rows on an interval, so a restart
// resumes every half-done task. Each row is processed by one loop at a time in this process; the row
// version (compare-and-set) keeps two processes from both advancing it.
import type { Clock } from '../common/clock.js';
import { bootSteps, type BootSagaDeps, type BootStep } from './boot-saga.js';
import { PowerState, isDriverError, type StopOptions } from './driver/driver.js';
import type { HostAgent, PowerAction } from '../host/agent-contract.js';
import { unlockedGuest } from './guest-lock.js';
import type { Server } from './model.js';
import { ACTION_RULES, actionForTask } from './server-state.js';
import type { ServerPatch, ServerStore } from './server-store.js';
import { createServerTasks, type ServerTaskDeps } from './server-tasks.js';
import { createComputeWorkerAudit, type ComputeWorkerAuditDeps } from './worker-audit.js';

export interface WorkerLog {
  info(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

export interface ServerWorkerDeps extends BootSagaDeps, Pick<ServerTaskDeps, 'snapshots' | 'snapshotDir'> {
  store: ServerStore;
  clock: Clock;
  log: WorkerLog;
  /** Rows driven at once (default 8); the others wait their turn. */
  maxConcurrent?: number;
  /** How many pending rows one sweep takes. */
  sweepLimit?: number;
  /** Soft stop timeout for os-stop and soft reboot. */
  stopTimeoutMs?: number;
  /** The server's volumes: plugged back after a rebuild, released when the server is deleted. */
  volumes?: ServerTaskDeps['volumes'] & { releaseServer(serverId: string): Promise<void> };
  /** Audit records of each step the worker takes on the owner's behalf (src/audit/audit-recorder.ts). */
  audit?: ComputeWorkerAuditDeps['audit'];
}

/** Rounds one process() call may take on a row before leaving it to the next sweep. */
const MAX_ROUNDS = 20;

/** Hard reboot also recovers a stopped or errored guest: start it when it does not run. */
async function hardReboot(driver: ServerWorkerDeps['driver'], server: Server): Promise<void> {
  const info = await driver.status(server.id);
  if (info.powerState === PowerState.Running || info.powerState === PowerState.Paused) {
    await driver.reboot(server.id, 'hard');
  } else {
    if (info.powerState === PowerState.Suspended) await driver.stop(server.id, { soft: false, timeoutMs: 0 });
    await driver.start(server.id);
  }
}

/** Runs at most `max` functions at once; a finished one hands its slot straight to the next in line. */
function slots(max: number): (fn: () => Promise<void>) => Promise<void> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async function withSlot(fn) {
    if (active < max) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/** A power action through the server's host agent. */
async function powerOnHost(agent: HostAgent, server: Server, name: string, stop: StopOptions): Promise<void> {
  const id = server.id;
  if (name === 'os-start') return agent.powerGuest(id, 'start');
  if (name === 'os-stop') return agent.powerGuest(id, 'stop', stop);
  if (name === 'reboot-soft') return agent.rebootGuest(id, 'soft', stop.timeoutMs);
  if (name === 'reboot-hard') {
    const { powerState } = await agent.guestStatus(id);
    if (powerState === PowerState.Running || powerState === PowerState.Paused)
      return agent.rebootGuest(id, 'hard');
    if (powerState === PowerState.Suspended) await agent.powerGuest(id, 'stop');
    return agent.powerGuest(id, 'start');
  }
  return agent.powerGuest(id, name as PowerAction);
}

export function createServerWorker(deps: ServerWorkerDeps) {
  const { store, clock, log } = deps;
  const onGuest = deps.guestLock ?? unlockedGuest;
  const steps = bootSteps(deps);
  // Rebuild, resize, revert and snapshot (server-tasks.ts).
  const tasks = createServerTasks(deps);
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  const now = () => clock.now().toISOString();

  const audited = createComputeWorkerAudit(deps);

  async function fail(server: Server, err: unknown, undone: boolean): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    log.error(
      { event: 'compute.task.failed', serverId: server.id, taskState: server.taskState, err },
      'server task failed',
    );
    const next = await store.update(
      server.id,
      server.version,
      { vmState: 'error', taskState: null, ...(undone && { stepsDone: [], ports: [], host: null }) },
      now(),
    );
    // A delete that took over the row owns it (and its newest open action) now.
    if (!next) return;
    await store.setFault(server.id, { code: 500, message, details: null, createdAt: now() });
    await store.finishAction(server.id, 'Error', message, now());
  }

  /** Undoes the recorded boot steps in reverse; resolves false if an undo failed (left for delete). */
  async function undoSteps(server: Server): Promise<boolean> {
    for (const step of [...steps].reverse()) {
      if (!server.stepsDone.includes(step.name)) continue;
      try {
        await step.undo(server);
      } catch (err) {
        log.error({ event: 'compute.undo.failed', serverId: server.id, step: step.name, err }, 'undo failed');
        return false;
      }
    }
    return true;
  }

  /** Runs the next boot step; resolves the row after it (undefined when another writer intervened). */
  async function bootOnce(server: Server): Promise<Server | undefined> {
    const step: BootStep | undefined = steps.find((s) => !server.stepsDone.includes(s.name));
    if (step === undefined) {
      await audited(server, 'boot', 'success');
      // One instant for launched_at and the row write: usage starts at the very launched_at Nova shows.
      const launchedAt = now();
      const next = await store.update(
        server.id,
        server.version,
        { vmState: 'active', taskState: null, powerState: PowerState.Running, launchedAt },
        launchedAt,
      );
      if (next) await store.finishAction(server.id, 'Success', null, now());
      return undefined;
    }
    let patch: ServerPatch;
    try {
      patch = await step.run(server);
    } catch (err) {
      await audited(server, `boot.${step.name}`, 'failure');
      // Undo the recorded steps and this one (its run may have half-happened; undo is idempotent).
      const undone = await undoSteps({ ...server, stepsDone: [...server.stepsDone, step.name] });
      await fail(server, err, undone);
      return undefined;
    }
    await audited(server, `boot.${step.name}`, 'success');
    const index = steps.indexOf(step);
    const nextTask = steps[index + 1]?.taskState ?? step.taskState;
    const next = await store.update(
      server.id,
      server.version,
      { ...patch, stepsDone: [...server.stepsDone, step.name], taskState: nextTask },
      now(),
    );
    // Another writer (a delete) changed the row: undo this step so that nothing unrecorded stays.
    if (!next) await step.undo({ ...server, ...patch });
    return next;
  }

  async function runDelete(server: Server): Promise<void> {
    await tasks.abandon(server);
    const undone = await undoSteps({ ...server, stepsDone: steps.map((s) => s.name) });
    if (!undone) {
      await audited(server, 'delete', 'failure');
      await fail(server, new Error('delete could not release every resource; retry the delete'), false);
      return;
    }
    // The guest is gone: its volumes become available again (or are deleted: delete_on_termination).
    // A failure leaves the row deleting, and the next sweep repeats this idempotent delete.
    await deps.volumes?.releaseServer(server.id);
    // One instant for terminated_at and the row write: usage ends at the very terminated_at Nova shows.
    const terminatedAt = now();
    const next = await store.update(
      server.id,
      server.version,
      { vmState: 'deleted', taskState: null, powerState: PowerState.NoState, deleted: true, terminatedAt },
      terminatedAt,
    );
    await audited(server, 'delete', 'success');
    if (next) await store.finishAction(server.id, 'Success', null, now());
  }

  async function runAction(server: Server): Promise<void> {
    const name = server.taskState === null ? undefined : actionForTask(server.taskState);
    if (name === undefined) return;
    const rule = ACTION_RULES[name];
    const stop = { soft: true, timeoutMs: deps.stopTimeoutMs ?? 60_000 };
    try {
      const d = deps.driver;
      await onGuest(server.id, async () => {
        if (deps.agents && server.host !== null)
          return powerOnHost(await deps.agents.forHost(server.host), server, name, stop);
        if (name === 'os-start') await d.start(server.id);
        else if (name === 'os-stop') await d.stop(server.id, stop);
        else if (name === 'reboot-soft') await d.reboot(server.id, 'soft', stop.timeoutMs);
        else if (name === 'reboot-hard') await hardReboot(d, server);
        else await d[name](server.id);
      });
    } catch (err) {
      await audited(server, name, 'failure');
      // Nova: a failed action reverts the task state and keeps the vm_state; the action records Error.
      log.error(
        { event: 'compute.action.failed', serverId: server.id, action: name, err },
        'server action failed',
      );
      // Only when our write landed: otherwise a delete took over the row, and the newest open action
      // (the one finishAction closes) is the delete's.
      if (await store.update(server.id, server.version, { taskState: null }, now())) {
        await store.finishAction(server.id, 'Error', err instanceof Error ? err.message : String(err), now());
      }
      return;
    }
    await audited(server, name, 'success');
    if (await store.update(server.id, server.version, { ...rule.target, taskState: null }, now())) {
      await store.finishAction(server.id, 'Success', null, now());
    }
  }

  /** Drives one row until it needs nothing more (or MAX_ROUNDS). Never rejects. */
  async function process(id: string): Promise<void> {
    try {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const server = await store.get(id);
        if (!server || server.deleted || server.taskState === null) {
          // Nothing left to spawn: a pending admin password has served (or can no longer serve).
          deps.injections?.settled(id, server && !server.deleted ? server.version : undefined);
          return;
        }
        if (server.taskState === 'deleting') return await runDelete(server);
        if (server.vmState === 'building') {
          await bootOnce(server);
          continue;
        }
        if (tasks.handles(server.taskState)) {
          const moved = await tasks.step(server);
          const after = await store.get(id);
          await audited(server, server.taskState, after?.vmState === 'error' ? 'failure' : 'success');
          if (moved) continue;
          return;
        }
        return await runAction(server);
      }
    } catch (err) {
      log.error(
        { event: 'compute.worker.crashed', serverId: id, err, driver: isDriverError(err) },
        'worker error',
      );
    }
  }

  // At most `maxConcurrent` rows are driven at once, so a burst of creates queues here instead of
  // starving the API's event loop.
  const withSlot = slots(deps.maxConcurrent ?? 8);

  function kick(id: string): void {
    const current = running.get(id);
    if (current) {
      again.add(id);
      return;
    }
    const run = withSlot(() => process(id)).finally(() => {
      running.delete(id);
      if (again.delete(id)) kick(id);
    });
    running.set(id, run);
  }

  async function sweep(): Promise<void> {
    for (const server of await store.pending(deps.sweepLimit ?? 100)) kick(server.id);
  }

  return {
    kick,
    sweep,
    /** Sweeps now and every intervalMs; call stop() on shutdown. */
    start(intervalMs: number): void {
      const guarded = () =>
        void sweep().catch((err: unknown) => log.error({ event: 'compute.sweep.failed', err }));
      guarded();
      timer = setInterval(guarded, intervalMs);
      timer.unref();
    },
    /** Stops sweeping and waits for the rows in flight. */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      await Promise.all(running.values());
    },
    /** Resolves when no row is in flight (tests). */
    async idle(): Promise<void> {
      while (running.size > 0) await Promise.all(running.values());
    },
  };
}

export type ServerWorker = ReturnType<typeof createServerWorker>;
