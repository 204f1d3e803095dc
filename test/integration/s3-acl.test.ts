// Bucket ownership and access through S3 as boto3 drives it: one bucket namespace across projects
// (BucketAlreadyExists), the full ACL model (canned ACLs, grants by canonical id and to the two groups,
// object ACLs of their own, x-amz-grant-* headers) mapped onto the same decisions Swift makes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { runBoto3 } from '../support/boto3.js';
import { createS3User, swiftUrl, type S3User } from './s3-support.js';

let app: TestApp;
let alice: S3User;
let bob: S3User;

beforeAll(async () => {
  app = await startTestApp();
  alice = await createS3User(app, 'acl-alice');
  bob = await createS3User(app, 'acl-bob');
});

afterAll(async () => {
  await app?.close();
});

describe('bucket namespace', () => {
  it("answers BucketAlreadyExists for another account's bucket, made through S3 or Swift", async () => {
    const swift = await fetch(swiftUrl(app, bob.projectId, '/swift-made'), {
      method: 'PUT',
      headers: { 'x-auth-token': bob.token },
    });
    expect(swift.status).toBe(201);
    const codes = await runBoto3(
      app.s3Url,
      alice,
      `
      s3.create_bucket(Bucket='alice-first')
      bob = client(${JSON.stringify(bob.access)}, ${JSON.stringify(bob.secret)})
      out([error_code(bob.create_bucket, Bucket='alice-first'),
           error_code(s3.create_bucket, Bucket='swift-made'),
           error_code(s3.create_bucket, Bucket='alice-first')])
      `,
      setup(),
    );
    expect(codes).toEqual(['BucketAlreadyExists', 'BucketAlreadyExists', 'BucketAlreadyOwnedByYou']);
  });
});

/** Python literals the snippets need: the other user's keys and canonical id, Swift URLs and tokens. */
function setup(): string {
  return `
bob = client(${JSON.stringify(bob.access)}, ${JSON.stringify(bob.secret)})
nobody = anon()
ALICE = ${JSON.stringify(alice.projectId)}
BOB = ${JSON.stringify(bob.projectId)}
SWIFT = ${JSON.stringify(swiftUrl(app, alice.projectId))}
BOB_TOKEN = ${JSON.stringify(bob.token)}
ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers'
AUTH_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers'
def grants(acl):
    return sorted((g['Grantee'].get('ID') or g['Grantee'].get('URI'), g['Permission']) for g in acl['Grants'])
def swift(method, path, token=None):
    return http(method, SWIFT + path, {'X-Auth-Token': token} if token else {})[0]
`;
}

