// Cinder v3 in the real app with `volume.backend = rbd` on the rig: volumes from nothing and from a Glance
// image, snapshots and the volumes made from them (copy-on-write clones), clones of volumes, extend,
// backups into the object store and their restore, upload to an image, and the RBD connection info of
// an attachment — each checked in the pool itself.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeDriver } from '../../src/compute/driver/fake/fake-driver.js';
import { cephRig, type CephRig } from '../support/ceph-rig.js';
import { startTestApp, type TestApp } from '../support/app.js';

const run = promisify(execFile);
const GIB = 1024 ** 3;
type Json = any;

let t: TestApp;
let rig: CephRig;
let scratch: string;
let projectId: string;
let volumesUrl: string;

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
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : undefined };
}

/** Creates a volume and waits for the worker; returns the shown volume. */
async function volume(body: Record<string, unknown>): Promise<Json> {
  const made = await call('POST', volumesUrl, { volume: body });
  expect(made.status, JSON.stringify(made.body)).toBe(202);
  await t.volume.worker.idle();
  const shown = (await call('GET', `${volumesUrl}/${made.body.volume.id}`)).body.volume;
  expect(shown.status).toBe('available');
  return shown;
}

/** A Glance image of a local file; returns its id. */
async function uploadImage(name: string, file: string, diskFormat: 'raw' | 'qcow2'): Promise<string> {
  const image = await call('POST', '/image/v2/images', {
    name,
    disk_format: diskFormat,
    container_format: 'bare',
  });
  expect(image.status).toBe(201);
  const put = await call('PUT', `/image/v2/images/${image.body.id}/file`, undefined, await readFile(file));
  expect(put.status).toBe(204);
  return image.body.id as string;
}

const imageOf = (volumeId: string) => ({ pool: 'volumes', image: `volume-${volumeId}` });
const qemuName = (volumeId: string) => rig.rbd.qemuFilename(imageOf(volumeId));

beforeAll(async () => {
  rig = cephRig();
  scratch = await mkdtemp(join(tmpdir(), 'nuage-rbd-api-'));
  t = await startTestApp({
    config: {
      'volume.backend': 'rbd',
      'volume.rbdPool': 'volumes',
      'ceph.conf': rig.client.confPath,
      'ceph.user': rig.client.user,
    },
  });
  const res = await fetch(`${t.identityUrl}/v3/auth/tokens`, {
    headers: { 'x-auth-token': t.adminToken, 'x-subject-token': t.adminToken },
  });
  projectId = ((await res.json()) as Json).token.project.id as string;
  volumesUrl = `/volume/v3/${projectId}/volumes`;
});

