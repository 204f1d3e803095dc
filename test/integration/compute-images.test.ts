// Nova's image proxy API (/compute/v2.1/images, up to 2.35; image metadata up to 2.38) over the real
// image module: list/detail with filters and paging, show, metadata changes seen by Glance, delete,
// Nova's 404s, and the routes gone above their last microversion.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { glance, projectMember } from './image-helpers.js';

let t: TestApp;
let user: string;
let imageId: string;

async function nova(token: string, method: string, path: string, body?: unknown, version = '2.1') {
  const res = await fetch(`${t.url}/compute${path}`, {
    method,
    headers: {
      'x-auth-token': token,
      'openstack-api-version': `compute ${version}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
}

beforeAll(async () => {
  t = await startTestApp();
  user = (await projectMember(t, 'proxy-images')).token;
  const made = await glance(t, user, 'POST', '/v2/images', {
    name: 'proxied',
    disk_format: 'qcow2',
    container_format: 'bare',
    min_ram: 64,
    flavor: 'small',
  });
  expect(made.status).toBe(201);
  imageId = made.body.id;
  await glance(t, user, 'POST', '/v2/images', {
    name: 'other',
    disk_format: 'raw',
    container_format: 'bare',
  });
});
afterAll(async () => {
  await t?.close();
});

describe('compute image proxy', () => {
  it('lists, filters, pages and shows images as Nova does', async () => {
    const list = await nova(user, 'GET', '/v2.1/images');
    expect(list.status).toBe(200);
    const mine = list.body.images.find((i: any) => i.id === imageId);
    expect(Object.keys(mine).sort()).toEqual(['id', 'links', 'name']);
    expect(mine.links.map((l: any) => l.rel)).toEqual(['self', 'bookmark', 'alternate']);

    const byName = await nova(user, 'GET', '/v2.1/images/detail?name=proxied');
    expect(byName.body.images).toHaveLength(1);
    expect(byName.body.images[0]).toMatchObject({
      id: imageId,
      status: 'SAVING',
      progress: 25,
      minRam: 64,
      minDisk: 0,
      metadata: { flavor: 'small' },
      'OS-EXT-IMG-SIZE:size': null,
    });
    expect(byName.body.images[0].created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((await nova(user, 'GET', '/v2.1/images?property-flavor=small')).body.images).toHaveLength(1);

    const page = await nova(user, 'GET', '/v2.1/images?limit=1');
    expect(page.body.images).toHaveLength(1);
    expect(page.body.images_links[0].href).toContain(`marker=${page.body.images[0].id}`);
    const next = await nova(user, 'GET', `/v2.1/images?limit=1&marker=${page.body.images[0].id}`);
    expect(next.body.images[0].id).not.toBe(page.body.images[0].id);
    expect((await nova(user, 'GET', '/v2.1/images?limit=0x')).status).toBe(400);
    expect((await nova(user, 'GET', '/v2.1/images?marker=nope')).status).toBe(400);

    const show = await nova(user, 'GET', `/v2.1/images/${imageId}`);
    expect(show.body.image).toMatchObject({ id: imageId, name: 'proxied' });
    const missing = await nova(user, 'GET', '/v2.1/images/00000000-0000-4000-8000-000000000000');
    expect(missing).toEqual({
      status: 404,
      body: { itemNotFound: { code: 404, message: 'Image not found.' } },
    });
  });

  it('changes image metadata through Glance properties', async () => {
    const base = `/v2.1/images/${imageId}/metadata`;
    const added = await nova(user, 'POST', base, { metadata: { os: 'linux' } });
    expect(added).toEqual({ status: 200, body: { metadata: { flavor: 'small', os: 'linux' } } });
    const item = await nova(user, 'PUT', `${base}/os`, { meta: { os: 'bsd' } });
    expect(item).toEqual({ status: 200, body: { meta: { os: 'bsd' } } });
    expect((await nova(user, 'PUT', `${base}/os`, { meta: { other: 'x' } })).status).toBe(400);
    expect((await nova(user, 'POST', base, { metadata: { k: 1 } })).status).toBe(400);
    expect((await glance(t, user, 'GET', `/v2/images/${imageId}`)).body.os).toBe('bsd');

    const replaced = await nova(user, 'PUT', base, { metadata: { only: 'this' } });
    expect(replaced.body).toEqual({ metadata: { only: 'this' } });
    expect((await nova(user, 'GET', `${base}/only`)).body).toEqual({ meta: { only: 'this' } });
    expect((await nova(user, 'GET', `${base}/gone`)).status).toBe(404);
    expect((await nova(user, 'DELETE', `${base}/only`)).status).toBe(204);
    expect((await nova(user, 'DELETE', `${base}/only`)).status).toBe(404);
    expect((await nova(user, 'GET', base)).body).toEqual({ metadata: {} });
  });

  it('hides the routes above their last microversion and deletes images', async () => {
    expect((await nova(user, 'GET', '/v2.1/images', undefined, '2.35')).status).toBe(200);
    expect((await nova(user, 'GET', '/v2.1/images', undefined, '2.36')).status).toBe(404);
    expect((await nova(user, 'GET', `/v2.1/images/${imageId}/metadata`, undefined, '2.38')).status).toBe(200);
    expect((await nova(user, 'GET', `/v2.1/images/${imageId}/metadata`, undefined, '2.39')).status).toBe(404);

    expect((await nova(user, 'DELETE', `/v2.1/images/${imageId}`)).status).toBe(204);
    expect((await nova(user, 'GET', `/v2.1/images/${imageId}`)).status).toBe(404);
    expect((await nova(user, 'DELETE', `/v2.1/images/${imageId}`)).status).toBe(404);
  });
});
