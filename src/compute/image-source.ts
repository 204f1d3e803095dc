// The ImageSource over the image service: request-time checks through `visible` (the caller's rights),
// and a per-host cache of image bytes for base disks at `<dataDir>/compute/image-cache/<imageId>`,
// filled through a temporary name, fsynced and renamed, once per image (concurrent callers share one
// download). Images are immutable once active, so a cached file never goes stale.
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AuthContext } from '../common/http/context.js';
import type { ImageFacts, ImageSource } from './collaborators.js';

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
  openActive(id: string): Promise<Readable>;
}

export function createImageSource(reader: ImageReader, dataDir: string): ImageSource {
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
      await pipeline(await reader.openActive(imageId), createWriteStream(temporary, { mode: 0o600 }));
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
