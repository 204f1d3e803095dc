// Applies bucket lifecycle rules: expires current objects (a delete marker in a versioned bucket, as a
// DeleteObject would leave), removes noncurrent versions and lone expired delete markers, and aborts
// incomplete multipart uploads. One pass walks every bucket with a lifecycle configuration, each
// bounded; passes run on the object store's expirer interval.
import { isRemovable } from '../object-lock.js';
import type { Clock } from '../../common/clock.js';
import { newLeaseHolder } from '../../common/tasks/holder.js';
import type { LeaseStore } from '../../common/tasks/lease-store.js';
import type { StoredObject } from '../model.js';
import type { ObjectService } from '../object-service.js';
import { versioningStateOf, type VersionStore } from '../versioning/index.js';
import type { BucketService, ResolvedBucket } from './bucket-service.js';
import {
  currentDueAt,
  filterMatches,
  noncurrentDue,
  uploadDue,
  type LifecycleRule,
} from './lifecycle-rules.js';
import type { MultipartService } from './multipart-service.js';
import type { S3Store } from './s3-store.js';
import { objectTagsOf } from './tag-set.js';

export interface LifecycleServiceDeps {
  store: S3Store;
  objects: ObjectService;
  buckets: BucketService;
  versions: VersionStore;
  multipart: MultipartService;
  /** Timed passes take a lease first, so that one process at a time walks the buckets. */
  leases: LeaseStore;
  clock: Clock;
}

/** How long a timed pass may hold the lease before another process may take over. */
const PASS_LEASE_MS = 15 * 60_000;
export const PASS_LEASE = { kind: 's3-lifecycle', id: 'pass' } as const;

/** Bounds per pass, so that one pass over a huge bucket stays short; the next pass goes on. */
const MAX_BUCKETS = 1000;
const PAGE = 1000;
const MAX_ENTRIES_PER_BUCKET = 100_000;

export interface LifecycleOutcome {
  expired: number;
  noncurrentRemoved: number;
  markersRemoved: number;
  uploadsAborted: number;
}

function applies(rule: LifecycleRule, o: StoredObject, name: string): boolean {
  return filterMatches(rule.filter, name, o.sizeBytes, objectTagsOf(o.metadata));
}

async function expireCurrent(
  deps: LifecycleServiceDeps,
  bucket: ResolvedBucket,
  rules: LifecycleRule[],
  now: number,
  out: LifecycleOutcome,
) {
  if (!rules.some((r) => r.expiration?.days !== undefined || r.expiration?.date !== undefined)) return;
  const { projectId, container } = { projectId: bucket.projectId, container: bucket.container.name };
  const state = versioningStateOf(bucket.container.metadata);
  let marker: string | undefined;
  for (let seen = 0; seen < MAX_ENTRIES_PER_BUCKET; seen += PAGE) {
    const page = await deps.objects.listObjects(projectId, container, { marker, limit: PAGE });
    for (const entry of page) {
      if (entry.kind !== 'item') continue;
      const o = entry.item;
      const due = rules.some(
        (r) => applies(r, o, o.name) && (currentDueAt(r, o.lastModified) ?? Infinity) <= now,
      );
      if (!due) continue;
      await deps.versions.prepareDelete(projectId, container, o.name, state);
      // With versioning enabled the object was just archived, where an Object Lock on it still holds.
      await deps.objects
        .deleteObject(projectId, container, o.name, { keepsVersion: state === 'enabled' })
        .catch(() => undefined);
      out.expired += 1;
    }
    if (page.length < PAGE) return;
    const last = page.at(-1);
    marker = last?.kind === 'item' ? last.item.name : last?.subdir;
  }
}

async function expireVersions(
  deps: LifecycleServiceDeps,
  bucket: ResolvedBucket,
  rules: LifecycleRule[],
  now: number,
  out: LifecycleOutcome,
) {
  const wanted = rules.some((r) => r.noncurrentExpiration || r.expiration?.expiredObjectDeleteMarker);
  if (!wanted || versioningStateOf(bucket.container.metadata) === 'unversioned') return;
  const { projectId } = bucket;
  const container = bucket.container.name;
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  let previous: { name: string; lastModified: string; noncurrent: number; entries: number } | undefined;
  for (let seen = 0; seen < MAX_ENTRIES_PER_BUCKET; seen += PAGE) {
    const listing = await deps.versions.listVersions(projectId, container, {
      keyMarker,
      versionIdMarker,
      limit: PAGE,
    });
    for (const v of listing.versions) {
      const same = previous?.name === v.name;
      const state =
        same && previous ? previous : { name: v.name, lastModified: '', noncurrent: 0, entries: 0 };
      if (!v.isLatest && same) {
        // Noncurrent since its successor (the previous, newer entry of the same key) was written.
        const due = rules.some(
          (r) => applies(r, v.object, v.name) && noncurrentDue(r, state.lastModified, state.noncurrent, now),
        );
        // A version under Object Lock is skipped: expiry never removes it before its date.
        if (due && isRemovable(v.object, deps.clock.now())) {
          await deps.versions.deleteVersion(projectId, container, v.name, v.versionId, {
            promotePrevious: false,
          });
          out.noncurrentRemoved += 1;
        }
        state.noncurrent += 1;
      }
      state.lastModified = v.object.lastModified;
      state.entries += 1;
      previous = state;
    }
    if (!listing.truncated) return;
    const last = listing.versions.at(-1);
    keyMarker = last?.name;
    versionIdMarker = last?.versionId;
  }
}

