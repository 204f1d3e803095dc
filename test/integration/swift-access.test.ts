// Swift access features over HTTP against the real app: temporary URLs (sha1, sha256, sha512, prefix,
// ISO expiry, dispositions), form posts, container and account quotas, and CORS (preflight and
// actual requests), each checked against Swift's wire behaviour.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProjectUser,
  startSwiftTestApp,
  type ProjectUser,
  type SwiftTestApp,
} from '../support/swift-test-app.js';

let t: SwiftTestApp;
let base: string;
let account: string;

beforeAll(async () => {
  t = await startSwiftTestApp();
  base = t.swiftUrl(t.adminProjectId);
  account = `AUTH_${t.adminProjectId}`;
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
}

async function swift(
  method: string,
  path: string,
  options: {
    headers?: Record<string, string>;
    body?: string | Buffer | ReadableStream;
    token?: string | null;
    url?: string;
  } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const token = options.token === undefined ? t.adminToken : options.token;
  if (token) headers['x-auth-token'] = token;
  const init: RequestInit & { duplex?: string } = { method, headers, body: options.body, redirect: 'manual' };
  if (options.body instanceof ReadableStream) init.duplex = 'half';
  const res = await fetch(`${options.url ?? base}${path}`, init);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function ok(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const r = await swift(method, path, { headers, body });
  expect(r.status, `${method} ${path}: ${r.text}`).toBeLessThan(300);
  return r;
}

function hexSig(digest: string, key: string, message: string): string {
  return createHmac(digest, key).update(message).digest('hex');
}

function b64Sig(digest: string, key: string, message: string, urlSafe = false): string {
  const raw = createHmac(digest, key).update(message).digest('base64');
  return `${digest}:${urlSafe ? raw.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '') : raw}`;
}

const inAMinute = () => Math.floor(Date.now() / 1000) + 60;

describe('temporary URLs', () => {
  const key = 'account-secret';
  const containerKey = 'container-secret';

  beforeAll(async () => {
    await ok('POST', '', { 'X-Account-Meta-Temp-URL-Key': key });
    await ok('PUT', '/tu', { 'X-Container-Meta-Temp-URL-Key': containerKey });
    await ok(
      'PUT',
      '/tu/hello.txt',
      { 'X-Object-Meta-Secret': 's', 'X-Object-Meta-Public-Tag': 'p' },
      'hello',
    );
    await ok('PUT', '/tu/dir/a.txt', {}, 'in dir');
    await ok('PUT', '/tu/other.txt', {}, 'other');
  });

  /** An anonymous request to `path` with the temp URL query `q`. */
  function anonymous(
    method: string,
    path: string,
    q: string,
    options: { body?: string; headers?: Record<string, string> } = {},
  ) {
    return swift(method, `${path}?${q}`, { ...options, token: null });
  }

  const query = (sig: string, expires: number | string) =>
    `temp_url_sig=${encodeURIComponent(sig)}&temp_url_expires=${expires}`;

  it('lets an anonymous GET and HEAD through with a sha1 signature, as an attachment', async () => {
    const expires = inAMinute();
    const q = query(hexSig('sha1', key, `GET\n${expires}\n/v1/${account}/tu/hello.txt`), expires);
    const r = await anonymous('GET', '/tu/hello.txt', q);
    expect(r.status).toBe(200);
    expect(r.text).toBe('hello');
    expect(r.headers.get('content-disposition')).toBe(
      `attachment; filename="hello.txt"; filename*=UTF-8''hello.txt`,
    );
    expect(r.headers.get('expires')).toBe(new Date(expires * 1000).toUTCString());
    // Private metadata stays private; x-object-meta-public-* is let through.
    expect(r.headers.get('x-object-meta-secret')).toBeNull();
    expect(r.headers.get('x-object-meta-public-tag')).toBe('p');
    const head = await anonymous('HEAD', '/tu/hello.txt', q);
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('5');
  });

  it('accepts sha256 (hex and base64) and sha512 (URL-safe base64), and the /object-store path', async () => {
    const expires = inAMinute();
    const body = `GET\n${expires}\n/v1/${account}/tu/hello.txt`;
    for (const sig of [
      hexSig('sha256', key, body),
      b64Sig('sha256', key, body),
      b64Sig('sha512', key, body, true),
      hexSig('sha256', key, `GET\n${expires}\n/object-store/v1/${account}/tu/hello.txt`),
    ]) {
      const r = await anonymous('GET', '/tu/hello.txt', query(sig, expires));
      expect(r.status, sig).toBe(200);
      expect(r.text).toBe('hello');
    }
  });

  it('accepts an ISO 8601 expiry, signed as its Unix time', async () => {
    const expires = inAMinute();
    const iso = new Date(expires * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const sig = hexSig('sha1', key, `GET\n${expires}\n/v1/${account}/tu/hello.txt`);
    expect((await anonymous('GET', '/tu/hello.txt', query(sig, iso))).status).toBe(200);
  });

  it('lets a PUT through with a container key, and refuses a GET signature for a PUT', async () => {
    const expires = inAMinute();
    const path = `/v1/${account}/tu/uploaded.txt`;
    const sig = hexSig('sha256', containerKey, `PUT\n${expires}\n${path}`);
    const put = await anonymous('PUT', '/tu/uploaded.txt', query(sig, expires), { body: 'via temp url' });
    expect(put.status).toBe(201);
    expect((await swift('GET', '/tu/uploaded.txt')).text).toBe('via temp url');
    const getSig = hexSig('sha256', containerKey, `GET\n${expires}\n${path}`);
    const wrong = await anonymous('PUT', '/tu/uploaded.txt', query(getSig, expires), { body: 'nope' });
    expect(wrong.status).toBe(401);
    // HEAD is allowed by a PUT signature, as in Swift.
    expect((await anonymous('HEAD', '/tu/uploaded.txt', query(sig, expires))).status).toBe(200);
  });

  it('signs a prefix with temp_url_prefix, valid under it only', async () => {
    const expires = inAMinute();
    const sig = hexSig('sha1', key, `GET\n${expires}\nprefix:/v1/${account}/tu/dir/`);
    const q = `${query(sig, expires)}&temp_url_prefix=dir/`;
    const inside = await anonymous('GET', '/tu/dir/a.txt', q);
    expect(inside.status).toBe(200);
    expect(inside.text).toBe('in dir');
    expect((await anonymous('GET', '/tu/other.txt', q)).status).toBe(401);
  });

  it('answers 401 "Temp URL invalid" for an expired, tampered or incomplete URL', async () => {
    const past = Math.floor(Date.now() / 1000) - 10;
    const expired = hexSig('sha1', key, `GET\n${past}\n/v1/${account}/tu/hello.txt`);
    const r = await anonymous('GET', '/tu/hello.txt', query(expired, past));
    expect(r.status).toBe(401);
    expect(r.text).toBe('401 Unauthorized: Temp URL invalid\n');
    const expires = inAMinute();
    const good = hexSig('sha1', key, `GET\n${expires}\n/v1/${account}/tu/hello.txt`);
    const tampered = (good[0] === '0' ? '1' : '0') + good.slice(1);
    for (const q of [
      query(tampered, expires),
      query(good, expires + 1),
      `temp_url_sig=${good}`,
      query('abc', expires),
      query('sha256:!!!', expires),
      query(good, 'tomorrow'),
      query(good, '9'.repeat(400)),
    ]) {
      expect((await anonymous('GET', '/tu/hello.txt', q)).status, q).toBe(401);
    }
    // The signature is for hello.txt, not for other.txt.
    expect((await anonymous('GET', '/tu/other.txt', query(good, expires))).status).toBe(401);
  });

  it('sets Content-Disposition from filename and inline', async () => {
    const expires = inAMinute();
    const q = query(hexSig('sha1', key, `GET\n${expires}\n/v1/${account}/tu/hello.txt`), expires);
    const named = await anonymous('GET', '/tu/hello.txt', `${q}&filename=My+Test+Fil%C3%A9.pdf`);
    expect(named.headers.get('content-disposition')).toBe(
      `attachment; filename="My Test Fil%C3%A9.pdf"; filename*=UTF-8''My%20Test%20Fil%C3%A9.pdf`,
    );
    const inline = await anonymous('GET', '/tu/hello.txt', `${q}&inline`);
    expect(inline.headers.get('content-disposition')).toBe('inline');
  });

  it('refuses a manifest header on a temp URL PUT, and is listed in /info', async () => {
    const expires = inAMinute();
    const sig = hexSig('sha1', key, `PUT\n${expires}\n/v1/${account}/tu/m`);
    const r = await anonymous('PUT', '/tu/m', query(sig, expires), {
      headers: { 'X-Object-Manifest': 'tu/dir/' },
      body: '',
    });
    expect(r.status).toBe(400);
    expect(r.text).toBe("The header 'X-Object-Manifest' is not allowed in this tempurl");
    const info = (await (await fetch(`${t.url}/object-store/info`)).json()) as Record<string, any>;
    expect(info.tempurl.allowed_digests).toEqual(['sha1', 'sha256', 'sha512']);
    expect(info.tempurl.methods).toEqual(['GET', 'HEAD', 'PUT', 'POST', 'DELETE']);
    expect(info.formpost.allowed_digests).toEqual(['sha1', 'sha256', 'sha512']);
  });
});

describe('form posts', () => {
  const key = 'form-secret';
  const boundary = '----nuageFormBoundary7MA4YWxkTrZu0gW';

  beforeAll(async () => {
    await ok('PUT', '/fp', { 'X-Container-Meta-Temp-URL-Key': key });
  });

  function form(fields: Array<[string, string] | [string, string, string]>): string {
    return (
      fields
        .map(([name, value, filename]) =>
          filename === undefined
            ? `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
            : `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\n${value}\r\n`,
        )
        .join('') + `--${boundary}--\r\n`
    );
  }

  function signed(path: string, redirect: string, maxSize: number, maxCount: number, expires: number) {
    return hexSig('sha256', key, `/v1/${account}${path}\n${redirect}\n${maxSize}\n${maxCount}\n${expires}`);
  }

  async function post(path: string, body: string) {
    return swift('POST', path, {
      token: null,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
  }

  it('uploads files under the prefix and redirects with status=201', async () => {
    const expires = inAMinute();
    const redirect = 'https://app.example/done';
    const r = await post(
      '/fp/up/',
      form([
        ['redirect', redirect],
        ['max_file_size', '1024'],
        ['max_file_count', '2'],
        ['expires', String(expires)],
        ['signature', signed('/fp/up/', redirect, 1024, 2, expires)],
        ['file1', 'first file', 'a.txt'],
        ['file2', 'second file', 'b.txt'],
      ]),
    );
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe(`${redirect}?status=201&message=`);
    expect((await swift('GET', '/fp/up/a.txt')).text).toBe('first file');
    const b = await swift('GET', '/fp/up/b.txt');
    expect(b.text).toBe('second file');
    expect(b.headers.get('content-type')).toBe('text/plain');
  });

  it('answers a plain 201 without redirect', async () => {
    const expires = inAMinute();
    const r = await post(
      '/fp',
      form([
        ['max_file_size', '100'],
        ['max_file_count', '1'],
        ['expires', String(expires)],
        ['signature', signed('/fp', '', 100, 1, expires)],
        ['file', 'root file', 'root.txt'],
      ]),
    );
    expect(r.status).toBe(201);
    expect(r.text).toBe('201 Created');
    expect((await swift('GET', '/fp/root.txt')).text).toBe('root file');
  });

  it('refuses a bad signature, an expired form, too large and too many files', async () => {
    const expires = inAMinute();
    const fields = (
      sig: string,
      exp = expires,
      file = 'data',
    ): Array<[string, string] | [string, string, string]> => [
      ['max_file_size', '5'],
      ['max_file_count', '1'],
      ['expires', String(exp)],
      ['signature', sig],
      ['file', file, 'x.txt'],
    ];
    const bad = await post('/fp', form(fields('0'.repeat(64))));
    expect(bad.status).toBe(401);
    expect(bad.text).toBe('FormPost: Invalid Signature');
    const past = Math.floor(Date.now() / 1000) - 5;
    const expired = await post('/fp', form(fields(signed('/fp', '', 5, 1, past), past)));
    expect(expired.status).toBe(401);
    expect(expired.text).toBe('FormPost: Form Expired');
    const large = await post('/fp', form(fields(signed('/fp', '', 5, 1, expires), expires, 'too large')));
    expect(large.status).toBe(400);
    expect(large.text).toBe('FormPost: max_file_size exceeded');
    const redirect = 'https://app.example/r?x=1';
    const sig = signed('/fp', redirect, 5, 1, expires);
    const many = await post(
      '/fp',
      form([
        ['redirect', redirect],
        ...fields(sig).slice(0, 4),
        ['f1', 'one', 'one.txt'],
        ['f2', 'two', 'two.txt'],
      ]),
    );
    expect(many.status).toBe(303);
    expect(many.headers.get('location')).toBe(`${redirect}&status=400&message=max%20file%20count%20exceeded`);
    const longName = await post(
      '/fp',
      form([...fields(signed('/fp', '', 5, 1, expires)).slice(0, 4), ['f', 'x', 'n'.repeat(1100)]]),
    );
    expect(longName.status).toBe(400);
    expect(longName.text).toBe('Object name length of 1100 longer than 1024');
    const broken = await post('/fp', 'not a form at all');
    expect(broken.status).toBe(400);
    expect(broken.text).toBe('FormPost: invalid starting boundary');
  });
});

describe('quotas', () => {
  let member: ProjectUser;

  beforeAll(async () => {
    member = await createProjectUser(t, { userName: 'quota-member', role: 'member' });
  });

  it('enforces container byte and count quotas with 413 "Upload exceeds quota."', async () => {
    await ok('PUT', '/qb', { 'X-Container-Meta-Quota-Bytes': '10' });
    await ok('PUT', '/qb/a', {}, '12345678');
    const over = await swift('PUT', '/qb/b', { body: '12345' });
    expect(over.status).toBe(413);
    expect(over.text).toBe('Upload exceeds quota.');
    expect((await swift('GET', '/qb/b')).status).toBe(404);
    // Without a Content-Length the real size is checked before the object is committed.
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('12345'));
        controller.close();
      },
    });
    const chunked = await swift('PUT', '/qb/c', { body: stream });
    expect(chunked.status).toBe(413);
    expect((await swift('GET', '/qb/c')).status).toBe(404);
    await ok('PUT', '/qc', { 'X-Container-Meta-Quota-Count': '1' });
    await ok('PUT', '/qc/one', {}, 'x');
    const second = await swift('PUT', '/qc/two', { body: 'y' });
    expect(second.status).toBe(413);
    const copy = await swift('PUT', '/qc/three', { headers: { 'X-Copy-From': 'qc/one' } });
    expect(copy.status).toBe(413);
    expect((await swift('PUT', '/qc', { headers: { 'X-Container-Meta-Quota-Bytes': 'lots' } })).text).toBe(
      'Invalid bytes quota.',
    );
    const badCount = await swift('POST', '/qc', { headers: { 'X-Container-Meta-Quota-Count': '-1' } });
    expect(badCount.status).toBe(400);
  });

  it('lets only a cloud admin set an account quota, which binds the account owner', async () => {
    const memberAccount = t.swiftUrl(member.projectId);
    const denied = await swift('POST', '', {
      url: memberAccount,
      token: member.token,
      headers: { 'X-Account-Quota-Bytes': '100' },
    });
    expect(denied.status).toBe(403);
    const legacy = await swift('POST', '', {
      url: memberAccount,
      token: member.token,
      headers: { 'X-Account-Meta-Quota-Bytes': '100' },
    });
    expect(legacy.status).toBe(403);
    const set = await swift('POST', '', { url: memberAccount, headers: { 'X-Account-Quota-Bytes': '6' } });
    expect(set.status).toBe(204);
    const head = await swift('HEAD', '', { url: memberAccount, token: member.token });
    expect(head.headers.get('x-account-quota-bytes')).toBe('6');
    expect((await swift('PUT', '/mine', { url: memberAccount, token: member.token })).status).toBe(201);
    const first = await swift('PUT', '/mine/a', { url: memberAccount, token: member.token, body: '1234' });
    expect(first.status).toBe(201);
    const over = await swift('PUT', '/mine/b', { url: memberAccount, token: member.token, body: '1234' });
    expect(over.status).toBe(413);
    expect(over.text).toBe('Upload exceeds quota.');
    const badValue = await swift('POST', '', {
      url: memberAccount,
      headers: { 'X-Account-Quota-Bytes': 'x' },
    });
    expect(badValue.status).toBe(400);
    const removed = await swift('POST', '', {
      url: memberAccount,
      headers: { 'X-Remove-Account-Quota-Bytes': '1' },
    });
    expect(removed.status).toBe(204);
    expect(
      (await swift('PUT', '/mine/b', { url: memberAccount, token: member.token, body: '1234' })).status,
    ).toBe(201);
    const info = (await (await fetch(`${t.url}/object-store/info`)).json()) as Record<string, any>;
    expect(info.container_quotas).toEqual({});
    expect(info.account_quotas).toEqual({});
  });
});

describe('CORS', () => {
  beforeAll(async () => {
    await ok('PUT', '/cors', {
      'X-Container-Meta-Access-Control-Allow-Origin': 'https://a.example https://b.example',
      'X-Container-Meta-Access-Control-Max-Age': '600',
      'X-Container-Meta-Access-Control-Expose-Headers': 'X-Custom-Header',
    });
    await ok('PUT', '/cors/obj', { 'X-Object-Meta-Color': 'blue' }, 'cors body');
    await ok('PUT', '/open', { 'X-Container-Meta-Access-Control-Allow-Origin': '*' });
  });

  it('answers an allowed preflight without a token', async () => {
    const r = await swift('OPTIONS', '/cors/obj', {
      token: null,
      headers: {
        Origin: 'https://a.example',
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'x-auth-token, content-type',
      },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe('https://a.example');
    expect(r.headers.get('access-control-allow-methods')).toBe('DELETE, GET, HEAD, OPTIONS, POST, PUT');
    expect(r.headers.get('access-control-allow-headers')).toBe('x-auth-token, content-type');
    expect(r.headers.get('access-control-max-age')).toBe('600');
    expect(r.headers.get('vary')).toBe('Origin, Access-Control-Request-Headers');
    const star = await swift('OPTIONS', '/open', {
      token: null,
      headers: { Origin: 'https://anywhere.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(star.status).toBe(200);
    expect(star.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('denies a preflight from another origin or for an unknown method with 401', async () => {
    const evil = await swift('OPTIONS', '/cors/obj', {
      token: null,
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(evil.status).toBe(401);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const method = await swift('OPTIONS', '/cors/obj', {
      token: null,
      headers: { Origin: 'https://a.example', 'Access-Control-Request-Method': 'PATCH' },
    });
    expect(method.status).toBe(401);
    const plain = await swift('OPTIONS', '/cors/obj', { token: null });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('allow')).toBe('DELETE, GET, HEAD, OPTIONS, POST, PUT');
  });

  it('exposes Swift default, metadata and configured headers on actual requests', async () => {
    const r = await swift('GET', '/cors/obj', { headers: { Origin: 'https://b.example' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe('https://b.example');
    const exposed = (r.headers.get('access-control-expose-headers') ?? '').split(', ');
    expect(exposed).toEqual(
      expect.arrayContaining([
        'etag',
        'x-timestamp',
        'x-trans-id',
        'content-type',
        'x-object-meta-color',
        'x-custom-header',
      ]),
    );
    const denied = await swift('GET', '/cors/obj', { headers: { Origin: 'https://evil.example' } });
    expect(denied.status).toBe(200);
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    const missing = await swift('GET', '/cors/none', { headers: { Origin: 'https://a.example' } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('access-control-allow-origin')).toBe('https://a.example');
  });
});
