// Barbican v1 secrets over HTTP against the real app (SQLite, or PostgreSQL with TEST_PG_URL): wire
// shapes, payload content types, paging, Barbican's error bodies and its default policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { idOf, keyManagerProject, km, type TestProject } from './key-manager-helpers.js';

let app: TestApp;
let p: TestProject;
let other: TestProject;

beforeAll(async () => {
  app = await startTestApp();
  p = await keyManagerProject(app, 'km-secrets');
  other = await keyManagerProject(app, 'km-secrets-other');
});
afterAll(async () => app?.close());

const BARBICAN_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$/;

async function store(token: string, body: Record<string, unknown>): Promise<string> {
  const res = await km(app, token, 'POST', '/v1/secrets/', body);
  expect(res.status, res.text).toBe(201);
  return idOf(res.body.secret_ref as string);
}

describe('discovery and authentication', () => {
  it('answers version discovery without a token, in the 1.0 form keystoneauth reads', async () => {
    const root = await km(app, undefined, 'GET', '');
    expect(root.status).toBe(300);
    expect(root.body.versions.values[0]).toMatchObject({ id: 'v1', status: 'stable' });
    expect(root.body.versions.values[0].links[0].href).toBe(`${app.url}/key-manager/v1/`);
    const v1 = await km(app, undefined, 'GET', '/v1');
    expect(v1.body.version.id).toBe('v1');
  });

  it('is in the catalog as key-manager / barbican', async () => {
    const res = await fetch(`${app.identityUrl}/v3/auth/catalog`, {
      headers: { 'x-auth-token': app.adminToken },
    });
    const catalog = ((await res.json()) as { catalog: { type: string; name: string }[] }).catalog;
    expect(catalog).toContainEqual(expect.objectContaining({ type: 'key-manager', name: 'barbican' }));
  });

  it('refuses anonymous callers with 401 and serves microversion 1.0 only', async () => {
    const anonymous = await km(app, undefined, 'GET', '/v1/secrets');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe(`Keystone uri="${app.url}/identity"`);
    const listed = await km(app, p.member, 'GET', '/v1/secrets');
    expect(listed.headers.get('openstack-api-version')).toBe('key-manager 1.0');
    const newer = await km(app, p.member, 'GET', '/v1/secrets', undefined, {
      'openstack-api-version': 'key-manager 1.1',
    });
    expect(newer.status).toBe(406);
  });
});