/** A delete marker that is the only version left of its key serves nothing: ExpiredObjectDeleteMarker removes it. */
async function removeLoneMarkers(
  deps: LifecycleServiceDeps,
  bucket: ResolvedBucket,
  rules: LifecycleRule[],
  out: LifecycleOutcome,
) {
  if (!rules.some((r) => r.expiration?.expiredObjectDeleteMarker)) return;
  if (versioningStateOf(bucket.container.metadata) === 'unversioned') return;
  const { projectId } = bucket;
  const container = bucket.container.name;
  const listing = await deps.versions.listVersions(projectId, container, {
    limit: MAX_ENTRIES_PER_BUCKET / 10,
  });
  const counts = new Map<string, number>();
  for (const v of listing.versions) counts.set(v.name, (counts.get(v.name) ?? 0) + 1);
  for (const v of listing.versions) {
    if (!v.isDeleteMarker || !v.isLatest || counts.get(v.name) !== 1) continue;
    const rule = rules.find(
      (r) =>
        r.expiration?.expiredObjectDeleteMarker && filterMatches({ prefix: r.filter.prefix }, v.name, 0, []),
    );
    if (!rule) continue;
    await deps.versions.deleteVersion(projectId, container, v.name, v.versionId, { promotePrevious: false });
    out.markersRemoved += 1;
  }
}

async function abortUploads(
  deps: LifecycleServiceDeps,
  bucket: ResolvedBucket,
  rules: LifecycleRule[],
  now: number,
  out: LifecycleOutcome,
) {
  if (!rules.some((r) => r.abortIncompleteDays !== undefined)) return;
  const uploads = await deps.store.uploadsOfBucket(
    bucket.projectId,
    bucket.container.name,
    MAX_ENTRIES_PER_BUCKET / 10,
  );
  for (const upload of uploads) {
    if (upload.containerPutTimestamp !== bucket.container.putTimestamp) continue;
    if (!rules.some((r) => uploadDue(r, upload.key, upload.initiatedAt, now))) continue;
    await deps.multipart.abort(upload).catch(() => undefined);
    out.uploadsAborted += 1;
  }
}

export function createLifecycleService(deps: LifecycleServiceDeps) {
  let timer: NodeJS.Timeout | undefined;

  /** One pass over every bucket with lifecycle rules, as of `now` (the clock's time by default). */
  async function runOnce(now: Date = deps.clock.now()): Promise<LifecycleOutcome> {
    const out: LifecycleOutcome = { expired: 0, noncurrentRemoved: 0, markersRemoved: 0, uploadsAborted: 0 };
    const at = now.getTime();
    for (const { projectId, bucket: name } of await deps.store.configsOfKind(
      'lifecycle',
      undefined,
      MAX_BUCKETS,
    )) {
      const container = await deps.objects.getContainer(projectId, name);
      if (!container) continue;
      const bucket = { projectId, container };
      const document = await deps.buckets.getConfig(bucket, 'lifecycle');
      if (document === undefined) continue;
      const rules = (JSON.parse(document) as LifecycleRule[]).filter((r) => r.enabled);
      await expireCurrent(deps, bucket, rules, at, out);
      const fresh = (await deps.objects.getContainer(projectId, name)) ?? container;
      await expireVersions(deps, { projectId, container: fresh }, rules, at, out);
      await removeLoneMarkers(deps, { projectId, container: fresh }, rules, out);
      await abortUploads(deps, { projectId, container: fresh }, rules, at, out);
    }
    return out;
  }

  const holder = newLeaseHolder('s3-lifecycle');
  /** A pass in the one process holding the pass lease; undefined when another process holds it. */
  async function runLeased(): Promise<LifecycleOutcome | undefined> {
    if (!(await deps.leases.acquire(PASS_LEASE.kind, PASS_LEASE.id, holder, PASS_LEASE_MS))) return undefined;
    try {
      return await runOnce();
    } finally {
      await deps.leases.release(PASS_LEASE.kind, PASS_LEASE.id, holder);
    }
  }

  return {
    runOnce,
    runLeased,
    /** Runs a leased pass every `intervalMs` until stop(); failures go to `onError`, the next retries. */
    start(intervalMs: number, onError: (err: unknown) => void): void {
      if (timer) return;
      timer = setInterval(() => void runLeased().catch(onError), intervalMs);
      timer.unref();
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

export type LifecycleService = ReturnType<typeof createLifecycleService>;
