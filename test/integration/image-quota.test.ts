// The per-project image quotas (Glance's image_count_total and image_size_total), through the image
// services over a real database and object store: an upload that would exceed the byte quota stops
// with 413 and leaves no data behind; creating past the image count is a 413.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/common/clock.js';
import type { AuthContext, TokenValidator } from '../../src/common/http/context.js';
import { loadConfig } from '../../src/config/load.js';
import { migrateToLatest, openDatabase } from '../../src/db/kysely.js';
import { createImageModule, type ImageModule } from '../../src/image/index.js';
import { createObjectStoreModule, type ObjectStoreModule } from '../../src/object-store/index.js';

const dataDir = mkdtempSync(join(tmpdir(), 'nuage-img-quota-'));
let handle: ReturnType<typeof openDatabase>;
let image: ImageModule;
let objectStore: ObjectStoreModule;

const project = 'p0000000000000000000000000000001';
const auth: AuthContext = {
  userId: 'u1',
  userName: 'u1',
  userDomainId: 'default',
  userDomainName: 'Default',
  scope: {
    kind: 'project',
    projectId: project,
    projectName: 'p',
    domainId: 'default',
    domainName: 'Default',
  },
  roles: [{ id: 'r', name: 'member' }],
  roleNames: new Set(['member', 'reader']),
  isAdminProject: false,
  methods: ['password'],
  auditIds: [],
  issuedAt: new Date(),
  expiresAt: new Date(Date.now() + 3_600_000),
};
const validator: TokenValidator = { validate: async () => auth };

beforeAll(async () => {
  const config = loadConfig({
    overrides: {
      dataDir,
      logLevel: 'silent',
      image: { imageCountTotal: 3, imageSizeTotalBytes: 1024 * 1024 },
    },
  });
  handle = openDatabase({ url: '', dataDir });
  await migrateToLatest(handle.db);
  objectStore = createObjectStoreModule({ db: handle.db, clock: systemClock, config, validator });
  image = createImageModule({
    db: handle.db,
    clock: systemClock,
    config,
    validator,
    objects: objectStore.objects,
  });
});
afterAll(async () => {
  await handle?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const body = (bytes: number) => Readable.from([Buffer.alloc(bytes / 2, 1), Buffer.alloc(bytes / 2, 2)]);

describe('image quotas', () => {
  it('stops an upload past image_size_total with 413 and keeps no data', async () => {
    const { images, data } = image.services;
    const small = await images.create(auth, { name: 'small', disk_format: 'raw', container_format: 'bare' });
    await data.upload(auth, small.id, body(600 * 1024));
    const big = await images.create(auth, { name: 'big', disk_format: 'raw', container_format: 'bare' });
    await expect(data.upload(auth, big.id, body(600 * 1024))).rejects.toMatchObject({ status: 413 });
    expect((await images.visible(auth, big.id)).status).toBe('killed');
    const account = await objectStore.objects.getAccount(project);
    expect(account.bytesUsed).toBe(600 * 1024);
  });

  it('refuses to create past image_count_total', async () => {
    const { images } = image.services;
    await images.create(auth, { name: 'third' });
    await expect(images.create(auth, { name: 'fourth' })).rejects.toMatchObject({ status: 413 });
  });
});
