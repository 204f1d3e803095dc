// Object features driven by boto3: reads of one part (partNumber), GetObjectAttributes, object and
// bucket tagging, and checksums (CRC32, CRC32C, SHA-1, SHA-256; full-object and composite) on every
// write path: PutObject, CopyObject, UploadPart, UploadPartCopy and CompleteMultipartUpload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { runBoto3 } from '../support/boto3.js';
import { createS3User, type S3User } from './s3-support.js';

let app: TestApp;
let user: S3User;

beforeAll(async () => {
  app = await startTestApp();
  user = await createS3User(app, 'feat-user');
});

afterAll(async () => {
  await app?.close();
});

const SETUP = `
import base64, hashlib, zlib
def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return base64.b64encode((crc ^ 0xFFFFFFFF).to_bytes(4, 'big')).decode()
def crc32(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, 'big')).decode()
def sha(name, data):
    return base64.b64encode(hashlib.new(name, data).digest()).decode()
MB = 1024 * 1024
def multipart(bucket, key, parts, **kw):
    up = s3.create_multipart_upload(Bucket=bucket, Key=key, **kw)['UploadId']
    done = []
    for i, body in enumerate(parts):
        extra = {'ChecksumAlgorithm': kw['ChecksumAlgorithm']} if 'ChecksumAlgorithm' in kw else {}
        r = s3.upload_part(Bucket=bucket, Key=key, UploadId=up, PartNumber=i + 1, Body=body, **extra)
        entry = {'PartNumber': i + 1, 'ETag': r['ETag']}
        for name in ('ChecksumSHA256', 'ChecksumCRC32', 'ChecksumSHA1', 'ChecksumCRC32C'):
            if name in r:
                entry[name] = r[name]
        done.append(entry)
    return s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=up, MultipartUpload={'Parts': done})
`;

describe('partNumber reads and GetObjectAttributes', () => {
  it('reads each part of a multipart object, and describes it', async () => {
    const result = await runBoto3<Record<string, unknown>>(
      app.s3Url,
      user,
      `
      s3.create_bucket(Bucket='parts')
      p1, p2, p3 = b'a' * (5 * MB), b'b' * (5 * MB), b'tail'
      multipart('parts', 'big', [p1, p2, p3], ChecksumAlgorithm='SHA256')
      s3.put_object(Bucket='parts', Key='small', Body=b'small')
      reads = []
      for n in (1, 2, 3):
          r = s3.get_object(Bucket='parts', Key='big', PartNumber=n)
          body = r['Body'].read()
          headers = r['ResponseMetadata']['HTTPHeaders']
          reads.append([r['ResponseMetadata']['HTTPStatusCode'], r['PartsCount'], headers['content-range'], len(body), body[:1].decode()])
      head = s3.head_object(Bucket='parts', Key='big', PartNumber=2)
      small = s3.get_object(Bucket='parts', Key='small', PartNumber=1)
      errors = [error_code(s3.get_object, Bucket='parts', Key='big', PartNumber=4),
                error_code(s3.get_object, Bucket='parts', Key='small', PartNumber=2),
                error_code(s3.get_object, Bucket='parts', Key='big', PartNumber=1, Range='bytes=0-1')]
      attrs = s3.get_object_attributes(Bucket='parts', Key='big',
          ObjectAttributes=['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'], MaxParts=2)
      page2 = s3.get_object_attributes(Bucket='parts', Key='big', ObjectAttributes=['ObjectParts'], PartNumberMarker=2)
      small_attrs = s3.get_object_attributes(Bucket='parts', Key='small', ObjectAttributes=['ETag', 'ObjectSize'])
      out({
          'reads': reads,
          'head': [head['ContentLength'], head['PartsCount'], head['ResponseMetadata']['HTTPHeaders']['content-range']],
          'small': [small['ContentLength'], 'PartsCount' in small],
          'errors': errors,
          'attrs': {
              'etag': attrs['ETag'], 'size': attrs['ObjectSize'], 'class': attrs['StorageClass'],
              'checksum': attrs['Checksum'],
              'parts': {k: v for k, v in attrs['ObjectParts'].items() if k != 'Parts'},
              'list': [[p['PartNumber'], p['Size'], p.get('ChecksumSHA256')] for p in attrs['ObjectParts']['Parts']],
              'page2': [p['PartNumber'] for p in page2['ObjectParts']['Parts']],
          },
          'expected': [sha('sha256', p1), sha('sha256', p2), sha('sha256', p3)],
          'small_attrs': [small_attrs['ETag'], small_attrs['ObjectSize'], 'ObjectParts' in small_attrs],
          'badAttr': error_code(s3.get_object_attributes, Bucket='parts', Key='big', ObjectAttributes=['Colour']),
      })
      `,
      SETUP,
    );
    const size = 5 * 1024 * 1024;
    const expected = result.expected as string[];
    expect(result).toMatchObject({
      reads: [
        [206, 3, `bytes 0-${size - 1}/${2 * size + 4}`, size, 'a'],
        [206, 3, `bytes ${size}-${2 * size - 1}/${2 * size + 4}`, size, 'b'],
        [206, 3, `bytes ${2 * size}-${2 * size + 3}/${2 * size + 4}`, 4, 't'],
      ],
      head: [size, 3, `bytes ${size}-${2 * size - 1}/${2 * size + 4}`],
      small: [5, false],
      errors: ['InvalidPartNumber', 'InvalidPartNumber', 'InvalidRequest'],
      attrs: {
        size: 2 * size + 4,
        class: 'STANDARD',
        checksum: { ChecksumSHA256: expect.stringMatching(/^[A-Za-z0-9+/]{43}=-3$/) },
        parts: { TotalPartsCount: 3, MaxParts: 2, IsTruncated: true, NextPartNumberMarker: 2 },
        list: [
          [1, size, expected[0]],
          [2, size, expected[1]],
        ],
        page2: [3],
      },
      small_attrs: [expect.stringMatching(/^[0-9a-f]{32}$/), 5, false],
      badAttr: 'InvalidArgument',
    });
    expect((result.attrs as { etag: string }).etag).toMatch(/^[0-9a-f]{32}-3$/);
  });
});

