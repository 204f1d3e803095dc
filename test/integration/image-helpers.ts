// Helpers for the image integration tests: Glance calls with a token, projects with users, and small
// disk images made with qemu-img.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueToken, passwordAuth, type TestApp } from '../support/app.js';

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  bytes: Buffer;
}

export const PATCH_TYPE = 'application/openstack-images-v2.1-json-patch';

export async function glance(
  app: TestApp,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const raw = body instanceof Buffer || typeof body === 'string';
  const res = await fetch(`${app.url}/image${path}`, {
    method,
    headers: {
      'x-auth-token': token,
      ...(body === undefined
        ? {}
        : { 'content-type': raw ? 'application/octet-stream' : 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : raw ? (body as Buffer) : JSON.stringify(body),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  let parsed: unknown;
  try {
    parsed = bytes.length ? JSON.parse(bytes.toString('utf8')) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, bytes };
}

export async function patch(
  app: TestApp,
  token: string,
  id: string,
  ops: unknown,
  type = PATCH_TYPE,
): Promise<Reply> {
  const res = await fetch(`${app.url}/image/v2/images/${id}`, {
    method: 'PATCH',
    headers: { 'x-auth-token': token, 'content-type': type },
    body: typeof ops === 'string' ? ops : JSON.stringify(ops),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    headers: res.headers,
    body: bytes.length ? (JSON.parse(bytes.toString()) as unknown) : undefined,
    bytes,
  };
}

async function keystone(app: TestApp, method: string, path: string, body?: unknown) {
  const res = await fetch(`${app.identityUrl}${path}`, {
    method,
    headers: { 'x-auth-token': app.adminToken, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, any>) : {};
}

/** A new project with a user holding `member` on it; returns the project id and a scoped token. */
export async function projectMember(
  app: TestApp,
  name: string,
): Promise<{ projectId: string; token: string }> {
  const project = await keystone(app, 'POST', '/v3/projects', { project: { name, domain_id: 'default' } });
  const password = `pw-${name}-Secret1`;
  const user = await keystone(app, 'POST', '/v3/users', {
    user: { name: `${name}-user`, password, domain_id: 'default' },
  });
  const roles = await keystone(app, 'GET', '/v3/roles?name=member');
  await keystone(
    app,
    'PUT',
    `/v3/projects/${project.project.id}/users/${user.user.id}/roles/${roles.roles[0].id}`,
  );
  const token = await issueToken(app.identityUrl, passwordAuth(`${name}-user`, password, name));
  return { projectId: project.project.id as string, token };
}

export const scratch = () => mkdtempSync(join(tmpdir(), 'nuage-img-'));

/** A small qcow2 with 1 MiB of data written into it. */
export function makeQcow2(dir: string): Buffer {
  const path = join(dir, `guest-${Math.random().toString(16).slice(2)}.qcow2`);
  execFileSync('qemu-img', ['create', '-f', 'qcow2', path, '64M']);
  execFileSync('qemu-io', ['-c', 'write -P 0xab 0 1M', path]);
  return readFileSync(path);
}

export function makeBackedQcow2(dir: string): Buffer {
  const path = join(dir, 'backed.qcow2');
  execFileSync('qemu-img', ['create', '-f', 'qcow2', '-b', '/etc/passwd', '-F', 'raw', path]);
  return readFileSync(path);
}

export const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
export const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');
