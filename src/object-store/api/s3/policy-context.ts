// The condition keys of a request, for bucket policy Conditions (policy-conditions.ts): where it comes
// from, how it was sent and signed, and the S3 parameters policies commonly restrict (s3:prefix,
// s3:x-amz-acl…). Keys the request does not have are absent, which conditions treat as AWS does.
import type { ConditionValues } from './policy-conditions.js';
import type { S3Context } from './s3-context.js';

const HEADER_KEYS = [
  'x-amz-acl',
  'x-amz-content-sha256',
  'x-amz-copy-source',
  'x-amz-metadata-directive',
  'x-amz-storage-class',
  'x-amz-grant-read',
  'x-amz-grant-write',
  'x-amz-grant-read-acp',
  'x-amz-grant-write-acp',
  'x-amz-grant-full-control',
];

/** Tags a write asks for (x-amz-tagging, URL-encoded), as s3:RequestObjectTag/<key>. */
function requestTags(ctx: S3Context, values: Map<string, string | undefined>): void {
  const tagging = ctx.headers['x-amz-tagging'];
  if (tagging === undefined) return;
  for (const [key, value] of new URLSearchParams(tagging))
    values.set(`s3:requestobjecttag/${key.toLowerCase()}`, value);
}

export function policyContext(ctx: S3Context): ConditionValues {
  const values = new Map<string, string | undefined>();
  const set = (key: string, value: string | null | undefined) => {
    if (value !== null && value !== undefined) values.set(key, value);
  };
  set('aws:sourceip', ctx.request.ip);
  set('aws:securetransport', ctx.request.protocol === 'https' ? 'true' : 'false');
  set('aws:currenttime', ctx.now.toISOString());
  set('aws:epochtime', String(Math.floor(ctx.now.getTime() / 1000)));
  set('aws:useragent', ctx.headers['user-agent']);
  set('aws:referer', ctx.headers.referer);
  if (ctx.caller.kind === 'key') {
    set('aws:principalaccount', ctx.caller.projectId);
    set('aws:userid', ctx.caller.userId);
    set('aws:username', ctx.caller.auth.userName);
    set('aws:principaltype', 'User');
    set('s3:signatureversion', 'AWS4-HMAC-SHA256');
    const kind = ctx.caller.verified?.kind;
    set(
      's3:authtype',
      kind === 'presigned' ? 'REST-QUERY-STRING' : kind === 'header' ? 'REST-HEADER' : 'POST',
    );
  } else {
    set('aws:principaltype', 'Anonymous');
  }
  set('s3:prefix', ctx.query.get('prefix'));
  set('s3:delimiter', ctx.query.get('delimiter'));
  set('s3:max-keys', ctx.query.get('max-keys'));
  set('s3:versionid', ctx.query.get('versionId'));
  for (const header of HEADER_KEYS) set(`s3:${header}`, ctx.headers[header]);
  requestTags(ctx, values);
  return values;
}
