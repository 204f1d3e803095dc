// S3 multipart uploads. Each part is a blob of its own, recorded in s3_multipart_parts; completing an
// upload streams the chosen parts, in order, into one new blob (fsynced like every blob) and commits it
// as an ordinary object row, so Swift reads the result like any other object. An upload being
// completed is claimed first, so parts cannot change under the assembly and two completions cannot race.
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../common/clock.js';
import type { BlobStore } from '../blob/blob-store.js';
import type { StoredMetadata, StoredObject } from '../model.js';
import type { ObjectService } from '../object-service.js';
import type { ResolvedBucket } from './bucket-service.js';
import { s3Error, s3Errors } from './s3-errors.js';
import type { MultipartUpload, S3Store, UploadListOptions, UploadPart } from './s3-store.js';

export const MULTIPART_LIMITS = {
  maxPartBytes: 5 * 1024 ** 3,
  minPartBytes: 5 * 1024 ** 2,
  maxParts: 10_000,
  /** S3's object size limit; assembling also needs the free disk space for one copy. */
  maxObjectBytes: 5 * 1024 ** 4,
  /** A completion that has not finished after this long (a crash) may be retried or aborted. */
  claimStaleMs: 60 * 60 * 1000,
} as const;

const PAGE = 1000;

export interface MultipartServiceDeps {
  store: S3Store;
  transaction<T>(fn: (store: S3Store) => Promise<T>): Promise<T>;
  blobs: BlobStore;
  objects: ObjectService;
  clock: Clock;
}

export interface NewUpload {
  bucket: ResolvedBucket;
  key: string;
  initiatorUserId: string;
  contentType: string;
  metadata: StoredMetadata;
  checksumAlgorithm: string | null;
  checksumType: string | null;
}

export interface PartWrite {
  upload: MultipartUpload;
  partNumber: number;
  body: AsyncIterable<Buffer | Uint8Array | string>;
  contentLength: number | undefined;
  onChunk?: ((chunk: Buffer) => void) | undefined;
  /** SSE-C: the upload's customer key, which every part is encrypted under. */
  customerKey?: Buffer | undefined;
  /** Runs once the bytes are durable, before the part is recorded; returns the part's checksum. */
  beforeCommit?: ((written: { sizeBytes: number; md5Hex: string }) => string | null) | undefined;
}

export interface RequestedPart {
  partNumber: number;
  etag: string;
}

/** What the caller adds once the parts are chosen: the object's metadata and checks on its bytes. */
export interface Assembly {
  metadata: StoredMetadata;
  onChunk?: ((chunk: Buffer) => void) | undefined;
  beforeCommit?: (() => void) | undefined;
}

/** `"<md5 of the concatenated binary part md5s>-<part count>"`, S3's multipart ETag (unquoted). */
export function multipartEtag(partMd5Hex: readonly string[]): string {
  const md5 = createHash('md5');
  for (const hex of partMd5Hex) md5.update(Buffer.from(hex, 'hex'));
  return `${md5.digest('hex')}-${partMd5Hex.length}`;
}

const normalEtag = (etag: string) => etag.trim().replaceAll('"', '').toLowerCase();

/** The parts a CompleteMultipartUpload names, checked against the uploaded ones by S3's rules. */
export function chooseParts(
  uploaded: readonly UploadPart[],
  requested: readonly RequestedPart[],
): UploadPart[] {
  if (requested.length === 0) {
    throw s3Errors.malformedXml('CompleteMultipartUpload names no part');
  }
  const byNumber = new Map(uploaded.map((p) => [p.partNumber, p]));
  const chosen: UploadPart[] = [];
  let previous = 0;
  for (const want of requested) {
    if (want.partNumber <= previous) {
      throw s3Error(
        'InvalidPartOrder',
        'The list of parts was not in ascending order. Parts must be ordered by part number.',
      );
    }
    previous = want.partNumber;
    const part = byNumber.get(want.partNumber);
    if (!part || normalEtag(want.etag) !== part.etag) {
      throw s3Error(
        'InvalidPart',
        "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
        { partNumber: want.partNumber },
      );
    }
    chosen.push(part);
  }
  chosen.forEach((part, index) => {
    if (index < chosen.length - 1 && part.sizeBytes < MULTIPART_LIMITS.minPartBytes) {
      throw s3Error(
        'EntityTooSmall',
        'Your proposed upload is smaller than the minimum allowed object size.',
        {
          partNumber: part.partNumber,
          sizeBytes: part.sizeBytes,
        },
      );
    }
  });
  return chosen;
}

const now = (deps: MultipartServiceDeps) => deps.clock.now().toISOString();
const staleBefore = (deps: MultipartServiceDeps) =>
  new Date(deps.clock.now().getTime() - MULTIPART_LIMITS.claimStaleMs).toISOString();

