// Barbican v1 containers and orders over HTTP against the real app (SQLite, or PostgreSQL with
// TEST_PG_URL): typed containers, secret references, generated keys and key pairs, errors.
import { createPrivateKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { idOf, keyManagerProject, km, type TestProject } from './key-manager-helpers.js';

let app: TestApp;
let p: TestProject;
let other: TestProject;

beforeAll(async () => {
  app = await startTestApp();
  p = await keyManagerProject(app, 'km-containers');
  other = await keyManagerProject(app, 'km-containers-other');
});
afterAll(async () => app?.close());

async function secretRef(token: string, name: string): Promise<string> {
  const res = await km(app, token, 'POST', '/v1/secrets', {
    name,
    payload: name,
    payload_content_type: 'text/plain',
  });
  expect(res.status, res.text).toBe(201);
  return res.body.secret_ref as string;
}

describe('containers', () => {
  it('creates, reads, lists and deletes a generic container; deleting it keeps the secrets', async () => {
    const a = await secretRef(p.member, 'a');
    const b = await secretRef(p.member, 'b');
    const created = await km(app, p.member, 'POST', '/v1/containers/', {
      name: 'pair',
      type: 'generic',
      secret_refs: [
        { name: 'first', secret_ref: a },
        { name: 'second', secret_ref: b },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(created.body.container_ref);
    const got = await km(app, p.reader, 'GET', `/v1/containers/${idOf(created.body.container_ref)}`);
    expect(got.body).toEqual({
      status: 'ACTIVE',
      created: expect.any(String),
      updated: expect.any(String),
      name: 'pair',
      type: 'generic',
      creator_id: p.memberUserId,
      secret_refs: [
        { name: 'first', secret_ref: a },
        { name: 'second', secret_ref: b },
      ],
      consumers: [],
      container_ref: created.body.container_ref,
    });
    const listed = await km(app, p.member, 'GET', '/v1/containers?name=pair&type=generic');
    expect(listed.body.total).toBe(1);
    expect((await km(app, other.member, 'GET', '/v1/containers')).body.total).toBe(0);
    expect(
      (await km(app, p.member, 'DELETE', `/v1/containers/${idOf(created.body.container_ref)}`)).status,
    ).toBe(204);
    expect((await km(app, p.member, 'GET', `/v1/secrets/${idOf(a)}`)).status).toBe(200);
    const gone = await km(app, p.member, 'GET', `/v1/containers/${idOf(created.body.container_ref)}`);
    expect(gone.body).toEqual({ code: 404, title: 'Not Found', description: 'Secrets container not found.' });
  });

  it('adds and removes secrets of a generic container; deleting a secret drops its references', async () => {
    const a = await secretRef(p.member, 'c');
    const container = await km(app, p.member, 'POST', '/v1/containers', { type: 'generic' });
    const id = idOf(container.body.container_ref);
    const added = await km(app, p.member, 'POST', `/v1/containers/${id}/secrets`, {
      name: 'x',
      secret_ref: a,
    });
    expect(added.status).toBe(201);
    const twice = await km(app, p.member, 'POST', `/v1/containers/${id}/secrets`, {
      name: 'x',
      secret_ref: a,
    });
    expect(twice.status).toBe(409);
    expect((await km(app, p.member, 'GET', `/v1/containers/${id}`)).body.secret_refs).toEqual([
      { name: 'x', secret_ref: a },
    ]);
    const removed = await km(app, p.member, 'DELETE', `/v1/containers/${id}/secrets`, {
      name: 'x',
      secret_ref: a,
    });
    expect(removed.status).toBe(204);
    await km(app, p.member, 'POST', `/v1/containers/${id}/secrets`, { name: 'y', secret_ref: a });
    await km(app, p.member, 'DELETE', `/v1/secrets/${idOf(a)}`);
    expect((await km(app, p.member, 'GET', `/v1/containers/${id}`)).body.secret_refs).toEqual([]);
  });

  it('checks typed containers, foreign secrets and hrefs as Barbican does', async () => {
    const a = await secretRef(p.member, 'd');
    const rsa = await km(app, p.member, 'POST', '/v1/containers', {
      type: 'rsa',
      secret_refs: [{ name: 'private_key', secret_ref: a }],
    });
    expect(rsa.status).toBe(400);
    expect(rsa.body.description).toBe(
      "Provided object does not match schema 'Container': The minimum required reference names are 'public_key' and'private_key' for RSA type. Invalid property: 'secret_refs'",
    );
    const foreign = await km(app, other.member, 'POST', '/v1/containers', {
      type: 'generic',
      secret_refs: [{ name: 'theirs', secret_ref: a }],
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.description).toBe("Secret provided for 'theirs' doesn't exist.");
    const spoofed = await km(app, p.member, 'POST', '/v1/containers', {
      type: 'generic',
      secret_refs: [{ name: 'x', secret_ref: `http://elsewhere/v1/secrets/${idOf(a)}` }],
    });
    expect(spoofed.status).toBe(400);
    expect(spoofed.body.description).toBe('Provided field value is not supported');
    const typedAdd = await km(app, p.member, 'POST', '/v1/containers', {
      type: 'certificate',
      secret_refs: [{ name: 'certificate', secret_ref: a }],
    });
    const refused = await km(
      app,
      p.member,
      'POST',
      `/v1/containers/${idOf(typedAdd.body.container_ref)}/secrets`,
      {
        secret_ref: a,
      },
    );
    expect(refused.body.description).toBe("Only 'generic' containers can be modified.");
  });
});

describe('orders', () => {
  it('generates an AES key: 202, ACTIVE at once, the secret holds 32 random bytes', async () => {
    const meta = {
      name: 'gen',
      algorithm: 'aes',
      bit_length: 256,
      mode: 'cbc',
      payload_content_type: 'application/octet-stream',
    };
    const created = await km(app, p.member, 'POST', '/v1/orders/', { type: 'key', meta });
    expect(created.status).toBe(202);
    expect(created.headers.get('location')).toBe(created.body.order_ref);
    const order = await km(app, p.reader, 'GET', `/v1/orders/${idOf(created.body.order_ref)}`);
    expect(order.body).toEqual({
      created: expect.any(String),
      updated: expect.any(String),
      status: 'ACTIVE',
      type: 'key',
      meta: { ...meta, expiration: null },
      order_ref: created.body.order_ref,
      secret_ref: expect.stringContaining('/key-manager/v1/secrets/'),
      sub_status: 'Unknown',
      sub_status_message: 'Unknown',
      creator_id: p.memberUserId,
    });
    const secret = await km(app, p.member, 'GET', `/v1/secrets/${idOf(order.body.secret_ref)}`);
    expect(secret.body).toMatchObject({
      secret_type: 'symmetric',
      algorithm: 'aes',
      bit_length: 256,
      name: 'gen',
    });
    const bytes = await fetch(`${order.body.secret_ref}/payload`, { headers: { 'x-auth-token': p.member } });
    expect(Buffer.from(await bytes.arrayBuffer())).toHaveLength(32);
    expect((await km(app, p.member, 'GET', '/v1/orders')).body.total).toBe(1);
    expect((await km(app, other.member, 'GET', `/v1/orders/${idOf(created.body.order_ref)}`)).status).toBe(
      404,
    );
    expect((await km(app, p.member, 'DELETE', `/v1/orders/${idOf(created.body.order_ref)}`)).status).toBe(
      204,
    );
    expect(
      (await km(app, p.member, 'GET', `/v1/orders/${idOf(created.body.order_ref)}`)).body.description,
    ).toBe('Order not found.');
  });

  it('records an unsupported key length as an order in ERROR, and refuses bad meta with 400', async () => {
    const created = await km(app, p.member, 'POST', '/v1/orders', {
      type: 'key',
      meta: { algorithm: 'aes', bit_length: 512 },
    });
    expect(created.status).toBe(202);
    const order = await km(app, p.member, 'GET', `/v1/orders/${idOf(created.body.order_ref)}`);
    expect(order.body).toMatchObject({
      status: 'ERROR',
      error_status_code: '400',
      error_reason: 'Process TypeOrder issue seen - Secret generate supported plugin not found..',
    });
    const noAlg = await km(app, p.member, 'POST', '/v1/orders', { type: 'key', meta: { bit_length: 256 } });
    expect(noAlg.body.description).toBe(
      "Provided object does not match schema 'Order': 'algorithm' is required field for key type order. Invalid property: 'meta'",
    );
    const badType = await km(app, p.member, 'POST', '/v1/orders', { type: 'certificate', meta: {} });
    expect(badType.status).toBe(400);
    const put = await km(app, p.member, 'PUT', '/v1/orders', {});
    expect(put.body).toEqual({
      code: 405,
      title: 'Method Not Allowed',
      description: 'Order update is not supported.',
    });
    expect((await km(app, p.reader, 'POST', '/v1/orders', { type: 'key', meta: {} })).status).toBe(403);
  });

  it('generates an RSA key pair in an rsa container, the private key protected by the passphrase', async () => {
    const created = await km(app, p.member, 'POST', '/v1/orders', {
      type: 'asymmetric',
      meta: { name: 'pair', algorithm: 'rsa', bit_length: 2048, pass_phrase: 'open sesame' },
    });
    const order = await km(app, p.member, 'GET', `/v1/orders/${idOf(created.body.order_ref)}`);
    expect(order.body.status).toBe('ACTIVE');
    expect(order.body.meta.pass_phrase).toBeUndefined();
    const container = await km(app, p.member, 'GET', `/v1/containers/${idOf(order.body.container_ref)}`);
    expect(container.body.type).toBe('rsa');
    const refs = Object.fromEntries(
      (container.body.secret_refs as { name: string; secret_ref: string }[]).map((r) => [
        r.name,
        r.secret_ref,
      ]),
    );
    expect(Object.keys(refs).sort()).toEqual(['private_key', 'private_key_passphrase', 'public_key']);
    const pem = await km(app, p.member, 'GET', `/v1/secrets/${idOf(refs.private_key as string)}/payload`);
    const key = createPrivateKey({ key: pem.text, passphrase: 'open sesame' });
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });
});
