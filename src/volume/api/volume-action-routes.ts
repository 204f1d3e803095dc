// POST /volumes/{id}/action: os-extend, os-reset_status, os-set_bootable, os-volume_upload_image,
// os-force_delete. Unknown actions are 400, as in Cinder.
import type { FastifyInstance } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { atLeast } from './microversion.js';
import {
  type Body,
  type VolumeRouteDeps,
  callerOf,
  objectBody,
  optionalBoolean,
  optionalInteger,
  optionalString,
  requiredString,
  versionOf,
} from './route-deps.js';
import { cinderTime } from './views.js';

type Id = { Params: { project: string; id: string } };

function inner(body: Body, key: string): Body {
  const v = body[key];
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v))
    throw errors.badRequest(`Invalid input for field/attribute ${key}.`);
  return v as Body;
}

export function registerVolumeActionRoutes(app: FastifyInstance, deps: VolumeRouteDeps): void {
  app.post<Id>('/v3/:project/volumes/:id/action', async (request, reply) => {
    const auth = callerOf(request);
    const id = request.params.id;
    const body = objectBody(request.body);
    const [action, ...rest] = Object.keys(body);
    if (action === undefined || rest.length > 0) throw errors.badRequest('Malformed request body');
    const args = inner(body, action);
    switch (action) {
      case 'os-extend': {
        const newSize = optionalInteger(args, 'new_size', 1);
        if (newSize === undefined)
          throw errors.badRequest(
            "Invalid input for field/attribute new_size. 'new_size' is a required property",
          );
        await deps.actions.extend(auth, id, newSize, atLeast(versionOf(request), 42));
        return reply.status(202).send();
      }
      case 'os-reset_status':
        await deps.actions.resetStatus(auth, id, {
          status: optionalString(args, 'status'),
          attachStatus: optionalString(args, 'attach_status'),
        });
        return reply.status(202).send();
      case 'os-set_bootable': {
        const bootable = optionalBoolean(args, 'bootable');
        if (bootable === undefined)
          throw errors.badRequest(
            "Invalid input for field/attribute bootable. 'bootable' is a required property",
          );
        await deps.actions.setBootable(auth, id, bootable);
        return reply.status(200).send();
      }
      case 'os-force_delete':
        await deps.volumes.delete(auth, id, { cascade: false, force: true });
        return reply.status(202).send();
      case 'os-volume_upload_image': {
        const diskFormat = optionalString(args, 'disk_format') ?? 'raw';
        if (diskFormat !== 'raw' && diskFormat !== 'qcow2') {
          throw errors.badRequest(
            `Invalid disk-format '${diskFormat}' specified. Allowed disk-formats are raw, qcow2.`,
          );
        }
        const input = {
          imageName: requiredString(args, 'image_name'),
          diskFormat: diskFormat as 'raw' | 'qcow2',
          containerFormat: optionalString(args, 'container_format') ?? 'bare',
          visibility: optionalString(args, 'visibility') ?? 'private',
          protected: optionalBoolean(args, 'protected') ?? false,
          force: optionalBoolean(args, 'force') ?? false,
        };
        const done = await deps.actions.uploadImage(auth, id, input);
        const v = done.volume;
        return reply.status(202).send({
          'os-volume_upload_image': {
            id: v.id,
            updated_at: cinderTime(v.updatedAt),
            status: v.status,
            display_description: v.description,
            size: v.sizeGib,
            volume_type: null,
            image_id: done.imageId,
            container_format: input.containerFormat,
            disk_format: input.diskFormat,
            image_name: input.imageName,
            protected: input.protected,
            visibility: input.visibility,
          },
        });
      }
      case 'os-extend_volume_completion':
        // 3.71: Nova reports the end of an extend Cinder left waiting for it; this service never waits.
        if (!atLeast(versionOf(request), 71)) throw errors.badRequest(`There is no such action: ${action}`);
        await deps.volumes.visible(auth, id);
        throw errors.badRequest(`Invalid volume: Volume ${id} is not waiting for an extend completion.`);
      default:
        throw errors.badRequest(`There is no such action: ${action}`);
    }
  });
}
