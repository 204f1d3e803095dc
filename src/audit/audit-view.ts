// One stored audit event in CADF's terms (initiator, target, action, outcome, observer): the shape of the
// audit API and of every exported JSON line.
import type { ChainedAuditEvent } from './audit-store.js';

/** CADF's initiator: the user, or for work a worker did (method WORKER) the worker on the user's behalf. */
function initiator(e: ChainedAuditEvent) {
  const user = {
    user_id: e.initiator_user_id,
    project_id: e.initiator_project_id,
    domain_id: e.initiator_domain_id,
  };
  if (e.method !== 'WORKER') return { ...user, host: { address: e.source_address } };
  return {
    typeURI: 'service',
    name: e.path,
    ...user,
    on_behalf_of: user,
    host: { address: e.source_address },
  };
}

/** CADF's shape (initiator, target, action, outcome, observer) over one stored event. */
export function cadfView(e: ChainedAuditEvent) {
  return {
    id: e.id,
    seq: e.seq === null || e.seq === undefined ? null : Number(e.seq),
    eventTime: e.at,
    action: e.action,
    outcome: e.outcome,
    initiator: initiator(e),
    target: {
      typeURI: e.target_type,
      id: e.target_id,
      project_id: e.target_project_id ?? e.initiator_project_id,
    },
    observer: { service: e.service, method: e.method, path: e.path },
    request_id: e.request_id,
    status: Number(e.status),
    hash: e.hash ?? null,
  };
}
