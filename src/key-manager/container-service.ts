// Containers (Barbican's /v1/containers): named references to secrets of the same project, of type
// generic, rsa or certificate, with the reference names Barbican requires for the typed ones.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../common/clock.js';
import type { AuthContext } from '../common/http/context.js';
import { kmErrors } from './key-manager-errors.js';
import { actingProject, policy } from './key-manager-policy.js';
import type { ContainerRecord, ContainerSecretRef, Page } from './model.js';
import type { ContainerListQuery, ContainerStore } from './container-store.js';
import { isUuid, type SecretService } from './secret-service.js';

export interface NewContainerBody {
  name?: string | null;
  type: string;
  secret_refs?: { name?: string | null; secret_ref: string }[];
}

export interface ContainerSecretBody {
  name?: string;
  secret_ref: string;
}

const TYPED_NAMES: Record<string, { required: string[]; optional: string[]; message: [string, string] }> = {
  rsa: {
    required: ['public_key', 'private_key'],
    optional: ['private_key_passphrase'],
    message: [
      "only 'private_key', 'public_key' and 'private_key_passphrase' reference names are allowed for RSA type",
      "The minimum required reference names are 'public_key' and'private_key' for RSA type",
    ],
  },
  certificate: {
    required: ['certificate'],
    optional: ['private_key', 'private_key_passphrase', 'intermediates'],
    message: [
      "only 'private_key', 'certificate' , 'private_key_passphrase',  or 'intermediates' reference names are allowed for Certificate type",
      "The minimum required reference name is 'certificate' for Certificate type",
    ],
  },
};

