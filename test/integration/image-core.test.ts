// Glance v2 over HTTP: discovery and schemas, create → upload → download with identical checksums,
// ranges, PATCH, protected delete, deactivate, tags, and bad input answered with Glance-shaped 4xx.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { glance, makeQcow2, md5, patch, scratch, sha512 } from './image-helpers.js';

let app: TestApp;
let token: string;
const dir = scratch();

beforeAll(async () => {
  app = await startTestApp();
  token = app.adminToken;
});
afterAll(async () => {
  await app?.close();
});

async function createImage(body: Record<string, unknown> = {}) {
  const res = await glance(app, token, 'POST', '/v2/images', {
    name: 'img',
    disk_format: 'qcow2',
    container_format: 'bare',
    ...body,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Record<string, any>;
}

describe('image discovery and schemas', () => {
  it('answers 300 at /image/ and lists versions at /image/versions', async () => {
    const root = await fetch(`${app.url}/image/`);
    expect(root.status).toBe(300);
    const body = (await root.json()) as { versions: Array<{ id: string; status: string }> };
    expect(body.versions[0]).toMatchObject({ status: 'CURRENT' });
    expect(body.versions[0]?.id).toMatch(/^v2\./);
    expect((await fetch(`${app.url}/image/versions`)).status).toBe(200);
  });

  it('publishes the image schema with string additional properties', async () => {
    const res = await glance(app, token, 'GET', '/v2/schemas/image');
    expect(res.body.additionalProperties).toEqual({ type: 'string' });
    expect(res.body.properties.disk_format.enum).toContain('qcow2');
    for (const s of ['images', 'member', 'members'])
      expect((await glance(app, token, 'GET', `/v2/schemas/${s}`)).status).toBe(200);
  });

  it('needs a token and answers in Glance error shape', async () => {
    const res = await fetch(`${app.url}/image/v2/images`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: '401 Unauthorized', title: 'Unauthorized' });
  });
});

describe('image data', () => {
  it('creates queued, uploads to active, downloads identical bytes', async () => {
    const data = makeQcow2(dir);
    const image = await createImage();
    expect(image.status).toBe('queued');
    expect(image.visibility).toBe('shared');
    const put = await glance(app, token, 'PUT', `/v2/images/${image.id}/file`, data);
    expect(put.status, put.bytes.toString()).toBe(204);
    const shown = (await glance(app, token, 'GET', `/v2/images/${image.id}`)).body;
    expect(shown).toMatchObject({
      status: 'active',
      size: data.length,
      virtual_size: 64 * 1024 * 1024,
      checksum: md5(data),
      os_hash_algo: 'sha512',
      os_hash_value: sha512(data),
    });
    // Glance filters by its size columns exactly, not as custom properties.
    for (const query of [`size=${data.length}`, `virtual_size=in:1,${64 * 1024 * 1024}`, 'min_ram=0']) {
      const ids = (await glance(app, token, 'GET', `/v2/images?${query}`)).body.images.map((i: any) => i.id);
      expect(ids, query).toContain(image.id);
    }
    expect((await glance(app, token, 'GET', `/v2/images?size=${data.length + 1}`)).body.images).toEqual([]);

    const got = await glance(app, token, 'GET', `/v2/images/${image.id}/file`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-md5')).toBe(md5(data));
    expect(md5(got.bytes)).toBe(md5(data));
    expect(sha512(got.bytes)).toBe(sha512(data));

    const part = await glance(app, token, 'GET', `/v2/images/${image.id}/file`, undefined, {
      range: 'bytes=0-3',
    });
    expect(part.status).toBe(206);
    expect(part.bytes).toEqual(data.subarray(0, 4));
    expect(part.headers.get('content-range')).toBe(`bytes 0-3/${data.length}`);

    const again = await glance(app, token, 'PUT', `/v2/images/${image.id}/file`, data);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('409 Conflict');
  });

  it('refuses a qcow2 whose backing file points at a host file (415, the image back to queued)', async () => {
    const { makeBackedQcow2 } = await import('./image-helpers.js');
    const image = await createImage();
    const put = await glance(app, token, 'PUT', `/v2/images/${image.id}/file`, makeBackedQcow2(dir));
    expect(put.status).toBe(415);
    expect(put.body.message).toMatch(/backing file/);
    expect((await glance(app, token, 'GET', `/v2/images/${image.id}`)).body.status).toBe('queued');
    expect((await glance(app, token, 'GET', `/v2/images/${image.id}/file`)).status).toBe(204);
  });

  it('refuses a qcow2 with an external data file and a VMDK naming a host file', async () => {
    const dataFile = join(dir, 'data.raw');
    execFileSync('truncate', ['-s', '1M', dataFile]);
    execFileSync('qemu-img', [
      'create',
      '-f',
      'qcow2',
      '-o',
      `data_file=${dataFile}`,
      join(dir, 'df.qcow2'),
      '1M',
    ]);
    const qcow = await createImage();
    const put = await glance(
      app,
      token,
      'PUT',
      `/v2/images/${qcow.id}/file`,
      readFileSync(join(dir, 'df.qcow2')),
    );
    expect(put.status).toBe(415);
    expect(put.body.message).toMatch(/data file/);
    expect((await glance(app, token, 'GET', `/v2/images/${qcow.id}`)).body.status).toBe('queued');

    const descriptor = [
      '# Disk DescriptorFile',
      'version=1',
      'CID=fffffffe',
      'parentCID=ffffffff',
      'createType="monolithicFlat"',
      'RW 2048 FLAT "/etc/passwd" 0',
      '',
    ].join('\n');
    const vmdk = await createImage({ disk_format: 'vmdk' });
    const refused = await glance(app, token, 'PUT', `/v2/images/${vmdk.id}/file`, Buffer.from(descriptor));
    expect(refused.status).toBe(415);
    expect((await glance(app, token, 'GET', `/v2/images/${vmdk.id}`)).body.status).toBe('queued');
  });

  it('accepts a self-contained VMDK', async () => {
    const path = join(dir, 'ok.vmdk');
    execFileSync('qemu-img', ['create', '-f', 'vmdk', path, '16M']);
    const image = await createImage({ disk_format: 'vmdk' });
    const put = await glance(app, token, 'PUT', `/v2/images/${image.id}/file`, readFileSync(path));
    expect(put.status, put.bytes.toString()).toBe(204);
    expect((await glance(app, token, 'GET', `/v2/images/${image.id}`)).body).toMatchObject({
      status: 'active',
      virtual_size: 16 * 1024 * 1024,
    });
  });

  it('refuses raw data declared as qcow2 in a bare container, as Glance does', async () => {
    const image = await createImage();
    const put = await glance(app, token, 'PUT', `/v2/images/${image.id}/file`, Buffer.alloc(1 << 20, 7));
    expect(put.status).toBe(415);
    expect(put.body.message).toBe('Image disk_format qcow2 does not match stream data raw');
    expect((await glance(app, token, 'GET', `/v2/images/${image.id}`)).body.status).toBe('queued');
  });

  it('accepts data that does not match its disk_format outside bare containers, without a virtual size', async () => {
    // Tempest's image tests upload random bytes as ami/vhd/vmdk images: Glance inspects bare only.
    const image = await createImage({ container_format: 'ami', disk_format: 'vhd' });
    const put = await glance(app, token, 'PUT', `/v2/images/${image.id}/file`, Buffer.alloc(4096, 3));
    expect(put.status).toBe(204);
    const shown = (await glance(app, token, 'GET', `/v2/images/${image.id}`)).body;
    expect(shown).toMatchObject({ status: 'active', size: 4096, virtual_size: null });
  });

  it('accepts raw declared raw and stages + imports with glance-direct', async () => {
    const info = await glance(app, token, 'GET', '/v2/info/import');
    expect(info.body['import-methods'].value).toEqual(['glance-direct']);
    const data = Buffer.alloc(3 << 20, 1);
    const image = await createImage({ disk_format: 'raw' });
    expect((await glance(app, token, 'PUT', `/v2/images/${image.id}/stage`, data)).status).toBe(204);
    expect((await glance(app, token, 'GET', `/v2/images/${image.id}`)).body.status).toBe('uploading');
    const web = await glance(app, token, 'POST', `/v2/images/${image.id}/import`, {
      method: { name: 'web-download' },
    });
    expect(web.status).toBe(400);
    expect(web.body.message).toMatch(/no outbound network/);
    const imp = await glance(app, token, 'POST', `/v2/images/${image.id}/import`, {
      method: { name: 'glance-direct' },
    });
    expect(imp.status).toBe(202);
    const shown = (await glance(app, token, 'GET', `/v2/images/${image.id}`)).body;
    expect(shown).toMatchObject({
      status: 'active',
      size: data.length,
      checksum: md5(data),
      virtual_size: data.length,
    });
    expect(md5((await glance(app, token, 'GET', `/v2/images/${image.id}/file`)).bytes)).toBe(md5(data));
  });
});

describe('image records', () => {
  it('patches core and custom properties, refusing read-only ones', async () => {
    const image = await createImage();
    const ok = await patch(app, token, image.id, [
      { op: 'replace', path: '/name', value: 'renamed' },
      { op: 'add', path: '/os_distro', value: 'debian' },
      { op: 'add', path: '/min_ram', value: 512 },
    ]);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: 'renamed', os_distro: 'debian', min_ram: 512 });
    const removed = await patch(app, token, image.id, [{ op: 'remove', path: '/os_distro' }]);
    expect(removed.body.os_distro).toBeUndefined();
    expect(
      (await patch(app, token, image.id, [{ op: 'replace', path: '/status', value: 'active' }])).status,
    ).toBe(403);
    expect((await patch(app, token, image.id, '[{"op": "add", "path"')).status).toBe(400);
    expect((await patch(app, token, image.id, [{ op: 'move', path: '/name' }])).status).toBe(400);
    expect(
      (await patch(app, token, image.id, [{ op: 'add', path: '/name', value: 'x' }], 'application/json'))
        .status,
    ).toBe(415);
  });

  it('rejects bad input with 400', async () => {
    const unknown = await glance(app, token, 'POST', '/v2/images', { name: 'x', disk_format: 'floppy' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: '400 Bad Request', title: 'Bad Request' });
    const big = await glance(app, token, 'POST', '/v2/images', { name: 'x', big: 'a'.repeat(1 << 20) });
    expect(big.status).toBe(400);
    expect((await glance(app, token, 'POST', '/v2/images', { container_format: 'tarball' })).status).toBe(
      400,
    );
    expect((await glance(app, token, 'GET', '/v2/images/not-a-uuid')).status).toBe(404);
    expect((await glance(app, token, 'GET', '/v2/images?sort_key=bogus')).status).toBe(400);
    expect((await glance(app, token, 'GET', '/v2/images?size_min=abc')).status).toBe(400);
    expect((await glance(app, token, 'GET', '/v2/images?size=abc')).status).toBe(400);
    const noFormat = (await glance(app, token, 'POST', '/v2/images', { name: 'nf' })).body;
    expect((await glance(app, token, 'PUT', `/v2/images/${noFormat.id}/file`, Buffer.from('x'))).status).toBe(
      400,
    );
  });

  it('refuses to delete a protected image, then deletes it once unprotected', async () => {
    const image = await createImage({ protected: true });
    const refused = await glance(app, token, 'DELETE', `/v2/images/${image.id}`);
    expect(refused.status).toBe(403);
    await patch(app, token, image.id, [{ op: 'replace', path: '/protected', value: false }]);
    expect((await glance(app, token, 'DELETE', `/v2/images/${image.id}`)).status).toBe(204);
    expect((await glance(app, token, 'GET', `/v2/images/${image.id}`)).status).toBe(404);
  });

  it('deactivates and reactivates an active image; tags', async () => {
    const image = await createImage({ disk_format: 'raw' });
    await glance(app, token, 'PUT', `/v2/images/${image.id}/file`, Buffer.alloc(4096));
    expect((await glance(app, token, 'POST', `/v2/images/${image.id}/actions/deactivate`)).status).toBe(204);
    expect((await glance(app, token, 'GET', `/v2/images/${image.id}`)).body.status).toBe('deactivated');
    expect((await glance(app, token, 'POST', `/v2/images/${image.id}/actions/reactivate`)).status).toBe(204);
    expect((await glance(app, token, 'PUT', `/v2/images/${image.id}/tags/blue`)).status).toBe(204);
    expect((await glance(app, token, 'GET', `/v2/images/${image.id}`)).body.tags).toEqual(['blue']);
    expect((await glance(app, token, 'DELETE', `/v2/images/${image.id}/tags/blue`)).status).toBe(204);
    expect((await glance(app, token, 'DELETE', `/v2/images/${image.id}/tags/blue`)).status).toBe(404);
  });
});
