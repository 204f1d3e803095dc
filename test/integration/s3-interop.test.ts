// S3 and Swift over the same object store: what one API writes the other reads (bytes and metadata),
// and the bucket settings S3 shares with Swift (canned ACLs as container ACLs, versioning state). Also
// the S3-only bucket settings: CORS with browser preflights, and bucket policies.
import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCorsCommand,
  DeleteBucketPolicyCommand,
  GetBucketAclCommand,
  GetBucketCorsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutBucketAclCommand,
  PutBucketCorsCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createS3User, s3Client, s3ErrorOf, swiftUrl, type S3User } from './s3-support.js';

let app: TestApp;
let alice: S3User;
let s3: S3Client;

beforeAll(async () => {
  app = await startTestApp();
  alice = await createS3User(app, 'io-alice');
  s3 = s3Client(app, alice);
});

afterAll(async () => {
  s3?.destroy();
  await app?.close();
});

function swift(
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: Buffer; token?: string | null } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  const token = opts.token === undefined ? alice.token : opts.token;
  if (token !== null) headers['x-auth-token'] = token;
  return fetch(swiftUrl(app, alice.projectId, path), { method, headers, body: opts.body });
}

describe('S3 and Swift share objects', () => {
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'shared' }));
  });

  it('S3 PUT → Swift GET: same bytes and metadata', async () => {
    const body = randomBytes(50_000);
    await s3.send(
      new PutObjectCommand({
        Bucket: 'shared',
        Key: 'from-s3/α.bin',
        Body: body,
        ContentType: 'image/png',
        ContentDisposition: 'inline',
        Metadata: { owner: 'alice', mtime: '1700000000' },
      }),
    );
    const res = await swift('GET', `/shared/from-s3/${encodeURIComponent('α.bin')}`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe('inline');
    expect(res.headers.get('x-object-meta-owner')).toBe('alice');
    expect(res.headers.get('x-object-meta-mtime')).toBe('1700000000');
  });

  it('Swift PUT → S3 GET: same bytes and metadata', async () => {
    const body = randomBytes(12_345);
    const put = await swift('PUT', '/shared/from-swift', {
      headers: { 'content-type': 'text/x-swift', 'x-object-meta-colour': 'red' },
      body,
    });
    expect(put.status).toBe(201);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'shared', Key: 'from-swift' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    expect(got.ContentType).toBe('text/x-swift');
    expect(got.Metadata).toEqual({ colour: 'red' });
  });

  it('lists Swift containers as buckets', async () => {
    expect((await swift('PUT', '/made-by-swift')).status).toBe(201);
    const listed = await s3.send(new ListBucketsCommand({}));
    expect(listed.Buckets?.map((b) => b.Name)).toEqual(expect.arrayContaining(['made-by-swift', 'shared']));
  });

  it('shares the versioning state with Swift (X-Versions-Enabled)', async () => {
    expect(
      (await swift('POST', '/made-by-swift', { headers: { 'x-versions-enabled': 'true' } })).status,
    ).toBe(204);
    const state = await s3.send(new GetBucketVersioningCommand({ Bucket: 'made-by-swift' }));
    expect(state.Status).toBe('Enabled');
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'shared', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    expect((await swift('HEAD', '/shared')).headers.get('x-versions-enabled')).toBe('True');
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'shared', VersioningConfiguration: { Status: 'Suspended' } }),
    );
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'shared' }))).Status).toBe('Suspended');
  });
});

describe('canned ACLs', () => {
  it('public-read is the Swift read ACL .r:*,.rlistings, readable anonymously through both APIs', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'public-bucket', ACL: 'public-read' }));
    await s3.send(new PutObjectCommand({ Bucket: 'public-bucket', Key: 'hello.txt', Body: 'hello world' }));
    const head = await swift('HEAD', '/public-bucket');
    expect(head.headers.get('x-container-read')).toBe('.r:*,.rlistings');
    const anonS3 = await fetch(`${app.s3Url}/public-bucket/hello.txt`);
    expect(anonS3.status).toBe(200);
    expect(await anonS3.text()).toBe('hello world');
    const anonList = await fetch(`${app.s3Url}/public-bucket?list-type=2`);
    expect(await anonList.text()).toContain('<Key>hello.txt</Key>');
    const anonSwift = await swift('GET', '/public-bucket/hello.txt', { token: null });
    expect(anonSwift.status).toBe(200);
    const anonPut = await fetch(`${app.s3Url}/public-bucket/nope`, { method: 'PUT', body: 'x' });
    expect(anonPut.status).toBe(403);
    const acl = await s3.send(new GetBucketAclCommand({ Bucket: 'public-bucket' }));
    expect(acl.Grants?.map((g) => g.Permission).sort()).toEqual(['FULL_CONTROL', 'READ']);

    await s3.send(new PutBucketAclCommand({ Bucket: 'public-bucket', ACL: 'private' }));
    expect((await swift('HEAD', '/public-bucket')).headers.get('x-container-read')).toBeNull();
    expect((await fetch(`${app.s3Url}/public-bucket/hello.txt`)).status).toBe(403);
    const privateAcl = await s3.send(new GetBucketAclCommand({ Bucket: 'public-bucket' }));
    expect(privateAcl.Grants?.map((g) => g.Permission)).toEqual(['FULL_CONTROL']);
  });
});

