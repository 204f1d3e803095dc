// Bucket lifecycle rules set with boto3 and applied by the lifecycle pass as of later dates: expiration
// by age, by date, by tag and by size, noncurrent version expiration (with NewerNoncurrentVersions),
// expired delete markers, and aborts of incomplete multipart uploads; and S3's validation of the rules.
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLeaseStore, type LeaseTables } from '../../src/common/tasks/lease-store.js';
import { PASS_LEASE } from '../../src/object-store/s3/lifecycle-service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { runBoto3 } from '../support/boto3.js';
import { createS3User, sha256Hex, signV4, type S3User } from './s3-support.js';

let app: TestApp;
let user: S3User;

beforeAll(async () => {
  app = await startTestApp();
  user = await createS3User(app, 'lc-user');
});

afterAll(async () => {
  await app?.close();
});

const DAY_MS = 86_400_000;
const later = (days: number) => new Date(Date.now() + days * DAY_MS);

const LIST = `
def keys(bucket):
    return sorted(o['Key'] for o in s3.list_objects_v2(Bucket=bucket).get('Contents', []))
def versions(bucket):
    r = s3.list_object_versions(Bucket=bucket)
    return sorted([v['Key'], 'v', v['IsLatest']] for v in r.get('Versions', [])) + sorted([m['Key'], 'marker', m['IsLatest']] for m in r.get('DeleteMarkers', []))
`;

