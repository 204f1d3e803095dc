// Account and container operations of the object service (metadata, listings, create and delete).
import type { Clock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import { listWithDelimiter } from './listing.js';
import type { Account, Container, Listed, ListOptions, StoredMetadata } from './model.js';
import type { ObjectStoreStore } from './object-store-store.js';

export interface ContainerOperationsDeps {
  store: ObjectStoreStore;
  transaction<T>(fn: (store: ObjectStoreStore) => Promise<T>): Promise<T>;
  clock: Clock;
  timestamps: { next(): string };
  requireContainer(projectId: string, name: string): Promise<Container>;
}

export function createContainerOperations(deps: ContainerOperationsDeps) {
  const { store, clock, timestamps, requireContainer } = deps;
  return {
    async getAccount(projectId: string): Promise<Account> {
      const found = await store.getAccount(projectId);
      if (found) return found;
      // Keystone-backed Swift auto-creates accounts: an authorised caller always sees one.
      await store.ensureAccount(projectId, clock.now().toISOString(), timestamps.next());
      return (await store.getAccount(projectId)) as Account;
    },
    async setAccountMetadata(projectId: string, metadata: StoredMetadata): Promise<void> {
      await this.getAccount(projectId);
      await store.setAccountMetadata(projectId, metadata);
    },
    async listContainers(projectId: string, o: ListOptions): Promise<Array<Listed<Container>>> {
      return listWithDelimiter((opts) => store.listContainers(projectId, opts), o);
    },

    async getContainer(projectId: string, name: string): Promise<Container | undefined> {
      return store.getContainer(projectId, name);
    },
    /** Creates the container, or updates its metadata if it exists; returns whether it was created. */
    async putContainer(projectId: string, name: string, metadata: StoredMetadata): Promise<boolean> {
      await this.getAccount(projectId);
      const now = clock.now().toISOString();
      const created = await deps.transaction((tx) =>
        tx.createContainer({
          projectId,
          name,
          metadata,
          objectCount: 0,
          bytesUsed: 0,
          createdAt: now,
          putTimestamp: timestamps.next(),
        }),
      );
      if (!created) await store.setContainerMetadata(projectId, name, metadata);
      return created;
    },
    async setContainerMetadata(projectId: string, name: string, metadata: StoredMetadata): Promise<void> {
      await requireContainer(projectId, name);
      await store.setContainerMetadata(projectId, name, metadata);
    },
    async deleteContainer(projectId: string, name: string): Promise<void> {
      const outcome = await deps.transaction((tx) => tx.deleteContainer(projectId, name));
      if (outcome === 'missing') throw errors.notFound('container', name);
      if (outcome === 'not-empty')
        throw errors.conflict('There was a conflict when trying to complete your request.');
    },
  };
}
