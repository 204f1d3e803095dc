// Swift object versioning over HTTP against the real app: the legacy modes (X-Versions-Location stack
// mode, X-History-Location history mode) and the new mode (X-Versions-Enabled, ?versions listings,
// ?version-id reads, deletes and restores, delete markers), and the hidden version store staying hidden.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSwiftTestApp, type SwiftTestApp } from '../support/swift-test-app.js';

let t: SwiftTestApp;
let base: string;

beforeAll(async () => {
  t = await startSwiftTestApp();
  base = t.swiftUrl(t.adminProjectId);
});
// A streamed response can still be finishing on the server when the client has read all of it; such a
// keep-alive connection is not idle when close() runs, and would hold it until its keep-alive timeout.
afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 250));
  await t?.close();
});

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

async function swift(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string; url?: string } = {},
): Promise<Reply> {
  const res = await fetch(`${options.url ?? base}${path}`, {
    method,
    headers: { 'x-auth-token': t.adminToken, ...(options.headers ?? {}) },
    body: options.body,
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

async function ok(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const r = await swift(method, path, { headers, body });
  expect(r.status, `${method} ${path}: ${r.text}`).toBeLessThan(300);
  return r;
}

async function names(container: string, query = ''): Promise<string[]> {
  const r = await swift('GET', `/${container}?format=json${query}`);
  expect(r.status).toBe(200);
  return (r.json as Array<{ name: string }>).map((e) => e.name);
}

describe('legacy versioned writes', () => {
  it('stack mode archives overwrites and pops them back on DELETE', async () => {
    await ok('PUT', '/archive');
    await ok('PUT', '/docs', { 'X-Versions-Location': 'archive' });
    expect((await swift('HEAD', '/docs')).headers.get('x-versions-location')).toBe('archive');
    for (const body of ['v1', 'v2', 'v3']) await ok('PUT', '/docs/obj', {}, body);
    const archived = await names('archive', '&prefix=003obj/');
    expect(archived).toHaveLength(2);
    expect(archived[0]).toMatch(/^003obj\/\d{10}\.\d{5}$/);
    expect((await swift('GET', '/docs/obj')).text).toBe('v3');
    await ok('DELETE', '/docs/obj');
    expect((await swift('GET', '/docs/obj')).text).toBe('v2');
    expect(await names('archive', '&prefix=003obj/')).toHaveLength(1);
    await ok('DELETE', '/docs/obj');
    expect((await swift('GET', '/docs/obj')).text).toBe('v1');
    await ok('DELETE', '/docs/obj');
    expect((await swift('GET', '/docs/obj')).status).toBe(404);
    expect(await names('archive')).toEqual([]);
  });

  it('history mode archives overwrites and the deleted object, with a delete marker', async () => {
    await ok('PUT', '/history-archive');
    await ok('PUT', '/hist', { 'X-History-Location': 'history-archive' });
    expect((await swift('HEAD', '/hist')).headers.get('x-history-location')).toBe('history-archive');
    await ok('PUT', '/hist/caf\u00e9', {}, 'v1');
    await ok('PUT', '/hist/caf\u00e9', {}, 'v2');
    await ok('DELETE', '/hist/caf\u00e9');
    expect((await swift('GET', '/hist/caf\u00e9')).status).toBe(404);
    // The length is of the UTF-8 name: "café" is 5 bytes.
    const listing = (await swift('GET', '/history-archive?format=json')).json as Array<Record<string, any>>;
    expect(listing).toHaveLength(3);
    expect(listing.every((e) => (e.name as string).startsWith('005caf\u00e9/'))).toBe(true);
    const marker = 'application/x-deleted;swift_versions_deleted=1';
    expect(listing.map((e) => e.content_type === marker)).toEqual([false, false, true]);
    expect((await swift('GET', `/history-archive/${encodeURIComponent(listing[1]?.name)}`)).text).toBe('v2');
  });

  it('validates the location headers', async () => {
    const both = await swift('PUT', '/both', {
      headers: { 'X-Versions-Location': 'a', 'X-History-Location': 'b' },
    });
    expect(both.status).toBe(400);
    expect(both.text).toBe('Only one of x-versions-location or x-history-location may be specified');
    const slash = await swift('PUT', '/slash', { headers: { 'X-Versions-Location': 'a/b' } });
    expect(slash.status).toBe(412);
    // Switching mode replaces the other header; X-Remove-* removes both.
    await ok('PUT', '/switch', { 'X-Versions-Location': 'archive' });
    await ok('POST', '/switch', { 'X-History-Location': 'archive' });
    let head = await swift('HEAD', '/switch');
    expect(head.headers.get('x-versions-location')).toBeNull();
    expect(head.headers.get('x-history-location')).toBe('archive');
    await ok('POST', '/switch', { 'X-Remove-Versions-Location': 'x' });
    head = await swift('HEAD', '/switch');
    expect(head.headers.get('x-history-location')).toBeNull();
  });

  it('answers 412 when the archive container is missing', async () => {
    await ok('PUT', '/orphan', { 'X-Versions-Location': 'no-such-archive' });
    await ok('PUT', '/orphan/o', {}, 'one');
    expect((await swift('PUT', '/orphan/o', { body: 'two' })).status).toBe(412);
    expect((await swift('GET', '/orphan/o')).text).toBe('one');
  });
});

describe('object versioning (X-Versions-Enabled)', () => {
  let v1: string;
  let v2: string;
  let marker: string;

  beforeAll(async () => {
    await ok('PUT', '/vc', { 'X-Versions-Enabled': 'true' });
  });

  it('shows the flag and gives every PUT a version id', async () => {
    expect((await swift('HEAD', '/vc')).headers.get('x-versions-enabled')).toBe('True');
    const first = await ok('PUT', '/vc/a', {}, 'one');
    v1 = first.headers.get('x-object-version-id') as string;
    expect(v1).toMatch(/^\d{10}\.\d{5}$/);
    const second = await ok('PUT', '/vc/a', {}, 'two');
    v2 = second.headers.get('x-object-version-id') as string;
    expect(v2 > v1).toBe(true);
    const current = await swift('GET', '/vc/a');
    expect(current.text).toBe('two');
    expect(current.headers.get('x-object-version-id')).toBe(v2);
    expect(await names('vc')).toEqual(['a']);
  });

  it('lists versions and reads an older one', async () => {
    const listing = (await swift('GET', '/vc?versions')).json as Array<Record<string, any>>;
    expect(listing.map((e) => [e.name, e.version_id, e.is_latest, e.bytes])).toEqual([
      ['a', v2, true, 3],
      ['a', v1, false, 3],
    ]);
    const old = await swift('GET', `/vc/a?version-id=${v1}`);
    expect(old.status).toBe(200);
    expect(old.text).toBe('one');
    expect(old.headers.get('x-object-version-id')).toBe(v1);
    expect((await swift('HEAD', `/vc/a?version-id=${v2}`)).status).toBe(200);
    const page = (await swift('GET', '/vc?versions&limit=1')).json as Array<Record<string, any>>;
    expect(page.map((e) => e.version_id)).toEqual([v2]);
    const next = (await swift('GET', `/vc?versions&marker=a&version_marker=${v2}`)).json as Array<
      Record<string, any>
    >;
    expect(next.map((e) => e.version_id)).toEqual([v1]);
  });

  it('leaves a delete marker on DELETE', async () => {
    const del = await swift('DELETE', '/vc/a');
    expect(del.status).toBe(204);
    marker = del.headers.get('x-object-version-id') as string;
    expect(marker > v2).toBe(true);
    expect((await swift('GET', '/vc/a')).status).toBe(404);
    expect(await names('vc')).toEqual([]);
    const listing = (await swift('GET', '/vc?versions')).json as Array<Record<string, any>>;
    expect(listing.map((e) => [e.version_id, e.is_latest, e.content_type])).toEqual([
      [marker, true, 'application/x-deleted;swift_versions_deleted=1'],
      [v2, false, 'text/plain;charset=UTF-8'],
      [v1, false, 'text/plain;charset=UTF-8'],
    ]);
    const atMarker = await swift('GET', `/vc/a?version-id=${marker}`);
    expect(atMarker.status).toBe(404);
    expect(atMarker.headers.get('content-type')).toBe('application/x-deleted;swift_versions_deleted=1');
    expect((await swift('GET', `/vc/a?version-id=${v2}`)).text).toBe('two');
  });

  it('deletes one version for good, and restores another as current', async () => {
    const del = await swift('DELETE', `/vc/a?version-id=${v2}`);
    expect(del.status).toBe(204);
    expect(del.headers.get('x-object-version-id')).toBe(v2);
    expect(del.headers.get('x-object-current-version-id')).toBe('null');
    expect((await swift('GET', `/vc/a?version-id=${v2}`)).status).toBe(404);
    const restore = await swift('PUT', `/vc/a?version-id=${v1}`, { body: '' });
    expect(restore.status).toBe(201);
    const current = await swift('GET', '/vc/a');
    expect(current.text).toBe('one');
    expect(current.headers.get('x-object-version-id')).toBe(v1);
    const listing = (await swift('GET', '/vc?versions')).json as Array<Record<string, any>>;
    expect(listing.map((e) => [e.version_id, e.is_latest])).toEqual([
      [v1, true],
      [marker, false],
    ]);
    // Deleting the current version by id removes it, and Swift promotes nothing.
    const gone = await swift('DELETE', `/vc/a?version-id=${v1}`);
    expect(gone.headers.get('x-object-current-version-id')).toBe('null');
    expect((await swift('GET', '/vc/a')).status).toBe(404);
  });

  it('refuses bad version requests with 400', async () => {
    expect((await swift('GET', '/vc/a?version-id=yesterday')).status).toBe(400);
    expect((await swift('POST', `/vc/a?version-id=${v1}`)).status).toBe(400);
    expect((await swift('PUT', '/vc/a?version-id=null', { body: '' })).status).toBe(400);
    expect((await swift('PUT', `/vc/a?version-id=${v1}`, { body: 'data' })).status).toBe(400);
    await ok('PUT', '/plain');
    await ok('PUT', '/plain/o', {}, 'x');
    const unversioned = await swift('GET', `/plain/o?version-id=${v1}`);
    expect(unversioned.status).toBe(400);
    expect(unversioned.text).toBe('version-aware operations require that the container is versioned');
    expect((await swift('GET', '/plain/o?version-id=null')).text).toBe('x');
    expect((await swift('POST', '/plain', { headers: { 'X-Versions-Location': 'archive' } })).status).toBe(
      204,
    );
    const mixed = await swift('POST', '/plain', { headers: { 'X-Versions-Enabled': 'true' } });
    expect(mixed.status).toBe(400);
  });

  it('keeps a null version when versioning is enabled on a container later, and obeys suspension', async () => {
    await ok('PUT', '/later');
    const before = await ok('PUT', '/later/o', {}, 'unversioned');
    expect(before.headers.get('x-object-version-id')).toBeNull();
    await ok('POST', '/later', { 'X-Versions-Enabled': 'yes' });
    expect((await swift('GET', '/later/o')).headers.get('x-object-version-id')).toBe('null');
    expect((await swift('GET', '/later/o?version-id=null')).text).toBe('unversioned');
    const put = await ok('PUT', '/later/o', {}, 'versioned');
    const id = put.headers.get('x-object-version-id') as string;
    let listing = (await swift('GET', '/later?versions')).json as Array<Record<string, any>>;
    expect(listing).toHaveLength(2);
    expect(listing[0]).toMatchObject({ version_id: id, is_latest: true });
    expect(listing[1]?.version_id).toMatch(/^\d{10}\.\d{5}$/);
    await ok('POST', '/later', { 'X-Versions-Enabled': 'false' });
    expect((await swift('HEAD', '/later')).headers.get('x-versions-enabled')).toBe('False');
    // Suspended: the versioned object is kept, the new one is the null version and is not kept.
    await ok('PUT', '/later/o', {}, 'suspended 1');
    await ok('PUT', '/later/o', {}, 'suspended 2');
    listing = (await swift('GET', '/later?versions')).json as Array<Record<string, any>>;
    expect(listing.map((e) => [e.version_id === 'null', e.is_latest])).toEqual([
      [true, true],
      [false, false],
      [false, false],
    ]);
    expect((await swift('GET', `/later/o?version-id=${id}`)).text).toBe('versioned');
  });

  it('keeps the version store hidden and refuses to delete a container that still has versions', async () => {
    const containers = (await swift('GET', '?format=json')).json as Array<{ name: string }>;
    expect(containers.every((c) => !c.name.includes('\u0001'))).toBe(true);
    const hidden = await swift('GET', '', {
      url: `${t.url}/object-store/v1/AUTH_%01versions%01${t.adminProjectId}`,
    });
    expect(hidden.status).toBe(404);
    await ok('PUT', '/drop', { 'X-Versions-Enabled': 'true' });
    await ok('PUT', '/drop/o', {}, '1');
    await ok('PUT', '/drop/o', {}, '2');
    await ok('DELETE', '/drop/o');
    const refused = await swift('DELETE', '/drop');
    expect(refused.status).toBe(409);
    expect(refused.text).toBe('Delete all versions before deleting container.');
    const listing = (await swift('GET', '/drop?versions')).json as Array<{ version_id: string }>;
    for (const v of listing) await ok('DELETE', `/drop/o?version-id=${v.version_id}`);
    expect((await swift('DELETE', '/drop')).status).toBe(204);
    const info = (await (await fetch(`${t.url}/object-store/info`)).json()) as Record<string, any>;
    expect(info.object_versioning).toEqual({});
    expect(info.versioned_writes).toEqual({ allowed_flags: ['x-versions-location', 'x-history-location'] });
  });

  it('versions server-side copies too', async () => {
    await ok('PUT', '/cp', { 'X-Versions-Enabled': 'true' });
    await ok('PUT', '/cp/src', {}, 'source');
    await ok('PUT', '/cp/dst', {}, 'old');
    const copied = await ok('PUT', '/cp/dst', { 'X-Copy-From': 'cp/src' });
    const id = copied.headers.get('x-object-version-id');
    expect(id).toMatch(/^\d{10}\.\d{5}$/);
    const current = await swift('GET', '/cp/dst');
    expect(current.text).toBe('source');
    expect(current.headers.get('x-object-version-id')).toBe(id);
    const listing = (await swift('GET', '/cp?versions&prefix=dst')).json as Array<Record<string, any>>;
    expect(listing).toHaveLength(2);
    // A copy into an unversioned container does not carry the source's version id.
    await ok('PUT', '/plain2');
    await ok('PUT', '/plain2/c', { 'X-Copy-From': 'cp/src' });
    expect((await swift('GET', '/plain2/c')).headers.get('x-object-version-id')).toBeNull();
  });
});
