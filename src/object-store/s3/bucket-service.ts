// S3 buckets over Swift containers. A bucket is a container of the project that owns the access key,
// so each project has its own bucket namespace, as Swift accounts do. Names created through S3 are
// also registered globally (one project per name): that is how an anonymous request, which names no
// project, finds a public bucket, and how a key of another project reaches a bucket shared with it by
// policy. Creating a name another project has (registered, or a container made through Swift) is
// BucketAlreadyExists.
import type { Clock } from '../../common/clock.js';
import { isApiError } from '../../common/errors/api-error.js';
import type { Container, StoredMetadata } from '../model.js';
import type { ObjectService } from '../object-service.js';
import type { VersionStore } from '../versioning/index.js';
import { s3Error, s3Errors } from './s3-errors.js';
import type { ConfigKind, S3Store } from './s3-store.js';

export interface BucketServiceDeps {
  store: S3Store;
  objects: ObjectService;
  clock: Clock;
  versions: VersionStore;
  /** Aborts the bucket's multipart uploads (before it is deleted or re-created). */
  abortUploads(projectId: string, bucket: string): Promise<void>;
}

export interface ResolvedBucket {
  projectId: string;
  container: Container;
}

/**
 * Creates the bucket: BucketAlreadyOwnedByYou if the project has a container of that name (made through
 * either API), BucketAlreadyExists if another project registered the name and still has its bucket.
 */
async function createBucket(
  deps: BucketServiceDeps,
  projectId: string,
  name: string,
  metadata: StoredMetadata,
): Promise<Container> {
  const { store, objects } = deps;
  const now = () => deps.clock.now().toISOString();
  if (await objects.getContainer(projectId, name)) {
    throw s3Error(
      'BucketAlreadyOwnedByYou',
      'Your previous request to create the named bucket succeeded and you already own it.',
    );
  }
  // S3 has one bucket namespace: a container of that name in any other project (through either API)
  // takes the name, registered or not.
  if ((await store.otherContainerOwner(name, projectId)) !== undefined) throw bucketAlreadyExists();
  const holder = await store.registerBucket(name, projectId, now());
  if (holder !== projectId) {
    if (await objects.getContainer(holder, name)) throw bucketAlreadyExists();
    await store.takeOverBucket(name, holder, projectId, now());
  }
  // Leftovers of an earlier container of the same name (deleted through Swift) do not carry over.
  await store.deleteConfigs(projectId, name);
  await deps.abortUploads(projectId, name);
  await objects.putContainer(projectId, name, metadata);
  const container = await objects.getContainer(projectId, name);
  if (!container) throw s3Errors.noSuchBucket(name);
  return container;
}

export function createBucketService(deps: BucketServiceDeps) {
  const { store, objects, clock } = deps;
  const now = () => clock.now().toISOString();

  /** The registered holder of a name, if its container still exists. */
  async function liveRegistration(name: string): Promise<ResolvedBucket | undefined> {
    const owner = await store.bucketOwner(name);
    if (owner === undefined) return undefined;
    const container = await objects.getContainer(owner, name);
    return container && { projectId: owner, container };
  }

  return {
    /**
     * The bucket a request names: the caller's own container of that name first, else the project
     * that registered the name through S3 (for anonymous callers, the only way). Undefined if neither.
     */
    async resolve(callerProjectId: string | undefined, name: string): Promise<ResolvedBucket | undefined> {
      if (callerProjectId !== undefined) {
        const own = await objects.getContainer(callerProjectId, name);
        if (own) return { projectId: callerProjectId, container: own };
      }
      return liveRegistration(name);
    },

    create: (projectId: string, name: string, metadata: StoredMetadata) =>
      createBucket(deps, projectId, name, metadata),

    /** Deletes an empty bucket, its in-progress uploads, its configuration and its name registration. */
    async delete(bucket: ResolvedBucket): Promise<void> {
      const { projectId, container } = bucket;
      if (container.objectCount > 0) throw bucketNotEmpty();
      // Older versions and delete markers count as content, as in S3.
      if (await deps.versions.hasVersions(projectId, container.name)) throw bucketNotEmpty();
      await deps.abortUploads(projectId, container.name);
      try {
        await objects.deleteContainer(projectId, container.name);
      } catch (err) {
        // The container service says "conflict" for a container that filled up meanwhile.
        if (isApiError(err) && err.code === 'Conflict') throw bucketNotEmpty();
        throw err;
      }
      await deps.versions.dropStore(projectId, container.name);
      await store.deleteConfigs(projectId, container.name);
      await store.unregisterBucket(container.name, projectId);
    },

    /** Registers an existing container's name (for public access by anonymous callers) if it is free. */
    async register(bucket: ResolvedBucket): Promise<void> {
      const holder = await store.registerBucket(bucket.container.name, bucket.projectId, now());
      if (holder === bucket.projectId) return;
      if (!(await objects.getContainer(holder, bucket.container.name))) {
        await store.takeOverBucket(bucket.container.name, holder, bucket.projectId, now());
      }
    },

    /** A configuration document of this life of the container, or undefined. */
    async getConfig(bucket: ResolvedBucket, kind: ConfigKind): Promise<string | undefined> {
      const found = await store.getConfig(bucket.projectId, bucket.container.name, kind);
      if (!found || found.containerPutTimestamp !== bucket.container.putTimestamp) return undefined;
      return found.document;
    },
    async putConfig(bucket: ResolvedBucket, kind: ConfigKind, document: string): Promise<void> {
      await store.putConfig(
        { projectId: bucket.projectId, bucket: bucket.container.name, kind },
        document,
        bucket.container.putTimestamp,
        now(),
      );
    },
    async deleteConfig(bucket: ResolvedBucket, kind: ConfigKind): Promise<void> {
      await store.deleteConfigs(bucket.projectId, bucket.container.name, kind);
    },
  };
}

function bucketAlreadyExists() {
  return s3Error(
    'BucketAlreadyExists',
    'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
  );
}

function bucketNotEmpty() {
  return s3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty');
}

export type BucketService = ReturnType<typeof createBucketService>;
