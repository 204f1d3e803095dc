// Image members (sharing): the owner adds and removes projects on a shared image; a member project
// accepts, rejects or resets its own membership. Members see only their own membership.
import type { Clock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { callerProject, isAdmin, requireModify } from './image-access.js';
import type { ImageService } from './image-service.js';
import type { ImageStore } from './image-store.js';
import { LIMITS, MEMBER_STATUSES, type Image, type ImageMember, type MemberStatus } from './model.js';

export interface MemberServiceDeps {
  store: ImageStore;
  images: ImageService;
  clock: Clock;
}

export function createMemberService(deps: MemberServiceDeps) {
  const { store, images, clock } = deps;

  function requireShared(image: Image): void {
    if (image.visibility !== 'shared') {
      throw errors.forbidden(`Only shared images have members; image ${image.id} is ${image.visibility}.`);
    }
  }

  function isOwner(auth: AuthContext, image: Image): boolean {
    return isAdmin(auth) || callerProject(auth) === image.owner;
  }

  async function find(imageId: string, memberId: string): Promise<ImageMember | undefined> {
    return (await store.members(imageId)).find((m) => m.memberId === memberId);
  }

  return {
    async list(auth: AuthContext, imageId: string): Promise<ImageMember[]> {
      const image = await images.visible(auth, imageId);
      requireShared(image);
      const members = await store.members(image.id);
      if (isOwner(auth, image)) return members;
      return members.filter((m) => m.memberId === callerProject(auth));
    },

    async show(auth: AuthContext, imageId: string, memberId: string): Promise<ImageMember> {
      const image = await images.visible(auth, imageId);
      requireShared(image);
      const member = await find(image.id, memberId);
      if (!member || (!isOwner(auth, image) && memberId !== callerProject(auth))) {
        throw errors.notFound('member', memberId);
      }
      return member;
    },

    async add(auth: AuthContext, imageId: string, memberId: unknown): Promise<ImageMember> {
      const image = await images.visible(auth, imageId);
      requireModify(auth, image);
      requireShared(image);
      if (typeof memberId !== 'string' || memberId.length === 0 || memberId.length > 255) {
        throw errors.badRequest('Invalid member: a project id is required.');
      }
      const existing = await store.members(image.id);
      if (existing.some((m) => m.memberId === memberId)) {
        throw errors.conflict(`Member ${memberId} already exists on image ${image.id}.`);
      }
      if (existing.length >= LIMITS.maxMembersPerImage) {
        throw errors.payloadTooLarge('Maximum number of image members exceeded.');
      }
      const now = clock.now().toISOString();
      const member: ImageMember = {
        imageId: image.id,
        memberId,
        status: 'pending',
        createdAt: now,
        updatedAt: now,
      };
      await store.addMember(member);
      return member;
    },

    async setStatus(
      auth: AuthContext,
      imageId: string,
      memberId: string,
      status: unknown,
    ): Promise<ImageMember> {
      const image = await images.visible(auth, imageId);
      requireShared(image);
      const member = await find(image.id, memberId);
      if (!member) throw errors.notFound('member', memberId);
      if (callerProject(auth) !== memberId) {
        throw errors.forbidden('Only the member project may change its membership status.');
      }
      if (typeof status !== 'string' || !MEMBER_STATUSES.includes(status as MemberStatus)) {
        throw errors.badRequest(`Invalid status: expected one of ${MEMBER_STATUSES.join(', ')}.`);
      }
      const now = clock.now().toISOString();
      await store.setMemberStatus(image.id, memberId, status as MemberStatus, now);
      return { ...member, status: status as MemberStatus, updatedAt: now };
    },

    async remove(auth: AuthContext, imageId: string, memberId: string): Promise<void> {
      const image = await images.visible(auth, imageId);
      requireShared(image);
      if (!isOwner(auth, image)) throw errors.forbidden('Only the image owner may remove members.');
      if (!(await find(image.id, memberId))) throw errors.notFound('member', memberId);
      await store.removeMember(image.id, memberId);
    },
  };
}

export type MemberService = ReturnType<typeof createMemberService>;
