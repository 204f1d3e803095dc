// S3 object versioning over the object store's versioning: versions kept on overwrite, delete markers,
// reads, copies and deletes of one version, ListObjectVersions (with delimiters and paging, through boto3
// too), suspension, and bucket deletion.
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { runBoto3 } from '../support/boto3.js';
import { createS3User, s3Client, s3ErrorOf, type S3User } from './s3-support.js';

let app: TestApp;
let user: S3User;
let s3: S3Client;

beforeAll(async () => {
  app = await startTestApp();
  user = await createS3User(app, 'ver-user');
  s3 = s3Client(app, user);
});

afterAll(async () => {
  s3?.destroy();
  await app?.close();
});

const text = async (p: Promise<{ Body?: { transformToString(): Promise<string> } }>) =>
  (await p).Body!.transformToString();

describe('versioning', () => {
  it('lists the objects of an unversioned bucket as null versions', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'plain' }));
    await s3.send(new PutObjectCommand({ Bucket: 'plain', Key: 'a', Body: 'a' }));
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: 'plain' }));
    expect(listed.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest])).toEqual([['a', 'null', true]]);
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'plain' }))).Status).toBeUndefined();
    expect(await text(s3.send(new GetObjectCommand({ Bucket: 'plain', Key: 'a', VersionId: 'null' })))).toBe(
      'a',
    );
    expect(
      (await s3ErrorOf(s3.send(new GetObjectCommand({ Bucket: 'plain', Key: 'a', VersionId: 'bogus' }))))
        .code,
    ).toBe('InvalidArgument');
  });

  it('keeps versions, reads them, and hides a deleted object behind a delete marker', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'versioned' }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'versioned', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'versioned' }))).Status).toBe('Enabled');
    const v1 = await s3.send(new PutObjectCommand({ Bucket: 'versioned', Key: 'doc', Body: 'one' }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket: 'versioned', Key: 'doc', Body: 'two' }));
    expect(v1.VersionId).toBeDefined();
    expect(v2.VersionId).not.toBe(v1.VersionId);
    expect(await text(s3.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'doc' })))).toBe('two');
    expect(
      await text(s3.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'doc', VersionId: v1.VersionId }))),
    ).toBe('one');
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'versioned', Key: 'doc' }));
    expect(head.VersionId).toBe(v2.VersionId);

    const deleted = await s3.send(new DeleteObjectCommand({ Bucket: 'versioned', Key: 'doc' }));
    expect(deleted.DeleteMarker).toBe(true);
    expect((await s3ErrorOf(s3.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'doc' })))).code).toBe(
      'NoSuchKey',
    );
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: 'versioned' }));
    expect(listed.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest])).toEqual([[deleted.VersionId, true]]);
    expect(listed.Versions?.map((v) => v.VersionId)).toEqual([v2.VersionId, v1.VersionId]);

    // Removing the delete marker brings the newest version back.
    await s3.send(new DeleteObjectCommand({ Bucket: 'versioned', Key: 'doc', VersionId: deleted.VersionId }));
    expect(await text(s3.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'doc' })))).toBe('two');
    await s3.send(
      new CopyObjectCommand({
        Bucket: 'versioned',
        Key: 'restored',
        CopySource: `versioned/doc?versionId=${v1.VersionId}`,
      }),
    );
    expect(await text(s3.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'restored' })))).toBe('one');
    expect((await s3ErrorOf(s3.send(new DeleteBucketCommand({ Bucket: 'versioned' })))).code).toBe(
      'BucketNotEmpty',
    );
  });

  it('deletes versions for good, in batches too, and then the bucket', async () => {
    const all = await s3.send(new ListObjectVersionsCommand({ Bucket: 'versioned' }));
    const entries = [...(all.Versions ?? []), ...(all.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key,
      VersionId: v.VersionId,
    }));
    const result = await s3.send(
      new DeleteObjectsCommand({ Bucket: 'versioned', Delete: { Objects: entries } }),
    );
    expect(result.Errors ?? []).toEqual([]);
    const left = await s3.send(new ListObjectVersionsCommand({ Bucket: 'versioned' }));
    expect([...(left.Versions ?? []), ...(left.DeleteMarkers ?? [])]).toEqual([]);
    await s3.send(new DeleteBucketCommand({ Bucket: 'versioned' }));
  });

  it('writes null versions while suspended', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'suspended' }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'suspended', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const kept = await s3.send(new PutObjectCommand({ Bucket: 'suspended', Key: 'k', Body: 'kept' }));
    await s3.send(
      new PutBucketVersioningCommand({
        Bucket: 'suspended',
        VersioningConfiguration: { Status: 'Suspended' },
      }),
    );
    const put = await s3.send(new PutObjectCommand({ Bucket: 'suspended', Key: 'k', Body: 'null one' }));
    expect(put.VersionId).toBe('null');
    expect(
      await text(s3.send(new GetObjectCommand({ Bucket: 'suspended', Key: 'k', VersionId: kept.VersionId }))),
    ).toBe('kept');
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: 'suspended' }));
    expect(listed.Versions?.map((v) => v.VersionId)).toEqual(['null', kept.VersionId]);
  });

  it('groups versions into common prefixes under a delimiter, page by page (boto3)', async () => {
    const result = await runBoto3<Record<string, unknown>>(
      app.s3Url,
      user,
      `
      s3.create_bucket(Bucket='ver-delim')
      s3.put_bucket_versioning(Bucket='ver-delim', VersioningConfiguration={'Status': 'Enabled'})
      for key in ['a/1', 'a/1', 'a/2', 'b', 'b', 'c/x/1', 'c/y', 'd']:
          s3.put_object(Bucket='ver-delim', Key=key, Body=b'x')
      s3.delete_object(Bucket='ver-delim', Key='d')
      whole = s3.list_object_versions(Bucket='ver-delim', Delimiter='/')
      pages = []
      for page in s3.get_paginator('list_object_versions').paginate(Bucket='ver-delim', Delimiter='/', PaginationConfig={'PageSize': 2}):
          pages.append([v['Key'] for v in page.get('Versions', [])] + [m['Key'] + '(marker)' for m in page.get('DeleteMarkers', [])]
                       + [p['Prefix'] for p in page.get('CommonPrefixes', [])])
      nested = s3.list_object_versions(Bucket='ver-delim', Prefix='c/', Delimiter='/')
      out({
          'keys': [v['Key'] for v in whole.get('Versions', [])],
          'markers': [m['Key'] for m in whole.get('DeleteMarkers', [])],
          'prefixes': [p['Prefix'] for p in whole.get('CommonPrefixes', [])],
          'delimiter': whole.get('Delimiter'),
          'pages': pages,
          'nested': [[v['Key'] for v in nested.get('Versions', [])], [p['Prefix'] for p in nested.get('CommonPrefixes', [])]],
      })
      `,
    );
    expect(result).toEqual({
      keys: ['b', 'b', 'd'],
      markers: ['d'],
      prefixes: ['a/', 'c/'],
      delimiter: '/',
      pages: [
        ['b', 'a/'],
        ['b', 'c/'],
        ['d', 'd(marker)'],
      ],
      nested: [['c/y'], ['c/x/']],
    });
  });
});
