// The `file` volume backend: one thin-provisioned qcow2 file per volume and per snapshot under
// `<dataDir>/volumes/`, made with qemu-img. Every file is written under a temporary name and renamed
// into place, so a crash leaves either nothing or a complete file, and a repeated step finds its result.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BackendError, type Location, type VolumeBackend } from './backend.js';

const execFileAsync = promisify(execFile);
const GIB = 1024 ** 3;
/** qemu-img on a large sparse file is quick; a conversion of real data may take minutes. */
const TIMEOUT_MS = 30 * 60_000;

export interface FileBackendOptions {
  /** `<dataDir>/volumes` */
  root: string;
  qemuImg?: string;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export function createFileBackend(options: FileBackendOptions): VolumeBackend {
  const { root } = options;
  const qemuImg = options.qemuImg ?? 'qemu-img';
  const tmpDir = join(root, 'tmp');

  async function run(args: string[]): Promise<string> {
    try {
      const { stdout } = await execFileAsync(qemuImg, args, { timeout: TIMEOUT_MS, maxBuffer: 16 << 20 });
      return stdout;
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr?.trim() ?? '';
      throw new BackendError('Failed', `qemu-img ${args[0] ?? ''} failed: ${stderr || String(err)}`, {
        cause: err,
      });
    }
  }

  /** Virtual size in bytes of an image file. */
  async function virtualSize(path: string, format: string, shared = false): Promise<number> {
    const out = await run(['info', '--output=json', '-f', format, ...(shared ? ['-U'] : []), path]);
    const size = (JSON.parse(out) as { 'virtual-size'?: unknown })['virtual-size'];
    if (typeof size !== 'number') throw new BackendError('Failed', `qemu-img info gave no size for ${path}`);
    return size;
  }

  function pathOf(location: Location): string {
    if (!/^[a-z]+-[0-9a-f-]+\.qcow2$/.test(location)) {
      throw new BackendError('NotFound', `not a file-backend location: ${location}`);
    }
    return join(root, location);
  }

  /** Runs `make(tmp)` and renames tmp into place, unless the target is already there. */
  async function produce(location: Location, make: (tmp: string) => Promise<void>): Promise<Location> {
    const target = pathOf(location);
    if (await exists(target)) return location;
    await mkdir(tmpDir, { recursive: true, mode: 0o700 });
    const tmp = join(tmpDir, `${location}.${randomUUID()}`);
    try {
      await make(tmp);
      await rename(tmp, target);
      return location;
    } finally {
      await rm(tmp, { force: true });
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

  async function growTo(path: string, sizeGib: number, sourceBytes: number): Promise<void> {
    const wanted = sizeGib * GIB;
    checkFits(sourceBytes, sizeGib);
    if (sourceBytes < wanted) await run(['resize', '-q', '-f', 'qcow2', path, String(wanted)]);
  }

  return {
    name: 'file',

    volumeLocation: (volumeId) => `volume-${volumeId}.qcow2`,

    async create(volumeId, sizeGib) {
      return produce(`volume-${volumeId}.qcow2`, async (tmp) => {
        await run(['create', '-q', '-f', 'qcow2', tmp, String(sizeGib * GIB)]);
      });
    },

    async createFromFile(volumeId, sourcePath, format, sizeGib) {
      return produce(`volume-${volumeId}.qcow2`, async (tmp) => {
        const size = await virtualSize(sourcePath, format);
        checkFits(size, sizeGib);
        await run(['convert', '-q', '-f', format, '-O', 'qcow2', sourcePath, tmp]);
        await growTo(tmp, sizeGib, size);
      });
    },

    async clone(volumeId, source, sizeGib, inUse) {
      return produce(`volume-${volumeId}.qcow2`, async (tmp) => {
        const from = pathOf(source);
        const size = await virtualSize(from, 'qcow2', inUse);
        checkFits(size, sizeGib);
        await run(['convert', '-q', ...(inUse ? ['-U'] : []), '-f', 'qcow2', '-O', 'qcow2', from, tmp]);
        await growTo(tmp, sizeGib, size);
      });
    },

    async snapshot(snapshotId, volume, inUse) {
      return produce(`snapshot-${snapshotId}.qcow2`, async (tmp) => {
        await run([
          'convert',
          '-q',
          ...(inUse ? ['-U'] : []),
          '-f',
          'qcow2',
          '-O',
          'qcow2',
          pathOf(volume),
          tmp,
        ]);
      });
    },

    async extend(location, newSizeGib) {
      const path = pathOf(location);
      if (!(await exists(path))) throw new BackendError('NotFound', `volume file ${location} is missing`);
      if ((await virtualSize(path, 'qcow2')) >= newSizeGib * GIB) return;
      await run(['resize', '-q', '-f', 'qcow2', path, String(newSizeGib * GIB)]);
    },

    async delete(location) {
      await rm(pathOf(location), { force: true });
    },

    attachTarget(location) {
      return { kind: 'file', path: pathOf(location), format: 'qcow2' };
    },

    async exportTo(location, format, inUse) {
      await mkdir(tmpDir, { recursive: true, mode: 0o700 });
      const out = join(tmpDir, `export-${randomUUID()}.${format}`);
      try {
        // -S 4k keeps runs of zeroes as holes, so a raw export costs only the written data on disk.
        const shared = inUse ? ['-U'] : [];
        await run([
          'convert',
          '-q',
          ...shared,
          '-S',
          '4k',
          '-f',
          'qcow2',
          '-O',
          format,
          pathOf(location),
          out,
        ]);
      } catch (err) {
        await rm(out, { force: true });
        throw err;
      }
      return out;
    },

    async dataRanges(rawPath) {
      const out = await run(['map', '--output=json', '-f', 'raw', rawPath]);
      const extents = JSON.parse(out) as { start: number; length: number; data: boolean; zero: boolean }[];
      return extents.filter((e) => e.data && !e.zero).map((e) => ({ start: e.start, length: e.length }));
    },

    async removeExport(path) {
      await rm(path, { force: true });
    },

    async importRaw(location, rawPath, sizeGib) {
      const target = pathOf(location);
      await mkdir(tmpDir, { recursive: true, mode: 0o700 });
      const tmp = join(tmpDir, `${location}.${randomUUID()}`);
      try {
        const size = await virtualSize(rawPath, 'raw');
        checkFits(size, sizeGib);
        await run(['convert', '-q', '-f', 'raw', '-O', 'qcow2', rawPath, tmp]);
        await growTo(tmp, sizeGib, size);
        await rename(tmp, target);
      } finally {
        await rm(tmp, { force: true });
      }
    },

    async scratchPath(purpose) {
      await mkdir(tmpDir, { recursive: true, mode: 0o700 });
      return join(tmpDir, `${purpose}-${randomUUID()}.raw`);
    },
  };
}
