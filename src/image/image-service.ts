// Image metadata: create, show, list, PATCH, delete, deactivate/reactivate and tags, with Glance's
// default policy and the per-project image-count quota. Image data is in image-data.ts.
import type { Clock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { newUuid, isUuid } from '../common/ids.js';
import { applyAttribute, validateTag } from './image-attributes.js';
import {
  callerProject,
  canSee,
  isAdmin,
  requireModify,
  requireCreate,
  requireProject,
  requireVisibilityAllowed,
} from './image-access.js';
import {
  attributeFilter,
  markerOf,
  memberStatusParam,
  page,
  parseLimit,
  parseSort,
  sortImages,
  type Query,
} from './image-listing.js';
import type { ImageStore } from './image-store.js';
import { LIMITS, READ_ONLY_PROPERTIES, type Image, type MemberStatus } from './model.js';
import type { PatchOperation } from './json-patch.js';

export interface ImageServiceDeps {
  store: ImageStore;
  clock: Clock;
  quota: { imageCountTotal: number; imageSizeTotalBytes: number };
  /** Removes an image's data objects (uploaded and staged) from the object store. */
  removeData(image: Image): Promise<void>;
}

function emptyImage(id: string, owner: string, now: string): Image {
  return {
    id,
    name: null,
    owner,
    status: 'queued',
    visibility: 'shared',
    protected: false,
    osHidden: false,
    diskFormat: null,
    containerFormat: null,
    minDisk: 0,
    minRam: 0,
    sizeBytes: null,
    virtualSizeBytes: null,
    checksum: null,
    osHashAlgo: null,
    osHashValue: null,
    properties: {},
    tags: [],
    dataObject: null,
    stagedObject: null,
    createdAt: now,
    updatedAt: now,
  };
}

export function createImageService(deps: ImageServiceDeps) {
  const { store, clock } = deps;

  async function membership(auth: AuthContext, image: Image): Promise<MemberStatus | undefined> {
    const project = callerProject(auth);
    if (project === undefined || image.visibility !== 'shared') return undefined;
    return (await store.membershipsOf(project)).get(image.id);
  }

  /** The image if the caller may see it; 404 otherwise. */
  async function visible(auth: AuthContext, id: string): Promise<Image> {
    const image = isUuid(id) ? await store.get(id) : undefined;
    if (!image || !canSee(auth, image, await membership(auth, image))) {
      throw errors.notFound('image', id);
    }
    return image;
  }

  async function create(auth: AuthContext, body: Record<string, unknown>): Promise<Image> {
    // An admin may name the owner, which is how a token without a project (system scope) creates one.
    const owner = isAdmin(auth) && typeof body.owner === 'string' ? body.owner : requireProject(auth);
    requireCreate(auth);
    const id = body.id === undefined ? newUuid() : body.id;
    if (typeof id !== 'string' || !isUuid(id)) throw errors.badRequest('Invalid image id: must be a UUID.');
    const image = emptyImage(id.toLowerCase(), owner, clock.now().toISOString());
    for (const [key, value] of Object.entries(body)) {
      if (key === 'id') continue;
      if (key === 'owner' && !isAdmin(auth)) {
        if (value !== owner) throw errors.forbidden('Owner must be the project making the request.');
        continue;
      }
      applyAttribute(image, key, value);
    }
    requireVisibilityAllowed(auth, image.visibility);
    const usage = await store.usage(image.owner);
    if (usage.count >= deps.quota.imageCountTotal) {
      throw errors.payloadTooLarge(
        `Maximum number of images exceeded (image_count_total ${deps.quota.imageCountTotal}).`,
      );
    }
    if (await store.get(image.id)) throw errors.conflict(`Image with identifier ${image.id} already exists.`);
    await store.insert(image);
    return image;
  }

  function visibleByDefault(auth: AuthContext, image: Image, mine: Map<string, MemberStatus>, q: Query) {
    const project = callerProject(auth);
    const owned = project !== undefined && image.owner === project;
    const memberStatus = memberStatusParam(q);
    const member = mine.get(image.id);
    const memberOk = member !== undefined && (memberStatus === 'all' || member === memberStatus);
    const wanted = typeof q.visibility === 'string' ? q.visibility : undefined;
    if (wanted !== undefined && wanted !== 'all' && image.visibility !== wanted) return false;
    if (isAdmin(auth) && wanted !== undefined) return true;
    switch (image.visibility) {
      case 'public':
        return true;
      case 'community':
        return owned || wanted === 'community' || wanted === 'all' || isAdmin(auth);
      case 'shared':
        return owned || memberOk || isAdmin(auth);
      default:
        return owned || isAdmin(auth);
    }
  }

  async function list(auth: AuthContext, q: Query) {
    const visibility = q.visibility;
    if (
      visibility !== undefined &&
      (typeof visibility !== 'string' ||
        !['public', 'private', 'shared', 'community', 'all'].includes(visibility))
    ) {
      throw errors.badRequest(`Invalid visibility value: ${String(visibility)}.`);
    }
    const sortKeys = parseSort(q);
    const limit = parseLimit(q);
    const filter = attributeFilter(q);
    const project = callerProject(auth);
    const mine = project === undefined ? new Map<string, MemberStatus>() : await store.membershipsOf(project);
    const candidates = await store.listCandidates(project, isAdmin(auth));
    const matched = candidates.filter((i) => visibleByDefault(auth, i, mine, q) && filter(i));
    return page(sortImages(matched, sortKeys), markerOf(q), limit);
  }

  async function update(auth: AuthContext, id: string, ops: PatchOperation[]): Promise<Image> {
    const image = await visible(auth, id);
    requireModify(auth, image);
    const next: Image = { ...image, properties: { ...image.properties }, tags: [...image.tags] };
    for (const op of ops) {
      if (op.key === 'owner' && !isAdmin(auth))
        throw errors.forbidden('Only administrators may change owner.');
      // The data lives in the owner's object-store account; moving it there is not implemented yet.
      if (
        op.key === 'owner' &&
        op.value !== image.owner &&
        (image.dataObject ?? image.stagedObject) !== null
      ) {
        throw errors.conflict('The owner of an image with data cannot be changed.');
      }
      if ((op.key === 'disk_format' || op.key === 'container_format') && image.status !== 'queued') {
        throw errors.forbidden(`Attribute ${op.key} can be only replaced for a queued image.`);
      }
      const custom = !isCore(op.key) && !READ_ONLY_PROPERTIES.has(op.key);
      if (op.op === 'replace' && custom && !(op.key in next.properties)) {
        throw errors.conflict(`Property ${op.key} does not exist.`);
      }
      applyAttribute(next, op.key, op.op === 'remove' ? undefined : op.value);
    }
    if (next.visibility !== image.visibility) requireVisibilityAllowed(auth, next.visibility);
    next.updatedAt = clock.now().toISOString();
    await store.save(next);
    if (next.tags.join('\n') !== image.tags.join('\n')) await store.setTags(next.id, next.tags);
    return next;
  }

  async function remove(auth: AuthContext, id: string): Promise<void> {
    const image = await visible(auth, id);
    requireModify(auth, image);
    if (image.protected) throw errors.forbidden(`Image ${id} is protected and cannot be deleted.`);
    await store.remove(image.id);
    await deps.removeData(image);
  }

  async function setDeactivated(auth: AuthContext, id: string, deactivate: boolean): Promise<void> {
    const image = await visible(auth, id);
    requireModify(auth, image);
    const from = deactivate ? 'active' : 'deactivated';
    const to = deactivate ? 'deactivated' : 'active';
    if (image.status === to) return;
    if (image.status !== from) {
      throw errors.forbidden(
        `Not allowed to ${deactivate ? 'deactivate' : 'reactivate'} image in status '${image.status}'.`,
      );
    }
    await store.save({ ...image, status: to, updatedAt: clock.now().toISOString() }, from);
  }

  async function addTag(auth: AuthContext, id: string, tag: string): Promise<void> {
    const image = await visible(auth, id);
    requireModify(auth, image);
    validateTag(tag);
    if (image.tags.includes(tag)) return;
    if (image.tags.length >= LIMITS.maxTagsPerImage)
      throw errors.payloadTooLarge('Maximum number of tags exceeded.');
    await store.setTags(image.id, [...image.tags, tag].sort());
    await store.save({ ...image, updatedAt: clock.now().toISOString() });
  }

  async function removeTag(auth: AuthContext, id: string, tag: string): Promise<void> {
    const image = await visible(auth, id);
    requireModify(auth, image);
    if (!image.tags.includes(tag)) throw errors.notFound('tag', tag);
    await store.setTags(
      image.id,
      image.tags.filter((t) => t !== tag),
    );
    await store.save({ ...image, updatedAt: clock.now().toISOString() });
  }

  return { visible, create, list, update, remove, setDeactivated, addTag, removeTag, membership };
}

const CORE_KEYS = new Set([
  'name',
  'visibility',
  'protected',
  'os_hidden',
  'disk_format',
  'container_format',
  'min_disk',
  'min_ram',
  'tags',
  'owner',
]);

function isCore(key: string): boolean {
  return CORE_KEYS.has(key);
}

export type ImageService = ReturnType<typeof createImageService>;
