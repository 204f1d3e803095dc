// Browser-based uploads (POST /bucket, multipart/form-data). The fields before the file are read
// (at most 20 KB), the SigV4 policy signature checked against the key's secret and the policy's
// conditions against the fields; then the file streams into the object like a PutObject whose headers
// are the form's fields (Content-Type, x-amz-meta-*, acl, tagging, x-amz-checksum-*…). Without a policy
// the upload is anonymous and needs a bucket that lets anyone write.
import type { FastifyReply } from 'fastify';
import { isApiError } from '../../../common/errors/api-error.js';
import type { ResolvedBucket } from '../../s3/bucket-service.js';
import { s3Error, s3Errors } from '../../s3/s3-errors.js';
import { FormError, MultipartReader, parseParameters } from '../swift/features/formpost/multipart.js';
import { authorize } from './access.js';
import { checksumHeaderName, CHECKSUM_ALGORITHMS, createChecksum } from './auth/index.js';
import { deriveSigningKey, signaturesEqual, signString } from './auth/signing-key.js';
import { signingRegions } from './authenticate.js';
import { withWriteAcl } from './object-acl.js';
import { contentTypeFromRequest, metadataFromRequest, withChecksum } from './object-headers.js';
import { checkPostPolicy, parsePostPolicy, type PostPolicy } from './post-policy.js';
import { quoteEtag, requireBucket, sendEmpty, sendXml, type S3Context } from './s3-context.js';
import { withRequestTags } from './tagging.js';
import { prepareVersionedWrite } from './versioning.js';
import { childNamed, childText, childrenNamed, expectRoot, parseXml } from './xml-parse.js';
import { leaf, xmlDocument } from './xml.js';

const MAX_PRE_DATA_BYTES = 20 * 1024;
const MAX_FIELDS = 200;

interface Form {
  fields: Map<string, string>;
  filename: string;
  fileContentType: string | undefined;
  reader: MultipartReader;
}

function malformedPost(message: string): never {
  throw s3Error('MalformedPOSTRequest', message);
}

/** Reads the fields up to the file part; the reader is left at the file's body. */
async function readForm(ctx: S3Context): Promise<Form> {
  const { type, params } = parseParameters(ctx.headers['content-type'] ?? '');
  if (type !== 'multipart/form-data' || !params.boundary) {
    malformedPost('The body of your POST request is not well-formed multipart/form-data.');
  }
  const reader = new MultipartReader(ctx.request.raw[Symbol.asyncIterator](), params.boundary);
  const fields = new Map<string, string>();
  let size = 0;
  try {
    await reader.start();
    for (let i = 0; i < MAX_FIELDS; i += 1) {
      const headers = await reader.nextPart();
      if (!headers) break;
      const disposition = parseParameters(headers['content-disposition'] ?? '');
      const name = (disposition.params.name ?? '').toLowerCase();
      if (name === 'file') {
        return {
          fields,
          filename: disposition.params.filename ?? '',
          fileContentType: headers['content-type'],
          reader,
        };
      }
      const value = await reader.value(MAX_PRE_DATA_BYTES + 1);
      size += name.length + value.length;
      if (size > MAX_PRE_DATA_BYTES) {
        throw s3Error(
          'MaxPostPreDataLengthExceeded',
          'Your POST request fields preceeding the upload file was too large.',
        );
      }
      fields.set(name, value);
    }
  } catch (err) {
    if (err instanceof FormError)
      malformedPost('The body of your POST request is not well-formed multipart/form-data.');
    throw err;
  }
  throw s3Errors.invalidArgumentValue('POST requires exactly one file upload per request.', 'file', '0');
}