describe('tagging', () => {
  it('tags objects and versions on write and afterwards, and buckets', async () => {
    const result = await runBoto3<Record<string, unknown>>(
      app.s3Url,
      user,
      `
      s3.create_bucket(Bucket='tags')
      s3.put_bucket_versioning(Bucket='tags', VersioningConfiguration={'Status': 'Enabled'})
      v1 = s3.put_object(Bucket='tags', Key='k', Body=b'1', Tagging='colour=blue&size=s%20m')['VersionId']
      first = s3.get_object_tagging(Bucket='tags', Key='k')['TagSet']
      count = s3.head_object(Bucket='tags', Key='k')['ResponseMetadata']['HTTPHeaders'].get('x-amz-tagging-count')
      s3.put_object(Bucket='tags', Key='k', Body=b'2')
      current = s3.get_object_tagging(Bucket='tags', Key='k')['TagSet']
      s3.put_object_tagging(Bucket='tags', Key='k', VersionId=v1, Tagging={'TagSet': [{'Key': 'old', 'Value': 'yes'}]})
      old = s3.get_object_tagging(Bucket='tags', Key='k', VersionId=v1)['TagSet']
      s3.copy_object(Bucket='tags', Key='copied', CopySource={'Bucket': 'tags', 'Key': 'k', 'VersionId': v1})
      copied = s3.get_object_tagging(Bucket='tags', Key='copied')['TagSet']
      s3.copy_object(Bucket='tags', Key='replaced', CopySource={'Bucket': 'tags', 'Key': 'k', 'VersionId': v1},
                     TaggingDirective='REPLACE', Tagging='new=1')
      replaced = s3.get_object_tagging(Bucket='tags', Key='replaced')['TagSet']
      up = s3.create_multipart_upload(Bucket='tags', Key='mp', Tagging='mp=1')['UploadId']
      e = s3.upload_part(Bucket='tags', Key='mp', UploadId=up, PartNumber=1, Body=b'x')['ETag']
      s3.complete_multipart_upload(Bucket='tags', Key='mp', UploadId=up, MultipartUpload={'Parts': [{'PartNumber': 1, 'ETag': e}]})
      mp = s3.get_object_tagging(Bucket='tags', Key='mp')['TagSet']
      s3.delete_object_tagging(Bucket='tags', Key='mp')
      cleared = s3.get_object_tagging(Bucket='tags', Key='mp')['TagSet']
      errors = [
          error_code(s3.put_object_tagging, Bucket='tags', Key='k', Tagging={'TagSet': [{'Key': 'k%d' % i, 'Value': 'v'} for i in range(11)]}),
          error_code(s3.put_object_tagging, Bucket='tags', Key='k', Tagging={'TagSet': [{'Key': 'aws:x', 'Value': 'v'}]}),
          error_code(s3.put_object_tagging, Bucket='tags', Key='k', Tagging={'TagSet': [{'Key': 'a', 'Value': '1'}, {'Key': 'a', 'Value': '2'}]}),
          error_code(s3.put_object, Bucket='tags', Key='bad', Body=b'', Tagging='k=' + 'v' * 257),
          error_code(s3.get_object_tagging, Bucket='tags', Key='missing'),
      ]
      no_bucket_tags = error_code(s3.get_bucket_tagging, Bucket='tags')
      s3.put_bucket_tagging(Bucket='tags', Tagging={'TagSet': [{'Key': 'team', 'Value': 'storage'}, {'Key': 'env', 'Value': 'test'}]})
      bucket_tags = s3.get_bucket_tagging(Bucket='tags')['TagSet']
      too_many = error_code(s3.put_bucket_tagging, Bucket='tags', Tagging={'TagSet': [{'Key': 'k%d' % i, 'Value': 'v'} for i in range(51)]})
      s3.delete_bucket_tagging(Bucket='tags')
      out({'first': first, 'count': count, 'current': current, 'old': old, 'copied': copied, 'replaced': replaced,
           'mp': mp, 'cleared': cleared, 'errors': errors, 'noBucketTags': no_bucket_tags, 'bucketTags': bucket_tags,
           'tooMany': too_many, 'deleted': error_code(s3.get_bucket_tagging, Bucket='tags')})
      `,
      SETUP,
    );
    expect(result).toEqual({
      first: [
        { Key: 'colour', Value: 'blue' },
        { Key: 'size', Value: 's m' },
      ],
      count: '2',
      current: [],
      old: [{ Key: 'old', Value: 'yes' }],
      copied: [{ Key: 'old', Value: 'yes' }],
      replaced: [{ Key: 'new', Value: '1' }],
      mp: [{ Key: 'mp', Value: '1' }],
      cleared: [],
      errors: ['InvalidTag', 'InvalidTag', 'InvalidTag', 'InvalidTag', 'NoSuchKey'],
      noBucketTags: 'NoSuchTagSet',
      bucketTags: [
        { Key: 'team', Value: 'storage' },
        { Key: 'env', Value: 'test' },
      ],
      tooMany: 'InvalidTag',
      deleted: 'NoSuchTagSet',
    });
  });
});

