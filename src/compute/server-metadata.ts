// Server metadata (/servers/{id}/metadata): replace all, merge, set or delete one key. Writes go through
// the row's compare-and-set, so a concurrent worker write makes the call 409 instead of losing either.
import type { Clock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import type { AuthContext } from '../common/http/context.js';
import { isAdmin, requireWriter } from './compute-policy.js';
import type { Server } from './model.js';
import type { ServerService } from './server-service.js';
import type { ServerStore } from './server-store.js';

export interface ServerMetadataDeps {
  servers: ServerService;
  store: ServerStore;
  clock: Clock;
  /** Nova's metadata_items quota. */
  maxItems: number;
}

export function createServerMetadata(deps: ServerMetadataDeps) {
  async function write(
    auth: AuthContext,
    id: string,
    next: (current: Record<string, string>) => Record<string, string>,
  ) {
    requireWriter(auth);
    const server: Server = await deps.servers.visible(auth, id);
    if (server.locked && !isAdmin(auth)) throw errors.conflict(`Instance ${id} is locked`);
    const metadata = next({ ...server.metadata });
    if (Object.keys(metadata).length > deps.maxItems)
      throw errors.forbidden('Quota exceeded for metadata_items.');
    const updated = await deps.store.update(
      server.id,
      server.version,
      { metadata },
      deps.clock.now().toISOString(),
    );
    if (!updated)
      throw errors.conflict(`Cannot update the metadata of server ${id} while it is changing; retry.`);
    return updated.metadata;
  }

  return {
    async list(auth: AuthContext, id: string): Promise<Record<string, string>> {
      return (await deps.servers.visible(auth, id)).metadata;
    },
    /** PUT /metadata: replaces every item. */
    replace: (auth: AuthContext, id: string, items: Record<string, string>) => write(auth, id, () => items),
    /** POST /metadata: merges the items into the existing ones. */
    merge: (auth: AuthContext, id: string, items: Record<string, string>) =>
      write(auth, id, (current) => ({ ...current, ...items })),
    async get(auth: AuthContext, id: string, key: string): Promise<string> {
      const value = (await deps.servers.visible(auth, id)).metadata[key];
      if (value === undefined) throw errors.notFound('metadata item', key);
      return value;
    },
    set: (auth: AuthContext, id: string, key: string, value: string) =>
      write(auth, id, (current) => ({ ...current, [key]: value })),
    async remove(auth: AuthContext, id: string, key: string): Promise<void> {
      await write(auth, id, (current) => {
        if (!(key in current)) throw errors.notFound('metadata item', key);
        const { [key]: _removed, ...rest } = current;
        return rest;
      });
    },
  };
}

export type ServerMetadata = ReturnType<typeof createServerMetadata>;
