// Backup bytes in the object store: a volume's raw export is cut into fixed-size chunks, each stored as
// one object under `backup_<id>/chunk_<n>` with its SHA-256 in a manifest (`backup_<id>/manifest.json`,
// written last, so a backup without a manifest is incomplete). All-zero chunks are not stored; an
// incremental backup stores only the chunks whose digest differs from its parent's and refers to the
// parent's objects for the rest. A restore checks the length and digest of every chunk before use.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { BackupObjectMissing, type BackupObjects } from './collaborators.js';

export interface ManifestChunk {
  index: number;
  offset: number;
  length: number;
  sha256: string;
  /** The object holding the bytes; null for a chunk of zeroes. */
  object: string | null;
}

export interface BackupManifest {
  format: 'nuage-volume-backup-1';
  backupId: string;
  volumeId: string;
  parentId: string | null;
  sizeBytes: number;
  chunkBytes: number;
  chunks: ManifestChunk[];
}

export interface BackupTarget {
  id: string;
  projectId: string;
  volumeId: string;
  container: string;
  parentId: string | null;
}

const prefixOf = (backupId: string) => `backup_${backupId}/`;
const manifestName = (backupId: string) => `${prefixOf(backupId)}manifest.json`;
const chunkName = (backupId: string, index: number) =>
  `${prefixOf(backupId)}chunk_${String(index).padStart(6, '0')}`;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export class BackupIntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupIntegrityError';
  }
}

export function createBackupEngine(objects: BackupObjects, chunkBytes = 32 * 1024 * 1024) {
  const zeroDigests = new Map<number, string>();
  function zeroDigest(length: number): string {
    let digest = zeroDigests.get(length);
    if (digest === undefined) {
      digest = sha256(Buffer.alloc(length));
      zeroDigests.set(length, digest);
    }
    return digest;
  }

  async function readManifest(
    projectId: string,
    container: string,
    backupId: string,
  ): Promise<BackupManifest> {
    const raw = await objects.get(projectId, container, manifestName(backupId));
    const manifest = JSON.parse(raw.toString('utf8')) as BackupManifest;
    if (manifest.format !== 'nuage-volume-backup-1' || manifest.backupId !== backupId) {
      throw new BackupIntegrityError(`backup ${backupId} has an unreadable manifest`);
    }
    return manifest;
  }

  return {
    readManifest,

    /**
     * Stores the raw file at `rawPath` as backup `b`; returns how many objects the backup owns. `dataRanges`
     * (when known) lists where data may be: chunks outside them are zeroes and are not read.
     */
    async backup(
      b: BackupTarget,
      rawPath: string,
      dataRanges?: { start: number; length: number }[],
    ): Promise<{ objectCount: number; sizeBytes: number }> {
      const hasData = (offset: number, length: number) =>
        dataRanges === undefined ||
        dataRanges.some((r) => r.start < offset + length && offset < r.start + r.length);
      await objects.ensureContainer(b.projectId, b.container);
      const parent =
        b.parentId === null ? undefined : await readManifest(b.projectId, b.container, b.parentId);
      const file = await open(rawPath, 'r');
      const chunks: ManifestChunk[] = [];
      let owned = 0;
      try {
        const { size } = await file.stat();
        const buffer = Buffer.alloc(chunkBytes);
        const zero = Buffer.alloc(chunkBytes);
        for (let index = 0, offset = 0; offset < size; index++, offset += chunkBytes) {
          const wanted = Math.min(chunkBytes, size - offset);
          if (!hasData(offset, wanted)) {
            chunks.push({ index, offset, length: wanted, sha256: zeroDigest(wanted), object: null });
            continue;
          }
          const { bytesRead } = await file.read(buffer, 0, wanted, offset);
          const data = buffer.subarray(0, bytesRead);
          // Most of a thin volume is zeroes: compare (memcmp) before hashing, and hash zeroes once.
          const isZero = data.equals(zero.subarray(0, bytesRead));
          const digest = isZero ? zeroDigest(bytesRead) : sha256(data);
          let object: string | null = null;
          const previous = parent?.chunkBytes === chunkBytes ? parent.chunks[index] : undefined;
          if (isZero) {
            object = null;
          } else if (previous && previous.sha256 === digest && previous.length === bytesRead) {
            object = previous.object;
          } else {
            object = chunkName(b.id, index);
            await objects.put(b.projectId, b.container, object, Buffer.from(data));
            owned += 1;
          }
          chunks.push({ index, offset, length: bytesRead, sha256: digest, object });
        }
        const manifest: BackupManifest = {
          format: 'nuage-volume-backup-1',
          backupId: b.id,
          volumeId: b.volumeId,
          parentId: b.parentId,
          sizeBytes: size,
          chunkBytes,
          chunks,
        };
        await objects.put(
          b.projectId,
          b.container,
          manifestName(b.id),
          Buffer.from(JSON.stringify(manifest)),
        );
        return { objectCount: owned + 1, sizeBytes: size };
      } finally {
        await file.close();
      }
    },

    ...restoreAndDeleteOps(objects, chunkBytes, readManifest),
  };
}

/** Restoring a backup into a raw file, and deleting the objects it owns. */
function restoreAndDeleteOps(
  objects: BackupObjects,
  chunkBytes: number,
  readManifest: (projectId: string, container: string, backupId: string) => Promise<BackupManifest>,
) {
  return {
    /** Writes the backup's bytes into a new raw file at `rawPath`, verifying every chunk. */
    async restore(b: BackupTarget, rawPath: string): Promise<void> {
      const manifest = await readManifest(b.projectId, b.container, b.id);
      const file = await open(rawPath, 'w', 0o600);
      try {
        await file.truncate(manifest.sizeBytes);
        for (const chunk of manifest.chunks) {
          if (chunk.object === null) continue;
          const data = await objects.get(b.projectId, b.container, chunk.object);
          if (data.length !== chunk.length || sha256(data) !== chunk.sha256) {
            throw new BackupIntegrityError(`backup ${b.id}: chunk ${chunk.index} failed its integrity check`);
          }
          await file.write(data, 0, data.length, chunk.offset);
        }
        await file.sync();
      } finally {
        await file.close();
      }
    },

    /**
     * Deletes the objects this backup owns, manifest last. A backup that never completed has no manifest:
     * its chunk names are derived from its size instead (at most sizeBytes / chunkBytes deletes).
     */
    async delete(b: BackupTarget & { sizeGib: number }): Promise<void> {
      let manifest: BackupManifest | undefined;
      try {
        manifest = await readManifest(b.projectId, b.container, b.id);
      } catch (err) {
        if (!(err instanceof BackupObjectMissing)) throw err;
      }
      if (manifest) {
        for (const chunk of manifest.chunks) {
          if (chunk.object?.startsWith(prefixOf(b.id)))
            await objects.delete(b.projectId, b.container, chunk.object);
        }
      } else {
        const count = Math.ceil((b.sizeGib * 1024 ** 3) / chunkBytes);
        for (let index = 0; index < count; index++) {
          await objects.delete(b.projectId, b.container, chunkName(b.id, index));
        }
      }
      await objects.delete(b.projectId, b.container, manifestName(b.id));
    },
  };
}

export type BackupEngine = ReturnType<typeof createBackupEngine>;
