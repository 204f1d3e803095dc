// The compute snapshot adapter (compute/image-snapshots.ts) over the real image module: a snapshot image
// is created queued as the service, filled from a qcow2 file through the upload path's inspection,
// served by GET /v2/images/{id}/file, and discarded with its data. Data that is not a qcow2 is refused.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/common/clock.js';
import { errors } from '../../src/common/errors/codes.js';
import type { TokenValidator } from '../../src/common/http/context.js';
import type { ImageSnapshots } from '../../src/compute/collaborators.js';
import { caller } from '../../src/compute/compute-test-support.js';
import { createImageSnapshots } from '../../src/compute/image-snapshots.js';
import { loadConfig } from '../../src/config/load.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../src/db/kysely.js';
import { createImageModule } from '../../src/image/index.js';
import { createObjectStoreModule } from '../../src/object-store/index.js';

const run = promisify(execFile);
const SERVER_ID = '77777777-7777-4777-8777-777777777777';
const BASE_IMAGE_ID = '88888888-8888-4888-8888-888888888888';

let dataDir: string;
let handle: DatabaseHandle;
let app: FastifyInstance;
let url: string;
let snapshots: ImageSnapshots;

const validator: TokenValidator = {
  async validate(token) {
    if (!['admin', 'user', 'other'].includes(token)) throw errors.unauthorized();
    return caller(token);
  },
};

async function glance(token: string, path: string) {
  const res = await fetch(`${url}/image${path}`, { headers: { 'x-auth-token': token } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'nuage-snapshot-it-'));
  const config = loadConfig({
    overrides: { dataDir, listen: '127.0.0.1:0', databaseUrl: '', logLevel: 'silent' },
  });
  handle = openDatabase({ url: config.databaseUrl, dataDir });
  await migrateToLatest(handle.db);
  const deps = { db: handle.db, clock: systemClock, config, validator };
  const objectStore = createObjectStoreModule(deps);
  const image = createImageModule({ ...deps, objects: objectStore.objects });
  app = Fastify();
  app.decorateRequest('auth', undefined);
  await app.register(image.plugin, { prefix: '/image' });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
  // The lines app.ts uses to wire compute's snapshots.
  snapshots = createImageSnapshots({
    create: (owner, input) => image.services.snapshots.create(owner, input),
    get: (id) => image.services.snapshots.get(id),
    remove: (id) => image.services.snapshots.remove(id),
    uploadAsService: (id, body, size) => image.services.data.uploadAsService(id, body, size),
  });
});

afterAll(async () => {
  await app?.close();
  await handle?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const props = {
  name: 'snap',
  serverId: SERVER_ID,
  baseImageId: BASE_IMAGE_ID,
  minDiskGib: 1,
  minRamMiB: 0,
  metadata: { purpose: 'backup', image_type: 'overridden' },
};

describe('compute snapshots in the image service', () => {
  it('creates a private queued snapshot, fills it from a qcow2 file, and serves its bytes', async () => {
    const raw = join(dataDir, 'disk.raw');
    const qcow2 = join(dataDir, 'snapshot.qcow2');
    await writeFile(raw, Buffer.concat([Buffer.from('NUAGE-SNAPSHOT-DATA'), Buffer.alloc(1024 * 1024 - 19)]));
    await run('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, qcow2]);

    const id = await snapshots.create('p-user', 'u-user', props);
    const queued = JSON.parse((await glance('user', `/v2/images/${id}`)).bytes.toString()) as Record<
      string,
      unknown
    >;
    expect(queued).toMatchObject({
      status: 'queued',
      name: 'snap',
      owner: 'p-user',
      visibility: 'private',
      disk_format: 'qcow2',
      container_format: 'bare',
      min_disk: 1,
      image_type: 'overridden',
      instance_uuid: SERVER_ID,
      base_image_ref: BASE_IMAGE_ID,
      user_id: 'u-user',
      purpose: 'backup',
    });
    expect((await glance('other', `/v2/images/${id}`)).status).toBe(404);

    await snapshots.upload(id, qcow2);
    const active = JSON.parse((await glance('user', `/v2/images/${id}`)).bytes.toString()) as Record<
      string,
      unknown
    >;
    const bytes = await readFile(qcow2);
    expect(active).toMatchObject({ status: 'active', size: bytes.length, virtual_size: 1024 * 1024 });
    const file = await glance('user', `/v2/images/${id}/file`);
    expect(file.status).toBe(200);
    expect(file.bytes.equals(bytes)).toBe(true);
    // A retry after the upload landed changes nothing.
    await snapshots.upload(id, qcow2);

    await snapshots.discard(id);
    expect((await glance('user', `/v2/images/${id}`)).status).toBe(404);
    await snapshots.discard(id);
  });

  it('refuses data that is not a qcow2 (the image is killed) and never fills a non-queued image', async () => {
    const notQcow2 = join(dataDir, 'garbage.bin');
    await writeFile(notQcow2, Buffer.alloc(4096, 7));
    const id = await snapshots.create('p-user', 'u-user', props);
    await expect(snapshots.upload(id, notQcow2)).rejects.toMatchObject({ status: 400 });
    const killed = JSON.parse((await glance('user', `/v2/images/${id}`)).bytes.toString()) as Record<
      string,
      unknown
    >;
    expect(killed.status).toBe('killed');
    await expect(snapshots.upload(id, notQcow2)).rejects.toMatchObject({ status: 409 });
    await snapshots.discard(id);
  });
});
