// The Swift API's core over HTTP against the real application: accounts, containers and objects with
// their metadata, listings, conditional and range requests, copies and expiry; isolation between
// projects, roles and ACLs (including anonymous access); and bad input, which must fail cleanly with
// Swift's status codes and leave nothing behind on disk.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProjectUser,
  openSocket,
  rawRequest,
  startSwiftTestApp,
  waitFor,
  type ProjectUser,
  type SwiftTestApp,
} from '../support/swift-test-app.js';

let t: SwiftTestApp;
/** Project A: alice is a member (the account owner), rita a reader. Project B: bob is a member. */
let alice: ProjectUser;
let rita: ProjectUser;
let bob: ProjectUser;
/** Alice's account URL and its path on the server. */
let account: string;
let accountPath: string;

interface SwiftResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  text: string;
}

/** `/a/b c` → `/a/b%20c`: each path segment percent-encoded, slashes kept. */
function enc(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/');
}

/** A Swift request on alice's account; `path` is '' (account), '/c' or '/c/o' (already encoded). */
async function sw(
  method: string,
  path: string,
  opts: {
    token?: string | null;
    headers?: Record<string, string>;
    body?: Buffer | string;
    base?: string;
  } = {},
): Promise<SwiftResponse> {
  const headers: Record<string, string> = { ...opts.headers };
  const token = opts.token === undefined ? alice.token : opts.token;
  if (token !== null) headers['x-auth-token'] = token;
  // A string body would make fetch add Content-Type: text/plain; send bytes so the server decides.
  const payload = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
  const res = await fetch(`${opts.base ?? account}${path}`, { method, headers, body: payload });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body, text: body.toString('utf8') };
}

async function putObject(path: string, body: Buffer | string, headers: Record<string, string> = {}) {
  const r = await sw('PUT', path, { body, headers });
  expect(r.status, `PUT ${path}: ${r.text}`).toBe(201);
  return r;
}

const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
const tmpFiles = () => readdirSync(join(t.dataDir, 'objects', 'tmp'));

beforeAll(async () => {
  t = await startSwiftTestApp();
  alice = await createProjectUser(t, { userName: 'alice', role: 'member', projectName: 'swift-a' });
  rita = await createProjectUser(t, { userName: 'rita', role: 'reader', projectId: alice.projectId });
  bob = await createProjectUser(t, { userName: 'bob', role: 'member', projectName: 'swift-b' });
  account = t.swiftUrl(alice.projectId);
  accountPath = new URL(account).pathname;
});
afterAll(async () => {
  const reaperErrors = [...(t?.reaperErrors ?? [])];
  await t?.close();
  expect(reaperErrors).toEqual([]);
});

describe('account', () => {
  it('HEAD and GET a fresh account: counts are zero, the listing is empty', async () => {
    const head = await sw('HEAD', '');
    expect(head.status).toBe(204);
    expect(head.headers.get('x-account-container-count')).toBe('0');
    expect(head.headers.get('x-account-object-count')).toBe('0');
    expect(head.headers.get('x-account-bytes-used')).toBe('0');
    expect(head.headers.get('x-trans-id')).toBeTruthy();
    const list = await sw('GET', '?format=json');
    expect(list.status).toBe(200);
    expect(JSON.parse(list.text)).toEqual([]);
    expect((await sw('GET', '')).status).toBe(204);
  });

  it('POST sets metadata; an empty value and X-Remove-Account-Meta-* remove it', async () => {
    const set = await sw('POST', '', {
      headers: { 'X-Account-Meta-Color': 'blue', 'X-Account-Meta-Size': 'large', 'X-Account-Meta-Keep': 'k' },
    });
    expect(set.status).toBe(204);
    let head = await sw('HEAD', '');
    expect(head.headers.get('x-account-meta-color')).toBe('blue');
    expect(head.headers.get('x-account-meta-size')).toBe('large');
    expect((await sw('GET', '?format=json')).headers.get('x-account-meta-color')).toBe('blue');

    expect((await sw('POST', '', { headers: { 'X-Account-Meta-Color': '' } })).status).toBe(204);
    expect((await sw('POST', '', { headers: { 'X-Remove-Account-Meta-Size': 'x' } })).status).toBe(204);
    head = await sw('HEAD', '');
    expect(head.headers.get('x-account-meta-color')).toBeNull();
    expect(head.headers.get('x-account-meta-size')).toBeNull();
    expect(head.headers.get('x-account-meta-keep')).toBe('k');
  });
});

