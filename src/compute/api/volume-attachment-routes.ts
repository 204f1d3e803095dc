// os-volume_attachments: GET/POST /servers/{id}/os-volume_attachments, GET/PUT/DELETE
// /servers/{id}/os-volume_attachments/{volumeId} (what `openstack server add/remove volume` call).
// Shapes by microversion: `tag` in requests from 2.49 and in responses from 2.70, delete_on_termination
// from 2.79. Swapping volumes (PUT) is not implemented (501).
import type { FastifyInstance } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import type { ServerVolume, ServerVolumes } from '../server-volumes.js';
import { atLeast, type Microversion } from './microversion.js';
import { callerOf, versionOf, wrapped } from './route-deps.js';
import { VOLUME_ATTACH, VOLUME_SWAP } from './schemas/misc-schemas.js';

type Params = { id: string };
type VolumeParams = { id: string; volumeId: string };

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const TAG = /^[^,/]{1,60}$/;

export function volumeAttachmentView(a: ServerVolume, v: Microversion) {
  return {
    id: a.volumeId,
    serverId: a.serverId,
    volumeId: a.volumeId,
    device: a.device,
    ...(atLeast(v, 70) && { tag: a.tag }),
    ...(atLeast(v, 79) && { delete_on_termination: a.deleteOnTermination }),
  };
}

function invalid(field: string, value: unknown) {
  return errors.badRequest(`Invalid input for field/attribute ${field}. Value: ${JSON.stringify(value)}.`);
}

/** Nova's attach schema: volumeId (uuid), device (string or null), tag (2.49), delete_on_termination (2.79). */
function attachInput(body: unknown, v: Microversion) {
  const a = wrapped(body, 'volumeAttachment');
  const allowed = new Set(['volumeId', 'device']);
  if (atLeast(v, 49)) allowed.add('tag');
  if (atLeast(v, 79)) allowed.add('delete_on_termination');
  for (const key of Object.keys(a)) {
    if (!allowed.has(key)) {
      throw errors.badRequest(`Additional properties are not allowed ('${key}' was unexpected)`);
    }
  }
  const { volumeId, device, tag, delete_on_termination: deleteOnTermination } = a;
  if (typeof volumeId !== 'string' || !UUID.test(volumeId)) throw invalid('volumeId', volumeId);
  if (device !== undefined && device !== null && typeof device !== 'string') throw invalid('device', device);
  if (tag !== undefined && (typeof tag !== 'string' || !TAG.test(tag))) throw invalid('tag', tag);
  if (deleteOnTermination !== undefined && typeof deleteOnTermination !== 'boolean') {
    throw invalid('delete_on_termination', deleteOnTermination);
  }
  return {
    volumeId: volumeId.toLowerCase(),
    ...(typeof device === 'string' && { device }),
    ...(tag !== undefined && { tag }),
    deleteOnTermination: deleteOnTermination ?? false,
  };
}

export function registerVolumeAttachmentRoutes(app: FastifyInstance, volumes: ServerVolumes): void {
  const base = '/v2.1/servers/:id/os-volume_attachments';

  app.get<{ Params: Params }>(base, async (request) => {
    const v = versionOf(request);
    const list = await volumes.list(callerOf(request), request.params.id);
    return { volumeAttachments: list.map((a) => volumeAttachmentView(a, v)) };
  });

  app.post<{ Params: Params }>(base, { config: { nova: { body: VOLUME_ATTACH } } }, async (request) => {
    const v = versionOf(request);
    const auth = callerOf(request);
    const attached = await volumes.attach(auth, request.params.id, attachInput(request.body, v));
    return { volumeAttachment: volumeAttachmentView(attached, v) };
  });

  app.get<{ Params: VolumeParams }>(`${base}/:volumeId`, async (request) => {
    const found = await volumes.show(callerOf(request), request.params.id, request.params.volumeId);
    return { volumeAttachment: volumeAttachmentView(found, versionOf(request)) };
  });

  // The swap body is declared like every other Nova body, so a malformed swap is a 400 before the 501.
  const swap = { config: { nova: { body: VOLUME_SWAP } } };
  app.put<{ Params: VolumeParams }>(`${base}/:volumeId`, swap, async (request) => {
    callerOf(request);
    throw errors.notImplemented('Swapping the volume of an attachment is not implemented.');
  });

  app.delete<{ Params: VolumeParams }>(`${base}/:volumeId`, async (request, reply) => {
    await volumes.detach(callerOf(request), request.params.id, request.params.volumeId);
    return reply.status(202).send();
  });
}
