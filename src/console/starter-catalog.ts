// Ready to use on first start: a fresh cloud gets a default set of public flavors and, when the tiny guest
// image has been built (scripts/build-guest-image.sh), the public image `nuage-tiny`. Both are made once,
// as the bootstrap admin through the same services the API calls (with the admin's live context, as an
// EC2 credential resolves it), and a marker in the data dir remembers it: an admin who deletes or edits
// them later is not overridden at the next start.
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AuthContext } from '../common/http/context.js';

export interface StarterFlavor {
  id: string;
  name: string;
  vcpus: number;
  ramMiB: number;
  diskGib: number;
  description: string;
}

/** Nova's classic m1 set, plus two small ones that fit the tiny guest (it boots in 96 MiB). */
export const STARTER_FLAVORS: readonly StarterFlavor[] = [
  { id: 'nano', name: 'm1.nano', vcpus: 1, ramMiB: 128, diskGib: 1, description: 'Tiny test guests' },
  { id: 'micro', name: 'm1.micro', vcpus: 1, ramMiB: 256, diskGib: 2, description: 'Very small services' },
  { id: '1', name: 'm1.tiny', vcpus: 1, ramMiB: 512, diskGib: 1, description: 'Small Linux guests' },
  { id: '2', name: 'm1.small', vcpus: 1, ramMiB: 2048, diskGib: 20, description: 'General purpose' },
  { id: '3', name: 'm1.medium', vcpus: 2, ramMiB: 4096, diskGib: 40, description: 'General purpose' },
  { id: '4', name: 'm1.large', vcpus: 4, ramMiB: 8192, diskGib: 80, description: 'Larger workloads' },
  { id: '5', name: 'm1.xlarge', vcpus: 8, ramMiB: 16384, diskGib: 160, description: 'Larger workloads' },
];

export const STARTER_IMAGE_NAME = 'nuage-tiny';

export interface StarterCatalogDeps {
  dataDir: string;
  /** The bootstrap admin's live context on the admin project; undefined when the admin is gone. */
  adminContext(): Promise<AuthContext | undefined>;
  flavors: {
    create(
      auth: AuthContext,
      input: Omit<StarterFlavor, 'description'> & { isPublic: boolean; description: string },
    ): Promise<unknown>;
    list(auth: AuthContext, isPublic: boolean | 'all' | undefined): Promise<unknown[]>;
  };
  images: {
    create(auth: AuthContext, body: Record<string, unknown>): Promise<{ id: string }>;
    uploadAsService(id: string, body: AsyncIterable<Buffer>, size?: number): Promise<unknown>;
  };
  /** The qcow2 to register ('' disables; `~/` is the home directory). */
  guestImage: string;
  defaultFlavors: boolean;
}

function markerPath(dataDir: string, what: string): string {
  return join(dataDir, 'bootstrap', `${what}.done`);
}

function mark(dataDir: string, what: string, detail: string): void {
  const file = markerPath(dataDir, what);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${detail}\n`, { mode: 0o600 });
}

export function expandHome(path: string): string {
  return path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

/** Creates the starter flavors once, when the cloud has no flavor at all; resolves how many it made. */
export async function ensureStarterFlavors(deps: StarterCatalogDeps): Promise<number> {
  if (!deps.defaultFlavors || existsSync(markerPath(deps.dataDir, 'flavors'))) return 0;
  const admin = await deps.adminContext();
  if (admin === undefined) return 0;
  let made = 0;
  if ((await deps.flavors.list(admin, 'all')).length === 0) {
    for (const flavor of STARTER_FLAVORS) {
      await deps.flavors.create(admin, { ...flavor, isPublic: true });
      made += 1;
    }
  }
  mark(deps.dataDir, 'flavors', `${made} flavors`);
  return made;
}

/** Registers the built tiny guest as a public image once; resolves its id, or undefined when skipped. */
export async function ensureStarterImage(deps: StarterCatalogDeps): Promise<string | undefined> {
  const file = deps.guestImage === '' ? '' : expandHome(deps.guestImage);
  if (file === '' || !existsSync(file) || existsSync(markerPath(deps.dataDir, 'image'))) return undefined;
  const admin = await deps.adminContext();
  if (admin === undefined) return undefined;
  const image = await deps.images.create(admin, {
    name: STARTER_IMAGE_NAME,
    disk_format: 'qcow2',
    container_format: 'bare',
    visibility: 'public',
    min_disk: 1,
    min_ram: 96,
    os_distro: 'busybox',
  });
  // Marked before the upload: a failed upload leaves a `killed` image the admin can see and delete,
  // rather than a new one at every start.
  mark(deps.dataDir, 'image', image.id);
  await deps.images.uploadAsService(image.id, createReadStream(file), statSync(file).size);
  return image.id;
}
