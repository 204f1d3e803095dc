// Every header and query input the Swift API parses, checked against the real app: the values Swift
// accepts, and for the others its status and plain-text message (listings' Accept and ?path=, query
// UTF-8, X-Delete-At/After, copies and cross-account copies, POST semantics, metadata rules, features
// Nuage does not offer), plus the special replies that go through the Swift error renderer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProjectUser,
  startSwiftTestApp,
  waitFor,
  type ProjectUser,
  type SwiftTestApp,
} from '../support/swift-test-app.js';

let t: SwiftTestApp;
/** alice (project "valid-a") owns the account under test; bob (project "valid-b") owns another. */
let alice: ProjectUser;
let bob: ProjectUser;

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

async function sw(
  method: string,
  path: string,
  opts: { token?: string | null; headers?: Record<string, string>; body?: string; owner?: ProjectUser } = {},
): Promise<Reply> {
  const owner = opts.owner ?? alice;
  const headers: Record<string, string> = { ...opts.headers };
  const token = opts.token === undefined ? owner.token : opts.token;
  if (token !== null) headers['x-auth-token'] = token;
  const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
  const res = await fetch(`${t.swiftUrl(owner.projectId)}${path}`, { method, headers, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function ok(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const r = await sw(method, path, { headers, body });
  expect(r.status, `${method} ${path}: ${r.text}`).toBeLessThan(300);
  return r;
}

/** A Swift refusal: its status, its plain-text body, and no HTML page. */
function expectPlain(r: Reply, status: number, text: string): void {
  expect(r.status, r.text).toBe(status);
  expect(r.headers.get('content-type')).toBe('text/plain; charset=UTF-8');
  expect(r.text).toBe(text);
}

beforeAll(async () => {
  // The reaper runs at start and then hourly: a test below must see an expired object not yet reaped.
  t = await startSwiftTestApp({ expirerIntervalSeconds: 3600 });
  alice = await createProjectUser(t, { userName: 'alice', role: 'member', projectName: 'valid-a' });
  bob = await createProjectUser(t, { userName: 'bob', role: 'member', projectName: 'valid-b' });
});
afterAll(async () => {
  await t?.close();
});

describe('listings', () => {
  beforeAll(async () => {
    await ok('PUT', '/tree');
    for (const name of ['top', 'Swift/', 'Swift/a', 'Swift/b/', 'Swift/b/deep', 'Swift/c'])
      await ok('PUT', `/tree/${name}`, {}, name);
  });

  it('?path= lists only what is directly under the path, as Swift does', async () => {
    const r = await sw('GET', '/tree?path=Swift&format=json');
    expect((JSON.parse(r.text) as Array<{ name: string }>).map((o) => o.name)).toEqual([
      'Swift/a',
      'Swift/b/',
      'Swift/c',
    ]);
    expect((await sw('GET', '/tree?path=Swift/')).text).toBe('Swift/a\nSwift/b/\nSwift/c\n');
    // An empty path is the top level, where "Swift/" is a name of its own (it ends at the delimiter).
    expect((await sw('GET', '/tree?path=')).text).toBe('Swift/\ntop\n');
    expect((await sw('GET', '/tree?path=Swift&limit=2')).text).toBe('Swift/a\nSwift/b/\n');
  });

  it('negotiates the format: ?format= first, then Accept; 406 for none, 400 for a malformed one', async () => {
    const xml = await sw('GET', '/tree', { headers: { Accept: 'text/xml' } });
    expect(xml.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(xml.text).toContain('<container name="tree">');
    const json = await sw('GET', '/tree', {
      headers: { Accept: 'application/json;q=0.9, text/plain;q=0.5' },
    });
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const format = await sw('GET', '/tree?format=json', { headers: { Accept: 'application/xml' } });
    expect(format.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const unknown = await sw('GET', '/tree?format=yaml', { headers: { Accept: 'application/json' } });
    expect(unknown.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    for (const path of ['', '/tree']) {
      const none = await sw('GET', path, { headers: { Accept: 'image/png' } });
      expect(none.status).toBe(406);
      expect(none.text).toContain('Not Acceptable');
      expectPlain(await sw('HEAD', path, { headers: { Accept: 'nonsense' } }), 400, '');
      expectPlain(await sw('GET', path, { headers: { Accept: 'nonsense' } }), 400, 'Invalid Accept header');
    }
  });

  it('refuses bad listing parameters with 412 and non-UTF-8 values with 400', async () => {
    expectPlain(await sw('GET', '/tree?limit=ten'), 412, 'Value of limit must be a positive integer');
    expectPlain(await sw('GET', '/tree?limit=10001'), 412, 'Maximum limit is 10000');
    expectPlain(await sw('GET', '?delimiter=ab'), 412, 'Bad delimiter');
    expectPlain(await sw('GET', '/tree?path=%00'), 412, 'Bad path');
    expectPlain(await sw('GET', '/tree?prefix=%FF'), 400, '"prefix" parameter not valid UTF-8');
    expectPlain(await sw('GET', '/tree/top?anything=%C3'), 400, '"anything" parameter not valid UTF-8');
    // The last of repeated parameters wins, as in swob's Request.params.
    expect((await sw('GET', '/tree?prefix=Swift/c&prefix=to')).text).toBe('top\n');
  });
});

describe('X-Delete-At and X-Delete-After', () => {
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    await ok('PUT', '/expiry');
  });

  it('refuses what check_delete_headers refuses, in its words', async () => {
    const put = (headers: Record<string, string>) => sw('PUT', '/expiry/o', { headers, body: 'x' });
    expectPlain(await put({ 'X-Delete-After': 'soon' }), 400, 'Non-integer X-Delete-After');
    expectPlain(await put({ 'X-Delete-After': '0' }), 400, 'X-Delete-After in past');
    expectPlain(await put({ 'X-Delete-After': '-5' }), 400, 'X-Delete-After in past');
    expectPlain(await put({ 'X-Delete-At': `${now() + 60}.5` }), 400, 'Non-integer X-Delete-At');
    expectPlain(await put({ 'X-Delete-At': '' }), 400, 'Non-integer X-Delete-At');
    expectPlain(await put({ 'X-Delete-At': String(now() - 1) }), 400, 'X-Delete-At in past');
    expect((await sw('HEAD', '/expiry/o')).status).toBe(404);
  });

  it('accepts Python integers and clamps to ten digits', async () => {
    await ok('PUT', '/expiry/far', { 'X-Delete-At': '99999999999999999999' }, 'x');
    expect((await sw('HEAD', '/expiry/far')).headers.get('x-delete-at')).toBe('9999999999');
    await ok('PUT', '/expiry/signed', { 'X-Delete-After': ' +3_600 ' }, 'x');
    const at = Number((await sw('HEAD', '/expiry/signed')).headers.get('x-delete-at'));
    expect(Math.abs(at - (now() + 3600))).toBeLessThanOrEqual(2);
  });

  it('a POST without them removes the expiry, as Swift’s object server does', async () => {
    await ok('PUT', '/expiry/kept', { 'X-Delete-After': '3600' }, 'x');
    await ok('POST', '/expiry/kept', { 'X-Delete-After': '7200' });
    expect(Number((await sw('HEAD', '/expiry/kept')).headers.get('x-delete-at'))).toBeGreaterThan(
      now() + 3600,
    );
    await ok('POST', '/expiry/kept', { 'X-Object-Meta-A': '1' });
    expect((await sw('HEAD', '/expiry/kept')).headers.get('x-delete-at')).toBeNull();
  });

  it('an expired object the reaper has not removed yet does not keep its container from being deleted', async () => {
    await ok('PUT', '/short-lived');
    await ok('PUT', '/short-lived/o', { 'X-Delete-After': '1' }, 'x');
    await waitFor('the object to expire', async () => (await sw('GET', '/short-lived/o')).status === 404);
    expect((await sw('GET', '/short-lived')).status).toBe(204);
    expect((await sw('DELETE', '/short-lived')).status).toBe(204);
  });
});

describe('server-side copies', () => {
  beforeAll(async () => {
    await ok('PUT', '/src');
    await ok('PUT', '/src/a b', { 'X-Object-Meta-Color': 'red', 'Content-Type': 'text/plain' }, 'source');
    await ok('PUT', '/dst');
  });

  it('refuses malformed copy headers with Swift’s 412 and a copy with a body with 400', async () => {
    for (const value of ['src', '/src', 'src/', '//src/a b', '%FF/x']) {
      expectPlain(
        await sw('PUT', '/dst/x', { headers: { 'X-Copy-From': value, 'Content-Length': '0' } }),
        412,
        'X-Copy-From header must be of the form <container name>/<object name>',
      );
    }
    expectPlain(
      await sw('COPY', '/src/a%20b', { headers: { Destination: 'dst' } }),
      412,
      'Destination header must be of the form <container name>/<object name>',
    );
    expectPlain(await sw('COPY', '/src/a%20b'), 412, 'Destination header required');
    expectPlain(
      await sw('PUT', '/dst/x', { headers: { 'X-Copy-From': 'src/a b' }, body: 'data' }),
      400,
      'Copy requests require a zero byte body',
    );
    for (const [value, message] of [
      ['', 'Account name cannot be empty'],
      ['AUTH_a/b', 'Account name cannot contain slashes'],
    ] as const) {
      const r = await sw('PUT', '/dst/x', {
        headers: { 'X-Copy-From': 'src/a b', 'X-Copy-From-Account': value, 'Content-Length': '0' },
      });
      expectPlain(r, 412, message);
    }
    expect((await sw('HEAD', '/dst/x')).status).toBe(404);
  });

  it('decodes the header before splitting it, and names the source in X-Copied-From(-Account)', async () => {
    const r = await sw('PUT', '/dst/copy', {
      headers: { 'X-Copy-From': '/src/a%20b', 'Content-Length': '0' },
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('x-copied-from')).toBe('src/a%20b');
    expect(r.headers.get('x-copied-from-account')).toBe(`AUTH_${alice.projectId}`);
    expect(r.headers.get('x-copied-from-last-modified')).toBeTruthy();
    // The reply carries the new object's user metadata, as Swift's copy middleware sends it.
    expect(r.headers.get('x-object-meta-color')).toBe('red');
    expect((await sw('GET', '/dst/copy')).headers.get('x-object-meta-color')).toBe('red');
  });

  it('copies across accounts with X-Copy-From-Account and Destination-Account, with both sides’ rights', async () => {
    await ok('PUT', '/shared-in', { 'X-Container-Write': `${bob.projectId}:${bob.userId}` });
    await ok('POST', '/src', { 'X-Container-Read': `${bob.projectId}:${bob.userId}` });
    expect((await sw('PUT', '/inbox', { owner: bob })).status).toBe(201);
    const pulled = await sw('PUT', '/inbox/pulled', {
      owner: bob,
      headers: { 'X-Copy-From': 'src/a b', 'X-Copy-From-Account': `AUTH_${alice.projectId}` },
    });
    expect(pulled.status, pulled.text).toBe(201);
    expect(pulled.headers.get('x-copied-from-account')).toBe(`AUTH_${alice.projectId}`);
    expect((await sw('GET', '/inbox/pulled', { owner: bob })).text).toBe('source');
    const pushed = await sw('COPY', '/inbox/pulled', {
      owner: bob,
      headers: { Destination: 'shared-in/pushed', 'Destination-Account': `AUTH_${alice.projectId}` },
    });
    expect(pushed.status, pushed.text).toBe(201);
    expect(pushed.headers.get('x-copied-from-account')).toBe(`AUTH_${bob.projectId}`);
    expect((await sw('GET', '/shared-in/pushed')).text).toBe('source');
    const refused = await sw('COPY', '/inbox/pulled', {
      owner: bob,
      headers: { Destination: 'dst/pushed', 'Destination-Account': `AUTH_${alice.projectId}` },
    });
    expect(refused.status).toBe(403);
  });

  it('copies a large object as its content, and the manifest itself with ?multipart-manifest=get', async () => {
    await ok('PUT', '/segs');
    await ok('PUT', '/segs/part-1', {}, 'large ');
    await ok('PUT', '/segs/part-2', {}, 'object');
    await ok('PUT', '/src/dlo', { 'X-Object-Manifest': 'segs/part-' }, '');
    await ok('COPY', '/src/dlo', { Destination: 'dst/content' });
    await ok('COPY', '/src/dlo?multipart-manifest=get', { Destination: 'dst/manifest' });
    const content = await sw('GET', '/dst/content');
    expect(content.text).toBe('large object');
    expect(content.headers.get('x-object-manifest')).toBeNull();
    expect((await sw('HEAD', '/dst/manifest')).headers.get('x-object-manifest')).toBe('segs/part-');
    await ok('DELETE', '/segs/part-2');
    expect((await sw('GET', '/dst/content')).text).toBe('large object');
    expect((await sw('GET', '/dst/manifest')).text).toBe('large ');
  });
});

describe('object metadata', () => {
  beforeAll(async () => {
    await ok('PUT', '/meta');
  });

  it('keeps Swift’s allowed headers, and a POST replaces them and the manifest header', async () => {
    const allowed = {
      'Cache-Control': 'max-age=60',
      'Content-Language': 'fr',
      Expires: 'Wed, 21 Oct 2037 07:28:00 GMT',
      'X-Robots-Tag': 'noindex',
      'Content-Disposition': 'attachment; filename="x"',
    };
    await ok('PUT', '/meta/o', allowed, 'data');
    const head = await sw('HEAD', '/meta/o');
    for (const [name, value] of Object.entries(allowed)) expect(head.headers.get(name)).toBe(value);
    await ok('POST', '/meta/o', { 'Cache-Control': 'no-store' });
    const after = await sw('HEAD', '/meta/o');
    expect(after.headers.get('cache-control')).toBe('no-store');
    expect(after.headers.get('content-disposition')).toBeNull();
    expect(after.headers.get('content-type')).toBe('application/octet-stream');
    await ok('PUT', '/meta/dlo', { 'X-Object-Manifest': 'meta/o' }, '');
    await ok('POST', '/meta/dlo', { 'X-Object-Meta-A': '1' });
    expect((await sw('HEAD', '/meta/dlo')).headers.get('x-object-manifest')).toBeNull();
  });

  it('reads underscores in header names as dashes, as Swift’s WSGI does', async () => {
    await ok('POST', '/meta', { 'X-Container-Meta-test_key': 'v' });
    expect((await sw('HEAD', '/meta')).headers.get('x-container-meta-test-key')).toBe('v');
  });

  it('requires UTF-8 account and container metadata, not object metadata, and bounds header values', async () => {
    const latin1 = { 'X-Container-Meta-Name': '\u00ff\u00fe' };
    expectPlain(await sw('POST', '/meta', { headers: latin1 }), 400, 'Metadata must be valid UTF-8');
    const account = { 'X-Account-Meta-Name': '\u00ff' };
    expectPlain(await sw('POST', '', { headers: account }), 400, 'Metadata must be valid UTF-8');
    await ok('PUT', '/meta/latin1', { 'X-Object-Meta-Name': '\u00ff\u00fe' }, 'x');
    // UTF-8 arrives as its bytes and leaves as them.
    await ok('POST', '/meta', { 'X-Container-Meta-Word': Buffer.from('été').toString('latin1') });
    const word = (await sw('HEAD', '/meta')).headers.get('x-container-meta-word') ?? '';
    expect(Buffer.from(word, 'latin1').toString('utf8')).toBe('été');
    const long = await sw('PUT', '/meta/long', {
      headers: { 'X-Object-Meta-Long': 'v'.repeat(8193) },
      body: 'x',
    });
    expectPlain(long, 400, 'Header value too long: x-object-meta-long');
  });

  it('refuses the headers of features Nuage does not offer (container sync, symlinks) with 501', async () => {
    const sync = await sw('POST', '/meta', {
      headers: { 'X-Container-Sync-To': 'https://elsewhere/v1/a/c' },
    });
    expect(sync.status).toBe(501);
    expect(sync.text).toContain('Container sync is not supported.');
    const link = await sw('PUT', '/meta/link', { headers: { 'X-Symlink-Target': 'meta/o' }, body: '' });
    expect(link.status).toBe(501);
    expect((await sw('HEAD', '/meta/link')).status).toBe(404);
    await ok('POST', '/meta', { 'X-Container-Sync-To': '' });
  });
});

describe('reads', () => {
  beforeAll(async () => {
    await ok('PUT', '/parts');
    for (const [name, body] of [
      ['p1', 'hello '],
      ['p2', 'large '],
      ['p3', 'world'],
    ])
      await ok('PUT', `/parts/${name}`, {}, body);
    const manifest = ['p1', 'p2', 'p3'].map((p) => ({ path: `/parts/${p}` }));
    await ok('PUT', '/parts/slo?multipart-manifest=put', {}, JSON.stringify(manifest));
  });

  it('a HEAD ignores Range, as swob does', async () => {
    const head = await sw('HEAD', '/parts/p1', { headers: { Range: 'bytes=0-1' } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('6');
    expect(head.headers.get('content-range')).toBeNull();
  });

  it('?part-number= serves one part of an SLO as a 206, and is ignored on other objects', async () => {
    const get = await sw('GET', '/parts/slo?part-number=2');
    expect(get.status).toBe(206);
    expect(get.text).toBe('large ');
    expect(get.headers.get('content-range')).toBe('bytes 6-11/17');
    expect(get.headers.get('x-parts-count')).toBe('3');
    const head = await sw('HEAD', '/parts/slo?part-number=3');
    expect(head.status).toBe(206);
    expect(head.headers.get('content-length')).toBe('5');
    expect(head.headers.get('content-range')).toBe('bytes 12-16/17');
    const beyond = await sw('GET', '/parts/slo?part-number=4');
    expect(beyond.status).toBe(416);
    expect(beyond.text).toBe('The requested part number is not satisfiable');
    expect(beyond.headers.get('content-range')).toBe('bytes */17');
    expect(beyond.headers.get('x-parts-count')).toBe('3');
    // the SLO's own headers, as Swift's slo answers a part beyond the last
    expect(beyond.headers.get('x-static-large-object')).toBe('True');
    expect(beyond.headers.get('etag')).toBe(get.headers.get('etag'));
    expect(beyond.headers.get('content-type')).toBe(get.headers.get('content-type'));
    expectPlain(
      await sw('GET', '/parts/slo?part-number=0'),
      400,
      'Part number must be an integer greater than 0',
    );
    expectPlain(
      await sw('GET', '/parts/slo?part-number=1', { headers: { Range: 'bytes=0-1' } }),
      400,
      'Range requests are not supported with part number queries',
    );
    const plain = await sw('GET', '/parts/p1?part-number=7');
    expect(plain.status).toBe(200);
    expect(plain.text).toBe('hello ');
  });
});

describe('special replies, rendered as Swift errors', () => {
  beforeAll(async () => {
    await ok('PUT', '/special', { 'X-Versions-Enabled': 'true', 'X-Container-Meta-Temp-URL-Key': 'k' });
    await ok('PUT', '/special/o', {}, 'data');
  });

  it('tempurl: 401 "Temp URL invalid" in text/html, with the realm', async () => {
    const r = await sw('GET', '/special/o?temp_url_sig=00&temp_url_expires=1', { token: null });
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(r.text).toBe('401 Unauthorized: Temp URL invalid\n');
    expect(r.headers.get('www-authenticate')).toBe(`Swift realm="AUTH_${alice.projectId}"`);
    expect(r.headers.get('x-trans-id')).toMatch(/^tx/);
  });

  it('CORS: a refused preflight is 401 with no body and the Allow header', async () => {
    const r = await sw('OPTIONS', '/special/o', {
      token: null,
      headers: { Origin: 'https://nowhere.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(r.status).toBe(401);
    expect(r.text).toBe('');
    expect(r.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(r.headers.get('allow')).toContain('GET');
  });

  it('versions: the listing is JSON only (406 otherwise)', async () => {
    expect((await sw('GET', '/special?versions')).status).toBe(200);
    for (const [query, accept] of [
      ['&format=xml', undefined],
      ['', 'text/plain'],
    ] as const) {
      const r = await sw('GET', `/special?versions${query}`, { headers: accept ? { Accept: accept } : {} });
      expect(r.status).toBe(406);
      expect(r.headers.get('content-type')).toBe('text/html; charset=UTF-8');
      expect(r.text).toContain('<h1>Not Acceptable</h1>');
    }
  });

  it('SLO: the problems with the segments in the negotiated format', async () => {
    const manifest = JSON.stringify([{ path: '/special/absent' }]);
    const r = await sw('PUT', '/special/slo?multipart-manifest=put', {
      headers: { Accept: 'application/json' },
      body: manifest,
    });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(r.text)).toEqual({ Errors: [['/special/absent', '404 Not Found']] });
  });

  it('formpost: a refused form is 401 in text/html, a bad one 400 in text/plain', async () => {
    const form = (fields: Record<string, string>) => {
      const boundary = 'nuage-boundary';
      const parts = Object.entries(fields).map(
        ([name, value]) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      );
      parts.push(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.txt"\r\n\r\nbody\r\n--${boundary}--\r\n`,
      );
      return {
        headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
        body: parts.join(''),
        token: null,
      };
    };
    const expires = String(Math.floor(Date.now() / 1000) + 60);
    const base = { redirect: '', max_file_size: '100', max_file_count: '1', expires, signature: '00' };
    const unsigned = await sw('POST', '/special/', form(base));
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(unsigned.text).toBe('FormPost: Invalid Signature');
    const bad = await sw('POST', '/special/', form({ ...base, max_file_size: 'big' }));
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('text/plain');
    expect(bad.text).toBe('FormPost: max_file_size not an integer');
  });
});
