// The attachments API (3.27+; os-complete at 3.44): what compute calls to attach and detach volumes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import {
  type Body,
  type VolumeRouteDeps,
  allTenantsOf,
  callerOf,
  limitOf,
  objectBody,
  optionalString,
  queryOf,
  requireVersion,
  requiredString,
  wrapped,
} from './route-deps.js';
import { attachmentSummary, attachmentView } from './views.js';

type Id = { Params: { project: string; id: string } };

function connectorOf(o: Body): Record<string, unknown> | undefined {
  const c = o.connector;
  if (c === undefined || c === null) return undefined;
  if (typeof c !== 'object' || Array.isArray(c))
    throw errors.badRequest('Invalid input for field/attribute connector.');
  return c as Record<string, unknown>;
}

export function registerAttachmentRoutes(app: FastifyInstance, deps: VolumeRouteDeps): void {
  app.post('/v3/:project/attachments', async (request) => {
    requireVersion(request, 27);
    const a = wrapped(request.body, 'attachment');
    const mode = optionalString(a, 'mode') ?? 'rw';
    if (mode !== 'rw' && mode !== 'ro') throw errors.badRequest(`Invalid attach mode: ${mode}`);
    const made = await deps.attachments.create(callerOf(request), {
      volumeId: requiredString(a, 'volume_uuid'),
      instanceId: optionalString(a, 'instance_uuid') ?? undefined,
      connector: connectorOf(a),
      mode,
    });
    request.auditTarget = { targetType: 'volume_attachment', targetId: made.attachment.id };
    return { attachment: attachmentView(made.attachment, made.connectionInfo) };
  });

  const list = (detail: boolean) => async (request: FastifyRequest) => {
    requireVersion(request, 27);
    const q = queryOf(request);
    const rows = await deps.attachments.list(callerOf(request), {
      allTenants: allTenantsOf(q),
      volumeId: q.volume_id,
      instanceId: q.instance_id,
      status: q.status ?? q.attach_status,
      limit: limitOf(q),
    });
    return { attachments: rows.map((a) => (detail ? attachmentView(a, null) : attachmentSummary(a))) };
  };
  app.get('/v3/:project/attachments', list(false));
  app.get('/v3/:project/attachments/detail', list(true));

  app.get<Id>('/v3/:project/attachments/:id', async (request) => {
    requireVersion(request, 27);
    const shown = await deps.attachments.show(callerOf(request), request.params.id);
    return { attachment: attachmentView(shown.attachment, shown.connectionInfo) };
  });

  app.put<Id>('/v3/:project/attachments/:id', async (request) => {
    requireVersion(request, 27);
    const connector = connectorOf(wrapped(request.body, 'attachment'));
    if (connector === undefined)
      throw errors.badRequest(
        "Invalid input for field/attribute connector. 'connector' is a required property",
      );
    const updated = await deps.attachments.update(callerOf(request), request.params.id, connector);
    return { attachment: attachmentView(updated.attachment, updated.connectionInfo) };
  });

  app.delete<Id>('/v3/:project/attachments/:id', async (request) => {
    requireVersion(request, 27);
    const rest = await deps.attachments.delete(callerOf(request), request.params.id);
    return { attachments: rest.map(attachmentSummary) };
  });

  app.post<Id>('/v3/:project/attachments/:id/action', async (request, reply) => {
    requireVersion(request, 44);
    const body = objectBody(request.body);
    if (!('os-complete' in body))
      throw errors.badRequest(`There is no such action: ${Object.keys(body)[0] ?? ''}`);
    await deps.attachments.complete(callerOf(request), request.params.id);
    return reply.status(204).send();
  });
}
