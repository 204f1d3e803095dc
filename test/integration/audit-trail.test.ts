// The audit trail covers the S3 listener, Swift writes, refused and accepted logins, and work recorded
// by workers through audit.record().
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditRecorder } from '../../src/audit/audit-recorder.js';
import { systemClock } from '../../src/common/clock.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createS3User, s3Client, swiftUrl, type S3User } from './s3-support.js';

let t: TestApp;
let user: S3User;
beforeAll(async () => {
  t = await startTestApp();
  user = await createS3User(t, 'auditee');
});
afterAll(async () => t?.close());

const events = () => t.audit.list({ limit: 1000 });

describe('audit trail', () => {
  it('records an S3 PUT with the signer as initiator and the object as target', async () => {
    const s3 = s3Client(t, user);
    await s3.send(new CreateBucketCommand({ Bucket: 'audited' }));
    await s3.send(new PutObjectCommand({ Bucket: 'audited', Key: 'a/b.txt', Body: 'x' }));
    const put = (await events()).find((e) => e.service === 's3' && e.target_id === 'audited/a/b.txt');
    expect(put).toMatchObject({
      action: 'update',
      method: 'PUT',
      target_type: 'object',
      outcome: 'success',
      status: 200,
      initiator_user_id: user.userId,
      initiator_project_id: user.projectId,
      source_address: '127.0.0.1',
    });
    expect((await events()).some((e) => e.service === 's3' && e.target_type === 'bucket')).toBe(true);
  });

  it('records a Swift PUT', async () => {
    const headers = { 'x-auth-token': user.token };
    expect((await fetch(swiftUrl(t, user.projectId, '/box'), { method: 'PUT', headers })).status).toBe(201);
    const put = await fetch(swiftUrl(t, user.projectId, '/box/obj'), { method: 'PUT', headers, body: 'y' });
    expect(put.status).toBe(201);
    const row = (await events()).find((e) => e.path.endsWith('/box/obj') && e.method === 'PUT');
    expect(row).toMatchObject({ outcome: 'success', initiator_user_id: user.userId });
  });

  it('records a refused login as a failed authentication', async () => {
    const res = await fetch(`${t.identityUrl}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-openstack-request-id': 'ignored' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: 'auditee', domain: { id: 'default' }, password: 'wrong' } },
          },
        },
      }),
    });
    expect(res.status).toBe(401);
    const requestId = res.headers.get('x-openstack-request-id') as string;
    const [row] = await t.audit.list({ limit: 10, requestId });
    expect(row).toMatchObject({
      action: 'authenticate',
      target_type: 'token',
      outcome: 'failure',
      status: 401,
      initiator_user_id: null,
    });
  });

  it('stores what a worker records through audit.record()', async () => {
    const audit = createAuditRecorder(t.audit, systemClock);
    await audit.record({
      service: 'compute',
      action: 'spawn',
      targetType: 'server',
      targetId: 'srv-1',
      outcome: 'success',
      initiator: { userId: user.userId, projectId: user.projectId },
      requestId: 'req-worker-test',
      observer: 'compute-worker@test',
    });
    const [row] = await t.audit.list({ limit: 10, requestId: 'req-worker-test' });
    expect(row).toMatchObject({ action: 'spawn', target_id: 'srv-1', path: 'compute-worker@test' });
  });
});
