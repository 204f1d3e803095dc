// SSE-C (customer-provided keys) driven by boto3 with SSECustomerKey, as a real client sends it: PUT, GET
// (whole and ranged), HEAD, copy (re-encrypted from the source's key to another, or to none) and multipart
// (create, parts, part copy, complete), AWS's errors for a missing, wrong or malformed key, and that the
// key is nowhere on disk while Swift (which cannot present a key) is refused the object's bytes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { runBoto3 } from '../support/boto3.js';
import { createS3User, swiftUrl, type S3User } from './s3-support.js';

let app: TestApp;
let user: S3User;

beforeAll(async () => {
  app = await startTestApp();
  user = await createS3User(app, 'ssec-user');
});
afterAll(async () => app?.close());

const KEY = 'k'.repeat(32);
const OTHER_KEY = 'o'.repeat(32);

/** Every byte of every file under the data directory (database included). */
function dataDirBytes(): Buffer {
  const files = readdirSync(app.dataDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return Buffer.concat(files.map((e) => readFileSync(join(e.parentPath, e.name))));
}

describe('SSE-C with boto3', () => {
  it('writes, reads, copies and assembles objects under a customer key, with AWS errors', async () => {
    const r = await runBoto3<Record<string, any>>(
      app.s3Url,
      user,
      `
      import base64, hashlib
      K, K2 = '${KEY}', '${OTHER_KEY}'
      C = {'SSECustomerAlgorithm': 'AES256', 'SSECustomerKey': K}
      C2 = {'SSECustomerAlgorithm': 'AES256', 'SSECustomerKey': K2}
      s3.create_bucket(Bucket='ssec')
      body = b'customer-keyed-secret-plaintext/' * 4000
      put = s3.put_object(Bucket='ssec', Key='obj', Body=body, **C)
      got = s3.get_object(Bucket='ssec', Key='obj', **C)
      ranged = s3.get_object(Bucket='ssec', Key='obj', Range='bytes=70000-70031', **C)['Body'].read()
      head = s3.head_object(Bucket='ssec', Key='obj', **C)
      s3.put_object(Bucket='ssec', Key='plain', Body=b'plain')
      errors = {
        'get_without_key': error_code(s3.get_object, Bucket='ssec', Key='obj'),
        'head_without_key': error_code(s3.head_object, Bucket='ssec', Key='obj'),
        'get_wrong_key': error_code(s3.get_object, Bucket='ssec', Key='obj', **C2),
        'head_wrong_key': error_code(s3.head_object, Bucket='ssec', Key='obj', **C2),
        'plain_with_key': error_code(s3.get_object, Bucket='ssec', Key='plain', **C),
        'copy_without_source_key': error_code(s3.copy_object, Bucket='ssec', Key='c', CopySource='ssec/obj'),
        'copy_wrong_source_key': error_code(s3.copy_object, Bucket='ssec', Key='c', CopySource='ssec/obj',
            CopySourceSSECustomerAlgorithm='AES256', CopySourceSSECustomerKey=K2),
        'with_sse_s3': error_code(s3.put_object, Bucket='ssec', Key='x', Body=b'x', ServerSideEncryption='AES256', **C),
      }
      md5 = base64.b64encode(hashlib.md5(K.encode()).digest()).decode()
      b64 = base64.b64encode(K.encode()).decode()
      def raw_put(headers):
          status, _, data = raw('PUT', '/ssec/raw', body=b'x', headers=headers)
          return status, ET.fromstring(data).findtext('Code')
      prefix = 'x-amz-server-side-encryption-customer-'
      errors['bad_md5'] = raw_put({prefix + 'algorithm': 'AES256', prefix + 'key': b64, prefix + 'key-MD5': 'AAAA'})
      errors['bad_algorithm'] = raw_put({prefix + 'algorithm': 'AES128', prefix + 'key': b64, prefix + 'key-MD5': md5})
      errors['short_key'] = raw_put({prefix + 'algorithm': 'AES256', prefix + 'key': base64.b64encode(b'short').decode(),
          prefix + 'key-MD5': base64.b64encode(hashlib.md5(b'short').digest()).decode()})
      errors['no_md5'] = raw_put({prefix + 'algorithm': 'AES256', prefix + 'key': b64})
      s3.copy_object(Bucket='ssec', Key='rekeyed', CopySource='ssec/obj',
          CopySourceSSECustomerAlgorithm='AES256', CopySourceSSECustomerKey=K, **C2)
      rekeyed = s3.get_object(Bucket='ssec', Key='rekeyed', **C2)['Body'].read() == body
      rekeyed_old_key = error_code(s3.get_object, Bucket='ssec', Key='rekeyed', **C)
      s3.copy_object(Bucket='ssec', Key='decrypted', CopySource='ssec/obj',
          CopySourceSSECustomerAlgorithm='AES256', CopySourceSSECustomerKey=K)
      decrypted = s3.get_object(Bucket='ssec', Key='decrypted')
      up = s3.create_multipart_upload(Bucket='ssec', Key='mp', **C)['UploadId']
      p1 = s3.upload_part(Bucket='ssec', Key='mp', UploadId=up, PartNumber=1, Body=b'a' * (5 * 1024 * 1024), **C)
      part_without_key = error_code(s3.upload_part, Bucket='ssec', Key='mp', UploadId=up, PartNumber=2, Body=b'b')
      p2 = s3.upload_part_copy(Bucket='ssec', Key='mp', UploadId=up, PartNumber=2, CopySource='ssec/obj',
          CopySourceRange='bytes=0-31', CopySourceSSECustomerAlgorithm='AES256', CopySourceSSECustomerKey=K, **C)
      s3.complete_multipart_upload(Bucket='ssec', Key='mp', UploadId=up, MultipartUpload={'Parts': [
          {'PartNumber': 1, 'ETag': p1['ETag']}, {'PartNumber': 2, 'ETag': p2['CopyPartResult']['ETag']}]}, **C)
      mp = s3.get_object(Bucket='ssec', Key='mp', **C)['Body'].read()
      out({
        'put': [put.get('SSECustomerAlgorithm'), put.get('SSECustomerKeyMD5'), put.get('ServerSideEncryption')],
        'md5': md5, 'same': got['Body'].read() == body, 'etag': put['ETag'] == got['ETag'],
        'ranged': ranged.decode(), 'head': [head['SSECustomerAlgorithm'], head['SSECustomerKeyMD5'], head['ContentLength']],
        'errors': errors, 'rekeyed': rekeyed, 'rekeyed_old_key': rekeyed_old_key,
        'decrypted': [decrypted['Body'].read() == body, decrypted.get('ServerSideEncryption'), decrypted.get('SSECustomerAlgorithm')],
        'part_without_key': part_without_key,
        'mp': [len(mp), mp[:1].decode(), mp[-32:].decode()],
      })
      `,
    );
    expect(r.put).toEqual(['AES256', r.md5, null]);
    expect(r.same).toBe(true);
    expect(r.etag).toBe(true);
    expect(r.ranged).toBe('customer-keyed-secret-plaintext/'.repeat(3).slice(70000 % 32, (70000 % 32) + 32));
    expect(r.head).toEqual(['AES256', r.md5, 128000]);
    expect(r.errors).toEqual({
      get_without_key: 'InvalidRequest',
      head_without_key: '400',
      get_wrong_key: 'AccessDenied',
      head_wrong_key: '403',
      plain_with_key: 'InvalidRequest',
      copy_without_source_key: 'InvalidRequest',
      copy_wrong_source_key: 'AccessDenied',
      with_sse_s3: 'InvalidArgument',
      bad_md5: [400, 'InvalidArgument'],
      bad_algorithm: [400, 'InvalidEncryptionAlgorithmError'],
      short_key: [400, 'InvalidArgument'],
      no_md5: [400, 'InvalidArgument'],
    });
    expect(r.rekeyed).toBe(true);
    expect(r.rekeyed_old_key).toBe('AccessDenied');
    expect(r.decrypted).toEqual([true, 'AES256', null]);
    expect(r.part_without_key).toBe('InvalidRequest');
    expect(r.mp).toEqual([5 * 1024 * 1024 + 32, 'a', 'customer-keyed-secret-plaintext/']);

    // Swift cannot present the key: the bytes stay closed to it (403), and nothing on disk holds the
    // plaintext or the key (only its MD5 and a salted HMAC are stored).
    const swift = await fetch(swiftUrl(app, user.projectId, '/ssec/obj'), {
      headers: { 'x-auth-token': user.token },
    });
    expect(swift.status).toBe(403);
    const raw = dataDirBytes();
    expect(raw.includes('customer-keyed-secret-plaintext/')).toBe(false);
    expect(raw.includes(KEY)).toBe(false);
    expect(raw.includes(Buffer.from(KEY).toString('base64'))).toBe(false);
  });
});
