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
    );
    expect(codes).toEqual(['BucketAlreadyExists', 'BucketAlreadyExists', 'BucketAlreadyOwnedByYou']);
  });
});