describe('ACLs', () => {
  it('applies every canned bucket ACL, in S3 and in Swift alike', async () => {
    const result = await runBoto3<Record<string, unknown>>(
      app.s3Url,
      alice,
      `
      outcome = {}
      for acl in ['private', 'public-read', 'public-read-write', 'authenticated-read', 'log-delivery-write']:
          name = 'canned-' + acl
          s3.create_bucket(Bucket=name, ACL=acl)
          s3.put_object(Bucket=name, Key='k', Body=b'v')
          outcome[acl] = {
              'grants': grants(s3.get_bucket_acl(Bucket=name)),
              'anonList': error_code(nobody.list_objects_v2, Bucket=name),
              'anonPut': error_code(nobody.put_object, Bucket=name, Key='anon', Body=b'a'),
              'bobList': error_code(bob.list_objects_v2, Bucket=name),
              'bobGet': error_code(bob.get_object, Bucket=name, Key='k'),
              'bobSwiftList': swift('GET', '/' + name, BOB_TOKEN),
              'anonSwiftGet': swift('GET', '/' + name + '/k'),
          }
      outcome['bad'] = error_code(s3.create_bucket, Bucket='canned-bad', ACL='everyone')
      out(outcome)
      `,
      setup(),
    );
    const owner = [alice.projectId, 'FULL_CONTROL'];
    const all = 'http://acs.amazonaws.com/groups/global/AllUsers';
    const authenticated = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
    expect(result).toEqual({
      private: {
        grants: [owner],
        anonList: 'AccessDenied',
        anonPut: 'AccessDenied',
        bobList: 'AccessDenied',
        bobGet: 'AccessDenied',
        bobSwiftList: 403,
        anonSwiftGet: 401,
      },
      'public-read': {
        grants: [owner, [all, 'READ']],
        anonList: 'OK',
        anonPut: 'AccessDenied',
        bobList: 'OK',
        bobGet: 'OK',
        bobSwiftList: 200,
        anonSwiftGet: 200,
      },
      'public-read-write': {
        grants: [owner, [all, 'READ'], [all, 'WRITE']].sort(),
        anonList: 'OK',
        anonPut: 'OK',
        bobList: 'OK',
        bobGet: 'OK',
        bobSwiftList: 200,
        anonSwiftGet: 200,
      },
      'authenticated-read': {
        grants: [owner, [authenticated, 'READ']].sort(),
        anonList: 'AccessDenied',
        anonPut: 'AccessDenied',
        bobList: 'OK',
        bobGet: 'OK',
        bobSwiftList: 200,
        anonSwiftGet: 401,
      },
      'log-delivery-write': {
        grants: [
          owner,
          ['http://acs.amazonaws.com/groups/s3/LogDelivery', 'READ_ACP'],
          ['http://acs.amazonaws.com/groups/s3/LogDelivery', 'WRITE'],
        ].sort(),
        anonList: 'AccessDenied',
        anonPut: 'AccessDenied',
        bobList: 'AccessDenied',
        bobGet: 'AccessDenied',
        bobSwiftList: 403,
        anonSwiftGet: 401,
      },
      bad: 'InvalidArgument',
    });
  });

  it('grants to canonical ids and groups, by body and by x-amz-grant-* headers', async () => {
    const result = await runBoto3<Record<string, unknown>>(
      app.s3Url,
      alice,
      `
      s3.create_bucket(Bucket='granted')
      s3.put_object(Bucket='granted', Key='k', Body=b'v')
      before = [error_code(bob.list_objects_v2, Bucket='granted'), error_code(bob.get_bucket_acl, Bucket='granted')]
      s3.put_bucket_acl(Bucket='granted', AccessControlPolicy={
          'Owner': {'ID': ALICE},
          'Grants': [
              {'Grantee': {'Type': 'CanonicalUser', 'ID': ALICE}, 'Permission': 'FULL_CONTROL'},
              {'Grantee': {'Type': 'CanonicalUser', 'ID': BOB}, 'Permission': 'READ'},
              {'Grantee': {'Type': 'CanonicalUser', 'ID': BOB}, 'Permission': 'READ_ACP'},
          ]})
      after = [error_code(bob.list_objects_v2, Bucket='granted'), error_code(bob.get_bucket_acl, Bucket='granted'),
               error_code(bob.put_object, Bucket='granted', Key='b', Body=b'b'),
               error_code(bob.put_bucket_acl, Bucket='granted', ACL='public-read'),
               swift('GET', '/granted', BOB_TOKEN)]
      s3.put_bucket_acl(Bucket='granted', GrantWrite='id="%s"' % BOB, GrantFullControl='id="%s"' % ALICE)
      write = [error_code(bob.put_object, Bucket='granted', Key='b', Body=b'b'),
               swift('PUT', '/granted/swift-b', BOB_TOKEN),
               error_code(bob.list_objects_v2, Bucket='granted'),
               grants(s3.get_bucket_acl(Bucket='granted'))]
      errors = [
          error_code(s3.put_bucket_acl, Bucket='granted', ACL='private', GrantRead='id="%s"' % BOB),
          error_code(s3.put_bucket_acl, Bucket='granted', GrantRead='emailAddress="bob@example.com"'),
          error_code(s3.put_bucket_acl, Bucket='granted', GrantRead='uri="http://example.com/group"'),
          error_code(s3.put_bucket_acl, Bucket='granted', AccessControlPolicy={'Owner': {'ID': ALICE},
              'Grants': [{'Grantee': {'Type': 'CanonicalUser', 'ID': BOB}, 'Permission': 'EVERYTHING'}]}),
          error_code(s3.put_bucket_acl, Bucket='granted', AccessControlPolicy={'Owner': {'ID': BOB}, 'Grants': []}),
      ]
      out({'before': before, 'after': after, 'write': write, 'errors': errors})
      `,
      setup(),
    );
    expect(result).toEqual({
      before: ['AccessDenied', 'AccessDenied'],
      after: ['OK', 'OK', 'AccessDenied', 'AccessDenied', 200],
      write: [
        'OK',
        201,
        'AccessDenied',
        [
          [alice.projectId, 'FULL_CONTROL'],
          [bob.projectId, 'WRITE'],
        ].sort(),
      ],
      errors: [
        'InvalidRequest',
        'UnresolvableGrantByEmailAddress',
        'InvalidArgument',
        'MalformedACLError',
        'AccessDenied',
      ],
    });
  });

  it('gives objects ACLs of their own, honoured by Swift too', async () => {
    const result = await runBoto3<Record<string, unknown>>(
      app.s3Url,
      alice,
      `
      s3.create_bucket(Bucket='objacl-public', ACL='public-read')
      s3.put_object(Bucket='objacl-public', Key='inherits', Body=b'i')
      s3.put_object(Bucket='objacl-public', Key='private', Body=b'p', ACL='private')
      s3.create_bucket(Bucket='objacl-private')
      s3.put_object(Bucket='objacl-private', Key='public', Body=b'p', ACL='public-read')
      s3.put_object(Bucket='objacl-private', Key='for-bob', Body=b'b', GrantRead='id="%s"' % BOB)
      s3.put_object(Bucket='objacl-private', Key='later', Body=b'l')
      s3.put_object_acl(Bucket='objacl-private', Key='later', ACL='authenticated-read')
      reads = {
          'inherits': [error_code(nobody.get_object, Bucket='objacl-public', Key='inherits'), swift('GET', '/objacl-public/inherits')],
          'private': [error_code(nobody.get_object, Bucket='objacl-public', Key='private'), swift('GET', '/objacl-public/private'),
                      error_code(s3.get_object, Bucket='objacl-public', Key='private')],
          'public': [error_code(nobody.get_object, Bucket='objacl-private', Key='public'), swift('GET', '/objacl-private/public')],
          'for-bob': [error_code(bob.get_object, Bucket='objacl-private', Key='for-bob'), swift('GET', '/objacl-private/for-bob', BOB_TOKEN),
                      error_code(nobody.get_object, Bucket='objacl-private', Key='for-bob'),
                      error_code(bob.get_object_acl, Bucket='objacl-private', Key='for-bob')],
          'later': [error_code(bob.get_object, Bucket='objacl-private', Key='later'), error_code(nobody.get_object, Bucket='objacl-private', Key='later')],
      }
      acls = {
          'private': grants(s3.get_object_acl(Bucket='objacl-public', Key='private')),
          'inherits': grants(s3.get_object_acl(Bucket='objacl-public', Key='inherits')),
          'later': grants(s3.get_object_acl(Bucket='objacl-private', Key='later')),
      }
      out({'reads': reads, 'acls': acls})
      `,
      setup(),
    );
    const all = 'http://acs.amazonaws.com/groups/global/AllUsers';
    expect(result).toEqual({
      reads: {
        inherits: ['OK', 200],
        private: ['AccessDenied', 401, 'OK'],
        public: ['OK', 200],
        'for-bob': ['OK', 200, 'AccessDenied', 'AccessDenied'],
        later: ['OK', 'AccessDenied'],
      },
      acls: {
        private: [[alice.projectId, 'FULL_CONTROL']],
        inherits: [
          [alice.projectId, 'FULL_CONTROL'],
          [all, 'READ'],
        ].sort(),
        later: [
          [alice.projectId, 'FULL_CONTROL'],
          ['http://acs.amazonaws.com/groups/global/AuthenticatedUsers', 'READ'],
        ].sort(),
      },
    });
  });

  it("makes another account's writes its own objects: bucket-owner-read and bucket-owner-full-control", async () => {
    const result = await runBoto3<Record<string, unknown>>(
      app.s3Url,
      alice,
      `
      s3.create_bucket(Bucket='shared-drop', GrantWrite='id="%s"' % BOB, GrantFullControl='id="%s"' % ALICE)
      bob.put_object(Bucket='shared-drop', Key='plain', Body=b'1')
      bob.put_object(Bucket='shared-drop', Key='owner-read', Body=b'2', ACL='bucket-owner-read')
      bob.put_object(Bucket='shared-drop', Key='owner-full', Body=b'3', ACL='bucket-owner-full-control')
      listed = {o['Key']: o['Owner']['ID'] for o in s3.list_objects_v2(Bucket='shared-drop', FetchOwner=True)['Contents']}
      out({
          'owners': listed,
          'plain': grants(bob.get_object_acl(Bucket='shared-drop', Key='plain')),
          'ownerRead': grants(bob.get_object_acl(Bucket='shared-drop', Key='owner-read')),
          'ownerFull': grants(s3.get_object_acl(Bucket='shared-drop', Key='owner-full')),
          'bobReadsOwn': error_code(bob.get_object, Bucket='shared-drop', Key='plain'),
      })
      `,
      setup(),
    );
    expect(result).toEqual({
      owners: { plain: bob.projectId, 'owner-read': bob.projectId, 'owner-full': bob.projectId },
      plain: [[bob.projectId, 'FULL_CONTROL']],
      ownerRead: [
        [alice.projectId, 'READ'],
        [bob.projectId, 'FULL_CONTROL'],
      ].sort(),
      ownerFull: [
        [alice.projectId, 'FULL_CONTROL'],
        [bob.projectId, 'FULL_CONTROL'],
      ].sort(),
      bobReadsOwn: 'OK',
    });
  });
});
