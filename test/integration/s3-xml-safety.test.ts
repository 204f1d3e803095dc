// Every S3 listing and error body is XML 1.0 that a strict parser (expat, as botocore uses) accepts,
// even when keys and parameters hold control characters; owners are canonical ids, never the hidden
// versions account. Driven by Debian's boto3 and by raw SigV4 requests parsed with expat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { runBoto3 } from '../support/boto3.js';
import { createS3User, type S3User } from './s3-support.js';

let app: TestApp;
let user: S3User;

beforeAll(async () => {
  app = await startTestApp();
  user = await createS3User(app, 'xml-user');
});

afterAll(async () => {
  await app?.close();
});

describe('XML 1.0 safety', () => {
  it('lists the three versions of a versioned object with boto3, owned by the bucket owner', async () => {
    const result = await runBoto3<{ versions: Array<[string, boolean, string, string]>; body: string }>(
      app.s3Url,
      user,
      `
      s3.create_bucket(Bucket='three')
      s3.put_bucket_versioning(Bucket='three', VersioningConfiguration={'Status': 'Enabled'})
      for body in (b'one', b'two', b'three'):
          s3.put_object(Bucket='three', Key='doc', Body=body)
      listed = s3.list_object_versions(Bucket='three')
      status, headers, body = raw('GET', '/three', {'versions': ''})
      out({'versions': [[v['Key'], v['IsLatest'], v['Owner']['ID'], str(v['Size'])] for v in listed['Versions']],
           'body': body.decode('utf-8')})
      `,
    );
    expect(result.versions).toEqual([
      ['doc', true, user.projectId, '5'],
      ['doc', false, user.projectId, '3'],
      ['doc', false, user.projectId, '3'],
    ]);
    expect(result.body).not.toContain('versions');
    expect(result.body).not.toContain('&#x1;');
    expect(result.body).not.toContain('\u0001');
  });

  it('keeps every listing and error body parsable when keys hold control characters', async () => {
    const result = await runBoto3<Record<string, unknown>>(
      app.s3Url,
      user,
      `
      key = 'ctl\\x01\\x08\\x0b\\x1f|\\r|end'
      s3.create_bucket(Bucket='ctl')
      s3.put_bucket_versioning(Bucket='ctl', VersioningConfiguration={'Status': 'Enabled'})
      s3.put_object(Bucket='ctl', Key=key, Body=b'1')
      s3.put_object(Bucket='ctl', Key=key, Body=b'2')
      s3.delete_object(Bucket='ctl', Key=key)
      s3.put_object(Bucket='ctl', Key=key, Body=b'3')
      up = s3.create_multipart_upload(Bucket='ctl', Key=key)['UploadId']
      s3.upload_part(Bucket='ctl', Key=key, UploadId=up, PartNumber=1, Body=b'x')
      requests = {
          'ListBuckets': ('GET', '/', None),
          'ListObjects': ('GET', '/ctl', None),
          'ListObjectsPrefix': ('GET', '/ctl', {'prefix': 'ctl\\x01', 'delimiter': '\\x01', 'marker': '\\x02'}),
          'ListObjectsV2': ('GET', '/ctl', {'list-type': '2', 'fetch-owner': 'true', 'start-after': '\\x01'}),
          'ListObjectVersions': ('GET', '/ctl', {'versions': '', 'prefix': 'ctl\\x01', 'key-marker': '\\x01'}),
          'ListMultipartUploads': ('GET', '/ctl', {'uploads': '', 'prefix': 'ctl\\x01'}),
          'ListParts': ('GET', '/ctl/' + key, {'uploadId': up}),
          'NoSuchKey': ('GET', '/ctl/missing\\x01\\x02', None),
          'NoSuchBucket': ('GET', '/nobucket\\x01', None),
          'InvalidVersionId': ('GET', '/ctl/' + key, {'versionId': 'bad\\x01id'}),
          'InvalidArgument': ('GET', '/ctl', {'list-type': '\\x01'}),
      }
      parsed = {}
      for name, (method, path, query) in requests.items():
          status, headers, body = raw(method, path, query)
          try:
              root = strict_xml(body)
              parsed[name] = [status, 'ok', body.decode('utf-8')]
          except Exception as e:
              parsed[name] = [status, 'invalid: %s' % e, body.decode('utf-8', 'replace')]
      encoded = s3.list_objects_v2(Bucket='ctl')['Contents'][0]['Key']
      versions = s3.list_object_versions(Bucket='ctl')
      uploads = urllib.parse.unquote(s3.list_multipart_uploads(Bucket='ctl', EncodingType='url')['Uploads'][0]['Key'])
      deleted = s3.delete_objects(Bucket='ctl', Delete={'Objects': [{'Key': 'plain'}]})
      out({'parsed': parsed, 'encoded': encoded == key, 'uploads': uploads == key,
           'versionKeys': sorted(set(v['Key'] == key for v in versions['Versions'])),
           'markers': [m['Key'] == key for m in versions['DeleteMarkers']],
           'owners': sorted(set(v['Owner']['ID'] for v in versions['Versions'] + versions['DeleteMarkers']))})
      `,
    );
    const parsed = result.parsed as Record<string, [number, string, string]>;
    for (const [name, [, verdict]] of Object.entries(parsed))
      expect(`${name}: ${verdict}`).toBe(`${name}: ok`);
    expect(parsed.NoSuchKey?.[0]).toBe(404);
    expect(parsed.NoSuchKey?.[2]).toContain('<Key>missing\uFFFD\uFFFD</Key>');
    expect(parsed.NoSuchBucket?.[2]).toContain('<BucketName>nobucket\uFFFD</BucketName>');
    expect(parsed.InvalidVersionId?.[2]).toContain('<ArgumentValue>bad\uFFFDid</ArgumentValue>');
    expect(parsed.ListObjects?.[2]).toContain('<Key>ctl\uFFFD\uFFFD\uFFFD\uFFFD|&#13;|end</Key>');
    expect(result).toMatchObject({
      encoded: true,
      uploads: true,
      versionKeys: [true],
      markers: [true],
      owners: [user.projectId],
    });
  });
});
