// The `rbd` volume backend: thin RBD images in a Ceph pool (`volumes`), named as Cinder's RBD driver
// names them (`volume-<id>`, snapshots `volume-<id>@snapshot-<id>`). Snapshots are RBD snapshots,
// protected at once so they can be cloned; a volume made from a snapshot or another volume is a
// copy-on-write clone (flattened when the chain grows deeper than Cinder's rbd_max_clone_depth), and a
// deletion flattens the clones that still depend on what goes, so no volume ever loses its data.
// Locations are `pool/image[@snapshot]`. Exports and imports (backups, uploads) go through qemu-img.
import { randomUUID } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RbdClient } from '../../storage/rbd/rbd-client.js';
import { isRbdError } from '../../storage/rbd/rbd-errors.js';
import { imageSpec, parseImageSpec, type RbdImageRef } from '../../storage/rbd/rbd-names.js';
import { BackendError, type Location, type VolumeBackend } from './backend.js';

const GIB = 1024 ** 3;
/** Cinder's rbd_max_clone_depth default: a clone deeper than this is flattened at once. */
export const MAX_CLONE_DEPTH = 5;

export interface RbdBackendOptions {
  rbd: RbdClient;
  /** The pool of volumes (default `volumes`). */
  pool?: string;
  /** Scratch files on this host: exports for backups and uploads, restores. */
  scratchDir: string;
}

/** Snapshot names this backend makes besides Cinder's snapshots. */
const cloneSnapshot = (volumeId: string) => `clone-${volumeId}`;
const exportSnapshot = () => `export-${randomUUID()}`;

/** Runs `work`, turning RbdErrors into the contract's BackendErrors. */
async function guarded<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof BackendError) throw err;
    const code = isRbdError(err, 'NotFound') ? 'NotFound' : 'Failed';
    throw new BackendError(code, `${what}: ${(err as Error).message}`, { cause: err });
  }
}

function checkFits(sourceBytes: number, sizeGib: number): void {
  if (sourceBytes > sizeGib * GIB) {
    throw new BackendError(
      'TooSmall',
      `Image virtual size is ${Math.ceil(sourceBytes / GIB)}GB and doesn't fit in a volume of size ${sizeGib}GB.`,
    );
  }
}

