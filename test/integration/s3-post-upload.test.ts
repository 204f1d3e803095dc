// Browser-based POST uploads with SigV4 policy documents, as boto3's generate_presigned_post builds
// them and a browser would send them: conditions, content-length-range, success actions, metadata,
// ACL, tagging and checksums from form fields, and anonymous posts to a publicly writable bucket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { runBoto3 } from '../support/boto3.js';
import { createS3User, type S3User } from './s3-support.js';

let app: TestApp;
let user: S3User;

beforeAll(async () => {
  app = await startTestApp();
  user = await createS3User(app, 'post-user');
});

afterAll(async () => {
  await app?.close();
});

const SETUP = `
import uuid, base64, hashlib
signer = client(os.environ['NUAGE_S3_ACCESS'], os.environ['NUAGE_S3_SECRET'], signature_version='s3v4')
def form_post(bucket, fields, data, filename='photo.jpg', file_type='image/jpeg'):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(('--%s\\r\\nContent-Disposition: form-data; name="%s"\\r\\n\\r\\n%s\\r\\n' % (boundary, name, value)).encode())
    parts.append(('--%s\\r\\nContent-Disposition: form-data; name="file"; filename="%s"\\r\\nContent-Type: %s\\r\\n\\r\\n' % (boundary, filename, file_type)).encode())
    parts.append(data + ('\\r\\n--%s--\\r\\n' % boundary).encode())
    body = b''.join(parts)
    status, headers, reply = raw('POST', '/' + bucket, None, body, {'Content-Type': 'multipart/form-data; boundary=' + boundary}, signed=False)
    code = None
    if status >= 300 and status != 303:
        code = strict_xml(reply).find('Code').text
    return status, headers, reply, code
`;

describe('POST uploads', () => {
  it('accepts a signed policy form and refuses what the policy does not allow', async () => {
    const result = await runBoto3<Record<string, unknown>>(
      app.s3Url,
      user,
      `
      s3.create_bucket(Bucket='posts')
      post = signer.generate_presigned_post('posts', 'uploads/\${filename}',
          Fields={'acl': 'public-read', 'Content-Type': 'image/jpeg', 'x-amz-meta-who': 'browser',
                  'success_action_status': '201', 'tagging': '<Tagging><TagSet><Tag><Key>src</Key><Value>form</Value></Tag></TagSet></Tagging>'},
          Conditions=[{'acl': 'public-read'}, ['starts-with', '$key', 'uploads/'], ['starts-with', '$Content-Type', 'image/'],
                      {'x-amz-meta-who': 'browser'}, {'success_action_status': '201'}, ['content-length-range', 1, 1000],
                      ['starts-with', '$tagging', '']],
          ExpiresIn=600)
      status, headers, reply, code = form_post('posts', post['fields'], b'jpeg bytes')
      doc = strict_xml(reply)
      ns = '{http://s3.amazonaws.com/doc/2006-03-01/}'
      created = {'status': status, 'key': doc.find(ns + 'Key').text, 'etag': doc.find(ns + 'ETag').text,
                 'bucket': doc.find(ns + 'Bucket').text}
      head = s3.head_object(Bucket='posts', Key='uploads/photo.jpg')
      stored = [head['ContentType'], head['Metadata'], error_code(anon().get_object, Bucket='posts', Key='uploads/photo.jpg'),
                s3.get_object_tagging(Bucket='posts', Key='uploads/photo.jpg')['TagSet']]
      too_big = form_post('posts', post['fields'], b'x' * 1001)[3]
      empty = form_post('posts', post['fields'], b'')[3]
      extra = form_post('posts', dict(post['fields'], **{'x-amz-meta-extra': '1'}), b'data')[3]
      ignored = form_post('posts', dict(post['fields'], **{'x-ignore-me': '1'}), b'data')[0]
      tampered = dict(post['fields']); tampered['x-amz-meta-who'] = 'someone else'
      condition = form_post('posts', tampered, b'data')[3]
      forged = dict(post['fields']); forged['x-amz-signature'] = '0' * 64
      signature = form_post('posts', forged, b'data')[3]
      expired_post = signer.generate_presigned_post('posts', 'late', ExpiresIn=-10)
      expired = form_post('posts', expired_post['fields'], b'data')[3]
      plain = signer.generate_presigned_post('posts', 'plain.txt', Fields={'success_action_redirect': 'http://127.0.0.1:9/done'},
          Conditions=[{'success_action_redirect': 'http://127.0.0.1:9/done'}])
      redirected = form_post('posts', plain['fields'], b'plain')
      no_key = dict(plain['fields']); del no_key['key']
      missing_key = form_post('posts', no_key, b'plain')[3]
      sha = base64.b64encode(hashlib.sha256(b'summed').digest()).decode()
      summed_post = signer.generate_presigned_post('posts', 'summed', Fields={'x-amz-checksum-sha256': sha},
          Conditions=[{'x-amz-checksum-sha256': sha}])
      summed = form_post('posts', summed_post['fields'], b'summed')[0]
      bad_sum = form_post('posts', summed_post['fields'], b'other')[3]
      summed_head = s3.head_object(Bucket='posts', Key='summed', ChecksumMode='ENABLED').get('ChecksumSHA256') == sha
      out({'created': created, 'stored': stored, 'errors': [too_big, empty, extra, condition, signature, expired, missing_key, bad_sum],
           'ignored': ignored, 'redirect': [redirected[0], redirected[1].get('location', '').split('?')[0],
           'key=plain.txt' in redirected[1].get('location', '')], 'summed': [summed, summed_head]})
      `,
      SETUP,
    );
    expect(result).toMatchObject({
      created: { status: 201, key: 'uploads/photo.jpg', bucket: 'posts' },
      stored: ['image/jpeg', { who: 'browser' }, 'OK', [{ Key: 'src', Value: 'form' }]],
      errors: [
        'EntityTooLarge',
        'EntityTooSmall',
        'AccessDenied',
        'AccessDenied',
        'SignatureDoesNotMatch',
        'AccessDenied',
        'InvalidArgument',
        'BadDigest',
      ],
      ignored: 201,
      redirect: [303, 'http://127.0.0.1:9/done', true],
      summed: [204, true],
    });
  });

  it('takes anonymous posts only into a bucket anyone may write to', async () => {
    const result = await runBoto3<unknown[]>(
      app.s3Url,
      user,
      `
      s3.create_bucket(Bucket='drop-private')
      s3.create_bucket(Bucket='drop-open', ACL='public-read-write')
      out([form_post('drop-private', {'key': 'anon'}, b'a')[3], form_post('drop-open', {'key': 'anon'}, b'a')[0],
           s3.get_object(Bucket='drop-open', Key='anon')['Body'].read().decode()])
      `,
      SETUP,
    );
    expect(result).toEqual(['AccessDenied', 204, 'a']);
  });
});
