// The compute module end to end before wiring: flavors, key pairs, server boot/actions/delete through
// the worker and the fake driver, over an in-memory SQLite database with the compute migration.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IMAGE_ID, nova, startCompute, type ComputeHarness, type Json } from './compute-test-support.js';
import { DriverError } from './driver/driver.js';
import { fingerprintSshPublicKey } from './ssh-keys.js';

let h: ComputeHarness;
beforeEach(async () => {
  h = await startCompute();
});
afterEach(async () => {
  await h.close();
});

async function flavor(name = 'm1.tiny', extra: Record<string, unknown> = {}) {
  const res = await nova(h, 'admin', 'POST', '/v2.1/flavors', {
    flavor: { name, vcpus: 1, ram: 512, disk: 1, ...extra },
  });
  expect(res.status).toBe(200);
  return res.body.flavor as { id: string };
}

async function settled(id: string, token = 'user') {
  await h.module.worker.idle();
  return (await nova(h, token, 'GET', `/v2.1/servers/${id}`)).body.server;
}

describe('versions and faults', () => {
  it('discovers v2.1 without a token and echoes the microversion', async () => {
    const res = await fetch(`${h.url}/v2.1`);
    const body = (await res.json()) as Json;
    expect(body.version).toMatchObject({
      id: 'v2.1',
      min_version: '2.1',
      version: '2.79',
      status: 'CURRENT',
    });
    expect(res.headers.get('openstack-api-version')).toBe('compute 2.1');
    expect((await fetch(`${h.url}/v2.1/`)).status).toBe(200);
    const root = (await (await fetch(`${h.url}/`)).json()) as Json;
    // Nova lists the legacy v2.0 document first, then v2.1; both links can be followed.
    expect(root.versions.map((v: Json) => [v.id, v.links[0].href])).toEqual([
      ['v2.0', `${h.url}/v2/`],
      ['v2.1', `${h.url}/v2.1/`],
    ]);
    const legacy = (await (await fetch(`${h.url}/v2/`)).json()) as Json;
    expect(legacy.version).toMatchObject({ id: 'v2.0', status: 'DEPRECATED', version: '', min_version: '' });
    const latest = await nova(h, 'user', 'GET', '/v2.1/flavors', undefined, 'latest');
    expect(latest.headers.get('openstack-api-version')).toBe('compute 2.79');
    expect(latest.headers.get('x-openstack-nova-api-version')).toBe('2.79');
  });

  it('renders Nova faults', async () => {
    const missing = await nova(h, 'user', 'GET', '/v2.1/servers/none');
    expect(missing.status).toBe(404);
    expect(missing.body.itemNotFound.code).toBe(404);
    expect((await nova(h, 'user', 'GET', '/v2.1/flavors', undefined, '2.999')).status).toBe(406);
    expect((await nova(h, 'nobody', 'GET', '/v2.1/flavors')).body.unauthorized.code).toBe(401);
  });
});

describe('flavors', () => {
  it('lets admins create; hides private flavors from projects without access', async () => {
    expect(
      (await nova(h, 'user', 'POST', '/v2.1/flavors', { flavor: { name: 'x', vcpus: 1, ram: 1, disk: 0 } }))
        .status,
    ).toBe(403);
    const priv = await flavor('private', { 'os-flavor-access:is_public': false });
    expect((await nova(h, 'user', 'GET', `/v2.1/flavors/${priv.id}`)).status).toBe(404);
    const added = await nova(h, 'admin', 'POST', `/v2.1/flavors/${priv.id}/action`, {
      addTenantAccess: { tenant: 'p-user' },
    });
    expect(added.body.flavor_access).toEqual([{ flavor_id: priv.id, tenant_id: 'p-user' }]);
    expect((await nova(h, 'user', 'GET', `/v2.1/flavors/${priv.id}`)).status).toBe(200);
    await nova(h, 'admin', 'POST', `/v2.1/flavors/${priv.id}/os-extra_specs`, {
      extra_specs: { 'hw:cpu_policy': 'shared' },
    });
    const shown = await nova(h, 'user', 'GET', `/v2.1/flavors/${priv.id}`);
    expect(shown.body.flavor.extra_specs).toEqual({ 'hw:cpu_policy': 'shared' });
    expect(
      (
        await nova(h, 'admin', 'POST', '/v2.1/flavors', {
          flavor: { name: 'private', vcpus: 1, ram: 1, disk: 0 },
        })
      ).status,
    ).toBe(409);
  });
});

describe('key pairs', () => {
  it('generates an ed25519 pair and imports a public key', async () => {
    const made = await nova(h, 'user', 'POST', '/v2.1/os-keypairs', { keypair: { name: 'k1' } });
    expect(made.status).toBe(201);
    expect(made.body.keypair.private_key).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    expect(made.body.keypair.public_key).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI/);
    expect(made.body.keypair.fingerprint).toBe(fingerprintSshPublicKey(made.body.keypair.public_key));
    const imported = await nova(h, 'user', 'POST', '/v2.1/os-keypairs', {
      keypair: { name: 'k2', public_key: made.body.keypair.public_key },
    });
    expect(imported.body.keypair.private_key).toBeUndefined();
    expect(
      (
        await nova(h, 'user', 'POST', '/v2.1/os-keypairs', {
          keypair: { name: 'k2', public_key: 'ssh-rsa nope' },
        })
      ).status,
    ).toBe(400);
    const list = await nova(h, 'user', 'GET', '/v2.1/os-keypairs');
    expect(list.body.keypairs.map((k: Json) => k.keypair.name)).toEqual(['k1', 'k2']);
    expect((await nova(h, 'other', 'GET', '/v2.1/os-keypairs/k1')).status).toBe(404);
  });
});