/** Every part of an upload, in order (at most maxParts). */
async function allParts(deps: MultipartServiceDeps, uploadId: string): Promise<UploadPart[]> {
  const parts: UploadPart[] = [];
  for (let page = 0; page <= MULTIPART_LIMITS.maxParts / PAGE; page += 1) {
    const batch = await deps.store.listParts(uploadId, parts.at(-1)?.partNumber ?? 0, PAGE);
    parts.push(...batch);
    if (batch.length < PAGE) break;
  }
  return parts;
}

async function removeBlobs(deps: MultipartServiceDeps, parts: readonly UploadPart[]): Promise<void> {
  for (const part of parts) await deps.blobs.remove(part.blobId);
}

async function* concatenate(
  deps: MultipartServiceDeps,
  parts: readonly UploadPart[],
  customerKey: Buffer | undefined,
): AsyncGenerator<Buffer> {
  for (const part of parts) {
    const stream = await deps.blobs.read(part.blobId, undefined, { customerKey });
    for await (const chunk of stream) yield chunk as Buffer;
  }
}

async function abortNow(deps: MultipartServiceDeps, upload: MultipartUpload): Promise<void> {
  const parts = await allParts(deps, upload.uploadId);
  await deps.transaction((tx) => tx.deleteUpload(upload.uploadId));
  await removeBlobs(deps, parts);
}

/** Commits an assembled blob as the upload's object row (in the same life of the container). */
async function commitAssembled(
  deps: MultipartServiceDeps,
  upload: MultipartUpload,
  assembled: { blobId: string; sizeBytes: number; etag: string; metadata: StoredMetadata },
): Promise<StoredObject> {
  const container = await deps.objects.getContainer(upload.projectId, upload.bucket);
  if (!container || container.putTimestamp !== upload.containerPutTimestamp) {
    throw s3Errors.noSuchUpload(upload.uploadId);
  }
  const target = {
    projectId: upload.projectId,
    container: upload.bucket,
    name: upload.key,
    metadata: assembled.metadata,
    contentType: upload.contentType,
    deleteAt: null,
  };
  // Blobs are immutable and shared by reference, so committing the new blob is a "copy" of it.
  const source: StoredObject = {
    ...target,
    timestamp: '',
    lastModified: '',
    sizeBytes: assembled.sizeBytes,
    etag: assembled.etag,
    blobId: assembled.blobId,
  };
  const { object } = await deps.objects.copyObject(source, target);
  return object;
}

async function create(deps: MultipartServiceDeps, input: NewUpload): Promise<MultipartUpload> {
  const upload: MultipartUpload = {
    uploadId: randomBytes(24).toString('base64url'),
    projectId: input.bucket.projectId,
    bucket: input.bucket.container.name,
    key: input.key,
    containerPutTimestamp: input.bucket.container.putTimestamp,
    initiatedAt: now(deps),
    initiatorUserId: input.initiatorUserId,
    contentType: input.contentType,
    metadata: input.metadata,
    checksumAlgorithm: input.checksumAlgorithm,
    checksumType: input.checksumType,
    state: 'open',
    claimedAt: null,
  };
  await deps.store.insertUpload(upload);
  return upload;
}

/** The upload of this bucket and key, else NoSuchUpload (also for a re-created bucket). */
async function requireUpload(
  deps: MultipartServiceDeps,
  uploadId: string,
  bucket: ResolvedBucket,
  key: string,
): Promise<MultipartUpload> {
  const upload = uploadId.length <= 128 ? await deps.store.getUpload(uploadId) : undefined;
  if (
    !upload ||
    upload.projectId !== bucket.projectId ||
    upload.bucket !== bucket.container.name ||
    upload.key !== key ||
    upload.containerPutTimestamp !== bucket.container.putTimestamp
  ) {
    throw s3Errors.noSuchUpload(uploadId);
  }
  return upload;
}

/** Writes a part's blob, then records it if the upload is still open (replacing an earlier one). */
async function writePart(deps: MultipartServiceDeps, input: PartWrite): Promise<UploadPart> {
  const written = await deps.blobs.write(input.body, {
    projectId: input.upload.projectId,
    maxBytes: MULTIPART_LIMITS.maxPartBytes,
    expectedBytes: input.contentLength,
    onChunk: input.onChunk,
    customerKey: input.customerKey,
  });
  let previous: UploadPart | undefined;
  const part: UploadPart = {
    uploadId: input.upload.uploadId,
    partNumber: input.partNumber,
    blobId: written.blobId,
    sizeBytes: written.sizeBytes,
    etag: written.md5Hex,
    checksum: null,
    lastModified: now(deps),
  };
  try {
    part.checksum = input.beforeCommit?.(written) ?? null;
    previous = await deps.transaction(async (tx) => {
      const current = await tx.getUpload(part.uploadId);
      if (!current || current.state !== 'open') throw s3Errors.noSuchUpload(part.uploadId);
      const old = await tx.getPart(part.uploadId, part.partNumber);
      await tx.putPart(part);
      return old;
    });
  } catch (err) {
    await deps.blobs.remove(written.blobId);
    throw err;
  }
  if (previous) await deps.blobs.remove(previous.blobId);
  return part;
}

