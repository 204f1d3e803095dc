// Swift large objects over HTTP against the real app: DLO (X-Object-Manifest) and SLO
// (?multipart-manifest=put/get/delete), with ranges, etag rules, nested manifests, Swift's error
// listings and the caller's rights on segment containers.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let base: string;

const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');

beforeAll(async () => {
  t = await startTestApp();
  const res = await fetch(`${t.identityUrl}/v3/auth/tokens`, {
    headers: { 'x-auth-token': t.adminToken, 'x-subject-token': t.adminToken },
  });
  const body = (await res.json()) as { token: { project: { id: string } } };
  base = `${t.url}/object-store/v1/AUTH_${body.token.project.id}`;
});
afterAll(async () => t?.close());

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  bytes: Buffer;
  json: any;
}

async function swift(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; anonymous?: boolean } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (!options.anonymous) headers['x-auth-token'] = t.adminToken;
  const res = await fetch(`${base}${path}`, { method, headers, body: options.body });
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString('utf8');
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, bytes, json };
}

async function put(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const r = await swift('PUT', path, { body, headers });
  expect(r.status, `PUT ${path}: ${r.text}`).toBe(201);
  return r;
}

describe('dynamic large objects', () => {
  const parts = ['aaaa', 'bbbb', 'cc'];
  beforeAll(async () => {
    await swift('PUT', '/dlo-segs');
    await swift('PUT', '/dlo');
    for (const [i, p] of parts.entries()) await put(`/dlo-segs/big/${String(i).padStart(3, '0')}`, p);
    await put('/dlo-segs/other', 'zzzz');
    await put('/dlo/big', '', { 'x-object-manifest': 'dlo-segs/big/' });
  });

  it('reads as the concatenation of the prefixed segments, with the etag of their etags', async () => {
    const r = await swift('GET', '/dlo/big');
    expect(r.status).toBe(200);
    expect(r.text).toBe('aaaabbbbcc');
    expect(r.headers.get('content-length')).toBe('10');
    expect(r.headers.get('etag')).toBe(`"${md5(parts.map(md5).join(''))}"`);
    expect(r.headers.get('x-object-manifest')).toBe('dlo-segs/big/');
    const head = await swift('HEAD', '/dlo/big');
    expect(head.headers.get('content-length')).toBe('10');
    expect(head.headers.get('etag')).toBe(r.headers.get('etag'));
  });

  it('serves ranges across segment boundaries, suffix ranges and 416', async () => {
    const mid = await swift('GET', '/dlo/big', { headers: { range: 'bytes=2-8' } });
    expect(mid.status).toBe(206);
    expect(mid.text).toBe('aabbbbc');
    expect(mid.headers.get('content-range')).toBe('bytes 2-8/10');
    const suffix = await swift('GET', '/dlo/big', { headers: { range: 'bytes=-3' } });
    expect(suffix.text).toBe('bcc');
    const open = await swift('GET', '/dlo/big', { headers: { range: 'bytes=7-' } });
    expect(open.text).toBe('bcc');
    const bad = await swift('GET', '/dlo/big', { headers: { range: 'bytes=10-' } });
    expect(bad.status).toBe(416);
  });

  it('returns the manifest object itself with ?multipart-manifest=get', async () => {
    const r = await swift('GET', '/dlo/big?multipart-manifest=get');
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    expect(r.headers.get('etag')).toBe(md5(''));
    expect(r.headers.get('x-object-manifest')).toBe('dlo-segs/big/');
  });

  it('rejects a malformed X-Object-Manifest with 400', async () => {
    for (const value of ['nocontainer', '/x', 'c/', 'c/p?x=1', 'c//p']) {
      const r = await swift('PUT', '/dlo/bad', { body: '', headers: { 'x-object-manifest': value } });
      expect(r.status, value).toBe(400);
      expect(r.text).toBe('X-Object-Manifest must be in the format container/prefix');
    }
  });

  it('lists the segment container with the caller’s rights', async () => {
    await swift('POST', '/dlo', { headers: { 'x-container-read': '.r:*' } });
    const anonymous = await swift('GET', '/dlo/big', { anonymous: true });
    expect(anonymous.status).toBe(401);
    await swift('POST', '/dlo-segs', { headers: { 'x-container-read': '.r:*,.rlistings' } });
    const allowed = await swift('GET', '/dlo/big', { anonymous: true });
    expect(allowed.status).toBe(200);
    expect(allowed.text).toBe('aaaabbbbcc');
    await swift('POST', '/dlo', { headers: { 'x-remove-container-read': 'x' } });
    await swift('POST', '/dlo-segs', { headers: { 'x-remove-container-read': 'x' } });
  });

  it('answers 404 when the segment container does not exist, and empty when no segment matches', async () => {
    await put('/dlo/ghost', '', { 'x-object-manifest': 'no-such-container/p' });
    expect((await swift('GET', '/dlo/ghost')).status).toBe(404);
    await put('/dlo/empty', '', { 'x-object-manifest': 'dlo-segs/nothing-here' });
    const r = await swift('GET', '/dlo/empty');
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    expect(r.headers.get('etag')).toBe(`"${md5('')}"`);
  });
});

