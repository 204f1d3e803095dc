// The compute worker's audit records: one event per saga step or task it runs on a server owner's
// behalf (each boot step, the end of the boot, power actions, resize/rebuild/snapshot steps, delete),
// joined to the request that started the task through its open instance action. A failure to record
// is logged and never fails the step.
import type { AuditRecorder } from '../audit/audit-recorder.js';
import type { Server } from './model.js';
import type { ServerStore } from './server-store.js';

export interface ComputeWorkerAuditDeps {
  audit?: Pick<AuditRecorder, 'record'> | undefined;
  store: Pick<ServerStore, 'openActionRequestId'>;
  hostName: string;
  log: { error(obj: Record<string, unknown>, msg?: string): void };
}

export function createComputeWorkerAudit(deps: ComputeWorkerAuditDeps) {
  const observer = `compute-worker@${deps.hostName}`;
  return async function audited(
    server: Server,
    action: string,
    outcome: 'success' | 'failure',
  ): Promise<void> {
    if (!deps.audit) return;
    try {
      const requestId = (await deps.store.openActionRequestId(server.id)) ?? 'none';
      await deps.audit.record({
        service: 'compute',
        action,
        targetType: 'server',
        targetId: server.id,
        outcome,
        initiator: { userId: server.userId, projectId: server.projectId },
        requestId,
        observer,
      });
    } catch (err) {
      deps.log.error(
        { event: 'audit.append.failed', serverId: server.id, action, err },
        'worker audit failed',
      );
    }
  };
}