describe('checksums on every write path', () => {
  it('stores and checks CRC32, CRC32C, SHA-1 and SHA-256, full-object and composite', async () => {
    const result = await runBoto3<Record<string, unknown>>(
      app.s3Url,
      user,
      `
      s3.create_bucket(Bucket='sums')
      data = b'checksum me, please'
      expected = {'CRC32': crc32(data), 'CRC32C': crc32c(data), 'SHA1': sha('sha1', data), 'SHA256': sha('sha256', data)}
      put = {}
      for algorithm, value in expected.items():
          s3.put_object(Bucket='sums', Key='put-' + algorithm, Body=data, **{'Checksum' + algorithm: value})
          head = s3.head_object(Bucket='sums', Key='put-' + algorithm, ChecksumMode='ENABLED')
          put[algorithm] = head.get('Checksum' + algorithm) == value
      wrong = error_code(s3.put_object, Bucket='sums', Key='wrong', Body=data, ChecksumSHA256=expected['CRC32'] * 11)
      wrong2 = error_code(s3.put_object, Bucket='sums', Key='wrong', Body=data, ChecksumCRC32=crc32(b'other'))
      s3.put_object(Bucket='sums', Key='plain', Body=data)
      copies = {}
      for algorithm in ('CRC32', 'SHA1', 'SHA256'):
          r = s3.copy_object(Bucket='sums', Key='copy-' + algorithm, CopySource={'Bucket': 'sums', 'Key': 'plain'}, ChecksumAlgorithm=algorithm)
          copies[algorithm] = r['CopyObjectResult'].get('Checksum' + algorithm) == expected[algorithm]
      p1, p2 = b'x' * (5 * MB), b'y' * 100
      composite = multipart('sums', 'mp', [p1, p2], ChecksumAlgorithm='SHA1')
      parts_sum = base64.b64encode(hashlib.sha1(hashlib.sha1(p1).digest() + hashlib.sha1(p2).digest()).digest()).decode() + '-2'
      up = s3.create_multipart_upload(Bucket='sums', Key='mp-copy', ChecksumAlgorithm='CRC32')['UploadId']
      pc = s3.upload_part_copy(Bucket='sums', Key='mp-copy', UploadId=up, PartNumber=1, CopySource={'Bucket': 'sums', 'Key': 'plain'})
      s3.complete_multipart_upload(Bucket='sums', Key='mp-copy', UploadId=up, MultipartUpload={'Parts': [
          {'PartNumber': 1, 'ETag': pc['CopyPartResult']['ETag'], 'ChecksumCRC32': pc['CopyPartResult']['ChecksumCRC32']}]})
      mp_copy = s3.get_object_attributes(Bucket='sums', Key='mp-copy', ObjectAttributes=['Checksum', 'ObjectParts'])
      out({'put': put, 'wrong': [wrong, wrong2], 'copies': copies,
           'composite': [composite.get('ChecksumSHA1') == parts_sum],
           'partCopy': pc['CopyPartResult'].get('ChecksumCRC32') == expected['CRC32'],
           'mpCopy': [mp_copy['Checksum']['ChecksumCRC32'].endswith('-1'), mp_copy['ObjectParts']['Parts'][0].get('ChecksumCRC32') == expected['CRC32']]})
      `,
      SETUP,
    );
    expect(result).toEqual({
      put: { CRC32: true, CRC32C: true, SHA1: true, SHA256: true },
      wrong: ['InvalidRequest', 'BadDigest'],
      copies: { CRC32: true, SHA1: true, SHA256: true },
      composite: [true],
      partCopy: true,
      mpCopy: [true, true],
    });
  });
});
