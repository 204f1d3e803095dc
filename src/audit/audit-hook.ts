// The central audit hook: every mutating request (whatever its outcome) leaves one audit record with
// its initiator, action, target, outcome, request id, source address and time. Installed once on the
// root instance, so no service can be added without it.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../common/clock.js';
import { newUuid } from '../common/ids.js';
import { adminReadTarget } from './admin-read.js';
import type { AuditEvent, AuditStore } from './audit-store.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'COPY']);
const ACTIONS: Record<string, string> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'update',
  DELETE: 'delete',
  COPY: 'copy',
};

/** The route's target: the last literal path segment, and the value of the last parameter. */
function deriveTarget(request: FastifyRequest): { targetType: string; targetId: string | null } {
  const pattern = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
  const segments = pattern.split('/').filter((s) => s.length > 0);
  const literals = segments.filter((s) => !s.startsWith(':') && s !== '*');
  const paramNames = segments.filter((s) => s.startsWith(':')).map((s) => s.slice(1));
  const params = (request.params ?? {}) as Record<string, string>;
  const lastParam = paramNames.at(-1);
  return {
    targetType: literals.at(-1) ?? 'unknown',
    targetId: lastParam ? (params[lastParam] ?? null) : null,
  };
}

export function buildAuditEvent(
  request: FastifyRequest,
  status: number,
  at: Date,
  service?: string,
): AuditEvent {
  const derived = deriveTarget(request);
  const explicit = request.auditTarget ?? {};
  const auth = request.auth;
  const scope = auth?.scope;
  const path = (request.url.split('?')[0] ?? '').slice(0, 1024);
  return {
    id: newUuid(),
    at: at.toISOString(),
    request_id: String(request.id),
    service: service ?? path.split('/')[1] ?? '',
    action: explicit.action ?? ACTIONS[request.method] ?? request.method.toLowerCase(),
    method: request.method,
    path,
    target_type: explicit.targetType ?? derived.targetType,
    target_id: explicit.targetId !== undefined ? explicit.targetId : derived.targetId,
    outcome: status < 400 ? 'success' : 'failure',
    status,
    initiator_user_id: auth?.userId ?? null,
    initiator_project_id: scope?.kind === 'project' ? scope.projectId : null,
    initiator_domain_id: scope?.kind === 'project' || scope?.kind === 'domain' ? scope.domainId : null,
    source_address: request.ip,
  };
}

/** `service` names the listener's service when the path does not (the S3 listener: 's3'). */
export function installAuditHook(
  app: FastifyInstance,
  store: AuditStore,
  clock: Clock,
  service?: string,
): void {
  app.decorateRequest('auditTarget', undefined);
  // onSend, not onResponse: the record is written before the client sees the answer, so an
  // acknowledged write always has its audit event (a crash in between cannot lose it) and a client that
  // reads the trail right after its request finds it.
  app.addHook('onSend', async (request, reply, payload) => {
    const status = reply.statusCode;
    const otherProject = MUTATING.has(request.method) ? undefined : adminReadTarget(request, status, payload);
    if (!MUTATING.has(request.method) && otherProject === undefined) return payload;
    try {
      const event = buildAuditEvent(request, status, clock.now(), service);
      // A cloud reader's read of another project's data: an event of its own, in that project's trail.
      if (otherProject !== undefined)
        Object.assign(event, { action: 'read', target_project_id: otherProject });
      await store.append(event);
    } catch (err) {
      request.log.error({ event: 'audit.append.failed', err }, 'audit record could not be written');
    }
    return payload;
  });
}
