// audit.record(event): how code that is not an HTTP request (workers, agents, sagas) leaves an audit
// record of what it did on a tenant's behalf, in the same table and shape as the request hook's records.
// The worker is the observer; the initiator is the user whose request started the work.
import type { Clock } from '../common/clock.js';
import { newUuid } from '../common/ids.js';
import type { AuditStore } from './audit-store.js';

export interface WorkerAuditEvent {
  /** The service acting, e.g. 'compute' or 'volume'. */
  service: string;
  /** The step taken, e.g. 'spawn', 'attach_volume'. */
  action: string;
  targetType: string;
  targetId: string | null;
  outcome: 'success' | 'failure';
  /** The user and project on whose behalf the work runs. */
  initiator: { userId: string | null; projectId: string | null; domainId?: string | null | undefined };
  /** The request that started the work, so its records join the request's own. */
  requestId: string;
  /** Who observed and acted: the worker's name (e.g. 'compute-worker@host1'). */
  observer: string;
}

export function createAuditRecorder(store: AuditStore, clock: Clock) {
  return {
    async record(event: WorkerAuditEvent): Promise<void> {
      await store.append({
        id: newUuid(),
        at: clock.now().toISOString(),
        request_id: event.requestId,
        service: event.service,
        action: event.action,
        method: 'WORKER',
        path: event.observer.slice(0, 1024),
        target_type: event.targetType,
        target_id: event.targetId,
        outcome: event.outcome,
        status: event.outcome === 'success' ? 200 : 500,
        initiator_user_id: event.initiator.userId,
        initiator_project_id: event.initiator.projectId,
        initiator_domain_id: event.initiator.domainId ?? null,
        source_address: 'internal',
      });
    },
  };
}

export type AuditRecorder = ReturnType<typeof createAuditRecorder>;
