// Helpers for the S3 integration tests: Keystone projects and users made through the identity API,
// EC2 credentials (S3 access keys) for them, AWS SDK clients, and raw Swift requests to compare with.
import { createHash, createHmac } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import type { TestApp } from '../support/app.js';
import { issueToken, passwordAuth } from '../support/app.js';

export interface S3User {
  projectId: string;
  projectName: string;
  userId: string;
  userName: string;
  password: string;
  /** A Keystone token scoped to the project (for Swift requests). */
  token: string;
  access: string;
  secret: string;
}

export async function keystone(app: TestApp, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${app.identityUrl}${path}`, {
    method,
    headers: {
      'x-auth-token': app.adminToken,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

/** A new project, a user with `role` on it, and an EC2 credential for the pair. */
export async function createS3User(
  app: TestApp,
  name: string,
  opts: { role?: 'member' | 'reader' | 'admin'; projectId?: string } = {},
): Promise<S3User> {
  let projectId = opts.projectId;
  if (!projectId) {
    const created = await keystone(app, 'POST', '/v3/projects', {
      project: { name: `${name}-project`, domain_id: 'default' },
    });
    projectId = created.project.id as string;
  }
  const project = await keystone(app, 'GET', `/v3/projects/${projectId}`);
  const password = `pw-${name}-Secret1`;
  const user = await keystone(app, 'POST', '/v3/users', {
    user: { name, password, domain_id: 'default' },
  });
  const roles = await keystone(app, 'GET', `/v3/roles?name=${opts.role ?? 'member'}`);
  const roleId = roles.roles[0].id as string;
  await keystone(app, 'PUT', `/v3/projects/${projectId}/users/${user.user.id}/roles/${roleId}`);
  const credential = await keystone(app, 'POST', `/v3/users/${user.user.id}/credentials/OS-EC2`, {
    tenant_id: projectId,
  });
  const token = await issueToken(app.identityUrl, passwordAuth(name, password, project.project.name));
  return {
    projectId,
    projectName: project.project.name,
    userId: user.user.id,
    userName: name,
    password,
    token,
    access: credential.credential.access,
    secret: credential.credential.secret,
  };
}

export function s3Client(
  app: TestApp,
  user: { access: string; secret: string },
  opts: { region?: string } = {},
): S3Client {
  return new S3Client({
    endpoint: app.s3Url,
    region: opts.region ?? 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: user.access, secretAccessKey: user.secret },
    maxAttempts: 1,
  });
}

export function swiftUrl(app: TestApp, projectId: string, path = ''): string {
  return `${app.url}/object-store/v1/AUTH_${projectId}${path}`;
}

/** `a/b c` → `a/b%20c`. */
export function encodePath(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/');
}

/** The S3 error code of a failed SDK call, or 'OK' if it did not fail. */
export async function s3ErrorOf(p: Promise<unknown>): Promise<{ code: string; status: number | undefined }> {
  try {
    await p;
    return { code: 'OK', status: 200 };
  } catch (err) {
    const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
    return { code: e.Code ?? e.name ?? 'Unknown', status: e.$metadata?.httpStatusCode };
  }
}

// ---- A small, independent SigV4 signer, for requests the SDK will not make (tampered, streamed) ----

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
export const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const EMPTY_SHA256 = sha256Hex('');

function awsEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export interface SignedRequest {
  headers: Record<string, string>;
  /** The request signature, which seeds the chunk-signature chain. */
  signature: string;
  signingKey: Buffer;
  amzDate: string;
  scope: string;
}

/** Signs a request; `path` is the raw (already encoded) path, `query` the decoded parameters. */
export function signV4(opts: {
  method: string;
  host: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  payloadHash: string;
  access: string;
  secret: string;
  region?: string;
  date?: Date;
}): SignedRequest {
  const region = opts.region ?? 'us-east-1';
  const amzDate = (opts.date ?? new Date())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(opts.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    host: opts.host,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': opts.payloadHash,
  };
  const names = Object.keys(headers).sort();
  const canonicalQuery = Object.entries(opts.query ?? {})
    .map(([k, v]) => [awsEncode(k), awsEncode(v)])
    .sort(([a], [b]) => (a! < b! ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = [
    opts.method,
    opts.path,
    canonicalQuery,
    names.map((n) => `${n}:${headers[n]!.trim()}\n`).join(''),
    names.join(';'),
    opts.payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${opts.secret}`, day), region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(toSign).digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${opts.access}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return { headers, signature, signingKey, amzDate, scope };
}

/** An aws-chunked body with chained chunk signatures (STREAMING-AWS4-HMAC-SHA256-PAYLOAD). */
export function signedChunkedBody(signed: SignedRequest, chunks: Buffer[]): Buffer[] {
  let previous = signed.signature;
  const out: Buffer[] = [];
  for (const chunk of [...chunks, Buffer.alloc(0)]) {
    const toSign = [
      'AWS4-HMAC-SHA256-PAYLOAD',
      signed.amzDate,
      signed.scope,
      previous,
      EMPTY_SHA256,
      sha256Hex(chunk),
    ].join('\n');
    previous = createHmac('sha256', signed.signingKey).update(toSign).digest('hex');
    out.push(
      Buffer.from(`${chunk.length.toString(16)};chunk-signature=${previous}\r\n`),
      chunk,
      Buffer.from('\r\n'),
    );
  }
  return out;
}

/** An aws-chunked body without signatures, ending with trailers (STREAMING-UNSIGNED-PAYLOAD-TRAILER). */
export function unsignedTrailerBody(chunks: Buffer[], trailers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const chunk of chunks)
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
  parts.push(Buffer.from('0\r\n'));
  for (const [name, value] of Object.entries(trailers)) parts.push(Buffer.from(`${name}:${value}\r\n`));
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}