describe('containers and listings', () => {
  const names = ['a/1', 'a/2', 'b/1', 'c', 'd/e/f'];
  const bodyOf = (n: string) => `content of ${n} `.repeat(names.indexOf(n) + 1);
  const totalBytes = () => names.reduce((n, name) => n + Buffer.byteLength(bodyOf(name)), 0);
  const list = async (query: string) => {
    const r = await sw('GET', `/listing?${query}`);
    expect(r.status, r.text).toBe(200);
    return r;
  };
  const plain = async (query: string) => (await list(`format=plain&${query}`)).text.split('\n').slice(0, -1);

  beforeAll(async () => {
    expect((await sw('PUT', '/listing')).status).toBe(201);
    for (const n of names) await putObject(`/listing/${enc(n)}`, bodyOf(n));
  });

  it('PUT creates (201), PUT again updates (202), HEAD shows counts and metadata', async () => {
    expect((await sw('PUT', '/created', { headers: { 'X-Container-Meta-Owner': 'alice' } })).status).toBe(
      201,
    );
    expect((await sw('PUT', '/created', { headers: { 'X-Container-Meta-Tier': 'gold' } })).status).toBe(202);
    const head = await sw('HEAD', '/created');
    expect(head.status).toBe(204);
    expect(head.headers.get('x-container-object-count')).toBe('0');
    expect(head.headers.get('x-container-meta-owner')).toBe('alice');
    expect(head.headers.get('x-container-meta-tier')).toBe('gold');
    expect((await sw('POST', '/created', { headers: { 'X-Remove-Container-Meta-Owner': '1' } })).status).toBe(
      204,
    );
    expect((await sw('HEAD', '/created')).headers.get('x-container-meta-owner')).toBeNull();
    expect((await sw('HEAD', '/missing')).status).toBe(404);
    expect((await sw('GET', '/missing')).status).toBe(404);
  });

  it('counts and bytes appear in container and account headers and listings', async () => {
    const head = await sw('HEAD', '/listing');
    expect(head.headers.get('x-container-object-count')).toBe(String(names.length));
    expect(head.headers.get('x-container-bytes-used')).toBe(String(totalBytes()));
    const acct = await sw('GET', '?format=json');
    expect(Number(acct.headers.get('x-account-object-count'))).toBeGreaterThanOrEqual(names.length);
    const entry = (JSON.parse(acct.text) as Array<Record<string, unknown>>).find((c) => c.name === 'listing');
    expect(entry).toMatchObject({ name: 'listing', count: names.length, bytes: totalBytes() });
    expect(entry?.last_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
  });

  it('lists in plain text, JSON and XML', async () => {
    expect(await plain('')).toEqual(names);
    const json = await list('format=json');
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    const rows = JSON.parse(json.text) as Array<Record<string, unknown>>;
    expect(rows.map((r) => r.name)).toEqual(names);
    expect(rows[3]).toMatchObject({
      name: 'c',
      hash: md5(bodyOf('c')),
      bytes: Buffer.byteLength(bodyOf('c')),
      content_type: 'application/octet-stream',
    });
    const xml = await list('format=xml');
    expect(xml.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(xml.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<container name="listing">/);
    expect([...xml.text.matchAll(/<object><name>([^<]*)<\/name>/g)].map((m) => m[1])).toEqual(names);
    expect(xml.text).toContain(`<hash>${md5(bodyOf('a/1'))}</hash>`);
    const byAccept = await sw('GET', '/listing', { headers: { Accept: 'application/json' } });
    expect(JSON.parse(byAccept.text)).toHaveLength(names.length);
  });

  it('applies prefix, delimiter (subdirs), marker, end_marker, limit and reverse', async () => {
    expect(await plain('prefix=a/')).toEqual(['a/1', 'a/2']);
    expect(await plain('delimiter=/')).toEqual(['a/', 'b/', 'c', 'd/']);
    expect(JSON.parse((await list('format=json&delimiter=/')).text)).toEqual([
      { subdir: 'a/' },
      { subdir: 'b/' },
      expect.objectContaining({ name: 'c' }),
      { subdir: 'd/' },
    ]);
    expect((await list('format=xml&delimiter=/')).text).toContain(
      '<subdir name="a/"><name>a/</name></subdir>',
    );
    expect(await plain('prefix=d/&delimiter=/')).toEqual(['d/e/']);
    expect(await plain('marker=b/1')).toEqual(['c', 'd/e/f']);
    expect(await plain('end_marker=b')).toEqual(['a/1', 'a/2']);
    expect(await plain('marker=a/1&end_marker=c')).toEqual(['a/2', 'b/1']);
    expect(await plain('limit=2')).toEqual(['a/1', 'a/2']);
    expect(await plain('limit=2&marker=a/2')).toEqual(['b/1', 'c']);
    expect(await plain('reverse=true')).toEqual([...names].reverse());
    expect(await plain('reverse=true&marker=c')).toEqual(['b/1', 'a/2', 'a/1']);
    expect(await plain('delimiter=/&limit=2')).toEqual(['a/', 'b/']);
    expect(await plain('limit=10000')).toEqual(names);
    const tooMany = await sw('GET', '/listing?limit=10001');
    expect(tooMany.status).toBe(412);
    expect((await sw('GET', '?limit=10001')).status).toBe(412);
  });

  it('DELETE of a non-empty container is 409; once emptied it is 204, then 404', async () => {
    expect((await sw('PUT', '/doomed')).status).toBe(201);
    await putObject('/doomed/x', 'x');
    expect((await sw('DELETE', '/doomed')).status).toBe(409);
    expect((await sw('DELETE', '/doomed/x')).status).toBe(204);
    expect((await sw('DELETE', '/doomed')).status).toBe(204);
    expect((await sw('HEAD', '/doomed')).status).toBe(404);
    expect((await sw('DELETE', '/doomed')).status).toBe(404);
  });
});

describe('objects', () => {
  const data = Buffer.from('0123456789abcdefghij');

  beforeAll(async () => {
    expect((await sw('PUT', '/obj')).status).toBe(201);
    await putObject('/obj/data.bin', data, { 'Content-Type': 'application/x-test' });
  });

  it('PUT with chunked transfer-encoding stores the whole stream', async () => {
    const parts = Array.from({ length: 8 }, () => randomBytes(100_000));
    async function* chunks() {
      for (const p of parts) yield p;
    }
    const r = await rawRequest(t.url, {
      method: 'PUT',
      path: `${accountPath}/obj/chunked`,
      headers: { 'x-auth-token': alice.token, 'transfer-encoding': 'chunked' },
      body: chunks(),
    });
    expect(r.status, r.body.toString()).toBe(201);
    const whole = Buffer.concat(parts);
    expect(r.headers.etag).toBe(md5(whole));
    const got = await sw('GET', '/obj/chunked');
    expect(got.body.equals(whole)).toBe(true);
    expect(got.headers.get('content-length')).toBe(String(whole.length));
  });

  it('checks Etag: a mismatch is 422 and stores nothing; a match is 201', async () => {
    const bad = await sw('PUT', '/obj/etagged', { body: 'hello', headers: { Etag: md5('other') } });
    expect(bad.status).toBe(422);
    expect((await sw('HEAD', '/obj/etagged')).status).toBe(404);
    const good = await sw('PUT', '/obj/etagged', { body: 'hello', headers: { Etag: md5('hello') } });
    expect(good.status).toBe(201);
    expect(good.headers.get('etag')).toBe(md5('hello'));
    expect(tmpFiles()).toEqual([]);
  });

  it('If-None-Match: * creates once and refuses to overwrite (412)', async () => {
    expect((await sw('PUT', '/obj/once', { body: 'first', headers: { 'If-None-Match': '*' } })).status).toBe(
      201,
    );
    expect((await sw('PUT', '/obj/once', { body: 'second', headers: { 'If-None-Match': '*' } })).status).toBe(
      412,
    );
    expect((await sw('GET', '/obj/once')).text).toBe('first');
  });

  it('detects the Content-Type from the name when none is given or when asked to', async () => {
    const none = await rawRequest(t.url, {
      method: 'PUT',
      path: `${accountPath}/obj/picture.png`,
      headers: { 'x-auth-token': alice.token, 'content-length': 3 },
      body: 'png',
    });
    expect(none.status).toBe(201);
    expect((await sw('HEAD', '/obj/picture.png')).headers.get('content-type')).toBe('image/png');
    await putObject('/obj/page.html', '<p>', {
      'Content-Type': 'application/octet-stream',
      'X-Detect-Content-Type': 'true',
    });
    expect((await sw('HEAD', '/obj/page.html')).headers.get('content-type')).toBe('text/html');
    expect((await sw('HEAD', '/obj/data.bin')).headers.get('content-type')).toBe('application/x-test');
  });

  it('round-trips X-Object-Meta-*, Content-Disposition and Content-Encoding', async () => {
    const gz = Buffer.from([0x1f, 0x8b, 0x08, 0x00]);
    await putObject('/obj/meta', gz, {
      'X-Object-Meta-Color': 'red',
      'X-Object-Meta-Two-Words': 'a b',
      'Content-Disposition': 'attachment; filename="report.csv"',
      'Content-Encoding': 'gzip',
    });
    for (const method of ['GET', 'HEAD']) {
      const r = await sw(method, '/obj/meta', { headers: { 'Accept-Encoding': 'identity' } });
      expect(r.status).toBe(200);
      expect(r.headers.get('x-object-meta-color')).toBe('red');
      expect(r.headers.get('x-object-meta-two-words')).toBe('a b');
      expect(r.headers.get('content-disposition')).toBe('attachment; filename="report.csv"');
      expect(r.headers.get('content-encoding')).toBe('gzip');
    }
  });

  it('serves single, suffix and multiple ranges, and 416 for an unsatisfiable one', async () => {
    const single = await sw('GET', '/obj/data.bin', { headers: { Range: 'bytes=2-5' } });
    expect(single.status).toBe(206);
    expect(single.text).toBe('2345');
    expect(single.headers.get('content-range')).toBe(`bytes 2-5/${data.length}`);
    const suffix = await sw('GET', '/obj/data.bin', { headers: { Range: 'bytes=-3' } });
    expect(suffix.status).toBe(206);
    expect(suffix.text).toBe('hij');
    const open = await sw('GET', '/obj/data.bin', { headers: { Range: 'bytes=18-' } });
    expect(open.text).toBe('ij');

    const multi = await sw('GET', '/obj/data.bin', { headers: { Range: 'bytes=0-1,10-12' } });
    expect(multi.status).toBe(206);
    const boundary = /^multipart\/byteranges;\s*boundary=(\S+)$/.exec(
      multi.headers.get('content-type') ?? '',
    )?.[1];
    expect(boundary).toBeTruthy();
    expect(multi.headers.get('content-length')).toBe(String(multi.body.length));
    const parts = multi.text
      .split(`--${boundary}`)
      .slice(1, -1)
      .map((p) => {
        const [head, body] = p.split('\r\n\r\n') as [string, string];
        return {
          range: /Content-Range: (.*)/.exec(head)?.[1],
          type: /Content-Type: (.*)/.exec(head)?.[1],
          body,
        };
      });
    expect(parts).toEqual([
      { range: `bytes 0-1/${data.length}`, type: 'application/x-test', body: '01\r\n' },
      { range: `bytes 10-12/${data.length}`, type: 'application/x-test', body: 'abc\r\n' },
    ]);
    expect(multi.text.endsWith(`--${boundary}--\r\n`)).toBe(true);

    const bad = await sw('GET', '/obj/data.bin', { headers: { Range: `bytes=${data.length}-` } });
    expect(bad.status).toBe(416);
    expect(bad.headers.get('content-range')).toBe(`bytes */${data.length}`);
  });

  it('honours If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since', async () => {
    const head = await sw('HEAD', '/obj/data.bin');
    const etag = head.headers.get('etag') as string;
    expect(etag).toBe(md5(data));
    const lastModified = new Date(head.headers.get('last-modified') as string);
    const hourBefore = new Date(lastModified.getTime() - 3600_000).toUTCString();
    const hourAfter = new Date(lastModified.getTime() + 3600_000).toUTCString();
    const status = async (headers: Record<string, string>) =>
      (await sw('GET', '/obj/data.bin', { headers })).status;
    expect(await status({ 'If-Match': etag })).toBe(200);
    expect(await status({ 'If-Match': `"${etag}"` })).toBe(200);
    expect(await status({ 'If-Match': md5('nope') })).toBe(412);
    expect(await status({ 'If-None-Match': etag })).toBe(304);
    expect(await status({ 'If-None-Match': md5('nope') })).toBe(200);
    expect(await status({ 'If-Modified-Since': hourAfter })).toBe(304);
    expect(await status({ 'If-Modified-Since': hourBefore })).toBe(200);
    expect(await status({ 'If-Unmodified-Since': hourBefore })).toBe(412);
    expect(await status({ 'If-Unmodified-Since': hourAfter })).toBe(200);
    const notModified = await sw('GET', '/obj/data.bin', { headers: { 'If-None-Match': etag } });
    expect(notModified.body.length).toBe(0);
    expect(notModified.headers.get('etag')).toBe(etag);
  });

  it('HEAD gives the Content-Length and headers without a body', async () => {
    const head = await sw('HEAD', '/obj/data.bin');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(data.length));
    expect(head.headers.get('accept-ranges')).toBe('bytes');
    expect(head.headers.get('x-timestamp')).toMatch(/^\d{10}\.\d{5}$/);
    expect(head.body.length).toBe(0);
  });

  it('POST replaces the user metadata and keeps the data', async () => {
    await putObject('/obj/posted', 'body', { 'X-Object-Meta-Old': '1', 'Content-Type': 'text/plain' });
    const post = await sw('POST', '/obj/posted', {
      headers: { 'X-Object-Meta-New': '2', 'Content-Type': 'text/csv' },
    });
    expect(post.status).toBe(202);
    const got = await sw('GET', '/obj/posted');
    expect(got.text).toBe('body');
    expect(got.headers.get('x-object-meta-new')).toBe('2');
    expect(got.headers.get('x-object-meta-old')).toBeNull();
    expect(got.headers.get('content-type')).toBe('text/csv');
    expect((await sw('POST', '/obj/never-put', { headers: { 'X-Object-Meta-A': '1' } })).status).toBe(404);
  });

  it('COPY with Destination and PUT with X-Copy-From (with and without X-Fresh-Metadata)', async () => {
    await putObject('/obj/source', 'copy me', {
      'X-Object-Meta-From': 'source',
      'Content-Type': 'text/plain',
    });
    expect((await sw('PUT', '/copies')).status).toBe(201);

    const copied = await sw('COPY', '/obj/source', {
      headers: { Destination: '/copies/by-copy', 'X-Object-Meta-Added': 'yes' },
    });
    expect(copied.status).toBe(201);
    expect(copied.headers.get('x-copied-from')).toBe('obj/source');
    let got = await sw('GET', '/copies/by-copy');
    expect(got.text).toBe('copy me');
    expect(got.headers.get('x-object-meta-from')).toBe('source');
    expect(got.headers.get('x-object-meta-added')).toBe('yes');
    expect(got.headers.get('content-type')).toBe('text/plain');

    const put = await sw('PUT', '/copies/by-put', {
      headers: { 'X-Copy-From': 'obj/source', 'Content-Length': '0' },
    });
    expect(put.status).toBe(201);
    got = await sw('GET', '/copies/by-put');
    expect(got.text).toBe('copy me');
    expect(got.headers.get('x-object-meta-from')).toBe('source');

    const fresh = await sw('PUT', '/copies/fresh', {
      headers: {
        'X-Copy-From': '/obj/source',
        'X-Fresh-Metadata': 'true',
        'X-Object-Meta-Only': 'this',
        'Content-Length': '0',
      },
    });
    expect(fresh.status).toBe(201);
    got = await sw('GET', '/copies/fresh');
    expect(got.text).toBe('copy me');
    expect(got.headers.get('x-object-meta-from')).toBeNull();
    expect(got.headers.get('x-object-meta-only')).toBe('this');

    const head = await sw('HEAD', '/copies');
    expect(head.headers.get('x-container-object-count')).toBe('3');
    expect(head.headers.get('x-container-bytes-used')).toBe(String(3 * 'copy me'.length));
    expect((await sw('COPY', '/obj/source', { headers: { Destination: 'no-slash' } })).status).toBe(412);
    expect((await sw('COPY', '/obj/absent', { headers: { Destination: 'copies/x' } })).status).toBe(404);
  });

  it('X-Delete-After: the object 404s once expired and the reaper removes it from the container', async () => {
    expect((await sw('PUT', '/expiring')).status).toBe(201);
    await putObject('/expiring/keep', 'kept');
    const put = await sw('PUT', '/expiring/brief', {
      body: 'short-lived',
      // Swift truncates now + 2 s to whole seconds: the object lives between 1 and 2 seconds.
      headers: { 'X-Delete-After': '2' },
    });
    expect(put.status).toBe(201);
    const head = await sw('HEAD', '/expiring/brief');
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('x-delete-at'))).toBeGreaterThan(Date.now() / 1000 - 1);
    await waitFor(
      'the expired object to 404',
      async () => (await sw('GET', '/expiring/brief')).status === 404,
    );
    await waitFor('the reaper to delete the row', async () => {
      const c = await sw('HEAD', '/expiring');
      return c.headers.get('x-container-object-count') === '1';
    });
    expect((await sw('GET', '/expiring?format=plain')).text).toBe('keep\n');
    expect((await sw('HEAD', '/expiring')).headers.get('x-container-bytes-used')).toBe('4');
  });

  it('round-trips unicode names through listings in every format', async () => {
    const names = ['ünïcødé/日本語 ファイル.txt', 'émoji 🎉 & <tag>', 'zähler'];
    expect((await sw('PUT', `/${enc('ünï-container')}`)).status).toBe(201);
    for (const n of names) await putObject(`/${enc('ünï-container')}/${enc(n)}`, n);
    const sorted = [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const base = `/${enc('ünï-container')}`;
    const json = JSON.parse((await sw('GET', `${base}?format=json`)).text) as Array<{ name: string }>;
    expect(json.map((r) => r.name)).toEqual(sorted);
    expect((await sw('GET', `${base}?format=plain`)).text).toBe(sorted.map((n) => `${n}\n`).join(''));
    const xml = (await sw('GET', `${base}?format=xml`)).text;
    expect(xml).toContain('<name>émoji 🎉 &amp; &lt;tag&gt;</name>');
    expect(xml).toContain('<container name="ünï-container">');
    expect(JSON.parse((await sw('GET', `${base}?format=json&prefix=${enc('ünïcødé/')}`)).text)).toHaveLength(
      1,
    );
    for (const n of names) expect((await sw('GET', `${base}/${enc(n)}`)).text).toBe(n);
    const acct = JSON.parse((await sw('GET', '?format=json')).text) as Array<{ name: string }>;
    expect(acct.map((c) => c.name)).toContain('ünï-container');
  });
});

