// Bucket controls driven by boto3: object ownership (ownershipControls), the public access block, and
// bucket policy Conditions (aws:SourceIp, aws:SecureTransport, s3:prefix, s3:x-amz-acl, dates).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { runBoto3 } from '../support/boto3.js';
import { createS3User, type S3User } from './s3-support.js';

let app: TestApp;
let alice: S3User;
let bob: S3User;

beforeAll(async () => {
  app = await startTestApp();
  alice = await createS3User(app, 'ctl-alice');
  bob = await createS3User(app, 'ctl-bob');
});

afterAll(async () => {
  await app?.close();
});

function setup(): string {
  return `
bob = client(${JSON.stringify(bob.access)}, ${JSON.stringify(bob.secret)})
nobody = anon()
ALICE = ${JSON.stringify(alice.projectId)}
BOB = ${JSON.stringify(bob.projectId)}
def policy(bucket, *statements):
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({'Version': '2012-10-17', 'Statement': list(statements)}))
def allow(principal, action, resource, condition=None, effect='Allow'):
    statement = {'Effect': effect, 'Principal': principal, 'Action': action, 'Resource': resource}
    if condition is not None:
        statement['Condition'] = condition
    return statement
`;
}

describe('object ownership', () => {
  it('stores the setting, disables ACLs under BucketOwnerEnforced, and makes writers yield to the owner', async () => {
    const result = await runBoto3<Record<string, unknown>>(
      app.s3Url,
      alice,
      `
      missing = error_code(s3.get_bucket_ownership_controls, Bucket='own')
      s3.create_bucket(Bucket='own', ObjectOwnership='BucketOwnerEnforced')
      enforced = s3.get_bucket_ownership_controls(Bucket='own')['OwnershipControls']['Rules']
      acl_refused = [error_code(s3.put_bucket_acl, Bucket='own', ACL='public-read'),
                     error_code(s3.put_object, Bucket='own', Key='k', Body=b'1', ACL='public-read'),
                     error_code(s3.put_object, Bucket='own', Key='k', Body=b'1', ACL='bucket-owner-full-control')]
      s3.create_bucket(Bucket='pref', GrantWrite='id="%s"' % BOB, GrantFullControl='id="%s"' % ALICE)
      s3.put_bucket_ownership_controls(Bucket='pref', OwnershipControls={'Rules': [{'ObjectOwnership': 'BucketOwnerPreferred'}]})
      bob.put_object(Bucket='pref', Key='given', Body=b'1', ACL='bucket-owner-full-control')
      bob.put_object(Bucket='pref', Key='kept', Body=b'2')
      owners = {o['Key']: o['Owner']['ID'] for o in s3.list_objects(Bucket='pref')['Contents']}
      conflict = error_code(s3.put_bucket_ownership_controls, Bucket='pref',
          OwnershipControls={'Rules': [{'ObjectOwnership': 'BucketOwnerEnforced'}]})
      bad = error_code(s3.put_bucket_ownership_controls, Bucket='pref',
          OwnershipControls={'Rules': [{'ObjectOwnership': 'Nobody'}]})
      s3.delete_bucket_ownership_controls(Bucket='own')
      out({'missing': missing, 'enforced': enforced, 'aclRefused': acl_refused, 'owners': owners,
           'conflict': conflict, 'bad': bad, 'deleted': error_code(s3.get_bucket_ownership_controls, Bucket='own'),
           'badHeader': error_code(s3.create_bucket, Bucket='own2', ObjectOwnership='Whoever')})
      `,
      setup(),
    );
    expect(result).toEqual({
      missing: 'NoSuchBucket',
      enforced: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
      aclRefused: ['AccessControlListNotSupported', 'AccessControlListNotSupported', 'OK'],
      owners: { given: alice.projectId, kept: bob.projectId },
      conflict: 'InvalidBucketAclWithObjectOwnership',
      bad: 'MalformedXML',
      deleted: 'OwnershipControlsNotFoundError',
      badHeader: 'InvalidArgument',
    });
  });
});

