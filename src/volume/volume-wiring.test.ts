// The wiring of NEXT.md, proven before app.ts has it: the real app (buildApp) with the volume plugin
// registered beside the other services, the real adapters (identity tokens, Glance images through
// compute's image cache, backups in the real object store) and the catalog entries. Skips itself once
// app.ts mounts the module (then test/integration takes over).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwordAuth } from '../../test/support/app.js';
import { buildApp, type App } from '../app.js';
import { systemClock } from '../common/clock.js';
import { FakeDriver } from '../compute/driver/fake/fake-driver.js';
import { createImageSource } from '../compute/image-source.js';
import { loadConfig } from '../config/load.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../db/kysely.js';
import { migrations } from '../db/migrations/index.js';
import { up } from '../db/migrations/2026-12-01-volume.js';
import { bootstrapIdentity, syncCatalog } from '../identity/bootstrap.js';
import { createFakeNetworkDriver } from '../network/driver/fake/fake-driver.js';
import {
  createBackupObjects,
  createVolumeHost,
  createVolumeImages,
  unavailableImageUploader,
} from './adapters.js';
import { createFileBackend } from './backend/file-backend.js';
import { createVolumeModule, type VolumeModule } from './index.js';
import type { VolumeTables } from './volume-tables.js';

const run = promisify(execFile);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire JSON under test
type Json = any;

