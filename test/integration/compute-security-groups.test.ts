// Security groups named at server create reach the server's ports (the real app, fake compute and
// network drivers): the created port carries the requested groups instead of `default`, the server
// view lists them, and an unknown group is a 400 in Nova's shape before anything is created.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { tenant } from './network-helpers.js';

const run = promisify(execFile);
let t: TestApp;
let user: string;
let scratch: string;

async function call(method: string, path: string, body?: unknown, raw?: Buffer) {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: {
      'x-auth-token': user,
      'openstack-api-version': 'compute 2.79',
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(raw !== undefined && { 'content-type': 'application/octet-stream' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    ...(raw !== undefined && { body: raw }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
}

let base: { imageRef: string; flavorRef: string; networks: { uuid: string }[] };

beforeAll(async () => {
  t = await startTestApp();
  user = (await tenant(t, 'sg-user')).token;
  scratch = await mkdtemp(join(tmpdir(), 'nuage-sg-it-'));
  const file = join(scratch, 'disk.qcow2');
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', file, '16M']);
  const image = await call('POST', '/image/v2/images', {
    name: 'disk',
    disk_format: 'qcow2',
    container_format: 'bare',
  });
  expect(
    (await call('PUT', `/image/v2/images/${image.body.id}/file`, undefined, await readFile(file))).status,
  ).toBe(204);
  const admin = user;
  user = t.adminToken;
  const flavor = await call('POST', '/compute/v2.1/flavors', {
    flavor: { name: 'sg.tiny', vcpus: 1, ram: 128, disk: 1 },
  });
  user = admin;
  const net = await call('POST', '/network/v2.0/networks', { network: { name: 'sg-net' } });
  await call('POST', '/network/v2.0/subnets', {
    subnet: { network_id: net.body.network.id, cidr: '10.55.0.0/24', ip_version: 4 },
  });
  base = {
    imageRef: image.body.id,
    flavorRef: flavor.body.flavor.id,
    networks: [{ uuid: net.body.network.id }],
  };
});

afterAll(async () => {
  await t?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('security groups on server create', () => {
  it('gives the created port the requested groups and lists them on the server', async () => {
    const web = await call('POST', '/network/v2.0/security-groups', { security_group: { name: 'web' } });
    expect(web.status).toBe(201);
    const created = await call('POST', '/compute/v2.1/servers', {
      server: { ...base, name: 'sg-vm', security_groups: [{ name: 'web' }] },
    });
    expect(created.status).toBe(202);
    expect(created.body.server.security_groups).toEqual([{ name: 'web' }]);
    let server: any;
    for (let i = 0; i < 200; i++) {
      server = (await call('GET', `/compute/v2.1/servers/${created.body.server.id}`)).body.server;
      if (server.status === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(server.status).toBe('ACTIVE');
    expect(server.security_groups).toEqual([{ name: 'web' }]);
    const ports = await call('GET', `/network/v2.0/ports?device_id=${server.id}`);
    const mine = ports.body.ports.filter((p: any) => p.device_id === server.id);
    expect(mine).toHaveLength(1);
    expect(mine[0].security_groups).toEqual([web.body.security_group.id]);
  });

  it('refuses an unknown group with a Nova 400 and creates nothing', async () => {
    const before = (await call('GET', '/compute/v2.1/servers')).body.servers.length;
    const res = await call('POST', '/compute/v2.1/servers', {
      server: { ...base, name: 'nope', security_groups: [{ name: 'no-such-group' }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.badRequest.message).toContain("'no-such-group'");
    const bad = await call('POST', '/compute/v2.1/servers', {
      server: { ...base, name: 'nope', security_groups: 'web' },
    });
    expect(bad.status).toBe(400);
    expect((await call('GET', '/compute/v2.1/servers')).body.servers.length).toBe(before);
  });
});
