// The in-process KeyService (data keys for other modules), KEK rotation, and crypto-erase: after
// destroyProjectKeys every secret of the project is unreadable for good — over HTTP Barbican's answer for
// a secret it cannot decrypt (500, "... failure seen - please contact site administrator."), in process a
// KeyDestroyed error — while other projects are untouched. Runs on SQLite, or PostgreSQL with TEST_PG_URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { idOf, keyManagerProject, km, type TestProject } from './key-manager-helpers.js';

let app: TestApp;
let keys: TestApp['keyManager']['services']['keys'];

beforeAll(async () => {
  app = await startTestApp();
  keys = app.keyManager.services.keys;
});
afterAll(async () => app?.close());

async function storeText(p: TestProject, text: string): Promise<string> {
  const res = await km(app, p.member, 'POST', '/v1/secrets', {
    payload: text,
    payload_content_type: 'text/plain',
  });
  expect(res.status, res.text).toBe(201);
  return idOf(res.body.secret_ref);
}

async function payload(p: TestProject, id: string) {
  return km(app, p.member, 'GET', `/v1/secrets/${id}/payload`, undefined, { accept: 'text/plain' });
}

describe('data keys', () => {
  it('creates data keys under the project KEK and unwraps them for that project only', async () => {
    const a = await keys.createDataKey('project-a');
    const b = await keys.createDataKey('project-a');
    expect(a.plaintext).toHaveLength(32);
    expect(a.kekId).toBe(b.kekId);
    expect(a.plaintext.equals(b.plaintext)).toBe(false);
    expect((await keys.unwrapDataKey('project-a', a.wrapped)).equals(a.plaintext)).toBe(true);
    await expect(keys.unwrapDataKey('project-b', a.wrapped)).rejects.toMatchObject({ status: 500 });
    const tampered = Buffer.from(a.wrapped);
    tampered.writeUInt8((tampered.at(-1) as number) ^ 1, tampered.length - 1);
    await expect(keys.unwrapDataKey('project-a', tampered)).rejects.toMatchObject({ code: 'InternalError' });
  });

  it('rotates a KEK: old data keys still unwrap, re-wrapping moves them to the new KEK', async () => {
    const p = await keyManagerProject(app, 'km-rotate');
    const id = await storeText(p, 'before rotation');
    const old = await keys.createDataKey(p.projectId);
    const { kekId, retired } = await keys.rotateProjectKey(p.projectId);
    expect(retired).toEqual([old.kekId]);
    expect(await keys.activeKekId(p.projectId)).toBe(kekId);
    expect((await keys.unwrapDataKey(p.projectId, old.wrapped)).equals(old.plaintext)).toBe(true);
    const moved = await keys.rewrapDataKey(p.projectId, old.wrapped);
    expect(moved.kekId).toBe(kekId);
    expect((await keys.unwrapDataKey(p.projectId, moved.wrapped)).equals(old.plaintext)).toBe(true);
    expect(await app.keyManager.services.secrets.rewrapProject(p.projectId)).toBe(1);
    expect(await app.keyManager.services.secrets.rewrapProject(p.projectId)).toBe(0);
    expect((await payload(p, id)).text).toBe('before rotation');
  });
});

describe('crypto-erase', () => {
  it('makes every secret of the project unreadable, forever, and leaves other projects alone', async () => {
    const doomed = await keyManagerProject(app, 'km-erase');
    const bystander = await keyManagerProject(app, 'km-erase-bystander');
    const first = await storeText(doomed, 'first');
    await keys.rotateProjectKey(doomed.projectId);
    const second = await storeText(doomed, 'second, under the rotated KEK');
    const order = await km(app, doomed.member, 'POST', '/v1/orders', {
      type: 'key',
      meta: { algorithm: 'aes', bit_length: 128 },
    });
    const generated = idOf(
      (await km(app, doomed.member, 'GET', `/v1/orders/${idOf(order.body.order_ref)}`)).body.secret_ref,
    );
    const dataKey = await keys.createDataKey(doomed.projectId);
    const safe = await storeText(bystander, 'still here');

    const { destroyed } = await keys.destroyProjectKeys(doomed.projectId);
    expect(destroyed).toHaveLength(2);

    for (const id of [first, second, generated]) {
      const res = await payload(doomed, id);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({
        code: 500,
        title: 'Internal Server Error',
        description: 'Secret payload retrieval failure seen - please contact site administrator.',
      });
      // The metadata is still there: the secret exists, its payload can never be decrypted.
      expect((await km(app, doomed.member, 'GET', `/v1/secrets/${id}`)).status).toBe(200);
    }
    await expect(keys.unwrapDataKey(doomed.projectId, dataKey.wrapped)).rejects.toMatchObject({
      status: 500,
      code: 'KeyDestroyed',
      message: expect.stringContaining('destroyed (crypto-erase)'),
    });
    expect((await payload(bystander, safe)).text).toBe('still here');

    // New data gets a new KEK; what was erased stays erased.
    const after = await storeText(doomed, 'after');
    expect((await payload(doomed, after)).text).toBe('after');
    expect((await payload(doomed, first)).status).toBe(500);
    await expect(keys.unwrapDataKey(doomed.projectId, dataKey.wrapped)).rejects.toMatchObject({
      code: 'KeyDestroyed',
    });
  });
});