describe('isolation and access control', () => {
  beforeAll(async () => {
    expect((await sw('PUT', '/private')).status).toBe(201);
    await putObject('/private/secret', 'secret data');
    expect((await sw('PUT', '/other-private')).status).toBe(201);
  });

  /** Every method on every level of alice's account, as `token`. */
  const everyPath: Array<[string, string, Record<string, string>?]> = [
    ['HEAD', ''],
    ['GET', ''],
    ['POST', '', { 'X-Account-Meta-Hacked': '1' }],
    ['HEAD', '/private'],
    ['GET', '/private'],
    ['PUT', '/private'],
    ['PUT', '/new-container'],
    ['POST', '/private', { 'X-Container-Meta-Hacked': '1' }],
    ['DELETE', '/private'],
    ['HEAD', '/private/secret'],
    ['GET', '/private/secret'],
    ['PUT', '/private/secret', { 'Content-Length': '0' }],
    ['PUT', '/private/new', { 'Content-Length': '0' }],
    ['PUT', '/private/by-copy', { 'X-Copy-From': 'private/secret', 'Content-Length': '0' }],
    ['POST', '/private/secret', { 'X-Object-Meta-Hacked': '1' }],
    ['COPY', '/private/secret', { Destination: 'private/copied' }],
    ['DELETE', '/private/secret'],
  ];

  async function expectUnchanged() {
    const got = await sw('GET', '/private/secret');
    expect(got.text).toBe('secret data');
    expect(got.headers.get('x-object-meta-hacked')).toBeNull();
    expect((await sw('GET', '/private?format=plain')).text).toBe('secret\n');
    expect((await sw('HEAD', '/private')).headers.get('x-container-meta-hacked')).toBeNull();
    expect((await sw('HEAD', '')).headers.get('x-account-meta-hacked')).toBeNull();
    expect((await sw('HEAD', '/new-container')).status).toBe(404);
  }

  it("a member of another project gets 403 on every path and method of this project's account", async () => {
    for (const [method, path, headers] of everyPath) {
      const r = await sw(method, path, { token: bob.token, headers });
      expect(r.status, `${method} ${path || '/'} as bob`).toBe(403);
    }
    await expectUnchanged();
  });

  it('the reader role can read everything and write nothing (403)', async () => {
    for (const [method, path, headers] of everyPath) {
      const r = await sw(method, path, { token: rita.token, headers });
      const isRead = method === 'GET' || method === 'HEAD';
      if (isRead) expect(r.status, `${method} ${path || '/'} as rita`).toBeLessThan(300);
      else expect(r.status, `${method} ${path || '/'} as rita`).toBe(403);
    }
    expect((await sw('GET', '/private/secret', { token: rita.token })).text).toBe('secret data');
    await expectUnchanged();
  });

  it('anonymous callers read objects of a .r:* container, its listing only with .rlistings, else 401', async () => {
    expect((await sw('PUT', '/public', { headers: { 'X-Container-Read': '.r:*' } })).status).toBe(201);
    await putObject('/public/page.html', '<h1>hi</h1>');
    const anon = (method: string, path: string, headers?: Record<string, string>) =>
      sw(method, path, { token: null, headers });

    const page = await anon('GET', '/public/page.html');
    expect(page.status).toBe(200);
    expect(page.text).toBe('<h1>hi</h1>');
    expect((await anon('HEAD', '/public/page.html')).status).toBe(200);
    expect((await anon('GET', '/public/missing')).status).toBe(404);
    expect((await anon('GET', '/public')).status).toBe(401);
    // The ACL itself is the owner's business, even on a public container.
    expect((await sw('HEAD', '/public')).headers.get('x-container-read')).toBe('.r:*');
    expect((await sw('HEAD', '/public', { token: rita.token })).headers.get('x-container-read')).toBeNull();

    expect((await sw('POST', '/public', { headers: { 'X-Container-Read': '.r:*,.rlistings' } })).status).toBe(
      204,
    );
    const listing = await anon('GET', '/public?format=json');
    expect(listing.status).toBe(200);
    expect((JSON.parse(listing.text) as Array<{ name: string }>).map((o) => o.name)).toEqual(['page.html']);

    for (const [method, path, headers] of [
      ['HEAD', ''],
      ['GET', ''],
      ['POST', '', { 'X-Account-Meta-A': '1' }],
      ['GET', '/private'],
      ['GET', '/private/secret'],
      ['HEAD', '/private/secret'],
      ['PUT', '/public/upload', { 'Content-Length': '0' }],
      ['POST', '/public/page.html', { 'X-Object-Meta-A': '1' }],
      ['DELETE', '/public/page.html'],
      ['PUT', '/public'],
      ['POST', '/public', { 'X-Container-Read': '' }],
      ['DELETE', '/public'],
      ['COPY', '/public/page.html', { Destination: 'public/copy' }],
    ] as Array<[string, string, Record<string, string>?]>) {
      expect((await anon(method, path, headers)).status, `anonymous ${method} ${path || '/'}`).toBe(401);
    }
    expect((await sw('GET', '/public/page.html')).text).toBe('<h1>hi</h1>');
    expect((await sw('HEAD', '/public/upload')).status).toBe(404);
  });

  it('a container write ACL <project>:<user> lets another user write, and only there', async () => {
    expect(
      (await sw('PUT', '/shared', { headers: { 'X-Container-Write': `${bob.projectId}:${bob.userId}` } }))
        .status,
    ).toBe(201);
    const put = await sw('PUT', '/shared/from-bob', { token: bob.token, body: 'hi from bob' });
    expect(put.status).toBe(201);
    expect((await sw('GET', '/shared/from-bob')).text).toBe('hi from bob');
    // Write does not imply read, and other containers stay closed.
    expect((await sw('GET', '/shared/from-bob', { token: bob.token })).status).toBe(403);
    expect((await sw('PUT', '/other-private/x', { token: bob.token, body: 'x' })).status).toBe(403);
    // Only the owner may change the ACL.
    expect(
      (await sw('POST', '/shared', { token: bob.token, headers: { 'X-Container-Write': '*:*' } })).status,
    ).toBe(403);
    // By name works too.
    expect(
      (await sw('POST', '/other-private', { headers: { 'X-Container-Write': `swift-b:bob` } })).status,
    ).toBe(204);
    expect((await sw('PUT', '/other-private/by-name', { token: bob.token, body: 'y' })).status).toBe(201);
  });
});

