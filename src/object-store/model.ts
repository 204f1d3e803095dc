// The object store's domain objects, shared by the Swift and S3 front ends.

/** Metadata as stored: user metadata (lower-cased key without prefix) and persisted system headers. */
export interface StoredMetadata {
  meta: Record<string, string>;
  /** Lower-cased header name → value, e.g. 'x-container-read', 'content-disposition'. */
  headers: Record<string, string>;
}

export interface Account {
  projectId: string;
  metadata: StoredMetadata;
  containerCount: number;
  objectCount: number;
  bytesUsed: number;
  createdAt: string;
  putTimestamp: string;
}

export interface Container {
  projectId: string;
  name: string;
  metadata: StoredMetadata;
  objectCount: number;
  bytesUsed: number;
  createdAt: string;
  putTimestamp: string;
}

export interface StoredObject {
  projectId: string;
  container: string;
  name: string;
  timestamp: string;
  sizeBytes: number;
  etag: string;
  contentType: string;
  lastModified: string;
  metadata: StoredMetadata;
  blobId: string | null;
  deleteAt: number | null;
}

export interface ListOptions {
  prefix?: string | undefined;
  delimiter?: string | undefined;
  marker?: string | undefined;
  endMarker?: string | undefined;
  limit: number;
  reverse?: boolean | undefined;
  /**
   * Swift's ?path=: only the names directly under the prefix, neither the subdirectories below it nor
   * an object named like the prefix itself (use with the '/' delimiter).
   */
  directOnly?: boolean | undefined;
}

export type Listed<T> = { kind: 'item'; item: T } | { kind: 'subdir'; subdir: string };

export const emptyMetadata = (): StoredMetadata => ({ meta: {}, headers: {} });

/** Swift limits (also advertised in /info). */
export const LIMITS = {
  maxObjectNameBytes: 1024,
  maxContainerNameBytes: 256,
  maxMetaNameLength: 128,
  maxMetaValueLength: 256,
  maxMetaCount: 90,
  maxMetaOverallSize: 4096,
  containerListingLimit: 10_000,
  accountListingLimit: 10_000,
  maxHeaderSize: 8192,
  maxFileSize: 5 * 1024 * 1024 * 1024,
} as const;

/** The one storage policy Nuage has (Swift's Policy-0): every container uses it, usage is billed by it. */
export const DEFAULT_STORAGE_POLICY = 'Policy-0';
