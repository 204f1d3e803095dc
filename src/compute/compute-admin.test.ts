// Hosts, scheduling, admin views, quotas, tags, multi-create and list filters over HTTP, with the fake
// driver and registered fake hosts (compute-admin-test-support.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, startComputeAdmin, type AdminHarness } from './compute-admin-test-support.js';
import { IMAGE_ID, type Json } from './compute-test-support.js';

let h: AdminHarness;
beforeEach(async () => {
  h = await startComputeAdmin();
});
afterEach(async () => {
  await h.close();
});

async function flavor(name = 'm1.small', vcpus = 1, ram = 512) {
  const res = await call(h, 'admin', 'POST', '/v2.1/flavors', { flavor: { name, vcpus, ram, disk: 1 } });
  expect(res.status).toBe(200);
  return res.body.flavor.id as string;
}

async function boot(
  flavorRef: string,
  extra: Record<string, unknown> = {},
  token = 'user',
  version?: string,
) {
  return call(
    h,
    token,
    'POST',
    '/v2.1/servers',
    { server: { name: 'vm', imageRef: IMAGE_ID, flavorRef, networks: 'none', ...extra } },
    version,
  );
}

async function settled(id: string, token = 'user') {
  await h.worker.idle();
  return (await call(h, token, 'GET', `/v2.1/servers/${id}`)).body.server;
}

describe('scheduling', () => {
  it('fails with NoValidHost when no host fits, and a disabled host gets nothing', async () => {
    await h.addHost('h1');
    const f = await flavor();
    const services = (await call(h, 'admin', 'GET', '/v2.1/os-services?binary=nova-compute')).body.services;
    expect(services).toHaveLength(1);
    const disabled = await call(h, 'admin', 'PUT', `/v2.1/os-services/${services[0].id}`, {
      status: 'disabled',
      disabled_reason: 'maintenance',
    });
    expect(disabled.body.service).toMatchObject({ status: 'disabled', disabled_reason: 'maintenance' });

    const refused = await settled((await boot(f)).body.server.id);
    expect(refused.status).toBe('ERROR');
    expect(refused.fault).toMatchObject({
      code: 500,
      message: 'No valid host was found. There are not enough hosts available.',
    });
    expect(refused['OS-EXT-SRV-ATTR:host']).toBeUndefined();

    await call(h, 'admin', 'PUT', `/v2.1/os-services/${services[0].id}`, { status: 'enabled' });
    const placed = await settled((await boot(f)).body.server.id, 'admin');
    expect(placed).toMatchObject({ status: 'ACTIVE', 'OS-EXT-SRV-ATTR:host': 'h1' });
  });

  it('places on the host with most free RAM and fails once every host is full', async () => {
    await h.addHost('small', { memoryMiB: 1536 });
    await h.addHost('big', { memoryMiB: 8192 });
    const f = await flavor('m1.big', 1, 1024);
    const first = await settled((await boot(f)).body.server.id, 'admin');
    expect(first['OS-EXT-SRV-ATTR:host']).toBe('big');
    // RAM left after the 512 MiB reservation: 7 GiB on "big", 1 GiB on "small". Of ten servers, seven
    // land on big (most free RAM first), one on small, and two find no host.
    const more = await boot(f, { min_count: 1, max_count: 9 }, 'admin');
    expect(more.status).toBe(202);
    await h.worker.idle();
    const list = (await call(h, 'admin', 'GET', '/v2.1/servers/detail?all_tenants=1')).body.servers;
    const hosts = list.map((s: Json) => s['OS-EXT-SRV-ATTR:host']);
    expect(hosts.filter((x: string) => x === 'big')).toHaveLength(7);
    expect(hosts.filter((x: string) => x === 'small')).toHaveLength(1);
    expect(list.filter((s: Json) => s.status === 'ERROR')).toHaveLength(2);
  });
});

