// Security groups named at server create reach the server's ports (the real app, fake compute and
// network drivers): the created port carries the requested groups instead of `default`, the server
// view lists them, and an unknown group is a 400 in Nova's shape before anything is created. Also the
// server's ports as os-interface attachments (what Tempest's SSH validation reads to place a floating
// IP), checked against Tempest's own response schemas.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { responseContract } from '../support/response-contract.js';
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

/** The server once the (fake) driver has booted it: its ports exist from then on. */
async function active(id: string): Promise<any> {
  let server: any;
  for (let i = 0; i < 200; i++) {
    server = (await call('GET', `/compute/v2.1/servers/${id}`)).body.server;
    if (server.status === 'ACTIVE') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(server.status).toBe('ACTIVE');
  return server;
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
    const server = await active(created.body.server.id);
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

describe('os-interface', () => {
  it("lists and shows the server's ports as interface attachments, in Tempest's schemas", async () => {
    const created = await call('POST', '/compute/v2.1/servers', { server: { ...base, name: 'if-vm' } });
    expect(created.status).toBe(202);
    const id = (await active(created.body.server.id)).id as string;
    const ports = (await call('GET', `/network/v2.0/ports?device_id=${id}`)).body.ports;
    expect(ports).toHaveLength(1);
    const port = ports[0];
    const expected = {
      port_state: 'ACTIVE',
      fixed_ips: port.fixed_ips.map((ip: any) => ({ subnet_id: ip.subnet_id, ip_address: ip.ip_address })),
      port_id: port.id,
      net_id: port.network_id,
      mac_addr: port.mac_address,
    };
    const contract = responseContract(t.url, t.routes, {
      'GET /compute/v2.1/servers/:id/os-interface': {
        client: 'compute.interfaces_client.InterfacesClient',
        schema: 'list_interfaces',
      },
      'GET /compute/v2.1/servers/:id/os-interface/:portId': {
        client: 'compute.interfaces_client.InterfacesClient',
        schema: 'get_create_interfaces',
      },
    });
    try {
      const list = `/compute/v2.1/servers/${id}/os-interface`;
      const old = await contract.call('GET', list, { token: user });
      expect(old.json).toEqual({ interfaceAttachments: [expected] });
      const tagged = { token: user, microversion: { service: 'compute' as const, version: '2.70' } };
      expect((await contract.call('GET', list, tagged)).json.interfaceAttachments).toEqual([
        { ...expected, tag: null },
      ]);
      const one = await contract.call('GET', `${list}/${port.id}`, tagged);
      expect(one.json).toEqual({ interfaceAttachment: { ...expected, tag: null } });
      const other = await call('GET', `${list}/00000000-0000-4000-8000-000000000000`);
      expect(other.status).toBe(404);
      expect(other.body.itemNotFound.message).toContain('could not be found');
    } finally {
      contract.close();
    }
  });
});
