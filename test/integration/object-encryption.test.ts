// Objects at rest: known plaintext written through Swift (plain objects and SLO segments) and S3 (plain
// and multipart) is nowhere in the data directory, reads (whole and ranged across 64 KiB records) give
// it back with the plaintext's ETag, and once the project's key is destroyed (crypto-erase) every read
// is a 403 in each API's own shape while the files still hold only ciphertext.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketEncryptionCommand,
  GetBucketEncryptionCommand,
  PutBucketEncryptionCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
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
  alice = await createS3User(app, 'alice-sse');
  s3 = s3Client(app, alice);
});
afterAll(async () => app?.close());

const MARKER = 'sovereign-plaintext-marker/';
function body(tag: string, size: number): Buffer {
  const unit = `${MARKER}${tag}/`;
  return Buffer.from(unit.repeat(Math.ceil(size / unit.length)).slice(0, size));
}
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

/** Every byte of every file under the data directory (database included). */
function dataDirBytes(): Buffer {
  const files = readdirSync(app.dataDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return Buffer.concat(files.map((e) => readFileSync(join(e.parentPath, e.name))));
}

async function swift(method: string, path: string, data?: Buffer, headers: Record<string, string> = {}) {
  return fetch(swiftUrl(app, alice.projectId, path), {
    method,
    headers: { 'x-auth-token': alice.token, ...headers },
    body: data,
  });
}

const swiftBody = body('swift', 200_000);
const segment = body('segment', 70_000);
const s3Body = body('s3', 150_000);
const part1 = body('part', 5 * 1024 * 1024);
const part2 = body('last-part', 1000);

async function writeEverything(): Promise<void> {
  expect((await swift('PUT', '/c')).status).toBe(201);
  const put = await swift('PUT', '/c/plain', swiftBody);
  expect(put.status).toBe(201);
  expect(put.headers.get('etag')).toBe(md5(swiftBody));
  expect((await swift('PUT', '/c/seg1', segment)).status).toBe(201);
  const manifest = JSON.stringify([{ path: '/c/seg1', etag: md5(segment), size_bytes: segment.length }]);
  const slo = await swift('PUT', '/c/slo?multipart-manifest=put', Buffer.from(manifest));
  expect(slo.status).toBe(201);

  await s3.send(new CreateBucketCommand({ Bucket: 'sse-bucket' }));
  const s3Put = await s3.send(new PutObjectCommand({ Bucket: 'sse-bucket', Key: 'k', Body: s3Body }));
  expect(s3Put.ETag).toBe(`"${md5(s3Body)}"`);
  const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'sse-bucket', Key: 'mp' }));
  const parts = [];
  for (const [i, data] of [part1, part2].entries()) {
    const r = await s3.send(
      new UploadPartCommand({
        Bucket: 'sse-bucket',
        Key: 'mp',
        UploadId: upload.UploadId,
        PartNumber: i + 1,
        Body: data,
      }),
    );
    parts.push({ ETag: r.ETag, PartNumber: i + 1 });
  }
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: 'sse-bucket',
      Key: 'mp',
      UploadId: upload.UploadId,
      MultipartUpload: { Parts: parts },
    }),
  );
}

