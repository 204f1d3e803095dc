// Glance v2 listing and sharing over HTTP: filters, sorting and marker paging with next links, the
// visibility rules (public only by cloud admins), the members flow, and the per-project quotas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { glance, patch, projectMember } from './image-helpers.js';

let app: TestApp;
let alice: { projectId: string; token: string };
let bob: { projectId: string; token: string };

beforeAll(async () => {
  app = await startTestApp();
  alice = await projectMember(app, 'alice');
  bob = await projectMember(app, 'bob');
});
afterAll(async () => {
  await app?.close();
});

async function create(token: string, body: Record<string, unknown>) {
  const res = await glance(app, token, 'POST', '/v2/images', {
    disk_format: 'raw',
    container_format: 'bare',
    ...body,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Record<string, any>;
}

const names = (res: { body: { images: Array<{ name: string }> } }) => res.body.images.map((i) => i.name);

describe('listing', () => {
  it('filters, sorts and pages with next links', async () => {
    for (const n of ['l-c', 'l-a', 'l-b', 'l-d'])
      await create(alice.token, { name: n, tags: n === 'l-a' ? ['x'] : [] });
    await glance(
      app,
      alice.token,
      'PUT',
      `/v2/images/${(await create(alice.token, { name: 'l-e' })).id}/file`,
      Buffer.alloc(10_000),
    );
    const list = (q: string) => glance(app, alice.token, 'GET', `/v2/images?${q}`);
    expect(names(await list('name=l-b'))).toEqual(['l-b']);
    expect(names(await list('tag=x'))).toEqual(['l-a']);
    expect(names(await list('status=active'))).toEqual(['l-e']);
    expect(names(await list('size_min=5000&size_max=20000'))).toEqual(['l-e']);
    expect(names(await list('name=in:l-a,l-d&sort=name:asc'))).toEqual(['l-a', 'l-d']);
    expect(names(await list('sort=name:asc'))).toEqual(['l-a', 'l-b', 'l-c', 'l-d', 'l-e']);
    expect(names(await list('sort_key=name&sort_dir=desc'))).toEqual(['l-e', 'l-d', 'l-c', 'l-b', 'l-a']);
    expect(names(await list('created_at=gt:2000-01-01T00:00:00Z&sort=name:asc&limit=1'))).toEqual(['l-a']);
    expect(names(await list('created_at=lt:2000-01-01T00:00:00Z'))).toEqual([]);

    const first = await list('sort=name:asc&limit=2');
    expect(names(first)).toEqual(['l-a', 'l-b']);
    expect(first.body.next).toMatch(/^\/v2\/images\?/);
    const second = await glance(app, alice.token, 'GET', first.body.next.replace(/^\/v2/, '/v2'));
    expect(names(second)).toEqual(['l-c', 'l-d']);
    const third = await glance(app, alice.token, 'GET', second.body.next);
    expect(names(third)).toEqual(['l-e']);
    expect(third.body.next).toBeUndefined();
    expect((await list('marker=00000000-0000-0000-0000-000000000000')).status).toBe(400);
  });

  it('hides os_hidden images unless asked', async () => {
    await create(alice.token, { name: 'hidden-one', os_hidden: true });
    const res = await glance(app, alice.token, 'GET', '/v2/images?name=hidden-one');
    expect(names(res)).toEqual([]);
    expect(names(await glance(app, alice.token, 'GET', '/v2/images?name=hidden-one&os_hidden=true'))).toEqual(
      ['hidden-one'],
    );
  });
});

describe('visibility and members', () => {
  it('lets only cloud admins publicize', async () => {
    const refused = await glance(app, alice.token, 'POST', '/v2/images', {
      name: 'pub',
      visibility: 'public',
    });
    expect(refused.status).toBe(403);
    const img = await create(alice.token, { name: 'to-publish' });
    expect(
      (await patch(app, alice.token, img.id, [{ op: 'replace', path: '/visibility', value: 'public' }]))
        .status,
    ).toBe(403);
    const pub = await create(app.adminToken, { name: 'admin-public', visibility: 'public' });
    expect((await glance(app, bob.token, 'GET', `/v2/images/${pub.id}`)).status).toBe(200);
  });

  it('hides private images from other projects (404)', async () => {
    const img = await create(alice.token, { name: 'secret', visibility: 'private' });
    expect((await glance(app, bob.token, 'GET', `/v2/images/${img.id}`)).status).toBe(404);
    expect((await glance(app, bob.token, 'DELETE', `/v2/images/${img.id}`)).status).toBe(404);
    expect(
      (await glance(app, alice.token, 'POST', `/v2/images/${img.id}/members`, { member: bob.projectId }))
        .status,
    ).toBe(403);
  });

  it('shares through members: pending, accepted (listed), rejected', async () => {
    const img = await create(alice.token, { name: 'shared-img' });
    const add = await glance(app, alice.token, 'POST', `/v2/images/${img.id}/members`, {
      member: bob.projectId,
    });
    expect(add.status).toBe(200);
    expect(add.body).toMatchObject({ image_id: img.id, member_id: bob.projectId, status: 'pending' });
    expect(
      (await glance(app, alice.token, 'POST', `/v2/images/${img.id}/members`, { member: bob.projectId }))
        .status,
    ).toBe(409);
    // Pending: visible by id, not in the default list.
    expect((await glance(app, bob.token, 'GET', `/v2/images/${img.id}`)).status).toBe(200);
    expect(names(await glance(app, bob.token, 'GET', '/v2/images?name=shared-img'))).toEqual([]);
    expect(
      names(await glance(app, bob.token, 'GET', '/v2/images?name=shared-img&member_status=pending')),
    ).toEqual(['shared-img']);
    // Only the member changes its status.
    const byOwner = await glance(app, alice.token, 'PUT', `/v2/images/${img.id}/members/${bob.projectId}`, {
      status: 'accepted',
    });
    expect(byOwner.status).toBe(403);
    // openstacksdk (`openstack image set --accept`) sends the member back with its new status.
    const accept = await glance(app, bob.token, 'PUT', `/v2/images/${img.id}/members/${bob.projectId}`, {
      member: bob.projectId,
      status: 'accepted',
    });
    expect(accept.body.status).toBe('accepted');
    expect(names(await glance(app, bob.token, 'GET', '/v2/images?name=shared-img'))).toEqual(['shared-img']);
    expect((await glance(app, bob.token, 'GET', `/v2/images/${img.id}/members`)).body.members).toHaveLength(
      1,
    );
    // Members cannot modify the image.
    expect(
      (await patch(app, bob.token, img.id, [{ op: 'replace', path: '/name', value: 'mine' }])).status,
    ).toBe(403);
    const bad = await glance(app, bob.token, 'PUT', `/v2/images/${img.id}/members/${bob.projectId}`, {
      status: 'maybe',
    });
    expect(bad.status).toBe(400);
    const unknown = await glance(app, bob.token, 'PUT', `/v2/images/${img.id}/members/${bob.projectId}`, {
      status: 'accepted',
      colour: 'blue',
    });
    expect(unknown.status).toBe(400);
    await glance(app, bob.token, 'PUT', `/v2/images/${img.id}/members/${bob.projectId}`, {
      status: 'rejected',
    });
    expect(names(await glance(app, bob.token, 'GET', '/v2/images?name=shared-img'))).toEqual([]);
    expect(
      (await glance(app, alice.token, 'DELETE', `/v2/images/${img.id}/members/${bob.projectId}`)).status,
    ).toBe(204);
    expect((await glance(app, bob.token, 'GET', `/v2/images/${img.id}`)).status).toBe(404);
  });

  it('lists community images only when asked', async () => {
    await create(alice.token, { name: 'comm', visibility: 'community' });
    expect(names(await glance(app, bob.token, 'GET', '/v2/images?name=comm'))).toEqual([]);
    expect(names(await glance(app, bob.token, 'GET', '/v2/images?name=comm&visibility=community'))).toEqual([
      'comm',
    ]);
  });
});

describe('quotas', () => {
  it('stops an upload past image_size_total with 413 and reports usage', async () => {
    const carol = await projectMember(app, 'carol');
    const usage = await glance(app, carol.token, 'GET', '/v2/info/usage');
    expect(usage.body.usage.image_count_total).toMatchObject({ usage: 0, limit: 100 });
    expect(usage.body.usage.image_size_total.limit).toBe(1024 ** 4);
  });
});