describe('static large objects', () => {
  const seg = { s1: 'hello ', s2: 'large ', s3: 'world' };
  const etags = Object.fromEntries(Object.entries(seg).map(([k, v]) => [k, md5(v)]));
  const manifest = [
    { path: '/slo-segs/s1', etag: etags.s1, size_bytes: 6 },
    { path: '/slo-segs/s2', etag: etags.s2, size_bytes: 6 },
    { path: 'slo-segs/s3', etag: null, size_bytes: null },
  ];
  const sloEtag = md5(etags.s1! + etags.s2! + etags.s3!);

  beforeAll(async () => {
    await swift('PUT', '/slo-segs');
    await swift('PUT', '/slo');
    for (const [k, v] of Object.entries(seg)) await put(`/slo-segs/${k}`, v);
  });

  it('PUT stores the manifest and answers the quoted SLO etag', async () => {
    const r = await put('/slo/obj?multipart-manifest=put', JSON.stringify(manifest), {
      'content-type': 'text/x-greeting',
    });
    expect(r.headers.get('etag')).toBe(`"${sloEtag}"`);
  });

  it('HEAD and GET show the large object', async () => {
    const head = await swift('HEAD', '/slo/obj');
    expect(head.status).toBe(200);
    expect(head.headers.get('x-static-large-object')).toBe('True');
    expect(head.headers.get('content-length')).toBe('17');
    expect(head.headers.get('etag')).toBe(`"${sloEtag}"`);
    expect(head.headers.get('content-type')).toBe('text/x-greeting');
    const get = await swift('GET', '/slo/obj');
    expect(get.text).toBe('hello large world');
    expect(get.headers.get('x-manifest-etag')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('serves ranges spanning segments, multiple ranges and If-None-Match on the SLO etag', async () => {
    const r = await swift('GET', '/slo/obj', { headers: { range: 'bytes=4-13' } });
    expect(r.status).toBe(206);
    expect(r.text).toBe('o large wo');
    expect(r.headers.get('content-range')).toBe('bytes 4-13/17');
    const multi = await swift('GET', '/slo/obj', { headers: { range: 'bytes=0-1,-2' } });
    expect(multi.status).toBe(206);
    expect(multi.text).toContain('Content-Range: bytes 0-1/17\r\n\r\nhe\r\n');
    expect(multi.text).toContain('Content-Range: bytes 15-16/17\r\n\r\nld\r\n');
    const cached = await swift('GET', '/slo/obj', { headers: { 'if-none-match': `"${sloEtag}"` } });
    expect(cached.status).toBe(304);
  });

  it('?multipart-manifest=get returns the stored manifest, and format=raw the PUT format', async () => {
    const r = await swift('GET', '/slo/obj?multipart-manifest=get');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(r.headers.get('etag')).toBe(md5(r.bytes));
    expect(r.json).toHaveLength(3);
    expect(r.json[0]).toMatchObject({
      name: '/slo-segs/s1',
      bytes: 6,
      hash: etags.s1,
      content_type: 'text/plain',
    });
    expect(r.json[0].last_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000$/);
    expect(r.json[2].name).toBe('/slo-segs/s3');
    const raw = await swift('GET', '/slo/obj?multipart-manifest=get&format=raw');
    expect(raw.json).toEqual([
      { etag: etags.s1, path: '/slo-segs/s1', size_bytes: 6 },
      { etag: etags.s2, path: '/slo-segs/s2', size_bytes: 6 },
      { etag: etags.s3, path: '/slo-segs/s3', size_bytes: 5 },
    ]);
    expect(raw.headers.get('content-type')).toBe('text/x-greeting');
    expect(raw.headers.get('etag')).toBe(md5(raw.bytes));
  });

  it('supports per-segment ranges and inline data, with Swift’s etag rule for them', async () => {
    const body = [
      { path: '/slo-segs/s1', range: '1-3' },
      { data: Buffer.from('--').toString('base64') },
      { path: '/slo-segs/s3', range: '-3' },
    ];
    const r = await put('/slo/ranged?multipart-manifest=put', JSON.stringify(body));
    const expected = md5(`${etags.s1}:1-3;${md5('--')}${etags.s3}:2-4;`);
    expect(r.headers.get('etag')).toBe(`"${expected}"`);
    const get = await swift('GET', '/slo/ranged');
    expect(get.text).toBe('ell--rld');
    const part = await swift('GET', '/slo/ranged', { headers: { range: 'bytes=2-5' } });
    expect(part.text).toBe('l--r');
  });

  it('reads a nested SLO', async () => {
    const inner = await swift('HEAD', '/slo/obj');
    const body = [
      { path: '/slo/obj', etag: inner.headers.get('etag')!.replaceAll('"', ''), size_bytes: 17 },
      { path: '/slo-segs/s1' },
    ];
    await put('/slo/nested?multipart-manifest=put', JSON.stringify(body));
    const get = await swift('GET', '/slo/nested');
    expect(get.text).toBe('hello large worldhello ');
    const range = await swift('GET', '/slo/nested', { headers: { range: 'bytes=12-19' } });
    expect(range.text).toBe('worldhel');
    const stored = await swift('GET', '/slo/nested?multipart-manifest=get');
    expect(stored.json[0].sub_slo).toBe(true);
  });

  it('answers 400 with Swift’s error listing for bad segments', async () => {
    const body = [
      { path: '/slo-segs/s1', etag: 'not-the-etag' },
      { path: '/slo-segs/s2', size_bytes: 99 },
      { path: '/slo-segs/missing' },
      { path: '/no-such-container/x' },
      { path: '/slo-segs/s3', range: '50-60' },
    ];
    const r = await swift('PUT', '/slo/bad?multipart-manifest=put', { body: JSON.stringify(body) });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(r.text).toBe(
      'Errors:\n/slo-segs/s1, Etag Mismatch\n/slo-segs/s2, Size Mismatch\n/slo-segs/missing, 404 Not Found\n' +
        '/no-such-container/x, 404 Not Found\n/slo-segs/s3, Unsatisfiable Range\n',
    );
    const json = await swift('PUT', '/slo/bad?multipart-manifest=put', {
      body: JSON.stringify(body.slice(0, 1)),
      headers: { accept: 'application/json' },
    });
    expect(json.json).toEqual({ Errors: [['/slo-segs/s1', 'Etag Mismatch']] });
    expect((await swift('HEAD', '/slo/bad')).status).toBe(404);
  });

  it('validates the manifest body itself', async () => {
    const cases: Array<[string, string]> = [
      ['not json', 'Manifest must be valid JSON.\n'],
      ['{}', 'Manifest must be a list.\n'],
      ['[1]', 'Index 0: not a JSON object\n'],
      [
        '[{"path": "/c"}]',
        'Index 0: path does not refer to an object. Path must be of the form /container/object.\n',
      ],
      ['[{"path": "/c/o", "bytes": 1}]', 'Index 0: extraneous keys "bytes"\n'],
      [
        '[{"path": "/c/o", "size_bytes": 0}, {"path": "/c/p"}]',
        'Index 0: too small; each segment must be at least 1 byte.\n',
      ],
      ['[{"path": "/c/o", "range": "5-1"}]', 'Index 0: invalid range\n'],
      ['[{"path": "/c/o", "range": "1-2,4-5"}]', 'Index 0: multiple ranges (only one allowed)\n'],
      ['[{"path": "/slo/self"}]', 'Index 0: manifest must not include itself as a segment\n'],
      [
        '[{"data": "!!"}]',
        'Index 0: data must be valid base64\nInline data segments require at least one object-backed segment.\n',
      ],
    ];
    for (const [body, message] of cases) {
      const r = await swift('PUT', '/slo/self?multipart-manifest=put', { body });
      expect(r.status, body).toBe(400);
      expect(r.text, body).toBe(message);
    }
    const copy = await swift('PUT', '/slo/x?multipart-manifest=put', {
      body: '[]',
      headers: { 'x-copy-from': 'slo/obj' },
    });
    expect(copy.status).toBe(405);
    const huge = await swift('PUT', '/slo/x?multipart-manifest=put', {
      body: Buffer.alloc(8 * 1024 * 1024 + 1),
    });
    expect(huge.status).toBe(413);
    const many = JSON.stringify(Array.from({ length: 1001 }, () => ({ path: '/slo-segs/s1' })));
    expect((await swift('PUT', '/slo/x?multipart-manifest=put', { body: many })).status).toBe(413);
  });

  it('checks the client’s Etag against the SLO etag (422 on mismatch)', async () => {
    const body = JSON.stringify(manifest);
    const wrong = await swift('PUT', '/slo/etagged?multipart-manifest=put', {
      body,
      headers: { etag: md5('x') },
    });
    expect(wrong.status).toBe(422);
    await put('/slo/etagged?multipart-manifest=put', body, { etag: `"${sloEtag}"` });
  });

  it('refuses X-Static-Large-Object outside ?multipart-manifest=put', async () => {
    const r = await swift('PUT', '/slo/fake', { body: '[]', headers: { 'x-static-large-object': 'True' } });
    expect(r.status).toBe(400);
    expect(r.text).toContain('X-Static-Large-Object is a reserved header');
  });

  it('answers 409 when the first segment changed since the manifest was written', async () => {
    await put('/slo-segs/fragile', 'abc');
    await put('/slo/fragile?multipart-manifest=put', JSON.stringify([{ path: '/slo-segs/fragile' }]));
    await put('/slo-segs/fragile', 'abd');
    expect((await swift('GET', '/slo/fragile')).status).toBe(409);
    expect((await swift('HEAD', '/slo/fragile')).status).toBe(200);
  });

  it('reads segments with the caller’s rights', async () => {
    await swift('PUT', '/slo-public', { headers: { 'x-container-read': '.r:*' } });
    await put('/slo-public/obj?multipart-manifest=put', JSON.stringify(manifest));
    const anonymous = await swift('GET', '/slo-public/obj', { anonymous: true });
    expect(anonymous.status).toBe(409);
    expect((await swift('HEAD', '/slo-public/obj', { anonymous: true })).status).toBe(200);
    expect((await swift('GET', '/slo-public/obj')).text).toBe('hello large world');
  });

  it('DELETE ?multipart-manifest=delete removes the segments and the manifest', async () => {
    await swift('PUT', '/slo-del');
    for (const k of ['a', 'b']) await put(`/slo-del/${k}`, `segment ${k}`);
    await put(
      '/slo-del/m?multipart-manifest=put',
      JSON.stringify([{ path: '/slo-del/a' }, { path: '/slo-del/b' }]),
    );
    const r = await swift('DELETE', '/slo-del/m?multipart-manifest=delete', {
      headers: { accept: 'application/json' },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.json).toEqual({
      'Response Status': '200 OK',
      'Response Body': '',
      'Number Deleted': 3,
      'Number Not Found': 0,
      Errors: [],
    });
    expect(r.text).toBe(
      '{"Response Status": "200 OK", "Response Body": "", "Number Deleted": 3, "Number Not Found": 0, "Errors": []}',
    );
    for (const k of ['a', 'b', 'm']) expect((await swift('HEAD', `/slo-del/${k}`)).status).toBe(404);
    const again = await swift('DELETE', '/slo-del/m?multipart-manifest=delete');
    expect(again.text).toBe(
      'Number Deleted: 0\nNumber Not Found: 1\nResponse Body: \nResponse Status: 200 OK\nErrors:\n',
    );
    await put('/slo-del/plain', 'x');
    const plain = await swift('DELETE', '/slo-del/plain?multipart-manifest=delete');
    expect(plain.text).toContain(
      'Response Status: 400 Bad Request\nErrors:\n/slo-del/plain, Not an SLO manifest\n',
    );
  });

  it('a plain DELETE removes only the manifest', async () => {
    await put('/slo/only?multipart-manifest=put', JSON.stringify([{ path: '/slo-segs/s1' }]));
    expect((await swift('DELETE', '/slo/only')).status).toBe(204);
    expect((await swift('HEAD', '/slo-segs/s1')).status).toBe(200);
  });
});

describe('/info', () => {
  it('lists slo and dlo with their limits', async () => {
    const r = await fetch(`${t.url}/object-store/info`);
    const info = (await r.json()) as Record<string, unknown>;
    expect(info.slo).toEqual({
      max_manifest_segments: 1000,
      max_manifest_size: 8388608,
      min_segment_size: 1,
      yield_frequency: 10,
    });
    expect(info.dlo).toEqual({ max_segments: 10000 });
  });
});
