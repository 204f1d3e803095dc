// Compute's usage hook: called by the server store in the transaction of every server row update, it
// keeps exactly one open `server:flavor:<flavor>:<state>` record while the server is launched and not
// deleted. Billing starts at the first ACTIVE (Nova's launched_at); a resize bills the new flavor from
// the second the migration finishes (vm_state resized) and a revert splits back to the old one.
import type { Server, VmState } from '../../compute/model.js';
import { meters, type ServerUsageAttributes, type ServerUsageState } from '../model.js';
import type { AnyExecutor, UsageRecorder } from '../usage-recorder.js';
import { syncUsage } from './sync-usage.js';

/** What each vm_state is billed as; building and deleted have no open record. */
const BILLED_STATE: Record<VmState, ServerUsageState | null> = {
  building: null,
  active: 'running',
  resized: 'running',
  stopped: 'stopped',
  paused: 'paused',
  suspended: 'suspended',
  error: 'error',
  deleted: null,
};

function attributesOf(server: Server): ServerUsageAttributes {
  return {
    name: server.name,
    flavorName: server.flavor.name,
    vcpus: server.flavor.vcpus,
    memoryMb: server.flavor.ramMiB,
    localGb: server.flavor.diskGib + server.flavor.ephemeralGib,
    vmState: server.vmState,
  };
}

/** Opens, splits or closes the server's usage so that it matches `server` (the row just written). */
export async function meterServer(
  recorder: UsageRecorder,
  trx: AnyExecutor,
  server: Server,
  at: string,
): Promise<void> {
  const state = server.deleted || server.launchedAt === null ? null : BILLED_STATE[server.vmState];
  const ref = { resourceType: 'server', resourceId: server.id } as const;
  const desired = state && {
    ...ref,
    projectId: server.projectId,
    meter: meters.server(server.flavor.id, state),
    quantity: 1,
    attributes: { ...attributesOf(server) },
  };
  await syncUsage(recorder, trx, ref, desired, new Date(at));
}
