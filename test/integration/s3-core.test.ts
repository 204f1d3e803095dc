// The S3 API's core through the AWS SDK (its default checksum behaviour) against the real application:
// buckets, objects with metadata, listings (v1 and v2), conditional and range reads, copies, batch
// deletes, and the errors clients rely on.
import { createHash, randomBytes } from 'node:crypto';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createS3User, s3Client, s3ErrorOf, type S3User } from './s3-support.js';

let app: TestApp;
let alice: S3User;
let s3: S3Client;

beforeAll(async () => {
  app = await startTestApp();
  alice = await createS3User(app, 'alice-s3');
  s3 = s3Client(app, alice);
});

afterAll(async () => {
  s3?.destroy();
  await app?.close();
});

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe('buckets', () => {
  it('creates, lists, heads, locates and deletes a bucket', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'photos' }));
    const listed = await s3.send(new ListBucketsCommand({}));
    expect(listed.Buckets?.map((b) => b.Name)).toContain('photos');
    expect(listed.Owner?.ID).toBe(alice.projectId);
    await s3.send(new HeadBucketCommand({ Bucket: 'photos' }));
    const location = await s3.send(new GetBucketLocationCommand({ Bucket: 'photos' }));
    expect(location.LocationConstraint).toBe('RegionOne');
    const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: 'photos' }));
    expect(versioning.Status).toBeUndefined();
    await s3.send(new DeleteBucketCommand({ Bucket: 'photos' }));
    expect((await s3ErrorOf(s3.send(new HeadBucketCommand({ Bucket: 'photos' })))).status).toBe(404);
  });

  it('answers the AWS errors for bucket mistakes', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'dup-bucket' }));
    expect(await s3ErrorOf(s3.send(new CreateBucketCommand({ Bucket: 'dup-bucket' })))).toEqual({
      code: 'BucketAlreadyOwnedByYou',
      status: 409,
    });
    expect((await s3ErrorOf(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })))).code).toBe(
      'InvalidBucketName',
    );
    expect(await s3ErrorOf(s3.send(new DeleteBucketCommand({ Bucket: 'no-such-bucket' })))).toEqual({
      code: 'NoSuchBucket',
      status: 404,
    });
    await s3.send(new PutObjectCommand({ Bucket: 'dup-bucket', Key: 'x', Body: 'x' }));
    expect(await s3ErrorOf(s3.send(new DeleteBucketCommand({ Bucket: 'dup-bucket' })))).toEqual({
      code: 'BucketNotEmpty',
      status: 409,
    });
    const wrongRegion = await s3ErrorOf(
      s3.send(
        new CreateBucketCommand({
          Bucket: 'far-away',
          CreateBucketConfiguration: { LocationConstraint: 'eu-west-3' },
        }),
      ),
    );
    expect(wrongRegion.code).toBe('IllegalLocationConstraintException');
    await s3.send(
      new CreateBucketCommand({
        Bucket: 'near-by',
        CreateBucketConfiguration: { LocationConstraint: 'RegionOne' as never },
      }),
    );
  });

  it('keeps a name taken by another project: BucketAlreadyExists', async () => {
    const bob = await createS3User(app, 'bob-s3-taken');
    const bobS3 = s3Client(app, bob);
    await s3.send(new CreateBucketCommand({ Bucket: 'taken-name' }));
    expect(await s3ErrorOf(bobS3.send(new CreateBucketCommand({ Bucket: 'taken-name' })))).toEqual({
      code: 'BucketAlreadyExists',
      status: 409,
    });
    bobS3.destroy();
  });
});

