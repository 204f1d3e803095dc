// The ImageSource over the image service: request-time checks through `visible` (the caller's rights),
// and a per-host cache of image bytes for base disks at `<dataDir>/compute/image-cache/<imageId>`,
// filled through a temporary name, fsynced and renamed, once per image (concurrent callers share one
// download). Images are immutable once active, so a cached file never goes stale.
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import type { AuthContext } from '../common/http/context.js';
import type { ImageFacts, ImageSource } from './collaborators.js';

const execFileAsync = promisify(execFile);

/** The two image-service questions compute asks; index.ts adapts the image module to it. */
export interface ImageReader {
  /** The image record if the caller may see it (the image service's own 404 otherwise). */
  visible(
    auth: AuthContext,
    id: string,
  ): Promise<{ id: string; status: string; minDisk: number; minRam: number; sizeBytes: number | null }>;
  /**
   * The bytes of an active image, read as the service (no caller): to be added to the image service as a
   * narrow method (e.g. `data.openActive(id)`), since ImageData.download needs an AuthContext.
   */
  openActive(id: string): Promise<{ stream: Readable; diskFormat: string | null }>;
}

/** qemu-img input formats we accept for a base image; anything else fails the boot. */
const CONVERTIBLE = new Set(['qcow2', 'raw', 'vmdk', 'vdi', 'vhd', 'vhdx', 'qed']);

export function createImageSource(reader: ImageReader, dataDir: string, qemuImg = 'qemu-img'): ImageSource {
  const cacheDir = join(dataDir, 'compute', 'image-cache');
  const inFlight = new Map<string, Promise<string>>();

  async function fill(imageId: string): Promise<string> {
    const target = join(cacheDir, imageId);
    if (
      await stat(target).then(
        () => true,
        () => false,
      )
    )
      return target;
    await mkdir(cacheDir, { recursive: true, mode: 0o700 });
    const temporary = `${target}.partial-${process.pid}`;
    try {
      const { stream, diskFormat } = await reader.openActive(imageId);
      await pipeline(stream, createWriteStream(temporary, { mode: 0o600 }));
      // The QEMU driver layers a qcow2 overlay on a qcow2 base, so other formats are converted once here
      // (Glance's disk_format was checked by inspection at upload, so it names the real format).
      const format = diskFormat ?? 'raw';
      if (!CONVERTIBLE.has(format)) throw new Error(`disk_format ${format} cannot back a server disk`);
      if (format !== 'qcow2') {
        const converted = `${temporary}.qcow2`;
        await execFileAsync(
          qemuImg,
          ['convert', '-q', '-f', format === 'vhd' ? 'vpc' : format, '-O', 'qcow2', temporary, converted],
          {
            timeout: 30 * 60_000,
          },
        );
        await rename(converted, temporary);
      }
      const handle = await open(temporary, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, target);
      return target;
    } finally {
      await rm(temporary, { force: true });
      await rm(`${temporary}.qcow2`, { force: true });
    }
  }

  return {
    async describe(auth, imageId): Promise<ImageFacts> {
      const image = await reader.visible(auth, imageId);
      return {
        id: image.id,
        status: image.status,
        minDiskGib: image.minDisk,
        minRamMiB: image.minRam,
        sizeBytes: image.sizeBytes,
      };
    },
    baseImagePath(imageId) {
      const running = inFlight.get(imageId);
      if (running) return running;
      const job = fill(imageId).finally(() => inFlight.delete(imageId));
      inFlight.set(imageId, job);
      return job;
    },
  };
}
