// Lists every version of a container's objects: the current objects (from the container itself) merged
// with the older versions and delete markers (from the hidden version store), by name and then newest
// first, with key-marker / version-id-marker paging as Swift's ?versions and S3's ListObjectVersions use.
import { errors } from '../../common/errors/codes.js';
import type { StoredObject } from '../model.js';
import type { ObjectService } from '../object-service.js';
import {
  afterAllVersions,
  compareNames,
  DELETE_MARKER_CONTENT_TYPE,
  escapeName,
  NULL_VERSION_ID,
  parseVersionKey,
  VERSION_ID_HEADER,
  versionKey,
  versionKeyPrefix,
  versionsAccount,
} from './version-names.js';

export interface ObjectVersion {
  name: string;
  /** NULL_VERSION_ID for an object written while versioning was off. */
  versionId: string;
  isLatest: boolean;
  isDeleteMarker: boolean;
  /** The stored row: the current object, or the archived copy in the version store. */
  object: StoredObject;
}

export interface ListVersionsOptions {
  prefix?: string | undefined;
  /** Resume after this object name (exclusive)… */
  keyMarker?: string | undefined;
  /** …or, with keyMarker, after this version of it (NULL_VERSION_ID: after its current null version). */
  versionIdMarker?: string | undefined;
  /** At most this many entries (capped at MAX_VERSIONS_LIMIT). */
  limit: number;
}

export interface VersionListing {
  versions: ObjectVersion[];
  truncated: boolean;
}

export const MAX_VERSIONS_LIMIT = 10_000;

export function versionIdOf(object: StoredObject): string {
  return object.metadata.headers[VERSION_ID_HEADER] ?? NULL_VERSION_ID;
}

export function currentEntry(object: StoredObject): ObjectVersion {
  return {
    name: object.name,
    versionId: versionIdOf(object),
    isLatest: true,
    isDeleteMarker: false,
    object,
  };
}

function archivedEntry(row: StoredObject): ObjectVersion | undefined {
  const parsed = parseVersionKey(row.name);
  if (!parsed) return undefined;
  return {
    name: parsed.name,
    versionId: parsed.versionId,
    isLatest: false,
    isDeleteMarker: row.contentType === DELETE_MARKER_CONTENT_TYPE,
    object: row,
  };
}

function storeMarker(o: ListVersionsOptions): string | undefined {
  if (o.keyMarker === undefined) return undefined;
  if (o.versionIdMarker === undefined) return afterAllVersions(o.keyMarker);
  if (o.versionIdMarker === NULL_VERSION_ID) return versionKeyPrefix(o.keyMarker);
  return versionKey(o.keyMarker, o.versionIdMarker);
}

/** Merges two name-sorted pages; the current object of a name comes before its older versions. */
function merge(current: ObjectVersion[], archived: ObjectVersion[], max: number): ObjectVersion[] {
  const out: ObjectVersion[] = [];
  let i = 0;
  let j = 0;
  while (out.length < max && (i < current.length || j < archived.length)) {
    const c = current[i];
    const a = archived[j];
    if (c && (!a || compareNames(c.name, a.name) <= 0)) {
      out.push(c);
      i += 1;
    } else if (a) {
      out.push(a);
      j += 1;
    }
  }
  return out;
}

/**
 * A delete marker is the latest version when it is the newest entry of its name and no current object
 * exists. Entries of the marker's own name, when paging resumed inside it, are never the newest.
 */
function markLatestDeleteMarkers(entries: ObjectVersion[], o: ListVersionsOptions): void {
  const resumedInside = o.versionIdMarker !== undefined ? o.keyMarker : undefined;
  let previousName: string | undefined;
  for (const e of entries) {
    const first = e.name !== previousName;
    previousName = e.name;
    // An archived entry first for its name means no current object precedes it.
    if (first && !e.isLatest && e.isDeleteMarker && e.name !== resumedInside) e.isLatest = true;
  }
}

export async function listVersions(
  objects: ObjectService,
  projectId: string,
  container: string,
  o: ListVersionsOptions,
): Promise<VersionListing> {
  if (o.versionIdMarker !== undefined && o.keyMarker === undefined)
    throw errors.badRequest('version_marker param requires marker');
  const limit = Math.max(0, Math.min(o.limit, MAX_VERSIONS_LIMIT));
  const page = limit + 1;
  const current = (
    await objects.listObjects(projectId, container, { prefix: o.prefix, marker: o.keyMarker, limit: page })
  ).flatMap((e) => (e.kind === 'item' ? [currentEntry(e.item)] : []));
  const store = versionsAccount(projectId);
  const archived = (await objects.getContainer(store, container))
    ? (
        await objects.listObjects(store, container, {
          prefix: o.prefix ? escapeName(o.prefix) : undefined,
          marker: storeMarker(o),
          limit: page,
        })
      ).flatMap((e) => (e.kind === 'item' ? [archivedEntry(e.item)].filter((x) => x !== undefined) : []))
    : [];
  const merged = merge(current, archived, page);
  markLatestDeleteMarkers(merged, o);
  return { versions: merged.slice(0, limit), truncated: merged.length > limit };
}
