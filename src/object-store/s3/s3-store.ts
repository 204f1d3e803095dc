// Kysely queries for the S3 front end's own tables: registered bucket names, bucket configuration
// documents, and multipart uploads with their parts.
import type { Kysely, Selectable } from 'kysely';
import type { Database, S3MultipartPartTable, S3MultipartUploadTable } from '../../db/schema.js';
import type { StoredMetadata } from '../model.js';
import { parseMetadata } from '../object-store-store.js';
import { prefixUpperBound } from '../object-store-store.js';

export type ConfigKind =
  | 'cors'
  | 'policy'
  | 'tagging'
  | 'lifecycle'
  | 'publicAccessBlock'
  | 'ownershipControls'
  | 'encryption'
  | 'objectLock';

export interface MultipartUpload {
  uploadId: string;
  projectId: string;
  bucket: string;
  key: string;
  containerPutTimestamp: string;
  initiatedAt: string;
  initiatorUserId: string;
  contentType: string;
  metadata: StoredMetadata;
  checksumAlgorithm: string | null;
  checksumType: string | null;
  state: 'open' | 'completing';
  claimedAt: string | null;
}

export interface UploadPart {
  uploadId: string;
  partNumber: number;
  blobId: string;
  sizeBytes: number;
  etag: string;
  checksum: string | null;
  lastModified: string;
}

const uploadFrom = (r: Selectable<S3MultipartUploadTable>): MultipartUpload => ({
  uploadId: r.upload_id,
  projectId: r.project_id,
  bucket: r.bucket,
  key: r.object_key,
  containerPutTimestamp: r.container_put_timestamp,
  initiatedAt: r.initiated_at,
  initiatorUserId: r.initiator_user_id,
  contentType: r.content_type,
  metadata: parseMetadata(r.metadata),
  checksumAlgorithm: r.checksum_algorithm,
  checksumType: r.checksum_type,
  state: r.state === 'completing' ? 'completing' : 'open',
  claimedAt: r.claimed_at,
});

const partFrom = (r: Selectable<S3MultipartPartTable>): UploadPart => ({
  uploadId: r.upload_id,
  partNumber: Number(r.part_number),
  blobId: r.blob_id,
  sizeBytes: Number(r.size),
  etag: r.etag,
  checksum: r.checksum,
  lastModified: r.last_modified,
});

function bucketQueries(db: Kysely<Database>) {
  return {
    async bucketOwner(name: string): Promise<string | undefined> {
      const r = await db
        .selectFrom('s3_bucket_names')
        .select('project_id')
        .where('name', '=', name)
        .executeTakeFirst();
      return r?.project_id;
    },
    /** Registers the name for the project unless another project holds it; returns the holder. */
    async registerBucket(name: string, projectId: string, now: string): Promise<string> {
      await db
        .insertInto('s3_bucket_names')
        .values({ name, project_id: projectId, created_at: now })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      return (await this.bucketOwner(name)) ?? projectId;
    },
    /** Hands a name over from a project whose container of that name is gone. */
    async takeOverBucket(name: string, fromProjectId: string, toProjectId: string, now: string) {
      await db
        .updateTable('s3_bucket_names')
        .set({ project_id: toProjectId, created_at: now })
        .where('name', '=', name)
        .where('project_id', '=', fromProjectId)
        .execute();
    },
    /**
     * Another project that has a container of this name (made through Swift or S3), if any. Hidden
     * version-store accounts (their ids start with U+0001) are not owners.
     */
    async otherContainerOwner(name: string, projectId: string): Promise<string | undefined> {
      const r = await db
        .selectFrom('os_containers')
        .select('project_id')
        .where('name', '=', name)
        .where('project_id', '!=', projectId)
        .where('project_id', 'not like', '\u0001%')
        .executeTakeFirst();
      return r?.project_id;
    },
    async unregisterBucket(name: string, projectId: string): Promise<void> {
      await db
        .deleteFrom('s3_bucket_names')
        .where('name', '=', name)
        .where('project_id', '=', projectId)
        .execute();
    },
  };
}

