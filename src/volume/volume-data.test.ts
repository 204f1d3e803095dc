// The data paths of the block-storage module over HTTP: backups into the object store (full and
// incremental, restore into a new and an existing volume with identical bytes, integrity check),
// upload to an image, and the attachments API driving a fake VolumeHost (with restart re-attach).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DIALECTS,
  type Json,
  type VolumeHarness,
  IMAGE_ID,
  SERVER_ID,
  cinder,
  settled,
  startVolume,
} from './volume-test-support.js';

const run = promisify(execFile);

async function create(h: VolumeHarness, body: Record<string, unknown>): Promise<Json> {
  const res = await cinder(h, 'user', 'POST', '/volumes', { volume: body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return (await settled(h, 'user', res.body.volume.id)).body.volume;
}

const fileOf = (h: VolumeHarness, id: string) => `${h.dataDir}/volumes/volume-${id}.qcow2`;

async function same(h: VolumeHarness, a: string, b: string): Promise<void> {
  await run('qemu-img', ['compare', '-q', '-U', fileOf(h, a), fileOf(h, b)]);
}

describe.each(DIALECTS)('volume data paths ($name)', (dialect) => {
  let h: VolumeHarness;
  beforeAll(async () => {
    h = await startVolume({ chunkBytes: 4 * 1024 * 1024, open: dialect.open });
  });
  afterAll(async () => {
    await h.close();
  });

  it('backs up into chunked objects and restores identical bytes to a new and an existing volume', async () => {
    const source = await create(h, { size: 1, imageRef: IMAGE_ID });
    const made = await cinder(h, 'user', 'POST', '/backups', {
      backup: { volume_id: source.id, name: 'b1' },
    });
    expect(made.status).toBe(202);
    expect(Object.keys(made.body.backup).sort()).toEqual(['id', 'links', 'name']);
    expect((await cinder(h, 'user', 'GET', `/volumes/${source.id}`)).body.volume.status).toBe('backing-up');
    const backup = (await settled(h, 'user', made.body.backup.id, 'backups')).body.backup;
    expect(backup).toMatchObject({
      status: 'available',
      size: 1,
      container: 'volumebackups',
      is_incremental: false,
      has_dependent_backups: false,
      volume_id: source.id,
    });
    // 1 MiB of data in 4 MiB chunks: one data chunk plus the manifest; the zero chunks are not stored.
    expect(backup.object_count).toBe(2);
    expect([...h.objects.data.keys()].filter((k) => k.includes(backup.id))).toHaveLength(2);
    expect((await cinder(h, 'user', 'GET', `/volumes/${source.id}`)).body.volume.status).toBe('available');

    const restored = await cinder(h, 'user', 'POST', `/backups/${backup.id}/restore`, {
      restore: { name: 'r1' },
    });
    expect(restored.status).toBe(202);
    expect(restored.body.restore).toMatchObject({ backup_id: backup.id, volume_name: 'r1' });
    const target = (await settled(h, 'user', restored.body.restore.volume_id)).body.volume;
    expect(target.status).toBe('available');
    await same(h, source.id, target.id);

    const existing = await create(h, { size: 2 });
    const into = await cinder(h, 'user', 'POST', `/backups/${backup.id}/restore`, {
      restore: { volume_id: existing.id },
    });
    expect(into.status).toBe(202);
    expect((await settled(h, 'user', existing.id)).body.volume.status).toBe('available');
    const head = async (id: string) => {
      const out = `${h.dataDir}/head-${id}.raw`;
      await run('qemu-img', [
        'dd',
        '-f',
        'qcow2',
        '-O',
        'raw',
        `if=${fileOf(h, id)}`,
        `of=${out}`,
        'bs=1M',
        'count=1',
      ]);
      return readFile(out);
    };
    expect((await head(existing.id)).equals(h.imageBytes)).toBe(true);

    // An incremental backup of an unchanged volume stores no chunk of its own, only its manifest.
    const inc = await cinder(h, 'user', 'POST', '/backups', {
      backup: { volume_id: source.id, incremental: true },
    });
    const incremental = (await settled(h, 'user', inc.body.backup.id, 'backups')).body.backup;
    expect(incremental).toMatchObject({ status: 'available', is_incremental: true, object_count: 1 });
    expect((await cinder(h, 'user', 'GET', `/backups/${backup.id}`)).body.backup.has_dependent_backups).toBe(
      true,
    );
    const refused = await cinder(h, 'user', 'DELETE', `/backups/${backup.id}`);
    expect(refused.status).toBe(400);
    const fromInc = await cinder(h, 'user', 'POST', `/backups/${incremental.id}/restore`, { restore: {} });
    const third = (await settled(h, 'user', fromInc.body.restore.volume_id)).body.volume;
    await same(h, source.id, third.id);

    const list = await cinder(h, 'user', 'GET', '/backups/detail');
    expect(list.body.backups.map((b: Json) => b.id).sort()).toEqual([backup.id, incremental.id].sort());
    expect((await cinder(h, 'other', 'GET', `/backups/${backup.id}`)).status).toBe(404);

    // A corrupted chunk fails the restore (the target shows error_restoring) instead of writing bad bytes.
    const chunkKey = [...h.objects.data.keys()].find((k) => k.includes(`backup_${backup.id}/chunk_`));
    expect(chunkKey).toBeDefined();
    const good = h.objects.data.get(chunkKey ?? '') as Buffer;
    const bad = Buffer.from(good);
    bad[0] = (bad[0] ?? 0) ^ 0xff;
    h.objects.data.set(chunkKey ?? '', bad);
    const spare = await create(h, { size: 1 });
    await cinder(h, 'user', 'POST', `/backups/${backup.id}/restore`, { restore: { volume_id: spare.id } });
    expect((await settled(h, 'user', spare.id)).body.volume.status).toBe('error_restoring');
    h.objects.data.set(chunkKey ?? '', good);
    // The failed restore settles the volume first and the backup's own status just after.
    await h.module.worker.idle();

    expect((await cinder(h, 'user', 'DELETE', `/backups/${incremental.id}`)).status).toBe(202);
    await h.module.worker.idle();
    expect((await cinder(h, 'user', 'DELETE', `/backups/${backup.id}`)).status).toBe(202);
    await h.module.worker.idle();
    expect([...h.objects.data.keys()]).toEqual([]);
  });

  it('a failed backup records its reason and leaves no object behind', async () => {
    const v = await create(h, { size: 1, imageRef: IMAGE_ID });
    h.objects.failPutsAfter = 1;
    const made = await cinder(h, 'user', 'POST', '/backups', { backup: { volume_id: v.id } });
    const failed = (await settled(h, 'user', made.body.backup.id, 'backups')).body.backup;
    h.objects.failPutsAfter = undefined;
    expect(failed.status).toBe('error');
    expect(failed.fail_reason).toBe('injected put failure');
    expect([...h.objects.data.keys()].filter((k) => k.includes(failed.id))).toEqual([]);
    expect((await cinder(h, 'user', 'GET', `/volumes/${v.id}`)).body.volume.status).toBe('available');
    expect((await cinder(h, 'user', 'DELETE', `/backups/${failed.id}`)).status).toBe(202);
    expect((await settled(h, 'user', failed.id, 'backups')).status).toBe(404);
  });

  it('uploads a volume to a new image', async () => {
    const v = await create(h, { size: 1, imageRef: IMAGE_ID });
    const res = await cinder(h, 'user', 'POST', `/volumes/${v.id}/action`, {
      'os-volume_upload_image': { image_name: 'snap-image', disk_format: 'qcow2' },
    });
    expect(res.status).toBe(202);
    expect(res.body['os-volume_upload_image']).toMatchObject({
      id: v.id,
      status: 'uploading',
      image_name: 'snap-image',
      disk_format: 'qcow2',
    });
    const imageId = res.body['os-volume_upload_image'].image_id as string;
    expect((await settled(h, 'user', v.id)).body.volume.status).toBe('available');
    const upload = h.uploads.get(imageId);
    expect(upload?.sizeBytes).toBeGreaterThan(h.imageBytes.length);
    // The uploaded qcow2 holds the volume's bytes.
    await run('qemu-img', [
      'compare',
      '-q',
      '-f',
      'qcow2',
      '-F',
      'qcow2',
      upload?.path ?? '',
      fileOf(h, v.id),
    ]);
    h.uploads.clear();
  });

  it('attaches through the attachments API, blocks delete while attached, re-attaches and detaches', async () => {
    const v = await create(h, { size: 1 });
    const old = await cinder(
      h,
      'user',
      'POST',
      '/attachments',
      { attachment: { volume_uuid: v.id } },
      '3.26',
    );
    expect(old.status).toBe(404);
    const notUuid = await cinder(h, 'user', 'POST', '/attachments', {
      attachment: { volume_uuid: v.id, instance_uuid: 'nope', connector: {} },
    });
    expect(notUuid.body.badRequest.message).toBe(
      "Invalid input for field/attribute instance_uuid. Value: nope. 'nope' is not a 'uuid'",
    );
    const unknownServer = await cinder(h, 'user', 'POST', '/attachments', {
      attachment: { volume_uuid: v.id, instance_uuid: '55555555-5555-4555-8555-555555555555', connector: {} },
    });
    expect(unknownServer.status).toBe(404);

    const reserved = await cinder(h, 'user', 'POST', '/attachments', {
      attachment: { volume_uuid: v.id, instance_uuid: SERVER_ID },
    });
    expect(reserved.status).toBe(200);
    expect(reserved.body.attachment).toMatchObject({
      status: 'reserved',
      instance: SERVER_ID,
      volume_id: v.id,
      connection_info: null,
    });
    expect((await cinder(h, 'user', 'GET', `/volumes/${v.id}`)).body.volume.status).toBe('reserved');
    const second = await cinder(h, 'user', 'POST', '/attachments', {
      attachment: { volume_uuid: v.id, instance_uuid: SERVER_ID },
    });
    expect(second.status).toBe(400);

    const id = reserved.body.attachment.id as string;
    const updated = await cinder(h, 'user', 'PUT', `/attachments/${id}`, {
      attachment: { connector: { host: 'host-1' } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.attachment.connection_info).toMatchObject({
      driver_volume_type: 'file',
      data: { path: fileOf(h, v.id), format: 'qcow2' },
    });
    await h.module.worker.idle();
    expect(
      (await cinder(h, 'user', 'POST', `/attachments/${id}/action`, { 'os-complete': null })).status,
    ).toBe(204);
    const inUse = (await cinder(h, 'user', 'GET', `/volumes/${v.id}`)).body.volume;
    expect(inUse.status).toBe('in-use');
    expect(inUse.attachments).toEqual([
      expect.objectContaining({ server_id: SERVER_ID, attachment_id: id, volume_id: v.id, id: v.id }),
    ]);
    expect(h.host.plugged.get(v.id)).toBe(fileOf(h, v.id));
    expect((await cinder(h, 'user', 'GET', `/attachments/${id}`)).body.attachment).toMatchObject({
      status: 'attached',
      attach_mode: 'rw',
    });

    expect((await cinder(h, 'user', 'DELETE', `/volumes/${v.id}`)).status).toBe(400);
    // Snapshot of an in-use volume needs force below 3.66.
    expect(
      (await cinder(h, 'user', 'POST', '/snapshots', { snapshot: { volume_id: v.id } }, '3.65')).status,
    ).toBe(400);
    const forced = await cinder(
      h,
      'user',
      'POST',
      '/snapshots',
      { snapshot: { volume_id: v.id, force: true } },
      '3.65',
    );
    expect(forced.status).toBe(202);
    expect((await settled(h, 'user', forced.body.snapshot.id, 'snapshots')).body.snapshot.status).toBe(
      'available',
    );
    // The copy of the attached volume ran with the guest frozen.
    expect(h.host.calls.slice(-2)).toEqual([`freeze ${SERVER_ID}`, `thaw ${SERVER_ID}`]);

    // Online extend at 3.42+ goes through the host.
    const grow = await cinder(
      h,
      'user',
      'POST',
      `/volumes/${v.id}/action`,
      { 'os-extend': { new_size: 2 } },
      '3.42',
    );
    expect(grow.status).toBe(202);
    expect((await settled(h, 'user', v.id)).body.volume).toMatchObject({ size: 2, status: 'in-use' });
    expect(h.host.calls).toContain(`extend ${SERVER_ID} ${v.id} ${2 * 1024 ** 3}`);
    expect(
      (await cinder(h, 'user', 'POST', `/volumes/${v.id}/action`, { 'os-extend': { new_size: 3 } }, '3.41'))
        .status,
    ).toBe(400);

    // A restart: the recorded attachment is plugged back in.
    h.host.plugged.clear();
    expect(await h.module.worker.reattach()).toBe(1);
    expect(h.host.plugged.has(v.id)).toBe(true);
    expect(await h.module.worker.disksOf(SERVER_ID)).toEqual([
      { volumeId: v.id, path: fileOf(h, v.id), format: 'qcow2', readOnly: false },
    ]);

    const detached = await cinder(h, 'user', 'DELETE', `/attachments/${id}`);
    expect(detached.status).toBe(200);
    expect(detached.body).toEqual({ attachments: [] });
    expect((await settled(h, 'user', v.id)).body.volume).toMatchObject({
      status: 'available',
      attachments: [],
    });
    expect(h.host.plugged.has(v.id)).toBe(false);
    expect((await cinder(h, 'user', 'GET', `/attachments/${id}`)).status).toBe(404);

    // A failed hot-plug leaves the attachment in error_attaching and the volume available.
    h.host.failNext = true;
    const failing = await cinder(h, 'user', 'POST', '/attachments', {
      attachment: { volume_uuid: v.id, instance_uuid: SERVER_ID, connector: { host: 'host-1' } },
    });
    expect(failing.body.attachment.status).toBe('attaching');
    await h.module.worker.idle();
    expect(
      (await cinder(h, 'user', 'GET', `/attachments/${failing.body.attachment.id}`)).body.attachment.status,
    ).toBe('error_attaching');
    expect((await cinder(h, 'user', 'GET', `/volumes/${v.id}`)).body.volume.status).toBe('available');
    await cinder(h, 'user', 'DELETE', `/attachments/${failing.body.attachment.id}`);
    await h.module.worker.idle();
    expect((await cinder(h, 'user', 'DELETE', `/volumes/${v.id}?cascade=true`)).status).toBe(202);
    await h.module.worker.idle();
  });

  it('drives more rows than its parallel slots, queueing the rest', async () => {
    const made = await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        cinder(h, 'other', 'POST', '/volumes', { volume: { size: 1, name: `burst-${i}` } }),
      ),
    );
    await h.module.worker.idle();
    // Another project: the earlier tests used up most of p-user's volume quota.
    for (const res of made) {
      expect(res.status).toBe(202);
      expect((await cinder(h, 'other', 'GET', `/volumes/${res.body.volume.id}`)).body.volume.status).toBe(
        'available',
      );
    }
    for (const res of made) await cinder(h, 'other', 'DELETE', `/volumes/${res.body.volume.id}`);
    await h.module.worker.idle();
  });

  it('resumes a task after a lost kick (restart) through sweep', async () => {
    const res = await cinder(h, 'user', 'POST', '/volumes', { volume: { size: 1 } });
    await h.module.worker.idle();
    // Simulate a crash before the worker ran: put the row back to creating, as a restart would find it.
    const row = await h.module.stores.volumes.get(res.body.volume.id);
    await h.module.stores.volumes.update(
      row?.id ?? '',
      row?.version ?? 0,
      { status: 'creating', task: 'create' },
      new Date().toISOString(),
    );
    await h.module.worker.sweep();
    expect((await settled(h, 'user', res.body.volume.id)).body.volume.status).toBe('available');
  });
});
