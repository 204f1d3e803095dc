// Multipart uploads through the AWS SDK: the happy path (with the SDK's per-part checksums), S3's
// multipart ETag, part copies, listings of parts and uploads, abort, and every error S3 defines for
// a bad completion. The assembled object must read back the same through S3 and through Swift.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createS3User, s3Client, s3ErrorOf, swiftUrl, type S3User } from './s3-support.js';

let app: TestApp;
let user: S3User;
let s3: S3Client;
const MiB = 1024 * 1024;
const bucket = 'multi';

beforeAll(async () => {
  app = await startTestApp();
  user = await createS3User(app, 'mp-user');
  s3 = s3Client(app, user);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  s3?.destroy();
  await app?.close();
});

const md5 = (b: Buffer) => createHash('md5').update(b).digest();

async function start(key: string, extra: Record<string, unknown> = {}): Promise<string> {
  const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ...extra }));
  return created.UploadId as string;
}

async function upload(key: string, uploadId: string, partNumber: number, body: Buffer): Promise<string> {
  const res = await s3.send(
    new UploadPartCommand({
      Bucket: bucket,
      Key: key,
      UploadId: uploadId,
      PartNumber: partNumber,
      Body: body,
    }),
  );
  return res.ETag as string;
}

describe('multipart uploads', () => {
  it('assembles parts into one object with the multipart ETag, readable through Swift', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(1234)];
    const uploadId = await start('big/object.bin', {
      ContentType: 'application/x-big',
      Metadata: { origin: 'mpu' },
    });
    const etags: string[] = [];
    for (const [i, part] of parts.entries())
      etags.push(await upload('big/object.bin', uploadId, i + 1, part));
    const listed = await s3.send(
      new ListPartsCommand({ Bucket: bucket, Key: 'big/object.bin', UploadId: uploadId }),
    );
    expect(listed.Parts?.map((p) => p.Size)).toEqual(parts.map((p) => p.length));
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect(uploads.Uploads?.map((u) => u.UploadId)).toContain(uploadId);
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'big/object.bin',
        UploadId: uploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    const expected = `"${createHash('md5')
      .update(Buffer.concat(parts.map(md5)))
      .digest('hex')}-3"`;
    expect(done.ETag).toBe(expected);
    const whole = Buffer.concat(parts);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big/object.bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(whole)).toBe(true);
    expect(got.ContentType).toBe('application/x-big');
    expect(got.Metadata).toEqual({ origin: 'mpu' });
    const swift = await fetch(swiftUrl(app, user.projectId, `/${bucket}/big/object.bin`), {
      headers: { 'x-auth-token': user.token },
    });
    expect(swift.status).toBe(200);
    expect(swift.headers.get('x-object-meta-origin')).toBe('mpu');
    expect(Buffer.from(await swift.arrayBuffer()).equals(whole)).toBe(true);
    const after = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect(after.Uploads ?? []).toEqual([]);
  });

  it('keeps a composite checksum when the upload chose one', async () => {
    const uploadId = await start('sums', { ChecksumAlgorithm: 'SHA256' });
    const a = randomBytes(5 * MiB);
    const b = randomBytes(10);
    const r1 = await s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: 'sums',
        UploadId: uploadId,
        PartNumber: 1,
        Body: a,
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    const r2 = await s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: 'sums',
        UploadId: uploadId,
        PartNumber: 2,
        Body: b,
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    expect(r1.ChecksumSHA256).toBe(createHash('sha256').update(a).digest('base64'));
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'sums',
        UploadId: uploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: r1.ETag, ChecksumSHA256: r1.ChecksumSHA256 },
            { PartNumber: 2, ETag: r2.ETag, ChecksumSHA256: r2.ChecksumSHA256 },
          ],
        },
      }),
    );
    const composite = createHash('sha256')
      .update(
        Buffer.concat([Buffer.from(r1.ChecksumSHA256!, 'base64'), Buffer.from(r2.ChecksumSHA256!, 'base64')]),
      )
      .digest('base64');
    expect(done.ChecksumSHA256).toBe(`${composite}-2`);
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: 'sums', ChecksumMode: 'ENABLED' }),
    );
    expect(head.ChecksumSHA256).toBe(`${composite}-2`);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'sums', ChecksumMode: 'ENABLED' }));
    expect((await got.Body!.transformToByteArray()).length).toBe(a.length + b.length);
  });

  it('streams parts in the SDK trailer mode', async () => {
    const uploadId = await start('streamed');
    const body = randomBytes(5 * MiB + 17);
    const res = await s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: 'streamed',
        UploadId: uploadId,
        PartNumber: 1,
        Body: Readable.from([body.subarray(0, 1000), body.subarray(1000)]),
        ContentLength: body.length,
      }),
    );
    expect(res.ETag).toBe(`"${md5(body).toString('hex')}"`);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'streamed', UploadId: uploadId }));
  });

  it('copies parts from existing objects, with ranges', async () => {
    const source = randomBytes(6 * MiB);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'copy-source', Body: source }));
    const uploadId = await start('copied');
    const p1 = await s3.send(
      new UploadPartCopyCommand({
        Bucket: bucket,
        Key: 'copied',
        UploadId: uploadId,
        PartNumber: 1,
        CopySource: `${bucket}/copy-source`,
      }),
    );
    const p2 = await s3.send(
      new UploadPartCopyCommand({
        Bucket: bucket,
        Key: 'copied',
        UploadId: uploadId,
        PartNumber: 2,
        CopySource: `${bucket}/copy-source`,
        CopySourceRange: 'bytes=0-99',
      }),
    );
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'copied',
        UploadId: uploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.CopyPartResult?.ETag },
            { PartNumber: 2, ETag: p2.CopyPartResult?.ETag },
          ],
        },
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copied' }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    expect(bytes.equals(Buffer.concat([source, source.subarray(0, 100)]))).toBe(true);
  });

  it('refuses bad completions with S3 errors and keeps the upload', async () => {
    const key = 'bad';
    const uploadId = await start(key);
    const e1 = await upload(key, uploadId, 1, randomBytes(1000));
    const e2 = await upload(key, uploadId, 2, randomBytes(1000));
    const complete = (Parts: Array<{ PartNumber: number; ETag: string }>) =>
      s3ErrorOf(
        s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            MultipartUpload: { Parts },
          }),
        ),
      );
    expect(
      (
        await complete([
          { PartNumber: 1, ETag: e1 },
          { PartNumber: 2, ETag: e2 },
        ])
      ).code,
    ).toBe('EntityTooSmall');
    expect(
      (
        await complete([
          { PartNumber: 2, ETag: e2 },
          { PartNumber: 1, ETag: e1 },
        ])
      ).code,
    ).toBe('InvalidPartOrder');
    expect((await complete([{ PartNumber: 1, ETag: '"0123"' }])).code).toBe('InvalidPart');
    expect((await complete([{ PartNumber: 3, ETag: e1 }])).code).toBe('InvalidPart');
    expect((await s3ErrorOf(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })))).status).toBe(404);
    // The upload survives the failed attempts: a single last part is allowed to be small.
    await complete([{ PartNumber: 1, ETag: e1 }]).then((r) => expect(r.code).toBe('OK'));
    const gone = await s3ErrorOf(
      s3.send(
        new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: 3, Body: 'x' }),
      ),
    );
    expect(gone).toEqual({ code: 'NoSuchUpload', status: 404 });
  });

  it('answers a long assembly with a streamed 200 the SDK reads (keep-alive whitespace)', async () => {
    const key = 'large-assembly';
    const uploadId = await start(key);
    const part = randomBytes(5 * MiB);
    const etags: string[] = [];
    for (let i = 1; i <= 13; i += 1) etags.push(await upload(key, uploadId, i, part));
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    expect(done.ETag).toMatch(/-13"$/);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentLength).toBe(13 * 5 * MiB);
  });

  it('aborts uploads', async () => {
    const uploadId = await start('aborted');
    await upload('aborted', uploadId, 1, randomBytes(100));
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'aborted', UploadId: uploadId }));
    expect(
      await s3ErrorOf(s3.send(new ListPartsCommand({ Bucket: bucket, Key: 'aborted', UploadId: uploadId }))),
    ).toEqual({
      code: 'NoSuchUpload',
      status: 404,
    });
    expect(
      (
        await s3ErrorOf(
          s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'aborted', UploadId: 'nope' })),
        )
      ).code,
    ).toBe('NoSuchUpload');
  });
});