describe('servers', () => {
  it('boots to ACTIVE, runs power actions, and deletes', async () => {
    const f = await flavor();
    const created = await nova(h, 'user', 'POST', '/v2.1/servers', {
      server: { name: 'vm1', imageRef: IMAGE_ID, flavorRef: f.id, networks: 'auto' },
    });
    expect(created.status).toBe(202);
    const id = created.body.server.id as string;
    let server = await settled(id);
    expect(server).toMatchObject({
      status: 'ACTIVE',
      'OS-EXT-STS:vm_state': 'active',
      'OS-EXT-STS:power_state': 1,
    });
    expect(server.addresses.private).toHaveLength(1);
    expect((await nova(h, 'other', 'GET', `/v2.1/servers/${id}`)).status).toBe(404);

    const consoleOutput = await nova(h, 'user', 'POST', `/v2.1/servers/${id}/action`, {
      'os-getConsoleOutput': { length: 10 },
    });
    expect(consoleOutput.status).toBe(200);
    expect(typeof consoleOutput.body.output).toBe('string');
    expect((await nova(h, 'user', 'POST', `/v2.1/servers/${id}/action`, { 'os-stop': null })).status).toBe(
      202,
    );
    expect((await settled(id)).status).toBe('SHUTOFF');
    expect((await nova(h, 'user', 'POST', `/v2.1/servers/${id}/action`, { pause: null })).status).toBe(409);
    await nova(h, 'user', 'POST', `/v2.1/servers/${id}/action`, { 'os-start': null });
    expect((await settled(id)).status).toBe('ACTIVE');
    await nova(h, 'user', 'POST', `/v2.1/servers/${id}/action`, { reboot: { type: 'HARD' } });
    server = await settled(id);
    expect(server.status).toBe('ACTIVE');
    await nova(h, 'user', 'POST', `/v2.1/servers/${id}/action`, { lock: { locked_reason: 'keep' } });
    expect((await nova(h, 'user', 'DELETE', `/v2.1/servers/${id}`)).status).toBe(409);
    await nova(h, 'user', 'POST', `/v2.1/servers/${id}/action`, { unlock: null });

    const actions = await nova(h, 'user', 'GET', `/v2.1/servers/${id}/os-instance-actions`);
    expect(actions.body.instanceActions.map((a: Json) => a.action)).toContain('create');
    expect((await nova(h, 'user', 'DELETE', `/v2.1/servers/${id}`)).status).toBe(204);
    await h.module.worker.idle();
    expect((await nova(h, 'user', 'GET', `/v2.1/servers/${id}`)).status).toBe(404);
    expect(h.ports.live.size).toBe(0);
    expect(await h.driver.list()).toHaveLength(0);
  });

  it('marks a failed boot ERROR with a fault and undoes its steps', async () => {
    const f = await flavor();
    h.faulty.failNext('spawn', new DriverError('HypervisorError', 'no room on the host'));
    const created = await nova(h, 'user', 'POST', '/v2.1/servers', {
      server: { name: 'vm2', imageRef: IMAGE_ID, flavorRef: f.id, networks: 'auto' },
    });
    const server = await settled(created.body.server.id);
    expect(server.status).toBe('ERROR');
    expect(server.fault.message).toContain('no room');
    expect(h.ports.live.size).toBe(0);
  });

  it('enforces the instance quota and reports limits', async () => {
    const f = await flavor('big', { vcpus: 16 });
    const body = { server: { name: 'vm', imageRef: IMAGE_ID, flavorRef: f.id, networks: 'none' } };
    expect((await nova(h, 'user', 'POST', '/v2.1/servers', body)).status).toBe(202);
    expect((await nova(h, 'user', 'POST', '/v2.1/servers', body)).status).toBe(403);
    await h.module.worker.idle();
    const limits = await nova(h, 'user', 'GET', '/v2.1/limits');
    expect(limits.body.limits.absolute).toMatchObject({
      maxTotalCores: 20,
      totalCoresUsed: 16,
      totalInstancesUsed: 1,
    });
  });
});

describe('server metadata and zones', () => {
  it('merges, replaces, sets and deletes items', async () => {
    const f = await flavor();
    const created = await nova(h, 'user', 'POST', '/v2.1/servers', {
      server: { name: 'vm', imageRef: IMAGE_ID, flavorRef: f.id, networks: 'none', metadata: { a: '1' } },
    });
    const id = (await settled(created.body.server.id)).id as string;
    const merged = await nova(h, 'user', 'POST', `/v2.1/servers/${id}/metadata`, { metadata: { b: '2' } });
    expect(merged.body.metadata).toEqual({ a: '1', b: '2' });
    await nova(h, 'user', 'PUT', `/v2.1/servers/${id}/metadata/c`, { meta: { c: '3' } });
    expect((await nova(h, 'user', 'GET', `/v2.1/servers/${id}/metadata/c`)).body).toEqual({
      meta: { c: '3' },
    });
    expect((await nova(h, 'user', 'DELETE', `/v2.1/servers/${id}/metadata/a`)).status).toBe(204);
    const replaced = await nova(h, 'user', 'PUT', `/v2.1/servers/${id}/metadata`, { metadata: { z: '9' } });
    expect(replaced.body.metadata).toEqual({ z: '9' });
    expect((await nova(h, 'other', 'GET', `/v2.1/servers/${id}/metadata`)).status).toBe(404);
  });

  it('lists the availability zone', async () => {
    const zones = await nova(h, 'user', 'GET', '/v2.1/os-availability-zone');
    expect(zones.body.availabilityZoneInfo).toEqual([
      { zoneName: 'nova', zoneState: { available: true }, hosts: null },
    ]);
  });
});
