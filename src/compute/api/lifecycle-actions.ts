// POST /servers/{id}/action for rebuild, resize, confirmResize, revertResize and createImage: the
// validated bodies (schemas/action-schemas.ts) → the lifecycle's inputs, and Nova's response shapes by
// microversion.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { generatePassword } from '../injection.js';
import { isAdmin } from '../compute-policy.js';
import type { CreateImageInput, RebuildInput, ServerLifecycle } from '../server-lifecycle.js';
import { atLeast } from './microversion.js';
import { type ComputeRouteDeps, callerOf, linkBase, versionOf } from './route-deps.js';
import type { CreateImageBody, RebuildBody, ResizeBody } from './schemas/action-schemas.js';
import { idFromHref, personalityFiles } from './server-create-input.js';
import { canonicalIpv6, canonicalUuid } from './validation/nova-formats.js';
import { serverDetail } from './views.js';

export const LIFECYCLE_ACTIONS = new Set([
  'rebuild',
  'resize',
  'confirmResize',
  'revertResize',
  'createImage',
]);

/** A rebuild body (validated) → the lifecycle's input. */
export function rebuildInput(body: RebuildBody): RebuildInput {
  const r = body.rebuild;
  if (r.trusted_image_certificates)
    throw errors.badRequest(
      'Image certificate validation failed: this cloud has no key manager to verify image signatures.',
    );
  const input: RebuildInput = { imageRef: canonicalUuid(r.imageRef) };
  if (r.name !== undefined) input.name = r.name;
  if (r.metadata !== undefined) input.metadata = r.metadata;
  if (r.description !== undefined) input.description = r.description;
  if (r.key_name !== undefined) input.keyName = r.key_name;
  if (r.user_data !== undefined) input.userData = r.user_data;
  if (r.adminPass !== undefined) input.adminPass = r.adminPass;
  if (r.accessIPv4 !== undefined) input.accessIpv4 = r.accessIPv4;
  if (r.accessIPv6 !== undefined) input.accessIpv6 = canonicalIpv6(r.accessIPv6);
  if (r['OS-DCF:diskConfig'] !== undefined) input.autoDiskConfig = r['OS-DCF:diskConfig'] === 'AUTO';
  const files = personalityFiles(r.personality);
  if (files !== undefined) input.files = files;
  // preserve_ephemeral: Nuage flavors' servers have no ephemeral disk to preserve (libvirt ignores it too).
  return input;
}

export function createImageInput(body: CreateImageBody): CreateImageInput {
  return { name: body.createImage.name, metadata: body.createImage.metadata ?? {} };
}

/** Glance's URL of an image, next to the compute endpoint (Nova's Location header below 2.45). */
function imageUrl(request: FastifyRequest, deps: ComputeRouteDeps, imageId: string): string {
  const root = linkBase(request, deps.publicUrl).root.replace(/\/compute$/, '/image');
  return `${root}/v2/images/${imageId}`;
}

/** Performs one of LIFECYCLE_ACTIONS and sends Nova's response. */
export async function runLifecycleAction(
  lifecycle: ServerLifecycle,
  deps: ComputeRouteDeps,
  name: string,
  request: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
) {
  const auth = callerOf(request);
  const v = versionOf(request);
  const id = request.params.id;
  const body = request.body;
  switch (name) {
    case 'rebuild': {
      const input = rebuildInput(body as RebuildBody);
      const adminPass = input.adminPass ?? generatePassword();
      const server = await lifecycle.rebuild(auth, id, { ...input, adminPass }, request.id);
      const base = linkBase(request, deps.publicUrl);
      const floatingIps = (await deps.floatingIps?.(server.ports.map((p) => p.portId))) ?? new Map();
      const view = serverDetail(server, v, base, {
        admin: isAdmin(auth),
        single: true,
        reduced: 'rebuild',
        floatingIps,
        ...(atLeast(v, 75) && { volumes: (await deps.volumes?.volumesOf([server])) ?? new Map() }),
      });
      return reply
        .status(202)
        .send({ server: { ...view, ...(deps.enableInstancePassword !== false && { adminPass }) } });
    }
    case 'resize':
      await lifecycle.resize(auth, id, idFromHref((body as ResizeBody).resize.flavorRef), request.id);
      return reply.status(202).send();
    case 'confirmResize':
      await lifecycle.confirmResize(auth, id, request.id);
      return reply.status(204).send();
    case 'revertResize':
      await lifecycle.revertResize(auth, id, request.id);
      return reply.status(202).send();
    case 'createImage': {
      const imageId = await lifecycle.createImage(
        auth,
        id,
        createImageInput(body as CreateImageBody),
        request.id,
      );
      if (atLeast(v, 45)) return reply.status(202).send({ image_id: imageId });
      return reply
        .status(202)
        .header('location', imageUrl(request, deps, imageId))
        .send();
    }
    default:
      throw errors.badRequest(`There is no such action: ${name}`);
  }
}
