// S3 request authentication and body integrity against the real application: wrong secrets, tampered
// chunk signatures and payload hashes, bad trailer checksums, clock skew, expired presigned URLs, other
// projects' keys, anonymous callers, read-only roles, and keys whose owner is disabled or whose
// credential is deleted. Every refused write must leave nothing behind.
import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client as S3ClientType,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { rawRequest } from '../support/swift-test-app.js';
import {
  createS3User,
  keystone,
  s3Client,
  s3ErrorOf,
  sha256Hex,
  signV4,
  signedChunkedBody,
  unsignedTrailerBody,
  type S3User,
} from './s3-support.js';

let app: TestApp;
let alice: S3User;
let s3: S3ClientType;
let host: string;
const bucket = 'secure';

beforeAll(async () => {
  app = await startTestApp();
  alice = await createS3User(app, 'sec-alice');
  s3 = s3Client(app, alice);
  host = new URL(app.s3Url).host;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  s3?.destroy();
  await app?.close();
});

async function exists(key: string, client = s3): Promise<boolean> {
  return (await s3ErrorOf(client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })))).code === 'OK';
}

function errorCode(body: Buffer): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(body.toString('utf8'))?.[1];
}

describe('signatures', () => {
  it('refuses a wrong secret and an unknown key', async () => {
    const bad = s3Client(app, { access: alice.access, secret: 'not-the-secret' });
    expect(await s3ErrorOf(bad.send(new PutObjectCommand({ Bucket: bucket, Key: 'w', Body: 'x' })))).toEqual({
      code: 'SignatureDoesNotMatch',
      status: 403,
    });
    const unknown = s3Client(app, { access: 'AKIDUNKNOWN', secret: 'x' });
    expect(await s3ErrorOf(unknown.send(new ListBucketsCommand({})))).toEqual({
      code: 'InvalidAccessKeyId',
      status: 403,
    });
    expect(await exists('w')).toBe(false);
    bad.destroy();
    unknown.destroy();
  });

  it('accepts a signed streaming upload and refuses one with a tampered chunk', async () => {
    const chunks = [randomBytes(70_000), randomBytes(65_536), randomBytes(10)];
    const put = (key: string, body: Buffer[]) => {
      const signed = signV4({
        method: 'PUT',
        host,
        path: `/${bucket}/${key}`,
        headers: {
          'content-encoding': 'aws-chunked',
          'x-amz-decoded-content-length': String(chunks.reduce((n, c) => n + c.length, 0)),
        },
        payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        access: alice.access,
        secret: alice.secret,
      });
      const encoded = Buffer.concat(body.length ? body : signedChunkedBody(signed, chunks));
      return { signed, encoded };
    };
    const good = put('streamed', []);
    const ok = await rawRequest(app.s3Url, {
      method: 'PUT',
      path: `/${bucket}/streamed`,
      headers: good.signed.headers,
      body: good.encoded,
    });
    expect(ok.status).toBe(200);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'streamed' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat(chunks))).toBe(true);

    const tampered = put('tampered', []);
    const framed = signedChunkedBody(tampered.signed, chunks);
    const victim = Buffer.from(framed[4]!);
    victim[100] = victim[100]! ^ 0xff;
    framed[4] = victim;
    const res = await rawRequest(app.s3Url, {
      method: 'PUT',
      path: `/${bucket}/tampered`,
      headers: tampered.signed.headers,
      body: Buffer.concat(framed),
    });
    expect(res.status).toBe(403);
    expect(errorCode(res.body)).toBe('SignatureDoesNotMatch');
    expect(await exists('tampered')).toBe(false);
  });

  it('refuses a body whose SHA-256 is not the signed one, storing nothing', async () => {
    const body = Buffer.from('actual body');
    const signed = signV4({
      method: 'PUT',
      host,
      path: `/${bucket}/mismatch`,
      payloadHash: sha256Hex('another body'),
      access: alice.access,
      secret: alice.secret,
    });
    const res = await rawRequest(app.s3Url, {
      method: 'PUT',
      path: `/${bucket}/mismatch`,
      headers: signed.headers,
      body,
    });
    expect(res.status).toBe(400);
    expect(errorCode(res.body)).toBe('XAmzContentSHA256Mismatch');
    expect(await exists('mismatch')).toBe(false);
  });

  it('checks trailer checksums before the object becomes visible', async () => {
    const data = randomBytes(3000);
    const good = Buffer.alloc(4);
    good.writeUInt32BE(crc32(data));
    const send = (key: string, checksum: string) => {
      const signed = signV4({
        method: 'PUT',
        host,
        path: `/${bucket}/${key}`,
        headers: {
          'content-encoding': 'aws-chunked',
          'x-amz-decoded-content-length': String(data.length),
          'x-amz-trailer': 'x-amz-checksum-crc32',
        },
        payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        access: alice.access,
        secret: alice.secret,
      });
      const body = unsignedTrailerBody([data.subarray(0, 1000), data.subarray(1000)], {
        'x-amz-checksum-crc32': checksum,
      });
      return rawRequest(app.s3Url, {
        method: 'PUT',
        path: `/${bucket}/${key}`,
        headers: signed.headers,
        body,
      });
    };
    const wrong = Buffer.from(good);
    wrong[0] = wrong[0]! ^ 1;
    const bad = await send('trailer-bad', wrong.toString('base64'));
    expect(bad.status).toBe(400);
    expect(errorCode(bad.body)).toBe('BadDigest');
    expect(await exists('trailer-bad')).toBe(false);
    const ok = await send('trailer-good', good.toString('base64'));
    expect(ok.status).toBe(200);
    expect(ok.headers['x-amz-checksum-crc32']).toBe(good.toString('base64'));
  });

  it('refuses a request signed too long ago', async () => {
    const signed = signV4({
      method: 'GET',
      host,
      path: '/',
      payloadHash: sha256Hex(''),
      access: alice.access,
      secret: alice.secret,
      date: new Date(Date.now() - 3600_000),
    });
    const res = await rawRequest(app.s3Url, { method: 'GET', path: '/', headers: signed.headers });
    expect(res.status).toBe(403);
    expect(errorCode(res.body)).toBe('RequestTimeTooSkewed');
  });

  it('accepts a signature for the configured region as well as us-east-1, and no other', async () => {
    const regional = s3Client(app, alice, { region: 'RegionOne' });
    expect((await s3ErrorOf(regional.send(new ListBucketsCommand({})))).code).toBe('OK');
    const elsewhere = s3Client(app, alice, { region: 'eu-west-1' });
    expect((await s3ErrorOf(elsewhere.send(new ListBucketsCommand({})))).code).toBe(
      'AuthorizationHeaderMalformed',
    );
    regional.destroy();
    elsewhere.destroy();
  });
});