describe('bad input', () => {
  beforeAll(async () => {
    expect((await sw('PUT', '/bad')).status).toBe(201);
  });

  const raw = (method: string, path: string, headers: Record<string, string | number> = {}, body?: string) =>
    rawRequest(t.url, {
      method,
      path: `${accountPath}${path}`,
      headers: { 'x-auth-token': alice.token, ...headers },
      body,
    });

  it('stores names with .. verbatim: the raw path /c/../../etc/x addresses the object ../../etc/x', async () => {
    const put = await raw('PUT', '/bad/../../etc/x', { 'content-length': 10 }, 'not a file');
    expect(put.status).toBe(201);
    const got = await raw('GET', '/bad/../../etc/x');
    expect(got.status).toBe(200);
    expect(got.body.toString()).toBe('not a file');
    const listing = JSON.parse((await sw('GET', '/bad?format=json')).text) as Array<{ name: string }>;
    expect(listing.map((o) => o.name)).toContain('../../etc/x');
    // The same name, percent-encoded, is the same object.
    expect((await raw('GET', `/bad/${encodeURIComponent('../../etc/x')}`)).body.toString()).toBe(
      'not a file',
    );
    const dotdot = await raw('PUT', '/bad/..', { 'content-length': 2 }, '..');
    expect(dotdot.status).toBe(201);
    expect((await raw('GET', '/bad/..')).body.toString()).toBe('..');
    expect((await raw('DELETE', '/bad/../../etc/x')).status).toBe(204);
    expect((await raw('GET', '/bad/../../etc/x')).status).toBe(404);
  });

  it('refuses NUL (412), invalid UTF-8 (412) and names over 1,024 bytes (400)', async () => {
    expect((await raw('PUT', '/bad/a%00b', { 'content-length': 0 })).status).toBe(412);
    expect((await raw('PUT', '/bad%00x', { 'content-length': 0 })).status).toBe(412);
    const ff = await raw('PUT', '/bad/x%FF', { 'content-length': 0 });
    expect(ff.status, ff.body.toString()).toBe(412);
    expect((await raw('GET', '/bad/%C3%28')).status).toBe(412);
    expect((await raw('PUT', `/bad/${'n'.repeat(1025)}`, { 'content-length': 0 })).status).toBe(400);
    expect((await raw('PUT', `/bad/${'é'.repeat(512)}x`, { 'content-length': 0 })).status).toBe(400);
    expect((await raw('PUT', `/bad/${'n'.repeat(1024)}`, { 'content-length': 0 })).status).toBe(201);
    // 1,024 bytes of three-byte characters: over 3,000 characters once percent-encoded, still valid.
    const wide = '日'.repeat(341) + 'x';
    const wideput = await raw('PUT', `/bad/${encodeURIComponent(wide)}`, { 'content-length': 0 });
    expect(wideput.status, wideput.body.toString()).toBe(201);
    expect((await raw('PUT', `/${'c'.repeat(257)}`)).status).toBe(400);
    const listing = JSON.parse((await sw('GET', '/bad?format=json&prefix=n')).text) as Array<{
      name: string;
    }>;
    expect(listing.map((o) => o.name)).toEqual(['n'.repeat(1024)]);
    expect((await raw('HEAD', `/bad/${encodeURIComponent(wide)}`)).status).toBe(200);
    expect((await raw('HEAD', '/bad/a')).status).toBe(404);
  });

  it('a body shorter than Content-Length, then a closed connection, creates nothing', async () => {
    const { socket, response } = openSocket(
      t.url,
      [
        `PUT ${accountPath}/bad/short HTTP/1.1`,
        `Host: 127.0.0.1`,
        `X-Auth-Token: ${alice.token}`,
        `Content-Length: 1000`,
      ].join('\r\n'),
      Buffer.alloc(400, 'a'),
    );
    await waitFor('the upload to start writing a temporary file', () => tmpFiles().length > 0);
    socket.end();
    const text = await response;
    expect(text === '' || !/^HTTP\/1\.1 2/.test(text)).toBe(true);
    await waitFor('the temporary file to go', () => tmpFiles().length === 0);
    expect((await sw('HEAD', '/bad/short')).status).toBe(404);
  });

  it('a PUT without Content-Length or chunked encoding is 411', async () => {
    const { socket, response } = openSocket(
      t.url,
      [`PUT ${accountPath}/bad/no-length HTTP/1.1`, 'Host: 127.0.0.1', `X-Auth-Token: ${alice.token}`].join(
        '\r\n',
      ),
      Buffer.alloc(0),
    );
    // The server answers without waiting for a body; once it has, close our side.
    await waitFor('an answer', () => socket.bytesRead > 0 || socket.destroyed);
    socket.end();
    const text = await response;
    expect(text).toMatch(/^HTTP\/1\.1 411 /);
    expect((await sw('HEAD', '/bad/no-length')).status).toBe(404);
  });

  it('a client that disconnects mid-upload leaves no object and no temporary file', async () => {
    const { socket, response } = openSocket(
      t.url,
      [
        `PUT ${accountPath}/bad/dropped HTTP/1.1`,
        'Host: 127.0.0.1',
        `X-Auth-Token: ${alice.token}`,
        'Transfer-Encoding: chunked',
      ].join('\r\n'),
      Buffer.concat([Buffer.from('10000\r\n'), randomBytes(0x10000), Buffer.from('\r\n')]),
    );
    await waitFor('the upload to start writing a temporary file', () => tmpFiles().length > 0);
    socket.destroy();
    await response;
    await waitFor('the temporary file to go', () => tmpFiles().length === 0);
    expect((await sw('HEAD', '/bad/dropped')).status).toBe(404);
    expect((await sw('GET', '/bad?format=plain')).text).not.toContain('dropped');
  });

  it('a 64 KiB header is 431, not 500', async () => {
    const { socket, response } = openSocket(
      t.url,
      [
        `GET ${accountPath}/bad HTTP/1.1`,
        'Host: 127.0.0.1',
        `X-Auth-Token: ${alice.token}`,
        `X-Big: ${'b'.repeat(65536)}`,
      ].join('\r\n'),
      Buffer.alloc(0),
    );
    await waitFor('an answer', () => socket.bytesRead > 0 || socket.destroyed);
    socket.end();
    expect(await response).toMatch(/^HTTP\/1\.1 431 /);
    expect((await sw('HEAD', '/bad')).status).toBe(204);
  });

  it('metadata over the limits is 400 at every level', async () => {
    const cases: Array<[string, Record<string, string>]> = [
      ['name over 128', { [`X-Object-Meta-${'k'.repeat(129)}`]: 'v' }],
      ['value over 256', { 'X-Object-Meta-Big': 'v'.repeat(257) }],
      [
        'more than 90 items',
        Object.fromEntries(Array.from({ length: 91 }, (_, i) => [`X-Object-Meta-K${i}`, 'v'])),
      ],
      [
        'over 4096 bytes in all',
        Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`X-Object-Meta-K${i}`, 'v'.repeat(250)])),
      ],
    ];
    for (const [what, headers] of cases) {
      expect((await sw('PUT', '/bad/meta', { body: 'x', headers })).status, `object PUT, ${what}`).toBe(400);
      const asLevel = (level: string) =>
        Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.replace('Object', level), v]));
      expect((await sw('POST', '/bad', { headers: asLevel('Container') })).status, `container, ${what}`).toBe(
        400,
      );
      expect((await sw('POST', '', { headers: asLevel('Account') })).status, `account, ${what}`).toBe(400);
    }
    expect((await sw('HEAD', '/bad/meta')).status).toBe(404);
    const ok = { 'X-Object-Meta-Big': 'v'.repeat(256), [`X-Object-Meta-${'k'.repeat(128)}`]: 'v' };
    expect((await sw('PUT', '/bad/meta', { body: 'x', headers: ok })).status).toBe(201);
  });
});