async function s3Bytes(key: string, range?: string): Promise<Buffer> {
  const got = await s3.send(new GetObjectCommand({ Bucket: 'sse-bucket', Key: key, Range: range }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

describe('objects encrypted at rest', () => {
  it('stores no plaintext and reads it all back, ranges across records included', async () => {
    await writeEverything();
    expect(dataDirBytes().includes(MARKER)).toBe(false);

    const plain = await swift('GET', '/c/plain');
    expect(Buffer.from(await plain.arrayBuffer()).equals(swiftBody)).toBe(true);
    expect(plain.headers.get('etag')).toBe(md5(swiftBody));
    const ranged = await swift('GET', '/c/plain', undefined, { range: 'bytes=65530-131080' });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(swiftBody.subarray(65530, 131081))).toBe(true);
    const slo = await swift('GET', '/c/slo', undefined, { range: 'bytes=65000-66000' });
    expect(Buffer.from(await slo.arrayBuffer()).equals(segment.subarray(65000, 66001))).toBe(true);

    expect((await s3Bytes('k')).equals(s3Body)).toBe(true);
    expect((await s3Bytes('k', 'bytes=131000-149999')).equals(s3Body.subarray(131000))).toBe(true);
    expect((await s3Bytes('mp')).equals(Buffer.concat([part1, part2]))).toBe(true);
    const edge = 5 * 1024 * 1024 - 10;
    expect(
      (await s3Bytes('mp', `bytes=${edge}-${edge + 19}`)).equals(
        Buffer.concat([part1, part2]).subarray(edge, edge + 20),
      ),
    ).toBe(true);
  });

  it('answers SSE-S3 as S3 does: AES256 honoured and echoed, unknown methods refused', async () => {
    const put = await s3.send(
      new PutObjectCommand({ Bucket: 'sse-bucket', Key: 'sse', Body: 'x', ServerSideEncryption: 'AES256' }),
    );
    expect(put.ServerSideEncryption).toBe('AES256');
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'sse-bucket', Key: 'k' }));
    expect(head.ServerSideEncryption).toBe('AES256');
    const copy = await s3.send(
      new CopyObjectCommand({ Bucket: 'sse-bucket', Key: 'copy', CopySource: 'sse-bucket/k' }),
    );
    expect(copy.ServerSideEncryption).toBe('AES256');
    const bad = (value: string) =>
      s3ErrorOf(
        s3.send(
          new PutObjectCommand({
            Bucket: 'sse-bucket',
            Key: 'bad',
            Body: 'x',
            ServerSideEncryption: value as 'AES256',
          }),
        ),
      );
    expect(await bad('AES128')).toEqual({ code: 'InvalidArgument', status: 400 });
    expect(await bad('aws:kms')).toEqual({ code: 'NotImplemented', status: 501 });
  });

  it('keeps bucket default encryption at SSE-S3: Get/Put/DeleteBucketEncryption', async () => {
    const get = () => s3.send(new GetBucketEncryptionCommand({ Bucket: 'sse-bucket' }));
    const rule = async () => (await get()).ServerSideEncryptionConfiguration?.Rules?.[0];
    expect(await rule()).toEqual({
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
      BucketKeyEnabled: false,
    });
    const put = (algorithm: string, bucketKey = true) =>
      s3.send(
        new PutBucketEncryptionCommand({
          Bucket: 'sse-bucket',
          ServerSideEncryptionConfiguration: {
            Rules: [
              {
                ApplyServerSideEncryptionByDefault: { SSEAlgorithm: algorithm as 'AES256' },
                BucketKeyEnabled: bucketKey,
              },
            ],
          },
        }),
      );
    await put('AES256');
    expect((await rule())?.BucketKeyEnabled).toBe(true);
    expect(await s3ErrorOf(put('aws:kms'))).toEqual({ code: 'NotImplemented', status: 501 });
    expect(await s3ErrorOf(put('DES'))).toEqual({ code: 'MalformedXML', status: 400 });
    await s3.send(new DeleteBucketEncryptionCommand({ Bucket: 'sse-bucket' }));
    expect((await rule())?.BucketKeyEnabled).toBe(false);
  });

  it("makes every read fail with 403 once the project's key is destroyed (crypto-erase)", async () => {
    await app.keyManager.services.keys.destroyProjectKeys(alice.projectId);
    const res = await swift('GET', '/c/plain');
    expect(res.status).toBe(403);
    // Swift's 403 body is always its fixed HTML; S3's message says why (docs/errors.md).
    expect(await res.text()).toMatch(/Forbidden/);
    expect((await swift('GET', '/c/slo')).status).toBe(403);
    expect(await s3ErrorOf(s3Bytes('k'))).toEqual({ code: 'AccessDenied', status: 403 });
    expect(await s3ErrorOf(s3Bytes('mp', 'bytes=0-9'))).toEqual({ code: 'AccessDenied', status: 403 });
    expect(dataDirBytes().includes(MARKER)).toBe(false);
  });
});
