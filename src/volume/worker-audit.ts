// The volume worker's audit records: one event per task step it takes on a tenant's behalf (create,
// extend, delete, snapshot, backup, restore, attach…), with the owner as the one on whose behalf it
// acts. Block-storage rows do not keep the id of the request that set their task, so the records carry
// 'none' there; the row id and the task name join them to the request's own record.
import type { AuditRecorder } from '../audit/audit-recorder.js';
import type { WorkKind } from './service-deps.js';
import type { WorkerLog } from './volume-tasks.js';

/** What the audit needs of any block-storage row. */
export interface AuditedRow {
  id: string;
  projectId: string;
  userId?: string;
  task: string | null;
  status: string;
}

export interface VolumeWorkerAuditDeps {
  audit: Pick<AuditRecorder, 'record'> | undefined;
  observer: string;
  log: WorkerLog;
}

export function createVolumeWorkerAudit(deps: VolumeWorkerAuditDeps) {
  return {
    /** Records the step that took `before` (its task) to `after`: a failure when it ended in an error status. */
    async step(kind: WorkKind, before: AuditedRow, after: AuditedRow | undefined): Promise<void> {
      if (!deps.audit || before.task === null) return;
      const failed =
        after !== undefined && after.status.startsWith('error') && !before.status.startsWith('error');
      try {
        await deps.audit.record({
          service: 'volume',
          action: `${kind}.${before.task}`,
          targetType: kind,
          targetId: before.id,
          outcome: failed ? 'failure' : 'success',
          initiator: { userId: before.userId ?? null, projectId: before.projectId },
          requestId: 'none',
          observer: deps.observer,
        });
      } catch (err) {
        deps.log.error({ event: 'audit.append.failed', kind, id: before.id, err }, 'worker audit failed');
      }
    },
  };
}