function required(fields: Map<string, string>, name: string): string {
  const value = fields.get(name);
  if (value === undefined || value === '') {
    throw s3Errors.invalidArgumentValue(
      `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
      name,
      '',
    );
  }
  return value;
}

/** The policy's signature (SigV4: HMAC of the base64 policy with the signing key); sets the caller. */
async function authenticatePost(
  ctx: S3Context,
  fields: Map<string, string>,
): Promise<PostPolicy | undefined> {
  const policyText = fields.get('policy');
  if (policyText === undefined) return undefined;
  if (fields.has('awsaccesskeyid') || fields.has('signature')) {
    throw s3Errors.invalidRequest(
      'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
    );
  }
  if (required(fields, 'x-amz-algorithm') !== 'AWS4-HMAC-SHA256') {
    throw s3Errors.invalidArgumentValue(
      'Only AWS4-HMAC-SHA256 is supported.',
      'x-amz-algorithm',
      fields.get('x-amz-algorithm') ?? '',
    );
  }
  const credential = required(fields, 'x-amz-credential');
  const amzDate = required(fields, 'x-amz-date');
  const signature = required(fields, 'x-amz-signature');
  const parts = credential.split('/');
  const [access, day, region, service, terminal] = parts;
  const valid =
    parts.length === 5 &&
    /^\d{8}$/.test(day ?? '') &&
    amzDate.startsWith(day ?? '-') &&
    service === 's3' &&
    terminal === 'aws4_request' &&
    signingRegions(ctx.deps.config.region).includes(region ?? '');
  if (!valid)
    throw s3Errors.invalidArgumentValue(
      'Invalid credential in the POST form.',
      'x-amz-credential',
      credential,
    );
  const key = await ctx.deps.accessKeys.findEc2ByAccess(access as string);
  if (!key)
    throw s3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  const expected = signString(
    deriveSigningKey(key.secret, day as string, region as string, 's3'),
    policyText,
  );
  if (!signaturesEqual(expected, signature.toLowerCase())) {
    throw s3Error(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }
  const auth = await ctx.deps.callers.ec2Context(key.userId, key.projectId);
  if (!auth) throw s3Errors.accessDenied();
  ctx.caller = { kind: 'key', auth, userId: key.userId, projectId: key.projectId, verified: undefined };
  return parsePostPolicy(policyText);
}

/** The tagging field is a Tagging XML document; x-amz-tagging is its URL-encoded form. */
function taggingHeader(xml: string): string {
  const root = expectRoot(parseXml(Buffer.from(xml, 'utf8')), 'Tagging');
  const set = childNamed(root, 'TagSet');
  const pairs = (set ? childrenNamed(set, 'Tag') : []).map((t): [string, string] => [
    childText(t, 'Key') ?? '',
    childText(t, 'Value') ?? '',
  ]);
  return new URLSearchParams(pairs).toString();
}

/** The form's fields as the request headers a PutObject would have carried. */
function applyFieldsAsHeaders(
  ctx: S3Context,
  fields: Map<string, string>,
  fileContentType: string | undefined,
): void {
  const headers: Record<string, string | undefined> = { ...ctx.headers, 'content-type': fileContentType };
  for (const [name, value] of fields) {
    if (
      ['cache-control', 'content-type', 'content-disposition', 'content-encoding', 'expires'].includes(name)
    )
      headers[name] = value;
    else if (
      name.startsWith('x-amz-meta-') ||
      name.startsWith('x-amz-checksum-') ||
      name.startsWith('x-amz-grant-')
    )
      headers[name] = value;
    else if (name === 'acl') headers['x-amz-acl'] = value;
    else if (name === 'tagging') headers['x-amz-tagging'] = taggingHeader(value);
  }
  ctx.headers = headers;
}

async function* sized(
  body: AsyncIterable<Buffer>,
  range: PostPolicy['lengthRange'],
  seen: { bytes: number },
) {
  for await (const chunk of body) {
    seen.bytes += chunk.length;
    if (range && seen.bytes > range.max)
      throw s3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
    yield chunk;
  }
  if (range && seen.bytes < range.min)
    throw s3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size');
}

function respond(
  ctx: S3Context,
  bucket: ResolvedBucket,
  key: string,
  etag: string,
  fields: Map<string, string>,
): FastifyReply {
  const location = `http://${ctx.headers.host ?? 'localhost'}/${encodeURIComponent(bucket.container.name)}/${key.split('/').map(encodeURIComponent).join('/')}`;
  ctx.reply.headers({ etag: quoteEtag(etag), location });
  const redirect = fields.get('success_action_redirect') ?? fields.get('redirect');
  if (redirect !== undefined && /^https?:\/\//i.test(redirect)) {
    const url = new URL(redirect);
    url.searchParams.set('bucket', bucket.container.name);
    url.searchParams.set('key', key);
    url.searchParams.set('etag', quoteEtag(etag));
    ctx.reply.header('location', url.toString());
    return sendEmpty(ctx, 303);
  }
  const status = fields.get('success_action_status');
  if (status === '201') {
    return sendXml(
      ctx,
      201,
      xmlDocument(
        'PostResponse',
        leaf('Location', location),
        leaf('Bucket', bucket.container.name),
        leaf('Key', key),
        leaf('ETag', quoteEtag(etag)),
      ),
    );
  }
  return sendEmpty(ctx, status === '200' ? 200 : 204);
}

export async function postObject(ctx: S3Context): Promise<FastifyReply> {
  const bucket = await requireBucket(ctx);
  const form = await readForm(ctx);
  const { fields } = form;
  const key = required(fields, 'key').replaceAll('${filename}', form.filename);
  fields.set('key', key);
  fields.set('bucket', bucket.container.name);
  const policy = await authenticatePost(ctx, fields);
  if (policy) checkPostPolicy(policy, fields, ctx.now);
  applyFieldsAsHeaders(ctx, fields, fields.get('content-type') ?? form.fileContentType);
  await authorize(ctx, bucket, 's3:PutObject', key);
  const algorithm = CHECKSUM_ALGORITHMS.find((a) => ctx.headers[checksumHeaderName(a)] !== undefined);
  const sum = algorithm && createChecksum(algorithm);
  const versioned = await prepareVersionedWrite(ctx, bucket, key);
  const metadata = versioned.apply(
    await withWriteAcl(ctx, bucket, withRequestTags(ctx, metadataFromRequest(ctx))),
  );
  const seen = { bytes: 0 };
  try {
    const { object } = await ctx.deps.objects.putObject({
      projectId: bucket.projectId,
      container: bucket.container.name,
      name: key,
      body: sized(form.reader.body(), policy?.lengthRange, seen),
      contentType: contentTypeFromRequest(ctx),
      metadata,
      deleteAt: null,
      onChunk: (chunk) => sum?.update(chunk),
      beforeCommit: () => {
        if (!algorithm || !sum) return;
        if (sum.digestBase64() !== ctx.headers[checksumHeaderName(algorithm)]?.trim()) {
          throw s3Error(
            'BadDigest',
            `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
          );
        }
        withChecksum(metadata, { algorithm, value: sum.digestBase64() });
      },
    });
    if (versioned.versionId !== undefined) ctx.reply.header('x-amz-version-id', versioned.versionId);
    return respond(ctx, bucket, key, object.etag, fields);
  } catch (err) {
    if (err instanceof FormError)
      malformedPost('The body of your POST request is not well-formed multipart/form-data.');
    if (isApiError(err) && err.code === 'PayloadTooLarge')
      throw s3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
    throw err;
  }
}