describe('public access block', () => {
  it('blocks public ACLs and policies, and ignores public grants and policies', async () => {
    const result = await runBoto3<Record<string, unknown>>(
      app.s3Url,
      alice,
      `
      s3.create_bucket(Bucket='pab', ACL='public-read')
      s3.put_object(Bucket='pab', Key='k', Body=b'v')
      missing = error_code(s3.get_public_access_block, Bucket='pab')
      before = error_code(nobody.get_object, Bucket='pab', Key='k')
      s3.put_public_access_block(Bucket='pab', PublicAccessBlockConfiguration={'BlockPublicAcls': True, 'IgnorePublicAcls': True})
      stored = s3.get_public_access_block(Bucket='pab')['PublicAccessBlockConfiguration']
      ignored = [error_code(nobody.get_object, Bucket='pab', Key='k'), error_code(nobody.list_objects, Bucket='pab'),
                 error_code(s3.get_object, Bucket='pab', Key='k')]
      blocked = [error_code(s3.put_bucket_acl, Bucket='pab', ACL='public-read-write'),
                 error_code(s3.put_object, Bucket='pab', Key='p', Body=b'p', ACL='public-read'),
                 error_code(s3.put_object, Bucket='pab', Key='p', Body=b'p', ACL='private')]
      public_policy = allow('*', 's3:GetObject', 'arn:aws:s3:::pab/*')
      s3.put_public_access_block(Bucket='pab', PublicAccessBlockConfiguration={'BlockPublicPolicy': True})
      policy_blocked = error_code(policy, 'pab', public_policy)
      s3.put_public_access_block(Bucket='pab', PublicAccessBlockConfiguration={'RestrictPublicBuckets': True})
      s3.put_bucket_acl(Bucket='pab', ACL='private')
      policy('pab', public_policy)
      restricted = [error_code(nobody.get_object, Bucket='pab', Key='k'), error_code(bob.get_object, Bucket='pab', Key='k')]
      s3.delete_public_access_block(Bucket='pab')
      opened = [error_code(nobody.get_object, Bucket='pab', Key='k'), error_code(s3.get_public_access_block, Bucket='pab')]
      out({'missing': missing, 'before': before, 'stored': stored, 'ignored': ignored, 'blocked': blocked,
           'policyBlocked': policy_blocked, 'restricted': restricted, 'opened': opened})
      `,
      setup(),
    );
    expect(result).toEqual({
      missing: 'NoSuchPublicAccessBlockConfiguration',
      before: 'OK',
      stored: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: false,
        RestrictPublicBuckets: false,
      },
      ignored: ['AccessDenied', 'AccessDenied', 'OK'],
      blocked: ['AccessDenied', 'AccessDenied', 'OK'],
      policyBlocked: 'AccessDenied',
      restricted: ['AccessDenied', 'AccessDenied'],
      opened: ['OK', 'NoSuchPublicAccessBlockConfiguration'],
    });
  });
});