describe('objects', () => {
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'objects' }));
  });

  it('puts and gets an object with metadata and representation headers', async () => {
    const body = randomBytes(100_000);
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'objects',
        Key: 'dir/file one.bin',
        Body: body,
        ContentType: 'application/x-test',
        ContentDisposition: 'attachment; filename="one.bin"',
        CacheControl: 'max-age=60',
        Metadata: { colour: 'blue', 'Mixed-Case': 'Yes' },
      }),
    );
    expect(put.ETag).toBe(`"${md5(body)}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'dir/file one.bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(body);
    expect(got.ContentType).toBe('application/x-test');
    expect(got.ContentDisposition).toBe('attachment; filename="one.bin"');
    expect(got.CacheControl).toBe('max-age=60');
    expect(got.Metadata).toEqual({ colour: 'blue', 'mixed-case': 'Yes' });
    expect(got.ETag).toBe(`"${md5(body)}"`);
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: 'objects', Key: 'dir/file one.bin', ChecksumMode: 'ENABLED' }),
    );
    expect(head.ContentLength).toBe(body.length);
    expect(head.ChecksumCRC32 ?? head.ChecksumCRC64NVME).toBeDefined();
  });

  it('serves ranges and conditional requests', async () => {
    const body = Buffer.from('0123456789abcdef');
    const put = await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'range.txt', Body: body }));
    const part = await s3.send(
      new GetObjectCommand({ Bucket: 'objects', Key: 'range.txt', Range: 'bytes=2-5' }),
    );
    expect(await part.Body!.transformToString()).toBe('2345');
    expect(part.ContentRange).toBe('bytes 2-5/16');
    expect(
      await s3ErrorOf(
        s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'range.txt', Range: 'bytes=100-' })),
      ),
    ).toEqual({
      code: 'InvalidRange',
      status: 416,
    });
    expect(
      await s3ErrorOf(
        s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'range.txt', IfMatch: '"nope"' })),
      ),
    ).toEqual({ code: 'PreconditionFailed', status: 412 });
    const notModified = await s3ErrorOf(
      s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'range.txt', IfNoneMatch: put.ETag })),
    );
    expect(notModified.status).toBe(304);
    expect(
      await s3ErrorOf(
        s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'range.txt', Body: 'x', IfNoneMatch: '*' })),
      ),
    ).toEqual({ code: 'PreconditionFailed', status: 412 });
    const overridden = await s3.send(
      new GetObjectCommand({ Bucket: 'objects', Key: 'range.txt', ResponseContentType: 'text/x-over' }),
    );
    expect(overridden.ContentType).toBe('text/x-over');
    await overridden.Body!.transformToString();
  });

  it('answers NoSuchKey and NoSuchBucket', async () => {
    expect(await s3ErrorOf(s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'missing' })))).toEqual({
      code: 'NoSuchKey',
      status: 404,
    });
    expect(await s3ErrorOf(s3.send(new GetObjectCommand({ Bucket: 'no-bucket-here', Key: 'k' })))).toEqual({
      code: 'NoSuchBucket',
      status: 404,
    });
    await s3.send(new DeleteObjectCommand({ Bucket: 'objects', Key: 'missing' }));
  });

  it('copies objects with COPY and REPLACE directives', async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: 'objects', Key: 'src', Body: 'source bytes', Metadata: { a: '1' } }),
    );
    await s3.send(new CopyObjectCommand({ Bucket: 'objects', Key: 'copy1', CopySource: 'objects/src' }));
    const c1 = await s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'copy1' }));
    expect(c1.Metadata).toEqual({ a: '1' });
    await s3.send(
      new CopyObjectCommand({
        Bucket: 'objects',
        Key: 'src',
        CopySource: 'objects/src',
        MetadataDirective: 'REPLACE',
        Metadata: { mtime: '12345' },
      }),
    );
    const replaced = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'src' }));
    expect(replaced.Metadata).toEqual({ mtime: '12345' });
    expect(await replaced.Body!.transformToString()).toBe('source bytes');
    const self = await s3ErrorOf(
      s3.send(new CopyObjectCommand({ Bucket: 'objects', Key: 'src', CopySource: 'objects/src' })),
    );
    expect(self.code).toBe('InvalidRequest');
    const guarded = await s3ErrorOf(
      s3.send(
        new CopyObjectCommand({
          Bucket: 'objects',
          Key: 'c2',
          CopySource: 'objects/src',
          CopySourceIfMatch: '"x"',
        }),
      ),
    );
    expect(guarded).toEqual({ code: 'PreconditionFailed', status: 412 });
  });

  it('deletes many objects at once', async () => {
    for (const key of ['d/1', 'd/2', 'd/3'])
      await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: key, Body: key }));
    const result = await s3.send(
      new DeleteObjectsCommand({
        Bucket: 'objects',
        Delete: { Objects: [{ Key: 'd/1' }, { Key: 'd/2' }, { Key: 'd/nope' }] },
      }),
    );
    expect(result.Deleted?.map((d) => d.Key).sort()).toEqual(['d/1', 'd/2', 'd/nope']);
    const left = await s3.send(new ListObjectsV2Command({ Bucket: 'objects', Prefix: 'd/' }));
    expect(left.Contents?.map((c) => c.Key)).toEqual(['d/3']);
  });
});

describe('listings', () => {
  const keys = ['a.txt', 'b/1', 'b/2', 'b/c/3', 'c/4', 'd e+f', 'z'];
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'listing' }));
    for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: 'listing', Key: key, Body: key }));
  });

  it('lists v2 with delimiter, prefix and continuation tokens', async () => {
    const top = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/' }));
    expect(top.Contents?.map((c) => c.Key)).toEqual(['a.txt', 'd e+f', 'z']);
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['b/', 'c/']);
    expect(top.KeyCount).toBe(5);
    const under = await s3.send(
      new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'b/', Delimiter: '/' }),
    );
    expect(under.Contents?.map((c) => c.Key)).toEqual(['b/1', 'b/2']);
    expect(under.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['b/c/']);
    const seen: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 10; i += 1) {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: 'listing', MaxKeys: 2, ContinuationToken: token }),
      );
      seen.push(...(page.Contents ?? []).map((c) => c.Key as string));
      if (!page.IsTruncated) break;
      token = page.NextContinuationToken;
    }
    expect(seen).toEqual(keys);
    const after = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', StartAfter: 'c/4' }));
    expect(after.Contents?.map((c) => c.Key)).toEqual(['d e+f', 'z']);
  });

  it('lists v1 with markers, delimiter pages and url encoding', async () => {
    const seen: string[] = [];
    let marker: string | undefined;
    for (let i = 0; i < 10; i += 1) {
      const page = await s3.send(
        new ListObjectsCommand({ Bucket: 'listing', MaxKeys: 2, Marker: marker, Delimiter: '/' }),
      );
      seen.push(
        ...(page.Contents ?? []).map((c) => c.Key as string),
        ...(page.CommonPrefixes ?? []).map((p) => p.Prefix as string),
      );
      if (!page.IsTruncated) break;
      marker = page.NextMarker;
    }
    expect(seen.sort()).toEqual(['a.txt', 'b/', 'c/', 'd e+f', 'z']);
    const raw = await fetch(`${app.s3Url}/listing?encoding-type=url&prefix=d`, { headers: {} });
    expect(raw.status).toBe(403);
  });
});
