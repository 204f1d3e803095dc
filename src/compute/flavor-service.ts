// Flavors: admin create/delete/description update, listing with Nova's visibility (public flavors plus
// private ones shared with the caller's project), the access list and extra specs.
import { errors } from '../common/errors/codes.js';
import type { Clock } from '../common/clock.js';
import type { AuthContext } from '../common/http/context.js';
import { newUuid } from '../common/ids.js';
import { callerProject, isAdmin, requireAdmin } from './compute-policy.js';
import type { FlavorStore } from './flavor-store.js';
import type { Flavor } from './model.js';

export interface FlavorCreateInput {
  id?: string | null;
  name: string;
  vcpus: number;
  ramMiB: number;
  diskGib: number;
  ephemeralGib?: number;
  swapMiB?: number;
  rxtxFactor?: number;
  isPublic?: boolean;
  description?: string | null;
}

export interface FlavorServiceDeps {
  store: FlavorStore;
  clock: Clock;
  transaction<T>(fn: (store: FlavorStore) => Promise<T>): Promise<T>;
}

export function createFlavorService(deps: FlavorServiceDeps) {
  const { store, clock } = deps;

  /** The flavor if the caller may see it; 404 otherwise (a private flavor is invisible to others). */
  async function visible(auth: AuthContext, id: string): Promise<Flavor> {
    const flavor = await store.get(id);
    if (!flavor) throw errors.notFound('flavor', id);
    if (flavor.isPublic || isAdmin(auth)) return flavor;
    const project = callerProject(auth);
    if (project !== undefined && (await store.hasProject(id, project))) return flavor;
    throw errors.notFound('flavor', id);
  }

  async function create(auth: AuthContext, input: FlavorCreateInput): Promise<Flavor> {
    requireAdmin(auth);
    const id = input.id === undefined || input.id === null || input.id === 'auto' ? newUuid() : input.id;
    const at = clock.now().toISOString();
    const flavor: Flavor = {
      id,
      name: input.name,
      description: input.description ?? null,
      vcpus: input.vcpus,
      ramMiB: input.ramMiB,
      diskGib: input.diskGib,
      ephemeralGib: input.ephemeralGib ?? 0,
      swapMiB: input.swapMiB ?? 0,
      rxtxFactor: input.rxtxFactor ?? 1,
      isPublic: input.isPublic ?? true,
      disabled: false,
      extraSpecs: {},
      createdAt: at,
      updatedAt: at,
    };
    return deps.transaction(async (tx) => {
      if (await tx.get(id)) throw errors.conflict(`Flavor with ID ${id} already exists.`);
      if (await tx.getByName(flavor.name))
        throw errors.conflict(`Flavor with name ${flavor.name} already exists.`);
      await tx.insert(flavor);
      return flavor;
    });
  }

  async function list(auth: AuthContext, isPublicFilter: boolean | 'all' | undefined): Promise<Flavor[]> {
    if (isAdmin(auth)) {
      // Nova: admins see public flavors by default, everything with is_public=None/all.
      return store.list(undefined, isPublicFilter === 'all' ? undefined : (isPublicFilter ?? true));
    }
    const project = callerProject(auth);
    const flavors = await store.list(project ?? '', undefined);
    if (isPublicFilter === undefined || isPublicFilter === 'all') return flavors;
    return flavors.filter((f) => f.isPublic === isPublicFilter);
  }

  async function updateDescription(auth: AuthContext, id: string, description: string | null) {
    requireAdmin(auth);
    const flavor = await visible(auth, id);
    const at = clock.now().toISOString();
    await store.updateDescription(id, description, at);
    return { ...flavor, description, updatedAt: at };
  }

  async function remove(auth: AuthContext, id: string): Promise<void> {
    requireAdmin(auth);
    if (!(await store.remove(id))) throw errors.notFound('flavor', id);
  }

  async function access(auth: AuthContext, id: string): Promise<string[]> {
    requireAdmin(auth);
    const flavor = await visible(auth, id);
    if (flavor.isPublic) throw errors.notFound('flavor access list for public flavor', id);
    return store.projects(id);
  }

  async function addAccess(auth: AuthContext, id: string, projectId: string): Promise<string[]> {
    requireAdmin(auth);
    const flavor = await visible(auth, id);
    if (flavor.isPublic) throw errors.conflict('Can not add access to a public flavor.');
    if (await store.hasProject(id, projectId)) {
      throw errors.conflict(
        `Flavor access already exists for flavor ${id} and project ${projectId} combination.`,
      );
    }
    await store.addProject(id, projectId);
    return store.projects(id);
  }

  async function removeAccess(auth: AuthContext, id: string, projectId: string): Promise<string[]> {
    requireAdmin(auth);
    await visible(auth, id);
    if (!(await store.removeProject(id, projectId))) {
      throw errors.notFound('flavor access', `${id}/${projectId}`);
    }
    return store.projects(id);
  }

  async function setExtraSpecs(auth: AuthContext, id: string, specs: Record<string, string>) {
    requireAdmin(auth);
    await visible(auth, id);
    await store.setSpecs(id, specs);
    return specs;
  }

  async function removeExtraSpec(auth: AuthContext, id: string, key: string): Promise<void> {
    requireAdmin(auth);
    await visible(auth, id);
    if (!(await store.removeSpec(id, key))) throw errors.notFound('flavor extra spec', key);
  }

  return {
    visible,
    create,
    list,
    updateDescription,
    remove,
    access,
    addAccess,
    removeAccess,
    setExtraSpecs,
    removeExtraSpec,
  };
}

export type FlavorService = ReturnType<typeof createFlavorService>;
