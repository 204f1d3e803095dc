// Volume types (admin writes; everyone lists the public ones and the private ones shared with them),
// their extra specs and their project access list.
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { newUuid } from '../common/ids.js';
import type { VolumeType } from './model.js';
import type { ServiceDeps } from './service-deps.js';
import { volumeErrors } from './volume-errors.js';
import { callerProject, isAdmin, requireAdmin } from './volume-policy.js';

export function createTypeService(deps: Pick<ServiceDeps, 'stores' | 'clock'>) {
  const { stores, clock } = deps;
  const now = () => clock.now().toISOString();

  async function visible(auth: AuthContext, id: string): Promise<VolumeType> {
    const t = (await stores.types.get(id)) ?? (await stores.types.getByName(id));
    const project = callerProject(auth);
    if (
      !t ||
      !(
        t.isPublic ||
        isAdmin(auth) ||
        (project !== undefined && (await stores.types.hasAccess(t.id, project)))
      )
    ) {
      throw volumeErrors.typeNotFound(id);
    }
    return t;
  }

  return {
    visible,
    async list(auth: AuthContext, limit = 1000): Promise<VolumeType[]> {
      return stores.types.list(isAdmin(auth) ? undefined : (callerProject(auth) ?? ''), limit);
    },
    async create(
      auth: AuthContext,
      input: {
        name: string;
        description: string | null;
        isPublic: boolean;
        extraSpecs: Record<string, string>;
      },
    ): Promise<VolumeType> {
      requireAdmin(auth);
      if (await stores.types.getByName(input.name)) {
        throw errors.conflict(`Volume Type ${input.name} already exists.`);
      }
      const type: VolumeType = { id: newUuid(), ...input };
      await stores.types.insert(type, now());
      return type;
    },
    async update(
      auth: AuthContext,
      id: string,
      patch: {
        name?: string | undefined;
        description?: string | null | undefined;
        isPublic?: boolean | undefined;
      },
    ): Promise<VolumeType> {
      requireAdmin(auth);
      const t = await visible(auth, id);
      if (patch.name !== undefined && patch.name !== t.name && (await stores.types.getByName(patch.name))) {
        throw errors.conflict(`Volume Type ${patch.name} already exists.`);
      }
      const next = {
        id: t.id,
        name: patch.name ?? t.name,
        description: patch.description === undefined ? t.description : patch.description,
        isPublic: patch.isPublic ?? t.isPublic,
      };
      await stores.types.update(next, now());
      return { ...t, ...next };
    },
    async delete(auth: AuthContext, id: string): Promise<void> {
      requireAdmin(auth);
      const t = await visible(auth, id);
      if (t.name === '__DEFAULT__') throw errors.badRequest('Default volume type can not be deleted.');
      if ((await stores.volumes.countOfType(t.id)) > 0) {
        throw errors.badRequest(`Target volume type is still in use.`);
      }
      await stores.types.delete(t.id);
    },
    async setExtraSpecs(auth: AuthContext, id: string, specs: Record<string, string>) {
      requireAdmin(auth);
      const t = await visible(auth, id);
      await stores.types.setExtraSpecs(t.id, specs);
      return { ...t.extraSpecs, ...specs };
    },
    async deleteExtraSpec(auth: AuthContext, id: string, key: string): Promise<void> {
      requireAdmin(auth);
      const t = await visible(auth, id);
      if ((await stores.types.deleteExtraSpec(t.id, key)) === 0) {
        throw errors.notFound('extra spec', key);
      }
    },
    ...accessOps(stores, visible),
  };
}

/** The project access list of a private type (admin only). */
function accessOps(
  stores: ServiceDeps['stores'],
  visible: (auth: AuthContext, id: string) => Promise<VolumeType>,
) {
  return {
    async access(auth: AuthContext, id: string): Promise<string[]> {
      requireAdmin(auth);
      const t = await visible(auth, id);
      if (t.isPublic) throw errors.notFound('volume type access for public type', id);
      return stores.types.projectsOf(t.id);
    },
    async addAccess(auth: AuthContext, id: string, projectId: string): Promise<void> {
      requireAdmin(auth);
      const t = await visible(auth, id);
      if (t.isPublic)
        throw errors.badRequest(
          'Invalid volume type: Type access modification is not applicable to public volume type.',
        );
      await stores.types.addProject(t.id, projectId);
    },
    async removeAccess(auth: AuthContext, id: string, projectId: string): Promise<void> {
      requireAdmin(auth);
      const t = await visible(auth, id);
      if ((await stores.types.removeProject(t.id, projectId)) === 0) {
        throw errors.notFound('volume type access', `${id}/${projectId}`);
      }
    },
  };
}

export type TypeService = ReturnType<typeof createTypeService>;