describe('CORS', () => {
  it('stores rules and answers browser preflights from them', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'cors-bucket' }));
    expect((await s3ErrorOf(s3.send(new GetBucketCorsCommand({ Bucket: 'cors-bucket' })))).code).toBe(
      'NoSuchCORSConfiguration',
    );
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: 'cors-bucket',
        CORSConfiguration: {
          CORSRules: [
            {
              AllowedOrigins: ['https://app.example.com'],
              AllowedMethods: ['GET', 'PUT'],
              AllowedHeaders: ['content-type', 'x-amz-*'],
              ExposeHeaders: ['ETag'],
              MaxAgeSeconds: 600,
            },
          ],
        },
      }),
    );
    const stored = await s3.send(new GetBucketCorsCommand({ Bucket: 'cors-bucket' }));
    expect(stored.CORSRules?.[0]?.AllowedMethods).toEqual(['GET', 'PUT']);
    const preflight = (origin: string, method: string, headers = 'content-type, x-amz-date') =>
      fetch(`${app.s3Url}/cors-bucket/some/key`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': method,
          'access-control-request-headers': headers,
        },
      });
    const ok = await preflight('https://app.example.com', 'PUT');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(ok.headers.get('access-control-allow-methods')).toBe('GET, PUT');
    expect(ok.headers.get('access-control-max-age')).toBe('600');
    expect((await preflight('https://evil.example.com', 'PUT')).status).toBe(403);
    expect((await preflight('https://app.example.com', 'DELETE')).status).toBe(403);
    expect((await preflight('https://app.example.com', 'GET', 'authorization-x')).status).toBe(403);
    await s3.send(new DeleteBucketCorsCommand({ Bucket: 'cors-bucket' }));
    expect((await preflight('https://app.example.com', 'PUT')).status).toBe(403);
  });
});

describe('bucket policies', () => {
  it('grants public read, grants and denies named principals, and can always be removed by the owner', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'policy-bucket' }));
    await s3.send(new PutObjectCommand({ Bucket: 'policy-bucket', Key: 'doc', Body: 'policy doc' }));
    const bob = await createS3User(app, 'io-bob');
    const bobS3 = s3Client(app, bob);
    expect((await fetch(`${app.s3Url}/policy-bucket/doc`)).status).toBe(403);
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::policy-bucket/*' },
        {
          Effect: 'Allow',
          Principal: { AWS: [`arn:aws:iam::${bob.projectId}:root`] },
          Action: ['s3:PutObject'],
          Resource: ['arn:aws:s3:::policy-bucket/uploads/*'],
        },
        {
          Effect: 'Deny',
          Principal: { AWS: alice.projectId },
          Action: 's3:DeleteObject',
          Resource: 'arn:aws:s3:::policy-bucket/*',
        },
      ],
    };
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'policy-bucket', Policy: JSON.stringify(policy) }));
    expect(
      JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: 'policy-bucket' }))).Policy!),
    ).toEqual(policy);
    expect(await (await fetch(`${app.s3Url}/policy-bucket/doc`)).text()).toBe('policy doc');
    expect(
      (
        await s3ErrorOf(
          bobS3.send(new PutObjectCommand({ Bucket: 'policy-bucket', Key: 'uploads/b', Body: 'b' })),
        )
      ).code,
    ).toBe('OK');
    expect(
      (
        await s3ErrorOf(
          bobS3.send(new PutObjectCommand({ Bucket: 'policy-bucket', Key: 'elsewhere', Body: 'b' })),
        )
      ).code,
    ).toBe('AccessDenied');
    const deleted = await fetch(`${app.s3Url}/policy-bucket/doc`, { method: 'DELETE' });
    expect(deleted.status).toBe(403);
    const { DeleteObjectCommand } = await import('@aws-sdk/client-s3');
    expect(
      (await s3ErrorOf(s3.send(new DeleteObjectCommand({ Bucket: 'policy-bucket', Key: 'doc' })))).code,
    ).toBe('AccessDenied');
    const malformed = await s3ErrorOf(
      s3.send(new PutBucketPolicyCommand({ Bucket: 'policy-bucket', Policy: '{"Statement": 3' })),
    );
    expect(malformed.code).toBe('MalformedPolicy');
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'policy-bucket' }));
    expect((await fetch(`${app.s3Url}/policy-bucket/doc`)).status).toBe(403);
    bobS3.destroy();
  });
});