describe('bucket policy conditions', () => {
  it('decides by source address, transport, prefix, canned ACL and date', async () => {
    const result = await runBoto3<Record<string, unknown>>(
      app.s3Url,
      alice,
      `
      s3.create_bucket(Bucket='cond')
      s3.put_object(Bucket='cond', Key='public/a', Body=b'a')
      s3.put_object(Bucket='cond', Key='private/b', Body=b'b')
      arn = 'arn:aws:s3:::cond'
      policy('cond',
          allow('*', 's3:GetObject', arn + '/public/*', {'IpAddress': {'aws:SourceIp': ['127.0.0.0/8', '::1/128']}}),
          allow('*', 's3:GetObject', arn + '/private/*', {'NotIpAddress': {'aws:SourceIp': '127.0.0.0/8'}}),
          allow({'AWS': BOB}, 's3:ListBucket', arn, {'StringLike': {'s3:prefix': 'public/*'}}),
          allow({'AWS': BOB}, 's3:PutObject', arn + '/*', {'StringEquals': {'s3:x-amz-acl': 'bucket-owner-full-control'}}),
          allow({'AWS': BOB}, 's3:GetObject', arn + '/private/*', {'DateLessThan': {'aws:CurrentTime': '2001-01-01T00:00:00Z'}}),
      )
      ip = [error_code(nobody.get_object, Bucket='cond', Key='public/a'), error_code(nobody.get_object, Bucket='cond', Key='private/b')]
      prefix = [error_code(bob.list_objects_v2, Bucket='cond', Prefix='public/'), error_code(bob.list_objects_v2, Bucket='cond')]
      acl = [error_code(bob.put_object, Bucket='cond', Key='x', Body=b'x', ACL='bucket-owner-full-control'),
             error_code(bob.put_object, Bucket='cond', Key='y', Body=b'y')]
      date = error_code(bob.get_object, Bucket='cond', Key='private/b')
      policy('cond',
          allow('*', 's3:GetObject', arn + '/public/*'),
          allow('*', 's3:GetObject', arn + '/public/*', {'Bool': {'aws:SecureTransport': 'false'}}, 'Deny'))
      transport = error_code(nobody.get_object, Bucket='cond', Key='public/a')
      policy('cond', allow('*', 's3:GetObject', arn + '/public/*', {'Bool': {'aws:SecureTransport': 'true'}}, 'Deny'),
             allow('*', 's3:GetObject', arn + '/public/*', {'DateGreaterThan': {'aws:CurrentTime': '2001-01-01T00:00:00Z'}}))
      transport_ok = error_code(nobody.get_object, Bucket='cond', Key='public/a')
      malformed = [
          error_code(policy, 'cond', allow('*', 's3:GetObject', arn + '/*', {'StringSorta': {'s3:prefix': 'a'}})),
          error_code(policy, 'cond', allow('*', 's3:GetObject', arn + '/*', {'StringEquals': {'s3:made-up': 'a'}})),
          error_code(policy, 'cond', allow('*', 's3:GetObject', arn + '/*', {'IpAddress': {'aws:SourceIp': '300.1.1.1/8'}})),
          error_code(policy, 'cond', allow('*', 's3:GetObject', arn + '/*', {'DateLessThan': {'aws:CurrentTime': 'yesterday'}})),
      ]
      out({'ip': ip, 'prefix': prefix, 'acl': acl, 'date': date, 'transport': transport,
           'transportOk': transport_ok, 'malformed': malformed})
      `,
      setup(),
    );
    expect(result).toEqual({
      ip: ['OK', 'AccessDenied'],
      prefix: ['OK', 'AccessDenied'],
      acl: ['OK', 'AccessDenied'],
      date: 'AccessDenied',
      transport: 'AccessDenied',
      transportOk: 'OK',
      malformed: ['MalformedPolicy', 'MalformedPolicy', 'MalformedPolicy', 'MalformedPolicy'],
    });
  });
});

describe('settings this server cannot switch on', () => {
  it('reads as S3 reads a bucket that never set them; policy status follows the policy', async () => {
    const result = await runBoto3<Record<string, unknown>>(
      app.s3Url,
      alice,
      `
      s3.create_bucket(Bucket='ctl-defaults')
      b = {'Bucket': 'ctl-defaults'}
      accelerate = s3.get_bucket_accelerate_configuration(**b)
      logging = s3.get_bucket_logging(**b)
      notification = s3.get_bucket_notification_configuration(**b)
      no_policy = error_code(s3.get_bucket_policy_status, **b)
      policy('ctl-defaults', allow({'AWS': ALICE}, 's3:GetObject', 'arn:aws:s3:::ctl-defaults/*'))
      private = s3.get_bucket_policy_status(**b)['PolicyStatus']
      policy('ctl-defaults', allow('*', 's3:GetObject', 'arn:aws:s3:::ctl-defaults/*'))
      public = s3.get_bucket_policy_status(**b)['PolicyStatus']
      out({
          'accelerate': accelerate.get('Status'),
          'payer': s3.get_bucket_request_payment(**b)['Payer'],
          'logging': logging.get('LoggingEnabled'),
          'notification': [k for k in notification if k != 'ResponseMetadata'],
          'website': error_code(s3.get_bucket_website, **b),
          'replication': error_code(s3.get_bucket_replication, **b),
          'put_website': error_code(s3.put_bucket_website, Bucket='ctl-defaults',
                                    WebsiteConfiguration={'IndexDocument': {'Suffix': 'index.html'}}),
          'bob': error_code(bob.get_bucket_request_payment, **b),
          'policy_status': [no_policy, private, public],
      })
      `,
      setup(),
    );
    expect(result).toEqual({
      accelerate: null,
      payer: 'BucketOwner',
      logging: null,
      notification: [],
      website: 'NoSuchWebsiteConfiguration',
      replication: 'ReplicationConfigurationNotFoundError',
      put_website: 'NotImplemented',
      bob: 'AccessDenied',
      policy_status: ['NoSuchBucketPolicy', { IsPublic: false }, { IsPublic: true }],
    });
  });
});