describe('presigned URLs', () => {
  it('uploads and downloads with presigned PUT and GET', async () => {
    const body = randomBytes(20_000);
    const putUrl = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: 'presigned' }), {
      expiresIn: 300,
    });
    const put = await fetch(putUrl, { method: 'PUT', body });
    expect(put.status).toBe(200);
    const getUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'presigned' }), {
      expiresIn: 300,
    });
    const got = await fetch(getUrl);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(body)).toBe(true);
    expect(got.headers.get('etag')).toBe(`"${createHash('md5').update(body).digest('hex')}"`);
  });

  it('refuses an expired presigned URL', async () => {
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: 'expired' }), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 600_000),
    });
    const res = await fetch(url, { method: 'PUT', body: 'late' });
    expect(res.status).toBe(403);
    expect(errorCode(Buffer.from(await res.arrayBuffer()))).toBe('AccessDenied');
    expect(await exists('expired')).toBe(false);
  });
});

describe('who may do what', () => {
  it("refuses another project's key on this project's bucket", async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'private', Body: 'secret' }));
    const bob = await createS3User(app, 'sec-bob');
    const bobS3 = s3Client(app, bob);
    expect(await s3ErrorOf(bobS3.send(new GetObjectCommand({ Bucket: bucket, Key: 'private' })))).toEqual({
      code: 'AccessDenied',
      status: 403,
    });
    expect(
      (await s3ErrorOf(bobS3.send(new PutObjectCommand({ Bucket: bucket, Key: 'from-bob', Body: 'x' }))))
        .code,
    ).toBe('AccessDenied');
    expect((await s3ErrorOf(bobS3.send(new ListObjectsV2Command({ Bucket: bucket })))).code).toBe(
      'AccessDenied',
    );
    expect(await exists('from-bob')).toBe(false);
    bobS3.destroy();
  });

  it('refuses anonymous callers on a private bucket', async () => {
    const res = await fetch(`${app.s3Url}/${bucket}/private`);
    expect(res.status).toBe(403);
    expect(errorCode(Buffer.from(await res.arrayBuffer()))).toBe('AccessDenied');
    const put = await fetch(`${app.s3Url}/${bucket}/anon`, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(403);
    expect(await exists('anon')).toBe(false);
  });

  it('lets a reader read but not write', async () => {
    const rita = await createS3User(app, 'sec-rita', { role: 'reader', projectId: alice.projectId });
    const ritaS3 = s3Client(app, rita);
    const got = await ritaS3.send(new GetObjectCommand({ Bucket: bucket, Key: 'private' }));
    expect(await got.Body!.transformToString()).toBe('secret');
    expect(
      (await s3ErrorOf(ritaS3.send(new PutObjectCommand({ Bucket: bucket, Key: 'by-rita', Body: 'x' }))))
        .code,
    ).toBe('AccessDenied');
    expect(await exists('by-rita')).toBe(false);
    ritaS3.destroy();
  });

  it('stops a key at once when its user is disabled or its credential deleted', async () => {
    const carol = await createS3User(app, 'sec-carol', { projectId: alice.projectId });
    const carolS3 = s3Client(app, carol);
    expect((await s3ErrorOf(carolS3.send(new ListBucketsCommand({})))).code).toBe('OK');
    await keystone(app, 'PATCH', `/v3/users/${carol.userId}`, { user: { enabled: false } });
    expect(await s3ErrorOf(carolS3.send(new ListBucketsCommand({})))).toEqual({
      code: 'AccessDenied',
      status: 403,
    });
    await keystone(app, 'PATCH', `/v3/users/${carol.userId}`, { user: { enabled: true } });
    expect((await s3ErrorOf(carolS3.send(new ListBucketsCommand({})))).code).toBe('OK');
    await keystone(app, 'DELETE', `/v3/users/${carol.userId}/credentials/OS-EC2/${carol.access}`);
    expect(await s3ErrorOf(carolS3.send(new ListBucketsCommand({})))).toEqual({
      code: 'InvalidAccessKeyId',
      status: 403,
    });
    carolS3.destroy();
  });

  it('answers bad input with S3 XML errors, never a 500', async () => {
    const cases: Array<[string, string, Record<string, string>?]> = [
      ['GET', '/%FF%FE/key'],
      ['GET', `/${bucket}?list-type=3`],
      ['PUT', `/${bucket}?lifecycle`],
      ['GET', '/?x-id=weird', { authorization: 'AWS4-HMAC-SHA256 garbage' }],
      ['GET', '/', { authorization: 'AWS AKID:sig' }],
      ['POST', `/${bucket}?delete`],
      ['GET', `/${bucket}?X-Amz-Algorithm=AWS4-HMAC-SHA256`],
    ];
    for (const [method, path, headers] of cases) {
      const res = await rawRequest(app.s3Url, { method, path, headers });
      expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect([500, 502, 503], `${method} ${path}`).not.toContain(res.status);
      expect(res.body.toString('utf8'), `${method} ${path}`).toContain('<Error>');
    }
  });
});
