// Start-up reconciliation of this host against the database (ARCHITECTURE "State machines"), and the
// driver-event watcher that keeps power states true while running: a guest with no live row is
// destroyed; an idle row whose guest stopped or died becomes `stopped`; an idle `stopped` row whose
// guest runs is powered off; an idle row whose guest vanished becomes `error` with a fault. Rows with a
// task in flight are left to the worker, which resumes them.
import type { Clock } from '../common/clock.js';
import { PowerState, type ComputeDriver, type DriverEvent, type InstanceInfo } from './driver/driver.js';
import type { Server } from './model.js';
import type { ServerStore } from './server-store.js';
import type { WorkerLog } from './server-worker.js';

export interface ReconcileDeps {
  store: ServerStore;
  driver: ComputeDriver;
  clock: Clock;
  log: WorkerLog;
  hostName: string;
  /** Rows read per host; a host never holds more guests than this. */
  maxRows?: number;
}

export interface ReconcileReport {
  destroyedOrphans: string[];
  markedStopped: string[];
  poweredOff: string[];
  markedMissing: string[];
}

const LIVE_STATES = new Set(['active', 'paused', 'suspended', 'stopped']);

async function markStopped(deps: Pick<ReconcileDeps, 'store' | 'clock'>, server: Server): Promise<boolean> {
  const at = deps.clock.now().toISOString();
  const next = await deps.store.update(
    server.id,
    server.version,
    { vmState: 'stopped', powerState: PowerState.Shutdown },
    at,
  );
  return next !== undefined;
}

async function reconcileRow(
  deps: ReconcileDeps,
  server: Server,
  info: InstanceInfo | undefined,
  report: ReconcileReport,
) {
  if (server.taskState !== null || !LIVE_STATES.has(server.vmState)) return;
  const at = deps.clock.now().toISOString();
  if (info === undefined) {
    const message = 'The guest is missing from its hypervisor host.';
    await deps.store.setFault(server.id, { code: 500, message, details: null, createdAt: at });
    await deps.store.update(
      server.id,
      server.version,
      { vmState: 'error', powerState: PowerState.NoState },
      at,
    );
    report.markedMissing.push(server.id);
    return;
  }
  const down = info.powerState === PowerState.Shutdown || info.powerState === PowerState.Crashed;
  if (server.vmState !== 'stopped' && down) {
    if (await markStopped(deps, server)) report.markedStopped.push(server.id);
  } else if (server.vmState === 'stopped' && !down && info.powerState !== PowerState.NoState) {
    await deps.driver.stop(server.id, { soft: false, timeoutMs: 0 });
    report.poweredOff.push(server.id);
  } else if (info.powerState !== server.powerState) {
    await deps.store.update(server.id, server.version, { powerState: info.powerState }, at);
  }
}

/** One pass over this host. Safe to run while the API serves; rows with a task are skipped. */
export async function reconcileHost(deps: ReconcileDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    destroyedOrphans: [],
    markedStopped: [],
    poweredOff: [],
    markedMissing: [],
  };
  const guests = new Map((await deps.driver.list()).map((g) => [g.id, g]));
  for (const id of guests.keys()) {
    const row = await deps.store.get(id);
    if (row === undefined || row.deleted) {
      await deps.driver.destroy(id);
      report.destroyedOrphans.push(id);
    }
  }
  for (const server of await deps.store.onHost(deps.hostName, deps.maxRows ?? 10_000)) {
    try {
      await reconcileRow(deps, server, guests.get(server.id), report);
    } catch (err) {
      deps.log.error({ event: 'compute.reconcile.failed', serverId: server.id, err }, 'reconcile failed');
    }
  }
  deps.log.info({ event: 'compute.reconciled', ...report });
  return report;
}

/**
 * A guest stopped or died without being asked: its idle row becomes `stopped`. With `host`, only a row
 * placed on that host is touched (a remote agent reports for its own guests only).
 */
export async function recordUnrequestedStop(
  deps: Pick<ReconcileDeps, 'store' | 'clock'>,
  event: Pick<DriverEvent, 'instanceId' | 'transition'>,
  host?: string,
): Promise<void> {
  if (event.transition !== 'stopped' && event.transition !== 'died') return;
  const server = await deps.store.get(event.instanceId);
  if (!server || server.deleted || server.taskState !== null) return;
  if (host !== undefined && server.host !== host) return;
  if (server.vmState !== 'active' && server.vmState !== 'paused' && server.vmState !== 'suspended') return;
  await markStopped(deps, server);
}

/**
 * Keeps rows true to guest lifecycle events that nobody asked for (guest shutdown, crash, kill -9).
 * Events during a task (the worker's own stop, reboot…) are ignored: the worker records those.
 * Returns the unsubscribe function.
 */
export function watchDriverEvents(deps: ReconcileDeps): () => void {
  const onEvent = (event: DriverEvent) => {
    void recordUnrequestedStop(deps, event).catch((err: unknown) =>
      deps.log.error(
        { event: 'compute.driver-event.failed', instanceId: event.instanceId, err },
        'event handling failed',
      ),
    );
  };
  return deps.driver.onEvent(onEvent);
}