describe('storing and reading secrets', () => {
  it('stores a text secret and returns its metadata and payload', async () => {
    const created = await km(app, p.member, 'POST', '/v1/secrets/', {
      name: '  db-password  ',
      payload: 'correct horse battery staple',
      payload_content_type: 'text/plain',
      algorithm: 'aes',
      bit_length: 256,
      mode: 'cbc',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(created.body.secret_ref);
    expect(created.body.secret_ref).toMatch(new RegExp(`^${app.url}/key-manager/v1/secrets/[0-9a-f-]{36}$`));
    const id = idOf(created.body.secret_ref);
    const meta = await km(app, p.member, 'GET', `/v1/secrets/${id}`, undefined, {
      accept: 'application/json',
    });
    expect(meta.status).toBe(200);
    expect(meta.body).toEqual({
      status: 'ACTIVE',
      created: expect.stringMatching(BARBICAN_TIME),
      updated: expect.stringMatching(BARBICAN_TIME),
      name: 'db-password',
      secret_type: 'opaque',
      expiration: null,
      algorithm: 'aes',
      bit_length: 256,
      mode: 'cbc',
      creator_id: p.memberUserId,
      content_types: { default: 'text/plain' },
      secret_ref: created.body.secret_ref,
    });
    const payload = await km(app, p.member, 'GET', `/v1/secrets/${id}/payload`, undefined, {
      accept: 'text/plain',
    });
    expect(payload.status).toBe(200);
    expect(payload.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(payload.text).toBe('correct horse battery staple');
    // The deprecated form: GET the secret itself with a non-JSON Accept.
    const old = await km(app, p.member, 'GET', `/v1/secrets/${id}`, undefined, { accept: 'text/plain' });
    expect(old.text).toBe('correct horse battery staple');
  });

  it('round-trips binary payloads sent as base64 and refuses non-UTF-8 as text', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    const id = await store(p.member, {
      payload: bytes.toString('base64'),
      payload_content_type: 'application/octet-stream',
      payload_content_encoding: 'base64',
    });
    const res = await fetch(`${app.url}/key-manager/v1/secrets/${id}/payload`, {
      headers: { 'x-auth-token': p.member },
    });
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
    const asText = await km(app, p.member, 'GET', `/v1/secrets/${id}/payload`, undefined, {
      accept: 'text/plain',
    });
    expect(asText.status).toBe(406);
    expect(asText.body).toEqual({
      code: 406,
      title: 'Not Acceptable',
      description: 'Secret payload retrieval issue seen - Wrong payload content-type.',
    });
  });

  it('adds a payload to a metadata-only secret once (PUT), then refuses a second one', async () => {
    const id = await store(p.member, { name: 'later' });
    const none = await km(app, p.member, 'GET', `/v1/secrets/${id}/payload`);
    expect(none.status).toBe(404);
    expect(none.body.description).toBe('Not Found. Sorry but your secret has no payload.');
    const meta = await km(app, p.member, 'GET', `/v1/secrets/${id}`);
    expect(meta.body.content_types).toBeUndefined();
    const json = await km(app, p.member, 'PUT', `/v1/secrets/${id}`, '{}', {
      'content-type': 'application/json',
    });
    expect(json.status).toBe(415);
    expect(json.body.description).toBe(
      "Unexpected content type. Expected content types are: ['application/octet-stream', 'text/plain']",
    );
    const put = await km(app, p.member, 'PUT', `/v1/secrets/${id}`, 'late value', {
      'content-type': 'text/plain',
    });
    expect(put.status).toBe(204);
    const again = await km(app, p.member, 'PUT', `/v1/secrets/${id}`, 'other', {
      'content-type': 'text/plain',
    });
    expect(again.status).toBe(409);
    expect(again.body.description).toBe('Secret already has data, cannot modify it.');
    const payload = await km(app, p.member, 'GET', `/v1/secrets/${id}/payload`, undefined, {
      accept: 'text/plain',
    });
    expect(payload.text).toBe('late value');
  });

  it('deletes a secret (204), after which it is not found', async () => {
    const id = await store(p.member, { payload: 'bye', payload_content_type: 'text/plain' });
    expect((await km(app, p.member, 'DELETE', `/v1/secrets/${id}`)).status).toBe(204);
    const gone = await km(app, p.member, 'GET', `/v1/secrets/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ code: 404, title: 'Not Found', description: 'Secret not found.' });
    const bad = await km(app, p.member, 'GET', '/v1/secrets/not-a-uuid');
    expect(bad.body.description).toBe('Not Found. Provided secret id is invalid.');
  });
});

describe('validation, in Barbican words', () => {
  const cases: [string, unknown, number, string][] = [
    ['malformed JSON', '{"name":', 400, 'Malformed JSON'],
    [
      'an unknown secret type',
      { secret_type: 'bogus' },
      400,
      "Provided object does not match schema 'Secret': 'bogus' is not one of ['symmetric', 'passphrase', 'private', 'public', 'certificate', 'opaque']. Invalid property: 'secret_type'",
    ],
    [
      'a bit length of the wrong type',
      { bit_length: 'x' },
      400,
      "Provided object does not match schema 'Secret': 'x' is not of type 'integer'. Invalid property: 'bit_length'",
    ],
    [
      'a payload without content type',
      { payload: 'x' },
      400,
      "Provided object does not match schema 'Secret': If 'payload' is supplied, 'payload_content_type' must also be supplied.. Invalid property: 'payload_content_type'",
    ],
    [
      'a binary payload without encoding',
      { payload: 'eA==', payload_content_type: 'application/octet-stream' },
      400,
      "Provided object does not match schema 'Secret': payload_content_encoding is not one of ['base64', 'binary']. Invalid property: 'payload_content_encoding'",
    ],
    [
      'an expiration in the past',
      { expiration: '2001-01-01T00:00:00Z' },
      400,
      "Provided object does not match schema 'Secret': 'expiration' is before current time. Invalid property: 'expiration'",
    ],
    [
      'an unknown field',
      { colour: 'blue' },
      400,
      "Provided object does not match schema 'Secret': Additional properties are not allowed ('colour' was unexpected). Invalid property: 'colour'",
    ],
    [
      'a payload above the size limit',
      { payload: 'x'.repeat(20_001), payload_content_type: 'text/plain' },
      413,
      'Provided information too large to process',
    ],
  ];
  it.each(cases)('refuses %s', async (_what, body, status, description) => {
    const json = { 'content-type': 'application/json' };
    const res = await km(app, p.member, 'POST', '/v1/secrets', body, typeof body === 'string' ? json : {});
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ code: status, title: expect.any(String), description });
  });

  it('refuses a body that is not JSON with 415, and other methods with 405', async () => {
    const res = await km(app, p.member, 'POST', '/v1/secrets', 'x', { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(res.body.description).toBe(
      "Unexpected content type. Expected content types are: ['application/json']",
    );
    const patch = await km(app, p.member, 'PATCH', '/v1/secrets', {});
    expect(patch.status).toBe(405);
    expect(patch.body.code).toBe(405);
  });
});

describe('listing', () => {
  it('pages with limit and offset, with previous/next links that keep the filters', async () => {
    for (let n = 0; n < 5; n++) {
      await store(p.member2, { name: `paged-${n}`, payload: `v${n}`, payload_content_type: 'text/plain' });
    }
    const res = await km(app, p.member2, 'GET', '/v1/secrets?limit=2&offset=2&name=paged-%25&sort=name:desc');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(5);
    expect(res.body.secrets.map((s: { name: string }) => s.name)).toEqual(['paged-2', 'paged-1']);
    const base = `${app.url}/key-manager/v1/secrets`;
    expect(res.body.previous).toBe(`${base}?limit=2&offset=0&name=paged-%25&sort=name%3Adesc`);
    expect(res.body.next).toBe(`${base}?limit=2&offset=4&name=paged-%25&sort=name%3Adesc`);
    const last = await km(app, p.member2, 'GET', '/v1/secrets?limit=2&offset=4&name=paged-%25');
    expect(last.body.next).toBeUndefined();
    expect(last.body.secrets).toHaveLength(1);
    const beyond = await km(app, p.member2, 'GET', '/v1/secrets?offset=50&name=paged-%25');
    expect(beyond.body).toEqual({ secrets: [], total: 5 });
    // python-barbicanclient's total(): limit=0 is cleaned to 1.
    const total = await km(app, p.member2, 'GET', '/v1/secrets?limit=0&offset=0&name=paged-%25');
    expect(total.body.secrets).toHaveLength(1);
  });

  it('filters by algorithm, bits and date, and refuses malformed filters', async () => {
    await store(p.member, { name: 'filtered', algorithm: 'des', bit_length: 64 });
    const byAlg = await km(app, p.member, 'GET', '/v1/secrets?alg=des&bits=64');
    expect(byAlg.body.secrets.map((s: { name: string }) => s.name)).toEqual(['filtered']);
    const recent = await km(app, p.member, 'GET', '/v1/secrets?alg=des&created=gt:2020-01-01T00:00:00');
    expect(recent.body.total).toBe(1);
    for (const query of ['created=gt:x', 'sort=colour', 'sort=name:up', 'colour=blue']) {
      const res = await km(app, p.member, 'GET', `/v1/secrets?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.description).toBe('URI provided invalid query string parameters.');
    }
  });
});

describe('policy', () => {
  it('lets a reader list and read metadata but not payloads, and not create', async () => {
    const id = await store(p.member, { name: 'policy', payload: 'p', payload_content_type: 'text/plain' });
    expect((await km(app, p.reader, 'GET', '/v1/secrets')).status).toBe(200);
    expect((await km(app, p.reader, 'GET', `/v1/secrets/${id}`)).status).toBe(200);
    const payload = await km(app, p.reader, 'GET', `/v1/secrets/${id}/payload`);
    expect(payload.status).toBe(403);
    expect(payload.body.description).toBe(
      'Secret payload retrieval attempt not allowed - please review your user/project privileges',
    );
    const create = await km(app, p.reader, 'POST', '/v1/secrets', { name: 'no' });
    expect(create.body.description).toBe(
      'Secret creation attempt not allowed - please review your user/project privileges',
    );
    expect((await km(app, p.reader, 'DELETE', `/v1/secrets/${id}`)).status).toBe(403);
  });

  it('lets other members of the project read and delete; other projects see nothing', async () => {
    const id = await store(p.member, { name: 'shared', payload: 's', payload_content_type: 'text/plain' });
    expect((await km(app, p.member2, 'GET', `/v1/secrets/${id}/payload`)).text).toBe('s');
    const foreign = await km(app, other.member, 'GET', `/v1/secrets/${id}`);
    // Another project's secret does not exist for it (404, not Barbican's 403), admins included.
    expect(foreign.status).toBe(404);
    expect(foreign.body.description).toBe('Secret not found.');
    expect((await km(app, other.admin, 'GET', `/v1/secrets/${id}/payload`)).status).toBe(404);
    expect((await km(app, other.member, 'DELETE', `/v1/secrets/${id}`)).status).toBe(404);
    const listed = await km(app, other.member, 'GET', '/v1/secrets?name=shared');
    expect(listed.body.total).toBe(0);
    // The cloud admin may read the metadata of any secret, never its payload.
    expect((await km(app, app.adminToken, 'GET', `/v1/secrets/${id}`)).status).toBe(200);
    expect((await km(app, app.adminToken, 'GET', `/v1/secrets/${id}/payload`)).status).toBe(403);
    expect((await km(app, p.member2, 'DELETE', `/v1/secrets/${id}`)).status).toBe(204);
  });
});
