// POST /volumes/{id}/action: os-extend, os-reset_status, os-set_bootable, os-update_readonly_flag,
// os-volume_upload_image, os-force_delete, os-extend_volume_completion (3.71) and the volume image
// metadata actions. The body names exactly one action, validated by its schema (schemas/action-schemas.ts)
// before the handler; unknown actions are Cinder's 400.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { atLeast } from './microversion.js';
import { type VolumeRouteDeps, callerOf, versionOf } from './route-deps.js';
import { VOLUME_ACTIONS, type UploadImageArgs } from './schemas/action-schemas.js';
import { boolOf, sizeOf } from './schemas/parameter-types.js';
import { actionOf, declare } from './validation.js';
import { cinderTime } from './views.js';

type Id = { Params: { project: string; id: string } };
type Args = Record<string, unknown>;
type Handler = (request: FastifyRequest<Id>, reply: FastifyReply, args: Args) => Promise<unknown>;

const UPLOAD_FORMATS = ['raw', 'qcow2'];

function handlers(deps: VolumeRouteDeps): Record<string, Handler> {
  const auth = (request: FastifyRequest) => callerOf(request);
  return {
    'os-extend': async (request, reply, args) => {
      const online = atLeast(versionOf(request), 42);
      await deps.actions.extend(auth(request), request.params.id, sizeOf(args.new_size as number), online);
      return reply.status(202).send();
    },
    'os-reset_status': async (request, reply, args) => {
      await deps.actions.resetStatus(auth(request), request.params.id, {
        status: (args.status as string | null) ?? undefined,
        attachStatus: (args.attach_status as string | null) ?? undefined,
      });
      return reply.status(202).send();
    },
    'os-set_bootable': async (request, reply, args) => {
      await deps.actions.setBootable(auth(request), request.params.id, boolOf(args.bootable as string));
      return reply.status(200).send();
    },
    'os-update_readonly_flag': async (request, reply, args) => {
      await deps.actions.updateReadonly(auth(request), request.params.id, boolOf(args.readonly as string));
      return reply.status(202).send();
    },
    'os-force_delete': async (request, reply) => {
      await deps.volumes.delete(auth(request), request.params.id, { cascade: false, force: true });
      return reply.status(202).send();
    },
    'os-volume_upload_image': (request, reply, args) => upload(deps, request, reply, args as UploadImageArgs),
    'os-extend_volume_completion': async (request) => {
      // Nova reports the end of an extend Cinder left waiting for it; this service never waits.
      await deps.volumes.visible(auth(request), request.params.id);
      throw errors.badRequest(
        `Invalid volume: Volume ${request.params.id} is not waiting for an extend completion.`,
      );
    },
    'os-show_image_metadata': async (request) => ({
      metadata: await deps.actions.imageMetadata(auth(request), request.params.id),
    }),
    'os-set_image_metadata': async (request, _reply, args) => ({
      metadata: await deps.actions.setImageMetadata(
        auth(request),
        request.params.id,
        args.metadata as Record<string, string>,
      ),
    }),
    'os-unset_image_metadata': async (request, reply, args) => {
      await deps.actions.unsetImageMetadata(auth(request), request.params.id, args.key as string);
      return reply.status(200).send();
    },
  };
}

async function upload(
  deps: VolumeRouteDeps,
  request: FastifyRequest<Id>,
  reply: FastifyReply,
  args: UploadImageArgs,
) {
  const diskFormat = args.disk_format ?? 'raw';
  if (!UPLOAD_FORMATS.includes(diskFormat)) {
    // qemu-img here writes raw and qcow2 images only.
    throw errors.badRequest(
      `Invalid disk-format '${diskFormat}' specified. Allowed disk-formats are raw, qcow2.`,
    );
  }
  // visibility and protected are upload parameters from 3.1; before, Glance's defaults apply.
  const v31 = atLeast(versionOf(request), 1);
  const input = {
    imageName: args.image_name,
    diskFormat: diskFormat as 'raw' | 'qcow2',
    containerFormat: args.container_format ?? 'bare',
    visibility: v31 ? (args.visibility ?? 'private') : 'shared',
    protected: v31 && boolOf(args.protected),
    force: boolOf(args.force),
  };
  const done = await deps.actions.uploadImage(callerOf(request), request.params.id, input);
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

export function registerVolumeActionRoutes(app: FastifyInstance, deps: VolumeRouteDeps): void {
  const table = handlers(deps);
  app.post<Id>(
    '/v3/:project/volumes/:id/action',
    { config: declare({ actions: VOLUME_ACTIONS }) },
    async (request, reply) => {
      const name = actionOf(request.body);
      const handler = table[name];
      if (handler === undefined) throw errors.badRequest(`There is no such action: ${name}`);
      const value = (request.body as Args)[name];
      const args = typeof value === 'object' && value !== null ? (value as Args) : {};
      return handler(request, reply, args);
    },
  );
}