export function createRbdBackend(options: RbdBackendOptions): VolumeBackend {
  const { rbd, scratchDir } = options;
  const pool = options.pool ?? 'volumes';
  /** Raw exports this process made: the snapshot each was read from, for dataRanges and cleanup. */
  const exports = new Map<string, { source: RbdImageRef; temporary: boolean }>();

  const volumeRef = (volumeId: string): RbdImageRef => ({ pool, image: `volume-${volumeId}` });

  function refOf(location: Location): RbdImageRef {
    try {
      return parseImageSpec(location);
    } catch (err) {
      throw new BackendError('NotFound', `not an rbd-backend location: ${location}`, { cause: err });
    }
  }

  async function sizeOf(ref: RbdImageRef): Promise<number> {
    const info = await rbd.info(ref);
    if (info === undefined) throw new BackendError('NotFound', `${imageSpec(ref)} does not exist`);
    return info.sizeBytes;
  }

  /** Grows an image to sizeGib when it is smaller. */
  async function growTo(ref: RbdImageRef, sizeGib: number): Promise<void> {
    if ((await sizeOf(ref)) < sizeGib * GIB) await rbd.resize(ref, sizeGib * GIB);
  }

  /** How many clone parents stand above an image (0: it stands alone). */
  async function cloneDepth(ref: RbdImageRef): Promise<number> {
    let depth = 0;
    let parent = (await rbd.info(ref))?.parent;
    while (parent !== undefined && depth <= MAX_CLONE_DEPTH) {
      depth += 1;
      parent = (await rbd.info({ pool: parent.pool, image: parent.image }))?.parent;
    }
    return depth;
  }

  /** Flattens the clones of a snapshot, then unprotects and removes it; a missing one resolves. */
  async function dropSnapshot(snap: RbdImageRef): Promise<void> {
    let children: RbdImageRef[];
    try {
      children = await rbd.children(snap);
    } catch (err) {
      if (isRbdError(err, 'NotFound')) return;
      throw err;
    }
    for (const child of children) await rbd.flatten(child);
    await rbd.unprotectSnapshot(snap).catch((err: unknown) => {
      if (!isRbdError(err, 'NotFound')) throw err;
    });
    await rbd.removeSnapshot(snap);
  }

  /**
   * Removes a volume: its snapshots go first (their clones flattened), then the image, then the
   * temporary snapshot its own clone was made from, if it was a clone of a volume.
   */
  async function dropVolume(ref: RbdImageRef): Promise<void> {
    const info = await rbd.info(ref);
    if (info === undefined) return;
    for (const snap of await rbd.snapshots(ref)) await dropSnapshot({ ...ref, snapshot: snap.name });
    await rbd.remove(ref);
    const volumeId = ref.image.startsWith('volume-') ? ref.image.slice('volume-'.length) : undefined;
    if (
      info.parent !== undefined &&
      volumeId !== undefined &&
      info.parent.snapshot === cloneSnapshot(volumeId)
    ) {
      await dropSnapshot(info.parent);
    }
  }

  /** Clones the protected snapshot `parent` to the volume, flattens a deep chain, grows it to sizeGib. */
  async function cloneFrom(parent: RbdImageRef, volumeId: string, sizeGib: number): Promise<Location> {
    const target = volumeRef(volumeId);
    await rbd.protectSnapshot(parent);
    await rbd.clone(parent, target);
    if ((await cloneDepth(target)) > MAX_CLONE_DEPTH) {
      await rbd.flatten(target);
      if (parent.snapshot === cloneSnapshot(volumeId)) await dropSnapshot(parent);
    }
    await growTo(target, sizeGib);
    return imageSpec(target);
  }

  async function scratch(name: string): Promise<string> {
    await mkdir(scratchDir, { recursive: true, mode: 0o700 });
    return join(scratchDir, name);
  }

  return {
    name: 'rbd',

    volumeLocation: (volumeId) => imageSpec(volumeRef(volumeId)),

    create: (volumeId, sizeGib) =>
      guarded('create', async () => {
        await rbd.create(volumeRef(volumeId), sizeGib * GIB);
        return imageSpec(volumeRef(volumeId));
      }),

    // Written under a temporary name and renamed, so an interrupted copy is never taken for a volume.
    createFromFile: (volumeId, sourcePath, format, sizeGib) =>
      guarded('create from image', async () => {
        const target = volumeRef(volumeId);
        if ((await rbd.info(target)) !== undefined) return imageSpec(target);
        checkFits(await rbd.virtualSize({ file: sourcePath }, format), sizeGib);
        const partial = { pool, image: `${target.image}.partial` };
        await rbd.remove(partial);
        await rbd.create(partial, sizeGib * GIB);
        await rbd.convert({
          from: { file: sourcePath },
          fromFormat: format,
          to: { rbd: partial },
          toFormat: 'raw',
          targetExists: true,
          targetIsZero: true,
        });
        await rbd.rename(partial, target.image);
        return imageSpec(target);
      }),

    // A snapshot is cloned as it is; a volume through a snapshot of its own named after the new volume
    // (as Cinder's create_cloned_volume does), which goes when the clone is flattened or deleted.
    clone: (volumeId, source, sizeGib) =>
      guarded('clone', async () => {
        const from = refOf(source);
        // A clone is made in one step: an image of that name is this step's result from an earlier run.
        if ((await rbd.info(volumeRef(volumeId))) !== undefined) {
          await growTo(volumeRef(volumeId), sizeGib);
          return imageSpec(volumeRef(volumeId));
        }
        checkFits(await sizeOf(from), sizeGib);
        const parent = from.snapshot !== undefined ? from : { ...from, snapshot: cloneSnapshot(volumeId) };
        if (from.snapshot === undefined) await rbd.createSnapshot(parent);
        return cloneFrom(parent, volumeId, sizeGib);
      }),

    // RBD snapshots are atomic and need no pause of a guest that has the volume open.
    snapshot: (snapshotId, volume) =>
      guarded('snapshot', async () => {
        const snap = { ...refOf(volume), snapshot: `snapshot-${snapshotId}` };
        await rbd.createSnapshot(snap);
        await rbd.protectSnapshot(snap);
        return imageSpec(snap);
      }),

    extend: (location, newSizeGib) => guarded('extend', () => growTo(refOf(location), newSizeGib)),

    delete: (location) =>
      guarded('delete', async () => {
        const ref = refOf(location);
        if (ref.snapshot !== undefined) await dropSnapshot(ref);
        else await dropVolume(ref);
      }),

    attachTarget(location) {
      const ref = refOf(location);
      return {
        kind: 'rbd',
        pool: ref.pool,
        image: ref.image,
        ...(ref.snapshot && { snapshot: ref.snapshot }),
      };
    },

    // A volume is read from a snapshot taken for the export, so the copy is one point in time even while
    // a guest writes; the snapshot stays until removeExport (dataRanges reads its object map).
    exportTo: (location, format) =>
      guarded('export', async () => {
        const ref = refOf(location);
        const temporary = ref.snapshot === undefined;
        const source = temporary ? { ...ref, snapshot: exportSnapshot() } : ref;
        if (temporary) await rbd.createSnapshot(source);
        const out = await scratch(`export-${randomUUID()}.${format}`);
        try {
          await rbd.convert({
            from: { rbd: source },
            fromFormat: 'raw',
            to: { file: out },
            toFormat: format,
          });
        } catch (err) {
          await rm(out, { force: true });
          if (temporary) await rbd.removeSnapshot(source).catch(() => undefined);
          throw err;
        }
        exports.set(out, { source, temporary });
        return out;
      }),

    async removeExport(path) {
      await rm(path, { force: true });
      const made = exports.get(path);
      exports.delete(path);
      if (made?.temporary === true) await guarded('remove export', () => rbd.removeSnapshot(made.source));
    },

    // rbd diff reads the object map of the exported snapshot: no data is read to find the holes. A file
    // this process did not export is taken whole (correct, only slower for the reader).
    dataRanges: (rawPath) =>
      guarded('data ranges', async () => {
        const made = exports.get(rawPath);
        if (made === undefined) return [{ start: 0, length: (await stat(rawPath)).size }];
        const extents = await rbd.diff(made.source);
        return extents.map((e) => ({ start: e.offset, length: e.length }));
      }),

    // The backup's bytes are written over the volume (as Cinder's chunked restore writes to the device);
    // a volume larger than the backup keeps what lies beyond it.
    importRaw: (location, rawPath, sizeGib) =>
      guarded('import', async () => {
        const ref = refOf(location);
        checkFits((await stat(rawPath)).size, sizeGib);
        await growTo(ref, sizeGib);
        await rbd.convert({
          from: { file: rawPath },
          fromFormat: 'raw',
          to: { rbd: ref },
          toFormat: 'raw',
          targetExists: true,
        });
      }),

    scratchPath: (purpose) => scratch(`${purpose}-${randomUUID()}.raw`),
  };
}
