// Cinder v3 as app.ts mounts it (formerly src/volume/volume-wiring.test.ts): the catalog entries, a
// volume made from a Glance image through compute's image cache, backups into the object store and
// their restore, upload to an image, and the attachments API plugging a disk into a server through the
// (fake) compute driver.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeDriver } from '../../src/compute/driver/fake/fake-driver.js';
import { startTestApp, type TestApp } from '../support/app.js';

const run = promisify(execFile);
type Json = any;

let t: TestApp;
let scratch: string;
let projectId: string;
let catalog: Json[];

async function call(method: string, path: string, body?: unknown, raw?: Buffer) {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: {
      'x-auth-token': t.adminToken,
      'openstack-api-version': 'volume 3.71, compute 2.79',
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(raw !== undefined && { 'content-type': 'application/octet-stream' }),
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
  await t.volume.worker.idle();
  return call('GET', path);
}

/** The volume's qcow2 on this host, as the backend hands it to the compute driver. */
async function volumeFileOf(id: string): Promise<string> {
  const v = await t.volume.stores.volumes.get(id);
  if (!v?.providerLocation) throw new Error(`volume ${id} has no data`);
  return join(t.dataDir, 'volumes', v.providerLocation);
}

beforeAll(async () => {
  t = await startTestApp();
  scratch = await mkdtemp(join(tmpdir(), 'nuage-volume-it-'));
  const res = await fetch(`${t.identityUrl}/v3/auth/tokens`, {
    headers: { 'x-auth-token': t.adminToken, 'x-subject-token': t.adminToken },
  });
  const token = ((await res.json()) as Json).token;
  projectId = token.project.id as string;
  catalog = token.catalog;
});

afterAll(async () => {
  await t?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('block storage in the real app', () => {
  it('lists block-storage and volumev3 in the catalog and serves Cinder there', async () => {
    for (const type of ['block-storage', 'volumev3']) {
      const entry = catalog.find((s: Json) => s.type === type);
      expect(entry?.endpoints[0].url).toBe(`${t.url}/volume/v3/${projectId}`);
    }
    const v = await call('POST', `/volume/v3/${projectId}/volumes`, { volume: { size: 1, name: 'wired' } });
    expect(v.status).toBe(202);
    expect((await settled(`/volume/v3/${projectId}/volumes/${v.body.volume.id}`)).body.volume.status).toBe(
      'available',
    );
    const anonymous = await fetch(`${t.url}/volume/v3/${projectId}/volumes`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as Json).unauthorized.code).toBe(401);
  });

  it('creates a volume from a Glance image, backs it up into the object store, restores and uploads it', async () => {
    const raw = join(scratch, 'img.raw');
    const qcow2 = join(scratch, 'img.qcow2');
    await writeFile(raw, randomBytes(256 * 1024));
    await run('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, qcow2]);
    const made = await call('POST', '/image/v2/images', {
      name: 'tiny',
      disk_format: 'qcow2',
      container_format: 'bare',
    });
    expect(made.status).toBe(201);
    const put = await call('PUT', `/image/v2/images/${made.body.id}/file`, undefined, await readFile(qcow2));
    expect(put.status).toBe(204);

    const v = await call('POST', `/volume/v3/${projectId}/volumes`, {
      volume: { size: 1, imageRef: made.body.id },
    });
    expect(v.status, JSON.stringify(v.body)).toBe(202);
    const shown = (await settled(`/volume/v3/${projectId}/volumes/${v.body.volume.id}`)).body.volume;
    expect(shown).toMatchObject({ status: 'available', bootable: 'true' });
    const volumeFile = await volumeFileOf(shown.id);
    await run('qemu-img', ['compare', '-q', qcow2, volumeFile]);

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
    await run('qemu-img', ['compare', '-q', volumeFile, await volumeFileOf(target.id)]);

    const upload = await call('POST', `/volume/v3/${projectId}/volumes/${shown.id}/action`, {
      'os-volume_upload_image': { image_name: 'from-volume', disk_format: 'qcow2' },
    });
    expect(upload.status, JSON.stringify(upload.body)).toBe(202);
    const imageId = upload.body['os-volume_upload_image'].image_id as string;
    await settled(`/volume/v3/${projectId}/volumes/${shown.id}`);
    expect((await call('GET', `/image/v2/images/${imageId}`)).body).toMatchObject({
      status: 'active',
      disk_format: 'qcow2',
    });
  });

  it('attaches a volume to a booted server through the compute driver, and detaches it', async () => {
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
    const driver = t.compute.driver as FakeDriver;
    expect(driver.volumesOf(serverId).map((d) => d.volumeId)).toEqual([v.body.volume.id]);

    const gone = await call('DELETE', `/volume/v3/${projectId}/attachments/${a.body.attachment.id}`);
    expect(gone.status).toBe(200);
    expect((await settled(`/volume/v3/${projectId}/volumes/${v.body.volume.id}`)).body.volume.status).toBe(
      'available',
    );
    expect(driver.volumesOf(serverId)).toEqual([]);
    await call('DELETE', `/compute/v2.1/servers/${serverId}`);
  });
});