async function abort(deps: MultipartServiceDeps, upload: MultipartUpload): Promise<void> {
  if (upload.state === 'completing' && (upload.claimedAt ?? '') >= staleBefore(deps)) {
    throw s3Errors.noSuchUpload(upload.uploadId);
  }
  await abortNow(deps, upload);
}

/** Aborts every upload of a bucket (bounded), as deleting or re-creating the bucket does. */
async function abortAll(deps: MultipartServiceDeps, projectId: string, bucket: string): Promise<void> {
  for (let round = 0; round < 100; round += 1) {
    const uploads = await deps.store.uploadsOfBucket(projectId, bucket, PAGE);
    for (const upload of uploads) await abortNow(deps, upload);
    if (uploads.length < PAGE) return;
  }
}

/**
 * Assembles the requested parts into the object. `prepare` sees the chosen parts before any byte is
 * copied and returns the object's metadata and checks; nothing is visible until they pass. The upload
 * is claimed for the duration, and released again if anything fails before the object is committed.
 */
async function complete(
  deps: MultipartServiceDeps,
  upload: MultipartUpload,
  requested: readonly RequestedPart[],
  prepare: (parts: UploadPart[]) => Assembly,
  customerKey?: Buffer,
): Promise<StoredObject> {
  if (!(await deps.store.claimUpload(upload.uploadId, now(deps), staleBefore(deps)))) {
    throw s3Errors.noSuchUpload(upload.uploadId);
  }
  let blobId: string | undefined;
  let committed = false;
  try {
    const parts = await allParts(deps, upload.uploadId);
    const chosen = chooseParts(parts, requested);
    const assembly = prepare(chosen);
    const sizeBytes = chosen.reduce((n, p) => n + p.sizeBytes, 0);
    if (sizeBytes > MULTIPART_LIMITS.maxObjectBytes) {
      throw s3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
    }
    const written = await deps.blobs.write(concatenate(deps, chosen, customerKey), {
      projectId: upload.projectId,
      maxBytes: MULTIPART_LIMITS.maxObjectBytes,
      expectedBytes: sizeBytes,
      onChunk: assembly.onChunk,
      customerKey,
    });
    blobId = written.blobId;
    assembly.beforeCommit?.();
    const etag = multipartEtag(chosen.map((p) => p.etag));
    const object = await commitAssembled(deps, upload, { ...written, etag, metadata: assembly.metadata });
    committed = true;
    await deps.transaction((tx) => tx.deleteUpload(upload.uploadId));
    await removeBlobs(deps, parts);
    return object;
  } catch (err) {
    if (!committed) {
      if (blobId !== undefined) await deps.blobs.remove(blobId);
      await deps.store.releaseUpload(upload.uploadId);
    }
    throw err;
  }
}

/**
 * The multipart service. Each operation is a module-level function of its dependencies; the service
 * binds them. Example: `const upload = await multipart.create({ bucket, key, … })`.
 */
export function createMultipartService(deps: MultipartServiceDeps) {
  return {
    limits: MULTIPART_LIMITS,
    create: (input: NewUpload) => create(deps, input),
    require: (uploadId: string, bucket: ResolvedBucket, key: string) =>
      requireUpload(deps, uploadId, bucket, key),
    writePart: (input: PartWrite) => writePart(deps, input),
    listParts: (upload: MultipartUpload, afterPartNumber: number, limit: number) =>
      deps.store.listParts(upload.uploadId, afterPartNumber, limit),
    listUploads: (options: UploadListOptions) => deps.store.listUploads(options),
    abort: (upload: MultipartUpload) => abort(deps, upload),
    abortAll: (projectId: string, bucket: string) => abortAll(deps, projectId, bucket),
    complete: (
      upload: MultipartUpload,
      requested: readonly RequestedPart[],
      prepare: (parts: UploadPart[]) => Assembly,
      customerKey?: Buffer,
    ) => complete(deps, upload, requested, prepare, customerKey),
  };
}

export type MultipartService = ReturnType<typeof createMultipartService>;