describe('os-hypervisors and os-services', () => {
  it('shows capacity and usage by microversion, to admins only', async () => {
    await h.addHost('h1');
    const f = await flavor('m1.two', 2, 1024);
    await settled((await boot(f)).body.server.id);

    const list = await call(h, 'admin', 'GET', '/v2.1/os-hypervisors');
    expect(list.body.hypervisors).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        hypervisor_hostname: 'h1',
        state: 'up',
        status: 'enabled',
      },
    ]);
    const id = list.body.hypervisors[0].id as string;
    const shown = await call(h, 'admin', 'GET', `/v2.1/os-hypervisors/${id}?with_servers=true`);
    expect(shown.body.hypervisor).toMatchObject({
      vcpus: 2,
      vcpus_used: 2,
      memory_mb: 4096,
      memory_mb_used: 1024 + 512,
      free_ram_mb: 4096 - 1536,
      local_gb: 20,
      local_gb_used: 1,
      running_vms: 1,
      hypervisor_type: 'QEMU',
      host_ip: '192.0.2.10',
      service: { host: 'h1', disabled_reason: null },
      cpu_info: { topology: { cores: 2, threads: 1, sockets: 1 } },
    });
    expect(shown.body.hypervisor.servers).toHaveLength(1);
    const old = await call(h, 'admin', 'GET', '/v2.1/os-hypervisors/detail', undefined, '2.1');
    expect(old.body.hypervisors[0]).toMatchObject({ id: 1, service: { id: 3 } });
    expect(typeof old.body.hypervisors[0].cpu_info).toBe('string');
    expect((await call(h, 'admin', 'GET', '/v2.1/os-hypervisors/1', undefined, '2.1')).status).toBe(200);
    const stats = await call(h, 'admin', 'GET', '/v2.1/os-hypervisors/statistics');
    expect(stats.body.hypervisor_statistics).toMatchObject({ count: 1, vcpus_used: 2, running_vms: 1 });

    const denied = await call(h, 'user', 'GET', '/v2.1/os-hypervisors');
    expect(denied.status).toBe(403);
    expect(denied.body.forbidden.code).toBe(403);
    expect((await call(h, 'user', 'GET', '/v2.1/os-services')).status).toBe(403);
    expect((await call(h, 'admin', 'GET', `/v2.1/os-hypervisors/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it('lists services and updates only nova-compute, in both API forms', async () => {
    await h.addHost('h1');
    const services = (await call(h, 'admin', 'GET', '/v2.1/os-services')).body.services as Json[];
    expect(services.map((s) => s.binary).sort()).toEqual([
      'nova-compute',
      'nova-conductor',
      'nova-scheduler',
    ]);
    const compute = services.find((s) => s.binary === 'nova-compute');
    expect(compute).toMatchObject({
      host: 'h1',
      zone: 'nova',
      state: 'up',
      status: 'enabled',
      forced_down: false,
    });
    const scheduler = services.find((s) => s.binary === 'nova-scheduler');
    expect(
      (await call(h, 'admin', 'PUT', `/v2.1/os-services/${scheduler.id}`, { status: 'disabled' })).status,
    ).toBe(400);
    const reasonOnly = await call(h, 'admin', 'PUT', `/v2.1/os-services/${compute.id}`, {
      status: 'enabled',
      disabled_reason: 'x',
    });
    expect(reasonOnly.status).toBe(400);
    const legacy = await call(
      h,
      'admin',
      'PUT',
      '/v2.1/os-services/disable-log-reason',
      { host: 'h1', binary: 'nova-compute', disabled_reason: 'old style' },
      '2.1',
    );
    expect(legacy.body.service).toEqual({
      host: 'h1',
      binary: 'nova-compute',
      status: 'disabled',
      disabled_reason: 'old style',
    });
    const hv = (await call(h, 'admin', 'GET', '/v2.1/os-hypervisors')).body.hypervisors[0];
    expect(hv.status).toBe('disabled');
    expect(
      (await call(h, 'user', 'PUT', `/v2.1/os-services/${compute.id}`, { status: 'enabled' })).status,
    ).toBe(403);

    await h.addHost('h2', { availabilityZone: 'az2' });
    const zones = (await call(h, 'user', 'GET', '/v2.1/os-availability-zone')).body.availabilityZoneInfo;
    expect(zones).toEqual([
      { zoneName: 'az2', zoneState: { available: true }, hosts: null },
      { zoneName: 'nova', zoneState: { available: false }, hosts: null },
    ]);
    const detail = (await call(h, 'admin', 'GET', '/v2.1/os-availability-zone/detail')).body
      .availabilityZoneInfo;
    expect(
      detail.find((z: Json) => z.zoneName === 'internal').hosts['api-1']['nova-scheduler'],
    ).toMatchObject({
      available: true,
      active: true,
    });
    expect(detail.find((z: Json) => z.zoneName === 'nova').hosts.h1['nova-compute'].active).toBe(false);
    const f = await flavor();
    expect((await boot(f, { availability_zone: 'nova' })).status).toBe(400);
    const placed = await settled((await boot(f, { availability_zone: 'az2' })).body.server.id, 'admin');
    expect(placed).toMatchObject({ status: 'ACTIVE', 'OS-EXT-SRV-ATTR:host': 'h2' });
    // No zone asked: any host will do, and the server takes the zone of the one it lands on.
    const anywhere = await settled((await boot(f)).body.server.id, 'admin');
    expect(anywhere).toMatchObject({ 'OS-EXT-SRV-ATTR:host': 'h2', 'OS-EXT-AZ:availability_zone': 'az2' });
  });
});

describe('os-quota-sets', () => {
  it('lets admins set per-project limits that the create path enforces', async () => {
    await h.addHost('h1', { vcpus: 8 });
    const f = await flavor();
    expect(
      (await call(h, 'user', 'PUT', '/v2.1/os-quota-sets/p-user', { quota_set: { instances: 1 } })).status,
    ).toBe(403);
    const put = await call(h, 'admin', 'PUT', '/v2.1/os-quota-sets/p-user', { quota_set: { instances: 1 } });
    expect(put.status).toBe(200);
    expect(put.body.quota_set).toMatchObject({ instances: 1, cores: 20, ram: 51200 });
    expect(put.body.quota_set.id).toBeUndefined();
    expect((await call(h, 'user', 'GET', '/v2.1/os-quota-sets/p-user')).body.quota_set).toMatchObject({
      id: 'p-user',
      instances: 1,
    });
    expect((await call(h, 'other', 'GET', '/v2.1/os-quota-sets/p-user')).status).toBe(403);

    expect((await boot(f)).status).toBe(202);
    const over = await boot(f);
    expect(over.status).toBe(403);
    expect(over.body.forbidden.message).toBe(
      'Quota exceeded for instances: Requested 1, but already used 1 of 1 instances',
    );
    const detail = await call(h, 'user', 'GET', '/v2.1/os-quota-sets/p-user/detail');
    expect(detail.body.quota_set.instances).toEqual({ limit: 1, in_use: 1, reserved: 0 });
    expect(detail.body.quota_set.cores).toEqual({ limit: 20, in_use: 1, reserved: 0 });
    const limits = await call(h, 'user', 'GET', '/v2.1/limits');
    expect(limits.body.limits.absolute).toMatchObject({ maxTotalInstances: 1, totalInstancesUsed: 1 });

    await call(h, 'admin', 'PUT', '/v2.1/os-quota-sets/p-user', { quota_set: { instances: 5 } });
    const below = await call(h, 'admin', 'PUT', '/v2.1/os-quota-sets/p-user', { quota_set: { cores: 0 } });
    expect(below.status).toBe(400);
    expect(below.body.badRequest.message).toMatch(/Quota limit 0 for cores must be greater than or equal/);
    const forced = await call(h, 'admin', 'PUT', '/v2.1/os-quota-sets/p-user', {
      quota_set: { cores: 2, force: true },
    });
    expect(forced.body.quota_set.cores).toBe(2);
    const cores = await boot(f, { min_count: 2 });
    expect(cores.body.forbidden.message).toBe(
      'Quota exceeded for cores: Requested 2, but already used 1 of 2 cores',
    );
    expect(
      (await call(h, 'admin', 'PUT', '/v2.1/os-quota-sets/p-user', { quota_set: { bogus: 1 } })).status,
    ).toBe(400);
    expect((await call(h, 'admin', 'DELETE', '/v2.1/os-quota-sets/p-user')).status).toBe(202);
    expect((await call(h, 'user', 'GET', '/v2.1/os-quota-sets/p-user')).body.quota_set.instances).toBe(10);
  });
});

describe('multi-create and tags', () => {
  it('boots max_count servers named name-N with one reservation id', async () => {
    await h.addHost('h1');
    const f = await flavor();
    const made = await boot(f, { name: 'web', min_count: 2, max_count: 3, return_reservation_id: true });
    expect(made.status).toBe(202);
    const reservation = made.body.reservation_id as string;
    expect(reservation).toMatch(/^r-[0-9a-z]{8}$/);
    await h.worker.idle();
    const list = (
      await call(h, 'admin', 'GET', '/v2.1/servers/detail?all_tenants=1&sort_key=display_name&sort_dir=asc')
    ).body.servers as Json[];
    expect(list.map((s) => s.name)).toEqual(['web-1', 'web-2', 'web-3']);
    expect(list.map((s) => s['OS-EXT-SRV-ATTR:reservation_id'])).toEqual([
      reservation,
      reservation,
      reservation,
    ]);
    expect(list.map((s) => s['OS-EXT-SRV-ATTR:launch_index'])).toEqual([0, 1, 2]);
    expect(list.every((s) => s.status === 'ACTIVE')).toBe(true);
    // Quota: 10 instances; 3 used, so max 9 gives 7, and min 8 is refused.
    expect((await boot(f, { min_count: 8, max_count: 9 })).status).toBe(403);
    expect((await boot(f, { min_count: 2, max_count: 9 })).status).toBe(202);
    await h.worker.idle();
    expect((await call(h, 'user', 'GET', '/v2.1/servers')).body.servers).toHaveLength(10);
    expect((await boot(f, { min_count: 3, max_count: 2 })).status).toBe(400);
  });

  it('sets tags at create, edits them, and filters lists by them', async () => {
    await h.addHost('h1');
    const f = await flavor();
    const a = (await boot(f, { name: 'a', tags: ['blue', 'prod'] })).body.server.id as string;
    const b = (await boot(f, { name: 'b', tags: ['red'] })).body.server.id as string;
    expect((await boot(f, { tags: ['x'] }, 'user', '2.51')).status).toBe(400);
    expect((await boot(f, { tags: ['a/b'] })).status).toBe(400);
    expect((await settled(a)).tags).toEqual(['blue', 'prod']);
    await settled(b);

    expect((await call(h, 'user', 'GET', `/v2.1/servers/${a}/tags`)).body.tags).toEqual(['blue', 'prod']);
    const added = await call(h, 'user', 'PUT', `/v2.1/servers/${b}/tags/green`);
    expect(added.status).toBe(201);
    expect(added.headers.get('location')).toMatch(new RegExp(`/v2.1/servers/${b}/tags/green$`));
    expect((await call(h, 'user', 'PUT', `/v2.1/servers/${b}/tags/green`)).status).toBe(204);
    expect((await call(h, 'user', 'GET', `/v2.1/servers/${b}/tags/green`)).status).toBe(204);
    expect((await call(h, 'user', 'GET', `/v2.1/servers/${b}/tags/nope`)).status).toBe(404);
    expect((await call(h, 'user', 'DELETE', `/v2.1/servers/${b}/tags/red`)).status).toBe(204);
    expect((await call(h, 'user', 'DELETE', `/v2.1/servers/${b}/tags/red`)).status).toBe(404);
    const replaced = await call(h, 'user', 'PUT', `/v2.1/servers/${b}/tags`, { tags: ['green', 'prod'] });
    expect(replaced.body.tags).toEqual(['green', 'prod']);
    expect((await call(h, 'other', 'GET', `/v2.1/servers/${b}/tags`)).status).toBe(404);
    expect((await call(h, 'user', 'GET', `/v2.1/servers/${b}/tags`, undefined, '2.25')).status).toBe(404);
    const tooMany = Array.from({ length: 51 }, (_, i) => `t${i}`);
    expect((await call(h, 'user', 'PUT', `/v2.1/servers/${b}/tags`, { tags: tooMany })).status).toBe(400);

    const names = async (query: string) =>
      ((await call(h, 'user', 'GET', `/v2.1/servers?${query}`)).body.servers as Json[])
        .map((s) => s.name)
        .sort();
    expect(await names('tags=prod')).toEqual(['a', 'b']);
    expect(await names('tags=prod,blue')).toEqual(['a']);
    expect(await names('tags-any=blue,green')).toEqual(['a', 'b']);
    expect(await names('not-tags=prod,blue')).toEqual(['b']);
    expect(await names('not-tags-any=green')).toEqual(['a']);
    expect((await call(h, 'user', 'DELETE', `/v2.1/servers/${b}/tags`)).status).toBe(204);
    expect((await settled(b)).tags).toEqual([]);
  });
});

describe('server list filters and paging', () => {
  it('filters by name regex, flavor and changes-since, sorts, and pages with next links', async () => {
    await h.addHost('h1');
    const small = await flavor();
    const other = await flavor('m1.other');
    for (const name of ['alpha', 'beta', 'gamma', 'alphabet']) await boot(small, { name });
    await boot(other, { name: 'delta' });
    await h.worker.idle();
    const names = async (query: string, token = 'user') =>
      ((await call(h, token, 'GET', `/v2.1/servers?${query}`)).body.servers as Json[]).map((s) => s.name);
    expect((await names('name=^alpha')).sort()).toEqual(['alpha', 'alphabet']);
    expect((await names('name=ta$')).sort()).toEqual(['beta', 'delta']);
    expect(await names(`flavor=${other}`)).toEqual(['delta']);
    expect(await names('sort_key=display_name&sort_dir=desc')).toEqual([
      'gamma',
      'delta',
      'beta',
      'alphabet',
      'alpha',
    ]);
    expect((await call(h, 'user', 'GET', '/v2.1/servers?name=(a%2B)%2B$')).status).toBe(400);
    expect((await call(h, 'user', 'GET', '/v2.1/servers?name=[')).status).toBe(400);
    expect((await call(h, 'user', 'GET', '/v2.1/servers?sort_key=bogus')).status).toBe(400);
    expect((await call(h, 'user', 'GET', '/v2.1/servers?changes-since=yesterday')).status).toBe(400);
    expect(await names('changes-since=2999-01-01T00:00:00Z')).toEqual([]);
    expect((await names('changes-since=2000-01-01T00:00:00Z')).length).toBe(5);

    const seen: string[] = [];
    let path = '/v2.1/servers?sort_key=display_name&sort_dir=asc&limit=2';
    for (let page = 0; page < 5; page++) {
      const res = await call(h, 'user', 'GET', path);
      seen.push(...(res.body.servers as Json[]).map((s) => s.name as string));
      const next = res.body.servers_links?.[0]?.href as string | undefined;
      if (!next) break;
      expect(next).toContain('sort_key=display_name');
      path = next.slice(next.indexOf('/v2.1/'));
    }
    expect(seen).toEqual(['alpha', 'alphabet', 'beta', 'delta', 'gamma']);

    // Paging with a regex filter still honours limit and marker.
    const first = await call(
      h,
      'user',
      'GET',
      '/v2.1/servers?name=a$&sort_key=display_name&sort_dir=asc&limit=2',
    );
    expect((first.body.servers as Json[]).map((s) => s.name)).toEqual(['alpha', 'beta']);
    const marker = first.body.servers[1].id as string;
    expect(await names(`name=a$&sort_key=display_name&sort_dir=asc&limit=2&marker=${marker}`)).toEqual([
      'delta',
      'gamma',
    ]);
  });
});
