// The tiny test guest (scripts/build-guest-image.sh), built once into the cache and shared by every test
// that boots a real QEMU guest.
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');
const cacheRoot = process.env.NUAGE_CACHE_DIR ?? path.join(process.env.HOME ?? tmpdir(), '.cache', 'nuage');

export const GUEST_IMAGE_DIR = path.join(cacheRoot, 'guest-image');

/** Builds the image if needed (the script is idempotent and cached) and resolves its qcow2 path. */
export async function ensureGuestImage(): Promise<string> {
  await run('bash', [path.join(repoRoot, 'scripts/build-guest-image.sh'), GUEST_IMAGE_DIR], {
    timeout: 280_000,
  });
  return path.join(GUEST_IMAGE_DIR, 'nuage-tiny.qcow2');
}
