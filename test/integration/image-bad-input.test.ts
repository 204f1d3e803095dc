// Malformed requests to every image route family: each gets a 4xx in Glance's error shape, never a 500.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { glance, patch } from './image-helpers.js';
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});
it('answers malformed requests with Glance-shaped 4xx, never 500', async () => {
  const t = app.adminToken;
  const img = (
    await glance(app, t, 'POST', '/v2/images', { name: 'f', disk_format: 'raw', container_format: 'bare' })
  ).body;
  const cases: Array<[string, Promise<{ status: number; bytes: Buffer }>]> = [
    ['array body', glance(app, t, 'POST', '/v2/images', [1, 2])],
    ['dup id', glance(app, t, 'POST', '/v2/images', { id: img.id })],
    ['bad id', glance(app, t, 'POST', '/v2/images', { id: 'zz' })],
    ['tags not array', glance(app, t, 'POST', '/v2/images', { tags: 'a' })],
    ['min_ram neg', glance(app, t, 'POST', '/v2/images', { min_ram: -1 })],
    ['prop number', glance(app, t, 'POST', '/v2/images', { foo: 1 })],
    ['status ro', glance(app, t, 'POST', '/v2/images', { status: 'active' })],
    ['patch obj', patch(app, t, img.id, { op: 'add' })],
    ['patch no path', patch(app, t, img.id, [{ op: 'add', value: 1 }])],
    ['patch nested', patch(app, t, img.id, [{ op: 'add', path: '/a/b', value: '1' }])],
    ['patch tags bad', patch(app, t, img.id, [{ op: 'replace', path: '/tags', value: [1] }])],
    ['patch remove missing', patch(app, t, img.id, [{ op: 'remove', path: '/nope' }])],
    ['patch empty body', patch(app, t, img.id, '')],
    ['member no body', glance(app, t, 'POST', `/v2/images/${img.id}/members`)],
    ['member array', glance(app, t, 'POST', `/v2/images/${img.id}/members`, [])],
    ['import no body', glance(app, t, 'POST', `/v2/images/${img.id}/import`)],
    ['import bad', glance(app, t, 'POST', `/v2/images/${img.id}/import`, { method: 'x' })],
    [
      'import queued',
      glance(app, t, 'POST', `/v2/images/${img.id}/import`, { method: { name: 'glance-direct' } }),
    ],
    [
      'file text',
      glance(app, t, 'PUT', `/v2/images/${img.id}/file`, undefined, { 'content-type': 'text/plain' }),
    ],
    ['file none', glance(app, t, 'PUT', `/v2/images/${img.id}/file`)],
    ['range bad', glance(app, t, 'GET', `/v2/images/${img.id}/file`, undefined, { range: 'bytes=abc' })],
    ['limit neg', glance(app, t, 'GET', '/v2/images?limit=-1')],
    ['sort dir', glance(app, t, 'GET', '/v2/images?sort=name:sideways')],
    ['created bad', glance(app, t, 'GET', '/v2/images?created_at=gt:garbage')],
    ['visibility bad', glance(app, t, 'GET', '/v2/images?visibility=nope')],
    ['member_status bad', glance(app, t, 'GET', '/v2/images?member_status=x')],
    ['os_hidden bad', glance(app, t, 'GET', '/v2/images?os_hidden=maybe')],
    ['multi name', glance(app, t, 'GET', '/v2/images?name=a&name=b')],
    ['missing file', glance(app, t, 'GET', '/v2/images/00000000-0000-0000-0000-000000000000/file')],
    ['unknown route', glance(app, t, 'GET', '/v2/nothing')],
    ['head file', glance(app, t, 'HEAD', `/v2/images/${img.id}/file`)],
    ['tag long', glance(app, t, 'PUT', `/v2/images/${img.id}/tags/${'a'.repeat(300)}`)],
    ['deactivate queued', glance(app, t, 'POST', `/v2/images/${img.id}/actions/deactivate`)],
    ['member missing', glance(app, t, 'GET', `/v2/images/${img.id}/members/xyz`)],
  ];
  for (const [name, p] of cases) {
    const r = await p;
    expect(r.status, name).toBeLessThan(500);
    if (r.status >= 400 && r.bytes.length > 0) {
      expect(JSON.parse(r.bytes.toString()), name).toHaveProperty('code', expect.stringMatching(/^4\d\d /));
    }
  }
});