/** hrefs.get_secret_id_from_ref: the last path element (a trailing slash is tolerated). */
export function secretIdFromRef(ref: string): string {
  const trimmed = ref.endsWith('/') ? ref.slice(0, -1) : ref;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** ContainerValidator beyond the schema: unique names and secrets, our own hrefs, typed names. */
function checkContainer(body: NewContainerBody, baseUrl: string): void {
  const refs = body.secret_refs ?? [];
  if (refs.length === 0) return;
  const names = new Set(refs.map((r) => (r.name === undefined ? '' : r.name)));
  if (names.size !== refs.length) {
    throw kmErrors.invalidObject('Container', 'Duplicate reference names are not allowed', 'secret_refs');
  }
  if (new Set(refs.map((r) => secretIdFromRef(r.secret_ref))).size !== refs.length) {
    throw kmErrors.invalidObject('Container', 'Duplicate secret ids are not allowed', 'secret_refs');
  }
  // No spoofing: a reference must point at this key manager (Barbican's UnsupportedField).
  if (refs.some((r) => !r.secret_ref.startsWith(baseUrl))) {
    throw kmErrors.abort(400, 'Provided field value is not supported');
  }
  const typed = TYPED_NAMES[body.type];
  if (!typed) return;
  const allowed = new Set([...typed.required, ...typed.optional]);
  if ([...names].some((n) => n === null || !allowed.has(n))) {
    throw kmErrors.invalidObject('Container', typed.message[0], 'secret_refs');
  }
  if (!typed.required.every((n) => names.has(n))) {
    throw kmErrors.invalidObject('Container', typed.message[1], 'secret_refs');
  }
}

export function createContainerService(deps: {
  store: ContainerStore;
  secrets: SecretService;
  clock: Clock;
}) {
  const { store, secrets, clock } = deps;

  async function lookup(id: string): Promise<ContainerRecord> {
    if (!isUuid(id)) throw kmErrors.invalidContainerId();
    const container = await store.get(id.toLowerCase());
    if (!container) throw kmErrors.containerNotFound();
    return container;
  }

  /** A live secret of the caller's project, or undefined (Barbican's secret_repo.get with the project). */
  async function ownSecret(projectId: string, secretId: string) {
    if (!isUuid(secretId)) return undefined;
    const secret = await secrets.lookup(secretId).catch(() => undefined);
    return secret && secret.projectId === projectId ? secret : undefined;
  }

  return {
    lookup,

    async create(auth: AuthContext, body: NewContainerBody, baseUrl: string): Promise<ContainerRecord> {
      policy.create(auth);
      const projectId = actingProject(auth);
      checkContainer(body, baseUrl);
      const refs: ContainerSecretRef[] = [];
      for (const ref of body.secret_refs ?? []) {
        const secret = await ownSecret(projectId, secretIdFromRef(ref.secret_ref));
        if (!secret) {
          throw kmErrors.abort(404, `Secret provided for '${ref.name ?? 'None'}' doesn't exist.`);
        }
        refs.push({ name: ref.name ?? null, secretId: secret.id });
      }
      return this.createOwned(
        { projectId, creatorId: auth.userId },
        { name: body.name ?? null, type: body.type },
        refs,
      );
    },

    /** A container of already checked references (the asymmetric orders make these). */
    async createOwned(
      owner: { projectId: string; creatorId: string },
      fields: { name: string | null; type: string },
      refs: ContainerSecretRef[],
    ): Promise<ContainerRecord> {
      const at = clock.now().toISOString();
      const container: ContainerRecord = {
        id: randomUUID(),
        projectId: owner.projectId,
        creatorId: owner.creatorId,
        name: typeof fields.name === 'string' ? fields.name.trim() : null,
        type: fields.type,
        status: 'ACTIVE',
        secretRefs: refs,
        createdAt: at,
        updatedAt: at,
      };
      await store.insert(container);
      return container;
    },

    async list(auth: AuthContext, q: Omit<ContainerListQuery, 'projectId'>): Promise<Page<ContainerRecord>> {
      policy.list(auth);
      return store.list({ ...q, projectId: actingProject(auth) });
    },

    async get(auth: AuthContext, id: string): Promise<ContainerRecord> {
      const container = await lookup(id);
      policy.readContainer(auth, container);
      return container;
    },

    async remove(auth: AuthContext, id: string): Promise<void> {
      const container = await lookup(id);
      policy.changeContainer(auth, container);
      if (!(await store.remove(container.id))) throw kmErrors.containerNotFound();
    },

    ...containerRefOps(store, lookup, ownSecret),
  };
}

/** Adding and removing secret references of a generic container. */
function containerRefOps(
  store: ContainerStore,
  lookup: (id: string) => Promise<ContainerRecord>,
  ownSecret: (projectId: string, secretId: string) => Promise<{ id: string } | undefined>,
) {
  return {
    async addSecret(auth: AuthContext, id: string, body: ContainerSecretBody): Promise<ContainerRecord> {
      const container = await lookup(id);
      policy.changeContainer(auth, container);
      if (container.type !== 'generic')
        throw kmErrors.abort(400, "Only 'generic' containers can be modified.");
      const secret = await ownSecret(actingProject(auth), secretIdFromRef(body.secret_ref));
      if (!secret) throw kmErrors.abort(404, "Secret provided doesn't exist.");
      const name = body.name ?? null;
      if (container.secretRefs.some((r) => r.secretId === secret.id && r.name === name)) {
        throw kmErrors.abort(
          409,
          'Conflict. A secret with that name and ID is already stored in this container. The same secret can exist in a container as long as the name is unique.',
        );
      }
      await store.addRef(container.id, { name, secretId: secret.id });
      return container;
    },

    async removeSecret(auth: AuthContext, id: string, body: ContainerSecretBody): Promise<void> {
      const container = await lookup(id);
      policy.changeContainer(auth, container);
      const name = body.name ?? null;
      const secret = await ownSecret(actingProject(auth), secretIdFromRef(body.secret_ref));
      if (!secret) {
        throw kmErrors.abort(
          404,
          `Secret '${name ?? 'None'}' with reference '${body.secret_ref}' doesn't exist.`,
        );
      }
      if ((await store.removeRef(container.id, { name, secretId: secret.id })) === 0) {
        throw kmErrors.abort(404, 'Secret provided is not in the container');
      }
    },
  };
}

export type ContainerService = ReturnType<typeof createContainerService>;