function configQueries(db: Kysely<Database>) {
  return {
    async getConfig(projectId: string, bucket: string, kind: ConfigKind) {
      const r = await db
        .selectFrom('s3_bucket_configs')
        .select(['document', 'container_put_timestamp'])
        .where('project_id', '=', projectId)
        .where('bucket', '=', bucket)
        .where('kind', '=', kind)
        .executeTakeFirst();
      return r && { document: r.document, containerPutTimestamp: r.container_put_timestamp };
    },
    async putConfig(
      key: { projectId: string; bucket: string; kind: ConfigKind },
      document: string,
      containerPutTimestamp: string,
      now: string,
    ): Promise<void> {
      await db
        .insertInto('s3_bucket_configs')
        .values({
          project_id: key.projectId,
          bucket: key.bucket,
          kind: key.kind,
          document,
          container_put_timestamp: containerPutTimestamp,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.columns(['project_id', 'bucket', 'kind']).doUpdateSet({
            document,
            container_put_timestamp: containerPutTimestamp,
            updated_at: now,
          }),
        )
        .execute();
    },
    /** The buckets holding a document of this kind, in a stable order, at most `limit` after `after`. */
    async configsOfKind(
      kind: ConfigKind,
      after: { projectId: string; bucket: string } | undefined,
      limit: number,
    ): Promise<Array<{ projectId: string; bucket: string }>> {
      let q = db.selectFrom('s3_bucket_configs').select(['project_id', 'bucket']).where('kind', '=', kind);
      if (after) {
        q = q.where((eb) =>
          eb.or([
            eb('project_id', '>', after.projectId),
            eb.and([eb('project_id', '=', after.projectId), eb('bucket', '>', after.bucket)]),
          ]),
        );
      }
      const rows = await q.orderBy('project_id').orderBy('bucket').limit(limit).execute();
      return rows.map((r) => ({ projectId: r.project_id, bucket: r.bucket }));
    },
    async deleteConfigs(projectId: string, bucket: string, kind?: ConfigKind): Promise<void> {
      let q = db
        .deleteFrom('s3_bucket_configs')
        .where('project_id', '=', projectId)
        .where('bucket', '=', bucket);
      if (kind) q = q.where('kind', '=', kind);
      await q.execute();
    },
  };
}

export interface UploadListOptions {
  projectId: string;
  bucket: string;
  prefix: string;
  keyMarker: string;
  uploadIdMarker: string;
  limit: number;
}

function uploadQueries(db: Kysely<Database>) {
  return {
    async insertUpload(u: MultipartUpload): Promise<void> {
      await db
        .insertInto('s3_multipart_uploads')
        .values({
          upload_id: u.uploadId,
          project_id: u.projectId,
          bucket: u.bucket,
          object_key: u.key,
          container_put_timestamp: u.containerPutTimestamp,
          initiated_at: u.initiatedAt,
          initiator_user_id: u.initiatorUserId,
          content_type: u.contentType,
          metadata: JSON.stringify(u.metadata),
          checksum_algorithm: u.checksumAlgorithm,
          checksum_type: u.checksumType,
          state: u.state,
          claimed_at: u.claimedAt,
        })
        .execute();
    },
    async getUpload(uploadId: string): Promise<MultipartUpload | undefined> {
      const r = await db
        .selectFrom('s3_multipart_uploads')
        .selectAll()
        .where('upload_id', '=', uploadId)
        .executeTakeFirst();
      return r && uploadFrom(r);
    },
    /** Marks an upload as completing unless it already is (and the claim is fresh); returns success. */
    async claimUpload(uploadId: string, now: string, staleBefore: string): Promise<boolean> {
      const r = await db
        .updateTable('s3_multipart_uploads')
        .set({ state: 'completing', claimed_at: now })
        .where('upload_id', '=', uploadId)
        .where((eb) =>
          eb.or([
            eb('state', '=', 'open'),
            eb.and([eb('state', '=', 'completing'), eb('claimed_at', '<', staleBefore)]),
          ]),
        )
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async releaseUpload(uploadId: string): Promise<void> {
      await db
        .updateTable('s3_multipart_uploads')
        .set({ state: 'open', claimed_at: null })
        .where('upload_id', '=', uploadId)
        .execute();
    },
    async deleteUpload(uploadId: string): Promise<void> {
      await db.deleteFrom('s3_multipart_parts').where('upload_id', '=', uploadId).execute();
      await db.deleteFrom('s3_multipart_uploads').where('upload_id', '=', uploadId).execute();
    },
  };
}

function uploadListQueries(db: Kysely<Database>) {
  return {
    async listUploads(o: UploadListOptions): Promise<MultipartUpload[]> {
      let q = db
        .selectFrom('s3_multipart_uploads')
        .selectAll()
        .where('project_id', '=', o.projectId)
        .where('bucket', '=', o.bucket);
      if (o.prefix !== '') {
        q = q.where('object_key', '>=', o.prefix);
        const upper = prefixUpperBound(o.prefix);
        if (upper !== undefined) q = q.where('object_key', '<', upper);
      }
      if (o.keyMarker !== '') {
        const { keyMarker, uploadIdMarker } = o;
        q = q.where((eb) =>
          uploadIdMarker === ''
            ? eb('object_key', '>', keyMarker)
            : eb.or([
                eb('object_key', '>', keyMarker),
                eb.and([eb('object_key', '=', keyMarker), eb('upload_id', '>', uploadIdMarker)]),
              ]),
        );
      }
      const rows = await q.orderBy('object_key').orderBy('upload_id').limit(o.limit).execute();
      return rows.map(uploadFrom);
    },
    async uploadsOfBucket(projectId: string, bucket: string, limit: number): Promise<MultipartUpload[]> {
      const rows = await db
        .selectFrom('s3_multipart_uploads')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('bucket', '=', bucket)
        .limit(limit)
        .execute();
      return rows.map(uploadFrom);
    },
  };
}

function partQueries(db: Kysely<Database>) {
  return {
    async getPart(uploadId: string, partNumber: number): Promise<UploadPart | undefined> {
      const r = await db
        .selectFrom('s3_multipart_parts')
        .selectAll()
        .where('upload_id', '=', uploadId)
        .where('part_number', '=', partNumber)
        .executeTakeFirst();
      return r && partFrom(r);
    },
    async putPart(p: UploadPart): Promise<void> {
      const row = {
        upload_id: p.uploadId,
        part_number: p.partNumber,
        blob_id: p.blobId,
        size: p.sizeBytes,
        etag: p.etag,
        checksum: p.checksum,
        last_modified: p.lastModified,
      };
      await db
        .insertInto('s3_multipart_parts')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['upload_id', 'part_number']).doUpdateSet({
            blob_id: row.blob_id,
            size: row.size,
            etag: row.etag,
            checksum: row.checksum,
            last_modified: row.last_modified,
          }),
        )
        .execute();
    },
    /** Parts in order, after `afterPartNumber`, at most `limit`. */
    async listParts(uploadId: string, afterPartNumber: number, limit: number): Promise<UploadPart[]> {
      const rows = await db
        .selectFrom('s3_multipart_parts')
        .selectAll()
        .where('upload_id', '=', uploadId)
        .where('part_number', '>', afterPartNumber)
        .orderBy('part_number')
        .limit(limit)
        .execute();
      return rows.map(partFrom);
    },
  };
}

export function createS3Store(db: Kysely<Database>) {
  return {
    ...bucketQueries(db),
    ...configQueries(db),
    ...uploadQueries(db),
    ...uploadListQueries(db),
    ...partQueries(db),
  };
}

export type S3Store = ReturnType<typeof createS3Store>;