afterAll(async () => {
  await t?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('block storage on RBD in the real app', () => {
  it('makes volumes from an image, snapshots, clones; extends and deletes them in the pool', async () => {
    const qcow2 = join(scratch, 'img.qcow2');
    await writeFile(join(scratch, 'img.raw'), randomBytes(256 * 1024));
    await run('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', join(scratch, 'img.raw'), qcow2]);
    const fromImage = await volume({ size: 1, imageRef: await uploadImage('tiny', qcow2, 'qcow2') });
    expect(fromImage.bootable).toBe('true');
    await run('qemu-img', ['compare', '-q', qcow2, qemuName(fromImage.id)]);

    const s = await call('POST', `/volume/v3/${projectId}/snapshots`, {
      snapshot: { volume_id: fromImage.id, name: 'snap' },
    });
    expect(s.status, JSON.stringify(s.body)).toBe(202);
    await t.volume.worker.idle();
    const snapshotId = s.body.snapshot.id as string;
    expect((await call('GET', `/volume/v3/${projectId}/snapshots/${snapshotId}`)).body.snapshot.status).toBe(
      'available',
    );
    const fromSnapshot = await volume({ size: 2, snapshot_id: snapshotId });
    expect((await rig.rbd.info(imageOf(fromSnapshot.id)))?.parent).toEqual({
      ...imageOf(fromImage.id),
      snapshot: `snapshot-${snapshotId}`,
    });
    const cloned = await volume({ size: 1, source_volid: fromImage.id });
    await run('qemu-img', ['compare', '-q', qcow2, qemuName(cloned.id)]);
    await run('qemu-img', ['compare', '-q', qcow2, qemuName(fromSnapshot.id)]);

    const extend = await call('POST', `${volumesUrl}/${cloned.id}/action`, { 'os-extend': { new_size: 3 } });
    expect(extend.status).toBe(202);
    await t.volume.worker.idle();
    expect((await rig.rbd.info(imageOf(cloned.id)))?.sizeBytes).toBe(3 * GIB);

    // The snapshot goes while a volume still depends on it: that volume is flattened and keeps its bytes.
    expect((await call('DELETE', `/volume/v3/${projectId}/snapshots/${snapshotId}`)).status).toBe(202);
    await t.volume.worker.idle();
    expect((await rig.rbd.info(imageOf(fromSnapshot.id)))?.parent).toBeUndefined();
    await run('qemu-img', ['compare', '-q', qcow2, qemuName(fromSnapshot.id)]);
    for (const v of [fromSnapshot, cloned, fromImage]) {
      expect((await call('DELETE', `${volumesUrl}/${v.id}`)).status).toBe(202);
    }
    // Deletes may run after idle() returns (the task engine): wait for the images to go, within reason.
    const names = [fromSnapshot, cloned, fromImage].map((v: Json) => `volume-${v.id as string}`);
    let left = await rig.rbd.list('volumes');
    for (let i = 0; i < 50 && names.some((n) => left.includes(n)); i++) {
      await new Promise((r) => setTimeout(r, 200));
      await t.volume.worker.idle();
      left = await rig.rbd.list('volumes');
    }
    for (const name of names) expect(left).not.toContain(name);
  });

  it('backs a volume up into the object store, restores it, and uploads it to an image', async () => {
    const raw = join(scratch, 'data.raw');
    await writeFile(raw, randomBytes(1024 * 1024));
    const source = await volume({ size: 1, imageRef: await uploadImage('data', raw, 'raw') });

    const b = await call('POST', `/volume/v3/${projectId}/backups`, { backup: { volume_id: source.id } });
    expect(b.status, JSON.stringify(b.body)).toBe(202);
    await t.volume.worker.idle();
    const backup = (await call('GET', `/volume/v3/${projectId}/backups/${b.body.backup.id}`)).body.backup;
    // One 32 MiB chunk holds the written MiB; the rest of the volume was never read (rbd diff).
    expect(backup).toMatchObject({ status: 'available', object_count: 2 });
    expect(await rig.rbd.snapshots(imageOf(source.id))).toEqual([]);

    const restored = await call('POST', `/volume/v3/${projectId}/backups/${backup.id}/restore`, {
      restore: {},
    });
    expect(restored.status, JSON.stringify(restored.body)).toBe(202);
    await t.volume.worker.idle();
    const target = restored.body.restore.volume_id as string;
    expect((await call('GET', `${volumesUrl}/${target}`)).body.volume.status).toBe('available');
    await run('qemu-img', ['compare', '-q', qemuName(source.id), qemuName(target)]);

    const upload = await call('POST', `${volumesUrl}/${source.id}/action`, {
      'os-volume_upload_image': { image_name: 'from-rbd', disk_format: 'qcow2' },
    });
    expect(upload.status, JSON.stringify(upload.body)).toBe(202);
    await t.volume.worker.idle();
    const uploaded = upload.body['os-volume_upload_image'].image_id as string;
    expect((await call('GET', `/image/v2/images/${uploaded}`)).body).toMatchObject({
      status: 'active',
      disk_format: 'qcow2',
    });
    const file = await fetch(`${t.url}/image/v2/images/${uploaded}/file`, {
      headers: { 'x-auth-token': t.adminToken },
    });
    const back = join(scratch, 'back.qcow2');
    await writeFile(back, Buffer.from(await file.arrayBuffer()));
    await run('qemu-img', ['compare', '-q', back, qemuName(source.id)]);
  });

  it('boots a server from a new RBD volume made from an image: the driver gets the RBD root', async () => {
    const raw = join(scratch, 'root.raw');
    await writeFile(raw, randomBytes(64 * 1024));
    const imageId = await uploadImage('root', raw, 'raw');
    const flavor = await call('POST', '/compute/v2.1/flavors', {
      flavor: { name: 'r.bfv', ram: 64, vcpus: 1, disk: 1 },
    });
    const server = await call('POST', '/compute/v2.1/servers', {
      server: {
        name: 'bfv',
        imageRef: '',
        flavorRef: flavor.body.flavor.id,
        networks: 'none',
        block_device_mapping_v2: [
          {
            boot_index: 0,
            uuid: imageId,
            source_type: 'image',
            destination_type: 'volume',
            volume_size: 1,
            delete_on_termination: true,
          },
        ],
      },
    });
    expect(server.status, JSON.stringify(server.body)).toBe(202);
    const serverId = server.body.server.id as string;
    let status = '';
    for (let i = 0; i < 200 && status !== 'ACTIVE' && status !== 'ERROR'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await call('GET', `/compute/v2.1/servers/${serverId}`)).body.server.status;
    }
    expect(status).toBe('ACTIVE');
    const root = (t.compute.driver as FakeDriver).specOf(serverId).rootDisk;
    expect(root).toMatchObject({ kind: 'rbd', pool: 'volumes' });
    const volumeId = (root as { volumeId: string }).volumeId;
    expect(root).toMatchObject({ image: `volume-${volumeId}` });
    await run('qemu-img', ['compare', '-q', '-f', 'raw', '-F', 'raw', raw, qemuName(volumeId)]);

    expect((await call('DELETE', `/compute/v2.1/servers/${serverId}`)).status).toBe(204);
    for (let i = 0; i < 100 && (await rig.rbd.info(imageOf(volumeId))) !== undefined; i++) {
      await new Promise((r) => setTimeout(r, 200));
      await t.volume.worker.idle();
    }
    expect(await rig.rbd.info(imageOf(volumeId))).toBeUndefined();
  });

  it('hands the compute driver an RBD target and Cinder an rbd connection', async () => {
    const flavor = await call('POST', '/compute/v2.1/flavors', {
      flavor: { name: 'r.tiny', ram: 64, vcpus: 1, disk: 1 },
    });
    const raw = join(scratch, 'boot.raw');
    await writeFile(raw, randomBytes(64 * 1024));
    const imageId = await uploadImage('boot', raw, 'raw');
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

    const v = await volume({ size: 1 });
    const a = await call('POST', `/volume/v3/${projectId}/attachments`, {
      attachment: { volume_uuid: v.id, instance_uuid: serverId, connector: { host: 'host-1' } },
    });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.body.attachment.connection_info).toMatchObject({
      driver_volume_type: 'rbd',
      data: { name: `volumes/volume-${v.id}`, volume_id: v.id },
    });
    // Monitors and credentials are each host's own: none travels in the connection info.
    expect(JSON.stringify(a.body.attachment.connection_info)).not.toMatch(/key|secret|auth_username/);
    await t.volume.worker.idle();
    const driver = t.compute.driver as FakeDriver;
    expect(driver.volumesOf(serverId)).toEqual([
      expect.objectContaining({ volumeId: v.id, kind: 'rbd', pool: 'volumes', image: `volume-${v.id}` }),
    ]);
    expect((await call('DELETE', `/volume/v3/${projectId}/attachments/${a.body.attachment.id}`)).status).toBe(
      200,
    );
    await t.volume.worker.idle();
    expect(driver.volumesOf(serverId)).toEqual([]);
    await call('DELETE', `/compute/v2.1/servers/${serverId}`);
  });
});
