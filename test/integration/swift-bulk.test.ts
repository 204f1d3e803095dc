// Swift bulk operations over HTTP against the real app: bulk delete (?bulk-delete) with its result
// bodies in text, JSON and XML, and archive extraction (?extract-archive) of tar and tar.gz archives
// built here (a tiny ustar/pax writer) and by GNU tar.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
let base: string;

beforeAll(async () => {
  t = await startTestApp();
  const res = await fetch(`${t.identityUrl}/v3/auth/tokens`, {
    headers: { 'x-auth-token': t.adminToken, 'x-subject-token': t.adminToken },
  });
  const body = (await res.json()) as { token: { project: { id: string } } };
  base = `${t.url}/object-store/v1/AUTH_${body.token.project.id}`;
});
afterAll(async () => t?.close());

async function swift(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; anonymous?: boolean } = {},
) {
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

async function put(path: string, body: string | Buffer = 'x') {
  const r = await swift('PUT', path, { body });
  expect(r.status, `PUT ${path}: ${r.text}`).toBeLessThan(300);
}

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

describe('bulk delete', () => {
  const bulkDelete = (body: string, headers: Record<string, string> = {}, anonymous = false) =>
    swift('POST', '/?bulk-delete', {
      body,
      headers: { 'content-type': 'text/plain', ...headers },
      anonymous,
    });

  it('deletes objects then containers, counting the ones not found (JSON)', async () => {
    await put('/bd1');
    await put('/bd1/a');
    await put('/bd1/dir/b');
    const r = await bulkDelete('/bd1\n/bd1/a\n/bd1/dir/b\n/bd1/missing\n/no-such-container/x\n', {
      accept: 'application/json',
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.text).toBe(
      '{"Response Status": "200 OK", "Response Body": "", "Number Deleted": 3, "Number Not Found": 2, "Errors": []}',
    );
    expect((await swift('HEAD', '/bd1')).status).toBe(404);
  });

  it('answers text/plain by default, with Swift’s sorted keys', async () => {
    await put('/bd2');
    await put('/bd2/o');
    const r = await bulkDelete('bd2/o\n');
    expect(r.headers.get('content-type')).toBe('text/plain');
    expect(r.text).toBe(
      'Number Deleted: 1\nNumber Not Found: 0\nResponse Body: \nResponse Status: 200 OK\nErrors:\n',
    );
  });

  it('reports failures in the body: a non-empty container (409) makes the status 400 (XML)', async () => {
    await put('/bd3');
    await put('/bd3/keep');
    const r = await bulkDelete('/bd3\n/bd3/gone\n', { accept: 'application/xml' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/xml');
    expect(r.text).toBe(
      '<delete>\n<number_deleted>0</number_deleted>\n<number_not_found>1</number_not_found>\n' +
        '<response_body></response_body>\n<response_status>400 Bad Request</response_status>\n' +
        '<errors>\n<object><name>/bd3</name><status>409 Conflict</status></object>\n</errors>\n</delete>\n',
    );
  });

  it('URL-decodes names and also answers DELETE ?bulk-delete', async () => {
    await put('/bd4');
    await put(`/bd4/${encodeURIComponent('with space é')}`);
    const r = await swift('DELETE', '/?bulk-delete', {
      body: '/bd4/with%20space%20%C3%A9\n/bd4\n',
      headers: { accept: 'application/json' },
    });
    expect(r.json).toMatchObject({ 'Number Deleted': 2, 'Number Not Found': 0, Errors: [] });
  });

  it('authorises every item as the caller', async () => {
    await put('/bd5');
    await put('/bd5/o');
    const r = await bulkDelete('/bd5/o\n/bd5\n', { accept: 'application/json' }, true);
    expect(r.status).toBe(200);
    expect(r.json['Response Status']).toBe('400 Bad Request');
    expect(r.json.Errors).toEqual([
      ['/bd5/o', '401 Unauthorized'],
      ['/bd5', '401 Unauthorized'],
    ]);
    expect((await swift('HEAD', '/bd5/o')).status).toBe(200);
  });

  it('reports bad requests inside a 200 answer', async () => {
    const empty = await bulkDelete('', { accept: 'application/json' });
    expect(empty.json).toMatchObject({
      'Response Status': '400 Bad Request',
      'Response Body': 'Invalid bulk delete.',
    });
    const wrongType = await bulkDelete('/x/y', {
      accept: 'application/json',
      'content-type': 'application/json',
    });
    expect(wrongType.json['Response Status']).toBe('406 Not Acceptable');
    const tooMany = await bulkDelete('/c/o\n'.repeat(10_001), { accept: 'application/json' });
    expect(tooMany.json).toMatchObject({
      'Response Status': '413 Request Entity Too Large',
      'Number Deleted': 0,
    });
    expect(tooMany.json['Response Body']).toContain('Maximum Bulk Deletes: 10000 per request');
    const longLine = await bulkDelete(`/c/${'x'.repeat(3000)}`, { accept: 'application/json' });
    expect(longLine.json['Response Status']).toBe('400 Bad Request');
    expect(longLine.json['Response Body']).toContain('Invalid File Name');
    const badUtf8 = await bulkDelete('/c/%FF\n', { accept: 'application/json' });
    expect(badUtf8.json.Errors).toEqual([['/c/%FF', '412 Precondition Failed']]);
    const unacceptable = await bulkDelete('/c/o', { accept: 'image/png' });
    expect(unacceptable.text).toContain('Response Status: 406 Not Acceptable');
  });
});

/** A minimal tar writer: ustar headers, pax records, GNU long names. */
function header(name: string | Buffer, size: number, type: string, prefix = ''): Buffer {
  const b = Buffer.alloc(512);
  (typeof name === 'string' ? Buffer.from(name) : name).copy(b, 0, 0, 100);
  b.write('0000644\0', 100);
  b.write('0000000\0', 108);
  b.write('0000000\0', 116);
  b.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  b.write('14712345670\0', 136);
  b.write('        ', 148);
  b.write(type, 156);
  b.write('ustar\0', 257);
  b.write('00', 263);
  b.write(prefix, 345);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return b;
}

const pad = (data: Buffer) => Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
const file = (name: string | Buffer, data: string | Buffer, prefix = '') => {
  const bytes = Buffer.from(data);
  return Buffer.concat([header(name, bytes.length, '0', prefix), pad(bytes)]);
};
const dir = (name: string) => header(name, 0, '5');
const symlink = (name: string) => header(name, 0, '2');
function pax(records: Record<string, string>): Buffer {
  let body = '';
  for (const [k, v] of Object.entries(records)) {
    const rest = Buffer.byteLength(` ${k}=${v}\n`);
    let length = rest + 1;
    while (String(length).length + rest !== length) length = String(length).length + rest;
    body += `${length} ${k}=${v}\n`;
  }
  const data = Buffer.from(body);
  return Buffer.concat([header('PaxHeader', data.length, 'x'), pad(data)]);
}
const tar = (...entries: Buffer[]) => Buffer.concat([...entries, Buffer.alloc(1024)]);

describe('archive extraction', () => {
  const extract = (path: string, body: Buffer, format = 'tar', headers: Record<string, string> = {}) =>
    swift('PUT', `${path}?extract-archive=${format}`, {
      body,
      headers: { accept: 'application/json', ...headers },
    });

  it('extracts a tar into a container, skipping directories and links', async () => {
    const longName = `deep/${'n'.repeat(150)}.txt`;
    const archive = tar(
      dir('docs/'),
      file('./docs/a.txt', 'alpha'),
      file('b.json', '{"b":1}'),
      symlink('docs/link'),
      pax({ path: longName }),
      file('ignored-name', 'long'),
      file('c.bin', 'gamma', 'pre/fix'),
    );
    const r = await extract('/ex1', archive, 'tar', { 'x-object-meta-origin': 'tarball' });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      'Response Status': '201 Created',
      'Response Body': '',
      'Number Files Created': 4,
      Errors: [],
    });
    const a = await swift('GET', '/ex1/docs/a.txt');
    expect(a.text).toBe('alpha');
    expect(a.headers.get('content-type')).toBe('text/plain');
    expect(a.headers.get('x-object-meta-origin')).toBe('tarball');
    expect((await swift('GET', '/ex1/b.json')).headers.get('content-type')).toBe('application/json');
    expect((await swift('GET', `/ex1/${longName}`)).text).toBe('long');
    expect((await swift('GET', '/ex1/pre/fix/c.bin')).text).toBe('gamma');
    expect((await swift('HEAD', '/ex1/docs/link')).status).toBe(404);
  });

  it('creates containers at account level and ignores top-level files', async () => {
    const r = await extract('', tar(file('exa/one', '1'), file('exb/sub/two', '22'), file('top', '3')));
    expect(r.json).toMatchObject({ 'Response Status': '201 Created', 'Number Files Created': 2 });
    expect((await swift('GET', '/exa/one')).text).toBe('1');
    expect((await swift('GET', '/exb/sub/two')).text).toBe('22');
  });

  it('streams a larger member intact from a tar.gz, with pax metadata', async () => {
    const big = randomBytes(3 * 1024 * 1024 + 17);
    const archive = tar(
      pax({ 'SCHILY.xattr.user.mime_type': 'application/x-test', 'SCHILY.xattr.user.meta.color': 'blue' }),
      file('big.dat', big),
    );
    const r = await extract('/ex2/in', gzipSync(archive), 'tar.gz');
    expect(r.json['Number Files Created']).toBe(1);
    const got = await swift('GET', '/ex2/in/big.dat');
    expect(got.bytes.length).toBe(big.length);
    expect(md5(got.bytes)).toBe(md5(big));
    expect(got.headers.get('content-type')).toBe('application/x-test');
    expect(got.headers.get('x-object-meta-color')).toBe('blue');
  });

  it('extracts archives written by GNU tar (gnu and pax formats, gzip)', async () => {
    const dirPath = mkdtempSync(join(tmpdir(), 'nuage-tar-'));
    try {
      const longName = `${'d'.repeat(60)}/${'f'.repeat(120)}.txt`;
      mkdirSync(join(dirPath, 'src', 'd'.repeat(60)), { recursive: true });
      writeFileSync(join(dirPath, 'src', longName), 'long one');
      writeFileSync(join(dirPath, 'src', 'plain.txt'), 'plain');
      for (const [format, flag] of [
        ['gnu', '-czf'],
        ['pax', '-cf'],
      ] as const) {
        const out = join(dirPath, `a-${format}.tar`);
        execFileSync('/bin/tar', [`--format=${format}`, flag, out, '-C', join(dirPath, 'src'), '.']);
        const kind = flag === '-czf' ? 'tar.gz' : 'tar';
        const r = await extract(`/ex-${format}`, readFileSync(out), kind);
        expect(r.json, format).toMatchObject({ 'Response Status': '201 Created', 'Number Files Created': 2 });
        expect((await swift('GET', `/ex-${format}/${longName}`)).text).toBe('long one');
      }
    } finally {
      rmSync(dirPath, { recursive: true, force: true });
    }
  });

  it('reports bad archives and bad members in the body', async () => {
    const garbage = await extract('/ex3', Buffer.from('this is not a tar archive at all'.repeat(20)));
    expect(garbage.json).toMatchObject({ 'Response Status': '400 Bad Request', 'Number Files Created': 0 });
    expect(garbage.json['Response Body']).toMatch(/^Invalid Tar File: /);
    const notGzip = await extract('/ex3', tar(file('a', 'b')), 'tar.gz');
    expect(notGzip.json['Response Body']).toMatch(/^Invalid Tar File: /);
    const truncated = await extract('/ex3', tar(file('a', 'x'.repeat(2000))).subarray(0, 1024));
    expect(truncated.json['Response Body']).toBe('Invalid Tar File: unexpected end of data');
    const onlyDirs = await extract('/ex3', tar(dir('a/'), dir('b/')));
    expect(onlyDirs.json['Response Body']).toBe('Invalid Tar File: No Valid Files');
    const tooLong = `ex4/${'o'.repeat(1030)}`;
    const longName = await extract(
      '',
      tar(file('ex4/ok', 'ok'), pax({ path: tooLong }), file('x', 'too long')),
    );
    expect(longName.json['Number Files Created']).toBe(1);
    expect(longName.json['Response Status']).toBe('400 Bad Request');
    expect(longName.json.Errors).toEqual([[tooLong, '400 Bad Request']]);
    const text = await swift('PUT', '/ex3?extract-archive=tar', { body: tar(dir('a/')) });
    expect(text.text).toBe(
      'Number Files Created: 0\nResponse Body: Invalid Tar File: No Valid Files\nResponse Status: 400 Bad Request\nErrors:\n',
    );
  });

  it('refuses unknown formats and bzip2 with 400, and anonymous callers inside the body', async () => {
    for (const format of ['zip', 'tar.bz2']) {
      const r = await swift('PUT', `/ex5?extract-archive=${format}`, { body: tar(file('a', 'b')) });
      expect(r.status, format).toBe(400);
      expect(r.text).toBe('Unsupported archive format');
    }
    const anonymous = await swift('PUT', '/ex5?extract-archive=tar', {
      body: tar(file('a', 'b')),
      headers: { accept: 'application/json' },
      anonymous: true,
    });
    expect(anonymous.status).toBe(200);
    expect(anonymous.json['Response Status']).toBe('401 Unauthorized');
    expect((await swift('HEAD', '/ex5')).status).toBe(404);
  });
});

describe('/info', () => {
  it('lists bulk_delete and bulk_upload with their limits', async () => {
    const info = (await (await fetch(`${t.url}/object-store/info`)).json()) as Record<string, unknown>;
    expect(info.bulk_delete).toEqual({ max_deletes_per_request: 10000, max_failed_deletes: 1000 });
    expect(info.bulk_upload).toEqual({ max_containers_per_extraction: 10000, max_failed_extractions: 1000 });
  });
});
