// POST /servers/{id}/action for rebuild, resize, confirmResize, revertResize and createImage: Nova's
// body schemas (unknown keys and microversion-gated keys below their version are 400, as Nova's
// additionalProperties: false makes them) and response shapes by microversion.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../common/errors/codes.js';
import { isAdmin } from '../compute-policy.js';
import type { CreateImageInput, RebuildInput, ServerLifecycle } from '../server-lifecycle.js';
import { atLeast, type Microversion } from './microversion.js';
import { type ComputeRouteDeps, callerOf, linkBase, versionOf, wrapped } from './route-deps.js';
import { serverDetail } from './views.js';

export const LIFECYCLE_ACTIONS = new Set([
  'rebuild',
  'resize',
  'confirmResize',
  'revertResize',
  'createImage',
]);

const invalid = (key: string, value?: unknown) =>
  errors.badRequest(
    `Invalid input for field/attribute ${key}.` +
      (value === undefined ? '' : ` Value: ${JSON.stringify(value) ?? 'None'}.`),
  );

function onlyKeys(body: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(body).filter((key) => !allowed.includes(key));
  if (extra.length > 0) {
    throw errors.badRequest(
      `Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} ${extra.length === 1 ? 'was' : 'were'} unexpected)`,
    );
  }
}

/** Nova's parameter_types.name: 1..255 characters, no leading or trailing whitespace. */
function name(raw: unknown, key: string): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 255 || raw.trim() !== raw)
    throw invalid(key, raw);
  return raw;
}

/** Nova's parameter_types.metadata: string keys of 1..255 characters, string values of at most 255. */
export function metadataOf(raw: unknown): Record<string, string> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('metadata', raw);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key.length === 0 || key.length > 255 || typeof value !== 'string' || value.length > 255)
      throw invalid('metadata', { [key]: value });
    out[key] = value;
  }
  return out;
}

function nullableString(raw: unknown, key: string, max: number): string | null {
  if (raw === null) return null;
  if (typeof raw !== 'string' || raw.length > max) throw invalid(key, raw);
  return raw;
}

/** An image id, or an image URL whose last path segment is the id (Nova accepts both). */
function imageRef(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw invalid('imageRef', raw);
  return raw.replace(/\/+$/, '').split('/').at(-1) ?? raw;
}

const REBUILD_KEYS = [
  'imageRef',
  'name',
  'adminPass',
  'metadata',
  'preserve_ephemeral',
  'OS-DCF:diskConfig',
  'accessIPv4',
  'accessIPv6',
];

export function rebuildInput(body: unknown, v: Microversion): RebuildInput {
  const r = wrapped(body, 'rebuild');
  onlyKeys(r, [
    ...REBUILD_KEYS,
    ...(atLeast(v, 19) ? ['description'] : []),
    ...(atLeast(v, 54) ? ['key_name'] : []),
    ...(atLeast(v, 57) ? ['user_data'] : ['personality']),
    ...(atLeast(v, 63) ? ['trusted_image_certificates'] : []),
  ]);
  if (r.imageRef === undefined) throw errors.badRequest("'imageRef' is a required property");
  if (r.preserve_ephemeral !== undefined && typeof r.preserve_ephemeral !== 'boolean')
    throw invalid('preserve_ephemeral', r.preserve_ephemeral);
  if (r.adminPass !== undefined && typeof r.adminPass !== 'string') throw invalid('adminPass', r.adminPass);
  const diskConfig = r['OS-DCF:diskConfig'];
  if (diskConfig !== undefined && diskConfig !== 'AUTO' && diskConfig !== 'MANUAL')
    throw invalid('OS-DCF:diskConfig', diskConfig);
  const input: RebuildInput = { imageRef: imageRef(r.imageRef) };
  if (r.name !== undefined) input.name = name(r.name, 'name');
  if (r.metadata !== undefined) input.metadata = metadataOf(r.metadata);
  if (r.description !== undefined) input.description = nullableString(r.description, 'description', 255);
  if (r.key_name !== undefined) {
    const keyName = nullableString(r.key_name, 'key_name', 255);
    if (keyName === '') throw invalid('key_name', keyName);
    input.keyName = keyName;
  }
  if (r.user_data !== undefined) {
    const userData = nullableString(r.user_data, 'user_data', 65535);
    if (userData !== null && !/^[A-Za-z0-9+/]*={0,2}$/.test(userData)) throw invalid('user_data');
    input.userData = userData;
  }
  return input;
}

export function resizeFlavorRef(body: unknown): string {
  const r = wrapped(body, 'resize');
  onlyKeys(r, ['flavorRef', 'OS-DCF:diskConfig']);
  const ref = r.flavorRef;
  if (ref === undefined) throw errors.badRequest("'flavorRef' is a required property");
  if (typeof ref === 'number' && Number.isInteger(ref) && ref >= 0) return String(ref);
  if (typeof ref !== 'string' || ref.length === 0 || ref.length > 255) throw invalid('flavorRef', ref);
  return ref;
}

export function createImageInput(body: unknown): CreateImageInput {
  const c = wrapped(body, 'createImage');
  onlyKeys(c, ['name', 'metadata']);
  if (c.name === undefined) throw errors.badRequest("'name' is a required property");
  return { name: name(c.name, 'name'), metadata: c.metadata === undefined ? {} : metadataOf(c.metadata) };
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
  const body = request.body as Record<string, unknown>;
  switch (name) {
    case 'rebuild': {
      const server = await lifecycle.rebuild(auth, id, rebuildInput(body, v), request.id);
      const base = linkBase(request, deps.publicUrl);
      return reply
        .status(202)
        .send({ server: serverDetail(server, v, base, { admin: isAdmin(auth), single: true }) });
    }
    case 'resize':
      await lifecycle.resize(auth, id, resizeFlavorRef(body), request.id);
      return reply.status(202).send();
    case 'confirmResize':
      await lifecycle.confirmResize(auth, id, request.id);
      return reply.status(204).send();
    case 'revertResize':
      await lifecycle.revertResize(auth, id, request.id);
      return reply.status(202).send();
    case 'createImage': {
      const imageId = await lifecycle.createImage(auth, id, createImageInput(body), request.id);
      if (atLeast(v, 45)) return reply.status(202).send({ image_id: imageId });
      return reply
        .status(202)
        .header('location', imageUrl(request, deps, imageId))
        .send();
    }
    default:
      throw errors.badRequest(`Action ${name} is not supported yet.`);
  }
}
