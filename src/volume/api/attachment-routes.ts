// The attachments API (3.27+; os-complete at 3.44): what compute calls to attach and detach volumes.
// Bodies and query strings are validated before the handlers.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isAdmin } from '../volume-policy.js';
import { ATTACHMENT_FILTERS, listFiltersOf, listParamsOf } from './list-params.js';
import { atLeast } from './microversion.js';
import { type VolumeRouteDeps, callerOf, versionOf } from './route-deps.js';
import { ATTACHMENT_ACTIONS } from './schemas/action-schemas.js';
import {
  ATTACHMENT_CREATE,
  AttachmentUpdateBody,
  type AttachmentCreate,
} from './schemas/attachment-schemas.js';
import { AttachmentListQuery } from './schemas/query-schemas.js';
import { declare } from './validation.js';
import { attachmentSummary, attachmentView } from './views.js';

type Id = { Params: { project: string; id: string } };

export function registerAttachmentRoutes(app: FastifyInstance, deps: VolumeRouteDeps): void {
  app.post(
    '/v3/:project/attachments',
    { config: declare({ from: 27, body: ATTACHMENT_CREATE }) },
    async (request) => {
      const a = (request.body as { attachment: AttachmentCreate }).attachment;
      const made = await deps.attachments.create(callerOf(request), {
        volumeId: a.volume_uuid,
        instanceId: a.instance_uuid,
        connector: a.connector ?? undefined,
        mode: atLeast(versionOf(request), 54) ? (a.mode ?? 'rw') : 'rw',
      });
      request.auditTarget = { targetType: 'volume_attachment', targetId: made.attachment.id };
      return { attachment: attachmentView(made.attachment, made.connectionInfo) };
    },
  );

  const list = (detail: boolean) => async (request: FastifyRequest) => {
    const params = listParamsOf(request);
    const admin = isAdmin(callerOf(request));
    const filters = listFiltersOf(request, ATTACHMENT_FILTERS, admin, deps.availabilityZone);
    // Cinder's attachment filters say instance_id; `attach_status` is the attachment's status.
    const clauses = filters.filters.map((f) => (f.key === 'attach_status' ? { ...f, key: 'status' } : f));
    const rows = await deps.attachments.list(callerOf(request), { ...params, ...filters, filters: clauses });
    return { attachments: rows.map((a) => (detail ? attachmentView(a, null) : attachmentSummary(a))) };
  };
  const query = declare({ from: 27, query: AttachmentListQuery });
  app.get('/v3/:project/attachments', { config: query }, list(false));
  app.get('/v3/:project/attachments/detail', { config: query }, list(true));

  app.get<Id>(
    '/v3/:project/attachments/:id',
    { config: declare({ from: 27, noQuery: true }) },
    async (request) => {
      const shown = await deps.attachments.show(callerOf(request), request.params.id);
      return { attachment: attachmentView(shown.attachment, shown.connectionInfo) };
    },
  );

  app.put<Id>(
    '/v3/:project/attachments/:id',
    { config: declare({ from: 27, body: AttachmentUpdateBody }) },
    async (request) => {
      const { connector } = (request.body as { attachment: { connector: Record<string, unknown> } })
        .attachment;
      const updated = await deps.attachments.update(callerOf(request), request.params.id, connector);
      return { attachment: attachmentView(updated.attachment, updated.connectionInfo) };
    },
  );

  app.delete<Id>(
    '/v3/:project/attachments/:id',
    { config: declare({ from: 27, noQuery: true }) },
    async (request) => {
      const rest = await deps.attachments.delete(callerOf(request), request.params.id);
      return { attachments: rest.map(attachmentSummary) };
    },
  );

  app.post<Id>(
    '/v3/:project/attachments/:id/action',
    { config: declare({ from: 27, actions: ATTACHMENT_ACTIONS }) },
    async (request, reply) => {
      await deps.attachments.complete(callerOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
}
