// S3 Object Lock with an injected clock: a COMPLIANCE-locked version survives deletes by its owner (S3,
// with or without the governance bypass) and by a cloud admin (Swift), and lifecycle expiry, until its
// date; then it goes. boto3 drives the API shapes: lock-enabled buckets, default retention, retention
// and legal hold on versions, the bypass, and the errors of buckets without Object Lock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { runBoto3 } from '../support/boto3.js';
import { createS3User, swiftUrl, type S3User } from './s3-support.js';

const DAY_MS = 24 * 60 * 60 * 1000;
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
let app: TestApp;
let user: S3User;

beforeAll(async () => {
  app = await startTestApp({ clock });
  user = await createS3User(app, 'lock-user');
});
afterAll(async () => app?.close());

const boto = <T>(code: string) => runBoto3<T>(app.s3Url, user, code);

async function swiftAsAdmin(method: string, path: string): Promise<number> {
  const r = await fetch(swiftUrl(app, user.projectId, path), {
    method,
    headers: { 'x-auth-token': app.adminToken },
  });
  await r.arrayBuffer();
  return r.status;
}

describe('S3 Object Lock', () => {
  it('answers the API shapes with boto3', async () => {
    const r = await boto<Record<string, any>>(`
      import datetime
      s3.create_bucket(Bucket='vault', ObjectLockEnabledForBucket=True)
      s3.create_bucket(Bucket='plain')
      later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=3)
      s3.put_object_lock_configuration(Bucket='vault', ObjectLockConfiguration={'ObjectLockEnabled': 'Enabled',
          'Rule': {'DefaultRetention': {'Mode': 'GOVERNANCE', 'Days': 1}}})
      config = s3.get_object_lock_configuration(Bucket='vault')['ObjectLockConfiguration']
      gov = s3.put_object(Bucket='vault', Key='gov', Body=b'g')
      head = s3.head_object(Bucket='vault', Key='gov')
      comp = s3.put_object(Bucket='vault', Key='comp', Body=b'c', ObjectLockMode='COMPLIANCE', ObjectLockRetainUntilDate=later)
      retention = s3.get_object_retention(Bucket='vault', Key='comp', VersionId=comp['VersionId'])['Retention']
      s3.put_object_legal_hold(Bucket='vault', Key='gov', VersionId=gov['VersionId'], LegalHold={'Status': 'ON'})
      hold = s3.get_object_legal_hold(Bucket='vault', Key='gov', VersionId=gov['VersionId'])['LegalHold']['Status']
      errors = {
        'held': error_code(s3.delete_object, Bucket='vault', Key='gov', VersionId=gov['VersionId'], BypassGovernanceRetention=True),
        'compliance': error_code(s3.delete_object, Bucket='vault', Key='comp', VersionId=comp['VersionId']),
        'compliance_bypass': error_code(s3.delete_object, Bucket='vault', Key='comp', VersionId=comp['VersionId'], BypassGovernanceRetention=True),
        'shorten_compliance': error_code(s3.put_object_retention, Bucket='vault', Key='comp', VersionId=comp['VersionId'],
            Retention={'Mode': 'COMPLIANCE', 'RetainUntilDate': later - datetime.timedelta(days=1)}),
        'suspend': error_code(s3.put_bucket_versioning, Bucket='vault', VersioningConfiguration={'Status': 'Suspended'}),
        'plain_config': error_code(s3.get_object_lock_configuration, Bucket='plain'),
        'plain_put_config': error_code(s3.put_object_lock_configuration, Bucket='plain',
            ObjectLockConfiguration={'ObjectLockEnabled': 'Enabled'}),
        'plain_lock_header': error_code(s3.put_object, Bucket='plain', Key='k', Body=b'x', ObjectLockLegalHoldStatus='ON'),
      }
      s3.put_object_legal_hold(Bucket='vault', Key='gov', VersionId=gov['VersionId'], LegalHold={'Status': 'OFF'})
      errors['governance'] = error_code(s3.delete_object, Bucket='vault', Key='gov', VersionId=gov['VersionId'])
      errors['governance_bypass'] = error_code(s3.delete_object, Bucket='vault', Key='gov', VersionId=gov['VersionId'], BypassGovernanceRetention=True)
      out({'config': config, 'head': [head['ObjectLockMode'], str(head['ObjectLockRetainUntilDate'])],
           'versioning': s3.get_bucket_versioning(Bucket='vault').get('Status'),
           'retention': [retention['Mode'], str(retention['RetainUntilDate'])[:10], str(later)[:10]],
           'hold': hold, 'errors': errors})
    `);
    expect(r.config).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } },
    });
    expect(r.head[0]).toBe('GOVERNANCE');
    expect(r.versioning).toBe('Enabled');
    expect(r.retention[0]).toBe('COMPLIANCE');
    expect(r.retention[1]).toBe(r.retention[2]);
    expect(r.hold).toBe('ON');
    expect(r.errors).toEqual({
      held: 'AccessDenied',
      compliance: 'AccessDenied',
      compliance_bypass: 'AccessDenied',
      shorten_compliance: 'AccessDenied',
      suspend: 'InvalidBucketState',
      plain_config: 'ObjectLockConfigurationNotFoundError',
      plain_put_config: 'InvalidBucketState',
      plain_lock_header: 'InvalidRequest',
      governance: 'AccessDenied',
      governance_bypass: 'OK',
    });
  });

  it('keeps a COMPLIANCE version from its owner, a cloud admin and lifecycle until its date', async () => {
    const until = new Date(clock.now().getTime() + 10 * DAY_MS).toISOString();
    const ids = await boto<{ v1: string; v2: string }>(`
      s3.create_bucket(Bucket='archive', ObjectLockEnabledForBucket=True)
      v1 = s3.put_object(Bucket='archive', Key='doc', Body=b'first', ObjectLockMode='COMPLIANCE',
          ObjectLockRetainUntilDate='${until}')['VersionId']
      v2 = s3.put_object(Bucket='archive', Key='doc', Body=b'second', ObjectLockMode='COMPLIANCE',
          ObjectLockRetainUntilDate='${until}')['VersionId']
      s3.put_object(Bucket='archive', Key='free', Body=b'free')
      s3.put_bucket_lifecycle_configuration(Bucket='archive', LifecycleConfiguration={'Rules': [{'ID': 'old',
          'Status': 'Enabled', 'Filter': {'Prefix': ''}, 'NoncurrentVersionExpiration': {'NoncurrentDays': 1}}]})
      out({'v1': v1, 'v2': v2})
    `);
    const attempt = () =>
      boto<Record<string, string>>(`
        out({'owner': error_code(s3.delete_object, Bucket='archive', Key='doc', VersionId='${ids.v1}'),
             'bypass': error_code(s3.delete_object, Bucket='archive', Key='doc', VersionId='${ids.v1}', BypassGovernanceRetention=True),
             'read': error_code(s3.get_object, Bucket='archive', Key='doc', VersionId='${ids.v1}')})
      `);
    expect(await attempt()).toEqual({ owner: 'AccessDenied', bypass: 'AccessDenied', read: 'OK' });
    // A cloud admin through Swift: the locked current object and the locked version stay; an unlocked
    // object of the same container goes, so the refusal is the lock's and not a lack of rights.
    expect(await swiftAsAdmin('DELETE', '/archive/doc')).toBe(403);
    expect(await swiftAsAdmin('DELETE', `/archive/doc?version-id=${ids.v1}`)).toBe(403);
    expect(await swiftAsAdmin('DELETE', '/archive/free')).toBe(204);

    // Days later, SigV4 and Keystone tokens would be out of date against the moved clock: the same
    // deletes go to the services the API handlers call, whose Object Lock check is the one that matters.
    const { versions, lifecycle } = app.s3;
    const deleteV1 = () =>
      versions.deleteVersion(user.projectId, 'archive', 'doc', ids.v1, { promotePrevious: true });
    offsetMs = 5 * DAY_MS;
    await lifecycle.runOnce(clock.now());
    expect(await versions.getVersion(user.projectId, 'archive', 'doc', ids.v1)).toBeDefined();
    await expect(deleteV1()).rejects.toMatchObject({ status: 403 });

    offsetMs = 11 * DAY_MS;
    await deleteV1();
    expect(await versions.getVersion(user.projectId, 'archive', 'doc', ids.v1)).toBeUndefined();
    await lifecycle.runOnce(clock.now());
    expect(await versions.getVersion(user.projectId, 'archive', 'doc', ids.v2)).toBeDefined();
  });
});
