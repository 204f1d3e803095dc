// Server tags (Nova 2.26): list, replace, add, check and delete tags of a server the caller may see.
// Nova's rules: a tag is 1–60 characters without ',' or '/', at most 50 per server, and tags change
// only while the server is in a settled vm_state.
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { requireWriter } from './compute-policy.js';
import type { Server, VmState } from './model.js';
import type { ServerService } from './server-service.js';
import type { ServerStore } from './server-store.js';

export const MAX_TAGS_PER_SERVER = 50;
const TAG = /^[^,/]{1,60}$/;

/** Nova's server_tags._check_instance_in_valid_state, for the vm_states Nuage has. */
const TAGGABLE: readonly VmState[] = ['active', 'paused', 'stopped', 'suspended', 'error'];

/** Checks a list of tags (the PUT body or the create request's `tags`). */
export function validateTags(raw: unknown): string[] {
  if (!Array.isArray(raw)) throw errors.badRequest('Invalid input for field/attribute tags.');
  for (const tag of raw) {
    if (typeof tag !== 'string' || !TAG.test(tag)) {
      throw errors.badRequest(`Invalid input for field/attribute tags. Value: ${JSON.stringify(tag)}.`);
    }
  }
  const tags = [...new Set(raw as string[])];
  if (tags.length > MAX_TAGS_PER_SERVER) {
    throw errors.badRequest(`The number of tags exceeded the per-server limit ${MAX_TAGS_PER_SERVER}`);
  }
  return tags;
}

export function validateTag(tag: string): string {
  if (!TAG.test(tag)) throw errors.badRequest(`Tag '${tag}' is invalid.`);
  return tag;
}

export interface ServerTagsDeps {
  servers: ServerService;
  store: ServerStore;
}

export function createServerTags(deps: ServerTagsDeps) {
  const { servers, store } = deps;

  async function changeable(auth: AuthContext, id: string, action: string): Promise<Server> {
    requireWriter(auth);
    const server = await servers.visible(auth, id);
    if (!TAGGABLE.includes(server.vmState)) {
      throw errors.conflict(`Cannot '${action}' instance ${id} while it is in vm_state ${server.vmState}`);
    }
    return server;
  }

  return {
    async list(auth: AuthContext, id: string): Promise<string[]> {
      await servers.visible(auth, id);
      return store.tags(id);
    },

    async replace(auth: AuthContext, id: string, tags: string[]): Promise<string[]> {
      await changeable(auth, id, 'update tags');
      await store.replaceTags(id, tags);
      return store.tags(id);
    },

    /** Resolves true when the tag is new (201), false when it was there (204). */
    async add(auth: AuthContext, id: string, tag: string): Promise<boolean> {
      await changeable(auth, id, 'update tag');
      const current = await store.tags(id);
      if (current.includes(tag)) return false;
      if (current.length >= MAX_TAGS_PER_SERVER) {
        throw errors.badRequest(`The number of tags exceeded the per-server limit ${MAX_TAGS_PER_SERVER}`);
      }
      return store.addTag(id, tag);
    },

    async has(auth: AuthContext, id: string, tag: string): Promise<void> {
      await servers.visible(auth, id);
      if (!(await store.tags(id)).includes(tag)) throw errors.notFound('tag', tag);
    },

    async remove(auth: AuthContext, id: string, tag: string): Promise<void> {
      await changeable(auth, id, 'delete tag');
      if (!(await store.removeTag(id, tag))) throw errors.notFound('tag', tag);
    },

    async clear(auth: AuthContext, id: string): Promise<void> {
      await changeable(auth, id, 'delete tags');
      await store.replaceTags(id, []);
    },
  };
}

export type ServerTags = ReturnType<typeof createServerTags>;
