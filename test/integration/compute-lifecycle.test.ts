// createImage, resize and rebuild through the real app (image service, object store, fake compute
// driver): the snapshot lands in Glance as an active qcow2 whose file can be downloaded, and a server
// can be rebuilt from it.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { tenant } from './network-helpers.js';

const run = promisify(execFile);
let t: TestApp;
let user: string;

async function call(token: string, method: string, path: string, body?: unknown, raw?: Buffer) {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: {
      'x-auth-token': token,
      'openstack-api-version': 'compute 2.79',
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(raw !== undefined && { 'content-type': 'application/octet-stream' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    ...(raw !== undefined && { body: raw }),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const type = res.headers.get('content-type') ?? '';
  const json: any = type.includes('json') && bytes.length > 0 ? JSON.parse(bytes.toString()) : undefined;
  return { status: res.status, headers: res.headers, body: json, bytes };
}

/** Polls the server until `done` holds (the worker runs on its own timer). */
async function until(id: string, done: (server: Record<string, unknown>) => boolean) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const server = (await call(user, 'GET', `/compute/v2.1/servers/${id}`)).body.server;
    if (done(server)) return server;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`server ${id} did not settle`);
}

beforeAll(async () => {
  t = await startTestApp();
  user = (await tenant(t, 'lifecycle-user')).token;
});
afterAll(async () => {
  await t?.close();
});

describe('server lifecycle through the real app', () => {
  it('snapshots a server into Glance, resizes it, and rebuilds it from the snapshot', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nuage-lifecycle-it-'));
    try {
      const qcow2 = join(dir, 'base.qcow2');
      await run('qemu-img', ['create', '-q', '-f', 'qcow2', qcow2, '64M']);
      const image = await call(user, 'POST', '/image/v2/images', {
        name: 'base',
        disk_format: 'qcow2',
        container_format: 'bare',
      });
      expect(image.status).toBe(201);
      const imageId = image.body.id as string;
      const put = await call(
        user,
        'PUT',
        `/image/v2/images/${imageId}/file`,
        undefined,
        await readFile(qcow2),
      );
      expect(put.status).toBe(204);

      const flavor = async (name: string, vcpus: number, ram: number, disk: number) =>
        (
          await call(t.adminToken, 'POST', '/compute/v2.1/flavors', {
            flavor: { name, vcpus, ram, disk },
          })
        ).body.flavor.id as string;
      const small = await flavor('lc.small', 1, 128, 1);
      const big = await flavor('lc.big', 2, 256, 2);
      const created = await call(user, 'POST', '/compute/v2.1/servers', {
        server: { name: 'lc', imageRef: imageId, flavorRef: small, networks: 'none' },
      });
      expect(created.status).toBe(202);
      const id = created.body.server.id as string;
      await until(id, (s) => s.status === 'ACTIVE');

      const snap = await call(user, 'POST', `/compute/v2.1/servers/${id}/action`, {
        createImage: { name: 'lc-snap', metadata: { purpose: 'it' } },
      });
      expect(snap.status).toBe(202);
      const snapId = snap.body.image_id as string;
      await until(id, (s) => s['OS-EXT-STS:task_state'] === null);
      const shown = await call(user, 'GET', `/image/v2/images/${snapId}`);
      expect(shown.body).toMatchObject({
        status: 'active',
        disk_format: 'qcow2',
        container_format: 'bare',
        visibility: 'private',
        image_type: 'snapshot',
        instance_uuid: id,
        base_image_ref: imageId,
        purpose: 'it',
      });
      const file = await call(user, 'GET', `/image/v2/images/${snapId}/file`);
      expect(file.status).toBe(200);
      expect(file.bytes.subarray(0, 4).toString('latin1')).toBe('QFI\xfb');
      expect(file.bytes.length).toBe(shown.body.size);

      await call(user, 'POST', `/compute/v2.1/servers/${id}/action`, { resize: { flavorRef: big } });
      await until(id, (s) => s.status === 'VERIFY_RESIZE');
      const confirm = await call(user, 'POST', `/compute/v2.1/servers/${id}/action`, { confirmResize: null });
      expect(confirm.status).toBe(204);
      const resized = await until(id, (s) => s.status === 'ACTIVE');
      expect(resized.flavor).toMatchObject({ vcpus: 2, ram: 256, original_name: 'lc.big' });

      const rebuilt = await call(user, 'POST', `/compute/v2.1/servers/${id}/action`, {
        rebuild: { imageRef: snapId, name: 'lc-rebuilt' },
      });
      expect(rebuilt.status).toBe(202);
      const after = await until(id, (s) => s.status === 'ACTIVE' && s['OS-EXT-STS:task_state'] === null);
      expect(after).toMatchObject({ name: 'lc-rebuilt', image: { id: snapId } });
      const actions = await call(user, 'GET', `/compute/v2.1/servers/${id}/os-instance-actions`);
      expect(actions.body.instanceActions.map((a: { action: string }) => a.action)).toEqual([
        'rebuild',
        'confirmResize',
        'resize',
        'createImage',
        'create',
      ]);
      expect((await call(user, 'DELETE', `/compute/v2.1/servers/${id}`)).status).toBe(204);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