describe('lifecycle', () => {
  it('validates and stores rules', async () => {
    const result = await runBoto3<Record<string, unknown>>(
      app.s3Url,
      user,
      `
      s3.create_bucket(Bucket='lc-rules')
      missing = error_code(s3.get_bucket_lifecycle_configuration, Bucket='lc-rules')
      rules = [
          {'ID': 'logs', 'Filter': {'Prefix': 'logs/'}, 'Status': 'Enabled', 'Expiration': {'Days': 30},
           'AbortIncompleteMultipartUpload': {'DaysAfterInitiation': 7}},
          {'ID': 'tagged', 'Filter': {'And': {'Prefix': 'tmp/', 'Tags': [{'Key': 'temp', 'Value': 'yes'}]}}, 'Status': 'Disabled',
           'Expiration': {'Date': '2030-01-01T00:00:00Z'}},
          {'ID': 'versions', 'Filter': {}, 'Status': 'Enabled',
           'NoncurrentVersionExpiration': {'NoncurrentDays': 5, 'NewerNoncurrentVersions': 2}},
      ]
      s3.put_bucket_lifecycle_configuration(Bucket='lc-rules', LifecycleConfiguration={'Rules': rules})
      got = s3.get_bucket_lifecycle_configuration(Bucket='lc-rules')['Rules']
      def bad(rule):
          return error_code(s3.put_bucket_lifecycle_configuration, Bucket='lc-rules', LifecycleConfiguration={'Rules': [rule]})
      errors = [
          bad({'ID': 'none', 'Filter': {}, 'Status': 'Enabled'}),
          bad({'ID': 'noon', 'Filter': {}, 'Status': 'Enabled', 'Expiration': {'Date': '2030-01-01T12:00:00Z'}}),
          bad({'ID': 'zero', 'Filter': {}, 'Status': 'Enabled', 'Expiration': {'Days': 0}}),
          bad({'ID': 'cold', 'Filter': {}, 'Status': 'Enabled', 'Transitions': [{'Days': 30, 'StorageClass': 'GLACIER'}]}),
          bad({'ID': 'tags', 'Filter': {'Tag': {'Key': 'a', 'Value': 'b'}}, 'Status': 'Enabled', 'AbortIncompleteMultipartUpload': {'DaysAfterInitiation': 1}}),
          bad({'ID': 'many', 'Filter': {}, 'Status': 'Enabled', 'NoncurrentVersionExpiration': {'NoncurrentDays': 1, 'NewerNoncurrentVersions': 101}}),
          bad({'ID': 'size', 'Filter': {'And': {'ObjectSizeGreaterThan': 10, 'ObjectSizeLessThan': 10}}, 'Status': 'Enabled', 'Expiration': {'Days': 1}}),
          bad({'ID': 'both', 'Filter': {}, 'Status': 'Enabled', 'Expiration': {'Days': 1, 'ExpiredObjectDeleteMarker': True}}),
          bad({'ID': 'on', 'Filter': {}, 'Status': 'On', 'Expiration': {'Days': 1}}),
          error_code(s3.put_bucket_lifecycle_configuration, Bucket='lc-rules', LifecycleConfiguration={'Rules': [
              {'ID': 'same', 'Filter': {}, 'Status': 'Enabled', 'Expiration': {'Days': 1}},
              {'ID': 'same', 'Filter': {}, 'Status': 'Enabled', 'Expiration': {'Days': 2}}]}),
      ]
      s3.delete_bucket_lifecycle(Bucket='lc-rules')
      out({'missing': missing, 'got': got, 'errors': errors, 'deleted': error_code(s3.get_bucket_lifecycle_configuration, Bucket='lc-rules')})
      `,
    );
    expect(result).toEqual({
      missing: 'NoSuchLifecycleConfiguration',
      got: [
        {
          ID: 'logs',
          Filter: { Prefix: 'logs/' },
          Status: 'Enabled',
          Expiration: { Days: 30 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        },
        {
          ID: 'tagged',
          Filter: { And: { Prefix: 'tmp/', Tags: [{ Key: 'temp', Value: 'yes' }] } },
          Status: 'Disabled',
          Expiration: { Date: '2030-01-01 00:00:00+00:00' },
        },
        {
          ID: 'versions',
          Filter: {},
          Status: 'Enabled',
          NoncurrentVersionExpiration: { NoncurrentDays: 5, NewerNoncurrentVersions: 2 },
        },
      ],
      errors: [
        'InvalidRequest',
        'InvalidArgument',
        'InvalidArgument',
        'InvalidStorageClass',
        'InvalidRequest',
        'InvalidArgument',
        'InvalidArgument',
        'MalformedXML',
        'MalformedXML',
        'InvalidArgument',
      ],
      deleted: 'NoSuchLifecycleConfiguration',
    });
  });

  it('refuses elements outside the schema and empty bodies', async () => {
    const put = async (body: string) => {
      const signed = signV4({
        method: 'PUT',
        host: new URL(app.s3Url).host,
        path: '/lc-raw',
        query: { lifecycle: '' },
        payloadHash: sha256Hex(body),
        access: user.access,
        secret: user.secret,
      });
      const res = await fetch(`${app.s3Url}/lc-raw?lifecycle`, {
        method: 'PUT',
        headers: signed.headers,
        body,
      });
      return { status: res.status, code: /<Code>(\w+)<\/Code>/.exec(await res.text())?.[1] };
    };
    await runBoto3(app.s3Url, user, `s3.create_bucket(Bucket='lc-raw')`);
    const rule = (inner: string) =>
      `<LifecycleConfiguration><Rule><ID>r</ID><Filter/><Status>Enabled</Status>${inner}</Rule></LifecycleConfiguration>`;
    expect(await put(rule('<Expiration><Days>1</Days></Expiration>'))).toEqual({
      status: 200,
      code: undefined,
    });
    expect(await put(rule('<Expiration><Days>1</Days></Expiration><Bogus/>'))).toEqual({
      status: 400,
      code: 'MalformedXML',
    });
    expect(await put(rule('<Expiration><Days>1</Days><Hours>2</Hours></Expiration>'))).toEqual({
      status: 400,
      code: 'MalformedXML',
    });
    expect(await put('')).toEqual({ status: 400, code: 'MissingRequestBodyError' });
  });

  it('expires current objects by age, date, tag and size, and aborts old uploads', async () => {
    await runBoto3(
      app.s3Url,
      user,
      `
      s3.create_bucket(Bucket='lc-cur')
      for key, body, tags in [('logs/a', b'a', ''), ('keep/b', b'b', ''), ('tmp/c', b'c', 'temp=yes'), ('tmp/d', b'd', 'temp=no'),
                              ('old/e', b'e', ''), ('big/f', b'f' * 100, ''), ('big/g', b'g', '')]:
          s3.put_object(Bucket='lc-cur', Key=key, Body=body, Tagging=tags)
      s3.create_multipart_upload(Bucket='lc-cur', Key='logs/upload')
      s3.create_multipart_upload(Bucket='lc-cur', Key='keep/upload')
      s3.put_bucket_lifecycle_configuration(Bucket='lc-cur', LifecycleConfiguration={'Rules': [
          {'ID': 'logs', 'Filter': {'Prefix': 'logs/'}, 'Status': 'Enabled', 'Expiration': {'Days': 1},
           'AbortIncompleteMultipartUpload': {'DaysAfterInitiation': 2}},
          {'ID': 'temp', 'Filter': {'Tag': {'Key': 'temp', 'Value': 'yes'}}, 'Status': 'Enabled', 'Expiration': {'Days': 10}},
          {'ID': 'old', 'Filter': {'Prefix': 'old/'}, 'Status': 'Enabled', 'Expiration': {'Date': '2020-01-01T00:00:00Z'}},
          {'ID': 'big', 'Filter': {'And': {'Prefix': 'big/', 'ObjectSizeGreaterThan': 50}}, 'Status': 'Enabled', 'Expiration': {'Days': 1}},
          {'ID': 'off', 'Filter': {'Prefix': 'keep/'}, 'Status': 'Disabled', 'Expiration': {'Days': 1}},
      ]})
      `,
      LIST,
    );
    const snapshot = () =>
      runBoto3<{ keys: string[]; uploads: string[] }>(
        app.s3Url,
        user,
        `out({'keys': keys('lc-cur'), 'uploads': sorted(u['Key'] for u in s3.list_multipart_uploads(Bucket='lc-cur').get('Uploads', []))})`,
        LIST,
      );
    // Timed passes run in the process holding the pass lease only. (old/e is past its rule's Date.)
    const leases = createLeaseStore(app.db as unknown as Kysely<LeaseTables>, { now: () => new Date() });
    expect(await leases.acquire(PASS_LEASE.kind, PASS_LEASE.id, 'another-process', 60_000)).toBe(true);
    expect(await app.s3.lifecycle.runLeased()).toBeUndefined();
    await leases.release(PASS_LEASE.kind, PASS_LEASE.id, 'another-process');
    expect(await app.s3.lifecycle.runLeased()).toEqual({
      expired: 1,
      noncurrentRemoved: 0,
      markersRemoved: 0,
      uploadsAborted: 0,
    });
    await app.s3.lifecycle.runOnce(new Date());
    expect(await snapshot()).toEqual({
      keys: ['big/f', 'big/g', 'keep/b', 'logs/a', 'tmp/c', 'tmp/d'],
      uploads: ['keep/upload', 'logs/upload'],
    });
    await app.s3.lifecycle.runOnce(later(2));
    expect(await snapshot()).toEqual({
      keys: ['big/g', 'keep/b', 'tmp/c', 'tmp/d'],
      uploads: ['keep/upload', 'logs/upload'],
    });
    await app.s3.lifecycle.runOnce(later(3));
    expect(await snapshot()).toEqual({
      keys: ['big/g', 'keep/b', 'tmp/c', 'tmp/d'],
      uploads: ['keep/upload'],
    });
    await app.s3.lifecycle.runOnce(later(11));
    expect(await snapshot()).toEqual({ keys: ['big/g', 'keep/b', 'tmp/d'], uploads: ['keep/upload'] });
  });

  it('expires noncurrent versions, keeps the newer ones asked for, and removes lone delete markers', async () => {
    await runBoto3(
      app.s3Url,
      user,
      `
      s3.create_bucket(Bucket='lcv')
      s3.put_bucket_versioning(Bucket='lcv', VersioningConfiguration={'Status': 'Enabled'})
      for body in (b'1', b'2', b'3'):
          s3.put_object(Bucket='lcv', Key='k', Body=body)
      s3.put_object(Bucket='lcv', Key='gone', Body=b'g')
      s3.delete_object(Bucket='lcv', Key='gone')
      s3.put_object(Bucket='lcv', Key='cur', Body=b'c')
      s3.put_bucket_lifecycle_configuration(Bucket='lcv', LifecycleConfiguration={'Rules': [
          {'ID': 'k', 'Filter': {'Prefix': 'k'}, 'Status': 'Enabled', 'NoncurrentVersionExpiration': {'NoncurrentDays': 1, 'NewerNoncurrentVersions': 1}},
          {'ID': 'gone', 'Filter': {'Prefix': 'gone'}, 'Status': 'Enabled', 'NoncurrentVersionExpiration': {'NoncurrentDays': 1},
           'Expiration': {'ExpiredObjectDeleteMarker': True}},
          {'ID': 'cur', 'Filter': {'Prefix': 'cur'}, 'Status': 'Enabled', 'Expiration': {'Days': 5}},
      ]})
      `,
      LIST,
    );
    const listed = () => runBoto3<unknown[]>(app.s3Url, user, `out(versions('lcv'))`, LIST);
    await app.s3.lifecycle.runOnce(new Date());
    expect(await listed()).toEqual([
      ['cur', 'v', true],
      ['gone', 'v', false],
      ['k', 'v', false],
      ['k', 'v', false],
      ['k', 'v', true],
      ['gone', 'marker', true],
    ]);
    await app.s3.lifecycle.runOnce(later(2));
    expect(await listed()).toEqual([
      ['cur', 'v', true],
      ['k', 'v', false],
      ['k', 'v', true],
    ]);
    await app.s3.lifecycle.runOnce(later(6));
    expect(await listed()).toEqual([
      ['cur', 'v', false],
      ['k', 'v', false],
      ['k', 'v', true],
      ['cur', 'marker', true],
    ]);
  });

  it('announces the expiration of current objects with x-amz-expiration', async () => {
    const result = await runBoto3<Record<string, unknown>>(
      app.s3Url,
      user,
      `
      import datetime, email.utils
      s3.create_bucket(Bucket='lc-head')
      s3.put_bucket_lifecycle_configuration(Bucket='lc-head', LifecycleConfiguration={'Rules': [
          {'ID': 'ten days', 'Filter': {'Prefix': 'a/'}, 'Status': 'Enabled', 'Expiration': {'Days': 10}},
          {'ID': 'soon', 'Filter': {'Prefix': 'a/soon'}, 'Status': 'Enabled', 'Expiration': {'Days': 1}},
          {'ID': 'off', 'Filter': {'Prefix': 'b/'}, 'Status': 'Disabled', 'Expiration': {'Days': 1}},
      ]})
      put = s3.put_object(Bucket='lc-head', Key='a/x', Body=b'x')
      s3.put_object(Bucket='lc-head', Key='a/soon', Body=b'x')
      s3.put_object(Bucket='lc-head', Key='b/x', Body=b'x')
      head = s3.head_object(Bucket='lc-head', Key='a/x')
      def days_until(header):
          date = header.split('"')[1]
          due = email.utils.parsedate_to_datetime(date)
          return [due.hour, due.minute, (due - head['LastModified']).days]
      out({
          'put': put.get('Expiration') == head.get('Expiration'),
          'rule': head['Expiration'].split('rule-id=')[1],
          'due': days_until(head['Expiration']),
          'get': s3.get_object(Bucket='lc-head', Key='a/x').get('Expiration') == head['Expiration'],
          'soon': s3.head_object(Bucket='lc-head', Key='a/soon')['Expiration'].split('rule-id=')[1],
          'disabled': s3.head_object(Bucket='lc-head', Key='b/x').get('Expiration'),
      })
      `,
    );
    expect(result).toEqual({
      put: true,
      rule: '"ten%20days"',
      due: [0, 0, 10],
      get: true,
      soon: '"soon"',
      disabled: null,
    });
  });
});