describe('volume module wired into the real app', () => {
  let dataDir: string;
  let handle: DatabaseHandle;
  let built: App;
  let volume: VolumeModule;
  let url: string;
  let token: string;
  let projectId: string;
  let catalog: Json[];
  const wiredAlready = '2026-12-01-volume' in migrations;

  beforeAll(async () => {
    if (wiredAlready) return;
    dataDir = mkdtempSync(join(tmpdir(), 'nuage-volume-wiring-'));
    const config = loadConfig({ overrides: { dataDir, listen: '127.0.0.1:0', logLevel: 'silent' } });
    handle = openDatabase({ url: config.databaseUrl, dataDir });
    await migrateToLatest(handle.db);
    await up(handle.db);
    built = await buildApp({
      config,
      db: handle.db,
      dialect: handle.dialect,
      clock: systemClock,
      logger: false,
      networkDriver: createFakeNetworkDriver(),
      computeDriver: new FakeDriver(),
    });
    const { app, identity, image, objectStore, compute, served } = built;
    // The lines NEXT.md asks app.ts to add (with the image source hoisted so both modules share it).
    const imageSource = createImageSource(
      {
        visible: (auth, id) => image.services.images.visible(auth, id),
        async openActive(id) {
          const { image: found, stream } = await image.services.data.openActive(id);
          return { stream, diskFormat: found.diskFormat };
        },
      },
      resolve(config.dataDir),
    );
    volume = createVolumeModule({
      db: handle.db as unknown as Kysely<VolumeTables>,
      clock: systemClock,
      validator: identity.validator,
      backend: createFileBackend({ root: join(resolve(config.dataDir), 'volumes') }),
      images: createVolumeImages(
        { visible: (auth, id) => image.services.images.visible(auth, id) },
        imageSource,
      ),
      uploader: unavailableImageUploader,
      objects: createBackupObjects(objectStore.objects),
      host: createVolumeHost({
        driver: compute.driver,
        servers: { visible: (auth, id) => compute.services.servers.visible(auth, id) },
      }),
      log: app.log,
      publicUrl: config.publicUrl,
      hostName: 'host-1',
      backupChunkBytes: 4 * 1024 * 1024,
    });
    await app.register(volume.plugin, { prefix: '/volume' });
    const boot = await bootstrapIdentity(identity.stores, {
      clock: systemClock,
      region: config.region,
      adminProjectName: 'admin',
    });
    identity.setAdminProjectId(boot.adminProjectId);
    projectId = boot.adminProjectId;
    await built.network.start(boot.adminProjectId);
    await compute.start(200);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    served.push(
      { type: 'block-storage', name: 'cinder', path: '/volume/v3/$(project_id)s' },
      { type: 'volumev3', name: 'cinderv3', path: '/volume/v3/$(project_id)s' },
    );
    await syncCatalog(identity.stores, { region: config.region, publicUrl: url, served });
    const res = await fetch(`${url}/identity/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ auth: passwordAuth('admin', boot.newAdminPassword as string, 'admin') }),
    });
    token = res.headers.get('x-subject-token') as string;
    catalog = ((await res.json()) as Json).token.catalog;
  });

  afterAll(async () => {
    if (wiredAlready) return;
    await volume.worker.stop();
    await built.compute.stop();
    await built.network.close();
    await built.s3App.close();
    built.app.server.closeAllConnections();
    await built.app.close();
    await handle.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function call(method: string, path: string, body?: unknown, raw?: Buffer, type?: string) {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        'x-auth-token': token,
        'openstack-api-version': 'volume 3.71, compute 2.79',
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(raw !== undefined && { 'content-type': type ?? 'application/octet-stream' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      ...(raw !== undefined && { body: raw }),
    });
    const text = await res.text();
    let json: Json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, body: json };
  }

  async function settled(path: string) {
    await volume.worker.idle();
    return call('GET', path);
  }

  it('lists block-storage and volumev3 in the catalog and serves Cinder there', async (ctx) => {
    if (wiredAlready) return ctx.skip();
    for (const type of ['block-storage', 'volumev3']) {
      const entry = catalog.find((s: Json) => s.type === type);
      expect(entry?.endpoints[0].url).toBe(`${url}/volume/v3/${projectId}`);
    }
    const v = await call('POST', `/volume/v3/${projectId}/volumes`, { volume: { size: 1, name: 'wired' } });
    expect(v.status).toBe(202);
    expect((await settled(`/volume/v3/${projectId}/volumes/${v.body.volume.id}`)).body.volume.status).toBe(
      'available',
    );
    const anonymous = await fetch(`${url}/volume/v3/${projectId}/volumes`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as Json).unauthorized.code).toBe(401);
  });

  it('creates a volume from a Glance image and backs it up into the object store', async (ctx) => {
    if (wiredAlready) return ctx.skip();
    const raw = join(dataDir, 'img.raw');
    const qcow2 = join(dataDir, 'img.qcow2');
    writeFileSync(raw, randomBytes(256 * 1024));
    await run('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, qcow2]);
    const made = await call('POST', '/image/v2/images', {
      name: 'tiny',
      disk_format: 'qcow2',
      container_format: 'bare',
    });
    expect(made.status).toBe(201);
    const put = await call('PUT', `/image/v2/images/${made.body.id}/file`, undefined, readFileSync(qcow2));
    expect(put.status).toBe(204);

    const v = await call('POST', `/volume/v3/${projectId}/volumes`, {
      volume: { size: 1, imageRef: made.body.id },
    });
    expect(v.status, JSON.stringify(v.body)).toBe(202);
    const shown = (await settled(`/volume/v3/${projectId}/volumes/${v.body.volume.id}`)).body.volume;
    expect(shown).toMatchObject({ status: 'available', bootable: 'true' });
    const file = (id: string) => join(dataDir, 'volumes', `volume-${id}.qcow2`);
    await run('qemu-img', ['compare', '-q', qcow2, file(shown.id)]);

    const b = await call('POST', `/volume/v3/${projectId}/backups`, { backup: { volume_id: shown.id } });
    expect(b.status).toBe(202);
    const backup = (await settled(`/volume/v3/${projectId}/backups/${b.body.backup.id}`)).body.backup;
    expect(backup).toMatchObject({ status: 'available', object_count: 2 });
    // The chunks are ordinary objects of the project's account, visible through Swift.
    const listing = await call('GET', `/object-store/v1/AUTH_${projectId}/volumebackups?format=json`);
    expect(listing.body.map((o: Json) => o.name).sort()).toEqual([
      `backup_${backup.id}/chunk_000000`,
      `backup_${backup.id}/manifest.json`,
    ]);
    const restored = await call('POST', `/volume/v3/${projectId}/backups/${backup.id}/restore`, {
      restore: {},
    });
    const target = (await settled(`/volume/v3/${projectId}/volumes/${restored.body.restore.volume_id}`)).body
      .volume;
    expect(target.status).toBe('available');
    await run('qemu-img', ['compare', '-q', file(shown.id), file(target.id)]);

    const upload = await call('POST', `/volume/v3/${projectId}/volumes/${shown.id}/action`, {
      'os-volume_upload_image': { image_name: 'x' },
    });
    expect(upload.status).toBe(501);
    expect(upload.body.notImplemented.code).toBe(501);
  });

  it('attaches a volume to a booted server through the compute driver, and detaches it', async (ctx) => {
    if (wiredAlready) return ctx.skip();
    const images = await call('GET', '/image/v2/images?name=tiny');
    const imageId = images.body.images[0].id as string;
    const flavor = await call('POST', '/compute/v2.1/flavors', {
      flavor: { name: 'v.tiny', ram: 64, vcpus: 1, disk: 1 },
    });
    expect(flavor.status, JSON.stringify(flavor.body)).toBe(200);
    const server = await call('POST', '/compute/v2.1/servers', {
      server: { name: 'vm', imageRef: imageId, flavorRef: flavor.body.flavor.id, networks: 'none' },
    });
    expect(server.status, JSON.stringify(server.body)).toBe(202);
    const serverId = server.body.server.id as string;
    let status = '';
    for (let i = 0; i < 100 && status !== 'ACTIVE' && status !== 'ERROR'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await call('GET', `/compute/v2.1/servers/${serverId}`)).body.server.status;
    }
    expect(status).toBe('ACTIVE');

    const v = await call('POST', `/volume/v3/${projectId}/volumes`, { volume: { size: 1 } });
    await settled(`/volume/v3/${projectId}/volumes/${v.body.volume.id}`);
    const a = await call('POST', `/volume/v3/${projectId}/attachments`, {
      attachment: { volume_uuid: v.body.volume.id, instance_uuid: serverId, connector: { host: 'host-1' } },
    });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    const shown = (await settled(`/volume/v3/${projectId}/volumes/${v.body.volume.id}`)).body.volume;
    expect(shown.status).toBe('in-use');
    const driver = built.compute.driver as FakeDriver;
    expect(driver.volumesOf(serverId).map((d) => d.volumeId)).toEqual([v.body.volume.id]);

    const gone = await call('DELETE', `/volume/v3/${projectId}/attachments/${a.body.attachment.id}`);
    expect(gone.status).toBe(200);
    expect((await settled(`/volume/v3/${projectId}/volumes/${v.body.volume.id}`)).body.volume.status).toBe(
      'available',
    );
    expect(driver.volumesOf(serverId)).toEqual([]);
  });
});
