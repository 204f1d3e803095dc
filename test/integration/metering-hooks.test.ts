// The services' usage hooks through the real app (fake compute driver) with a clock the test moves by
// hand: the usage records the stores write with each state change, priced by rate(), bill exactly the
// time a server was ACTIVE, stopped time by the configured rule, a resize per flavor, and volumes and
// snapshots per GB-month of their type; the os-simple-tenant-usage view reflects the same servers.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/common/clock.js';
import type { PriceList } from '../../src/metering/price-list.js';
import { rate } from '../../src/metering/rating.js';
import { recordsOfResources } from '../../src/metering/usage-store.js';
import type { MeteringExecutor } from '../../src/metering/metering-tables.js';
import type { UsageRecord } from '../../src/metering/model.js';
import { issueToken, passwordAuth, startTestApp, type TestApp } from '../support/app.js';
import { tenant } from './network-helpers.js';

const MINUTE = 60_000;
let now = Date.parse('2026-11-02T08:00:00.000Z');
const clock: Clock = { now: () => new Date(now) };
/** Moves the clock, and the compute host's heartbeat with it (else the scheduler finds it down). */
async function advance(minutes: number) {
  now += minutes * MINUTE;
  await t.db
    .updateTable('compute_hosts' as never)
    .set({ heartbeat_at: clock.now().toISOString() } as never)
    .execute();
}

let t: TestApp;
let user: { token: string; projectId: string };
let imageRef: string;
let small: string;
let large: string;

async function call(token: string, method: string, path: string, body?: unknown, raw?: Buffer) {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: {
      'x-auth-token': token,
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

/** Polls the server until `done` holds (the worker runs on its own timer, the clock stands still). */
async function until(id: string, done: (server: Record<string, any> | undefined) => boolean) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const res = await call(user.token, 'GET', `/compute/v2.1/servers/${id}`);
    const server = res.status === 404 ? undefined : res.body.server;
    if (done(server)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`server ${id} did not settle`);
}

async function boot(name: string, flavorRef: string): Promise<string> {
  const created = await call(user.token, 'POST', '/compute/v2.1/servers', {
    server: { name, imageRef, flavorRef, networks: 'none' },
  });
  expect(created.status).toBe(202);
  const id = created.body.server.id as string;
  await until(id, (s) => s?.status === 'ACTIVE' && s['OS-EXT-STS:task_state'] === null);
  return id;
}

async function act(id: string, action: Record<string, unknown>, status: string) {
  const res = await call(user.token, 'POST', `/compute/v2.1/servers/${id}/action`, action);
  expect(res.status).toBeLessThan(300);
  await until(id, (s) => s?.status === status && s['OS-EXT-STS:task_state'] === null);
}

async function remove(id: string) {
  expect((await call(user.token, 'DELETE', `/compute/v2.1/servers/${id}`)).status).toBe(204);
  await until(id, (s) => s === undefined);
}

async function recordsOf(id: string, resourceType = 'server'): Promise<UsageRecord[]> {
  const db = t.db as unknown as MeteringExecutor;
  return recordsOfResources(db, resourceType, [id]);
}

function priceList(rules: PriceList['rules']): PriceList {
  return {
    id: 'pl',
    name: 'test',
    region: 'RegionOne',
    currency: 'EUR',
    validFrom: '2026-01-01T00:00:00.000Z',
    validUntil: null,
    rules,
  };
}

const period = { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' };

beforeAll(async () => {
  t = await startTestApp({ clock, identity: { tokenLifetimeSeconds: 7 * 24 * 3600 } });
  user = await tenant(t, 'metering-compute');
  const dir = await mkdtemp(join(tmpdir(), 'nuage-metering-it-'));
  try {
    const qcow2 = join(dir, 'base.qcow2');
    await promisify(execFile)('qemu-img', ['create', '-q', '-f', 'qcow2', qcow2, '64M']);
    const image = await call(user.token, 'POST', '/image/v2/images', {
      name: 'base',
      disk_format: 'qcow2',
      container_format: 'bare',
    });
    imageRef = image.body.id as string;
    await call(user.token, 'PUT', `/image/v2/images/${imageRef}/file`, undefined, await readFile(qcow2));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const flavor = async (name: string, vcpus: number, ram: number) =>
    (await call(t.adminToken, 'POST', '/compute/v2.1/flavors', { flavor: { name, vcpus, ram, disk: 1 } }))
      .body.flavor.id as string;
  small = await flavor('mt.small', 1, 128);
  large = await flavor('mt.large', 2, 256);
});
afterAll(async () => t?.close());

describe('compute usage hooks', () => {
  it('bills a server ACTIVE 90 minutes then deleted exactly 1.5 h of its flavor', async () => {
    const id = await boot('ninety', small);
    const started = clock.now().toISOString();
    await advance(90);
    await remove(id);
    const records = await recordsOf(id);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      projectId: user.projectId,
      meter: `server:flavor:${small}:running`,
      startedAt: started,
      endedAt: clock.now().toISOString(),
      attributes: { name: 'ninety', flavorName: 'mt.small', vcpus: 1, memoryMb: 128, localGb: 1 },
    });
    const rating = rate(records, [priceList({ flavors: { [small]: '0.10' } })], period, 'EUR');
    expect(rating.lines[0]).toMatchObject({ quantity: '1.5', amount: '0.15' });
    expect(rating.total).toBe('0.15');
  });

  it('bills stopped time by the configured state rule', async () => {
    const id = await boot('stops', small);
    await advance(60);
    await act(id, { 'os-stop': null }, 'SHUTOFF');
    await advance(30);
    await act(id, { 'os-start': null }, 'ACTIVE');
    await advance(30);
    await remove(id);
    const records = await recordsOf(id);
    expect(records.map((r) => r.meter.split(':').at(-1))).toEqual(['running', 'stopped', 'running']);
    // No gap, no overlap: each record starts where the previous ended.
    for (let i = 1; i < records.length; i++) expect(records[i]?.startedAt).toBe(records[i - 1]?.endedAt);
    const free = rate(records, [priceList({ flavors: { [small]: '1.00' } })], period, 'EUR');
    expect(free.total).toBe('1.50');
    const half = rate(
      records,
      [priceList({ flavors: { [small]: '1.00' }, serverStates: { stopped: '0.5' } })],
      period,
      'EUR',
    );
    expect(half.total).toBe('1.75');
  });

  it('bills a resize at minute 30 as 30 minutes of each flavor', async () => {
    const id = await boot('grows', small);
    await advance(30);
    await act(id, { resize: { flavorRef: large } }, 'VERIFY_RESIZE');
    await act(id, { confirmResize: null }, 'ACTIVE');
    await advance(30);
    await remove(id);
    const records = await recordsOf(id);
    expect(records.map((r) => r.meter)).toEqual([
      `server:flavor:${small}:running`,
      `server:flavor:${large}:running`,
    ]);
    const rating = rate(
      records,
      [priceList({ flavors: { [small]: '0.10', [large]: '0.40' } })],
      period,
      'EUR',
    );
    expect(rating.lines.map((l) => [l.priceKey, l.quantity, l.amount])).toEqual([
      [`flavor:${small}`, '0.5', '0.05'],
      [`flavor:${large}`, '0.5', '0.20'],
    ]);
  });

  it('keeps one open record while a server lives and shows it in openstack usage', async () => {
    const id = await boot('lives', small);
    await advance(120);
    const records = await recordsOf(id);
    expect(records.filter((r) => r.endedAt === null)).toHaveLength(1);
    const start = new Date(now - 180 * MINUTE).toISOString().slice(0, 19);
    const end = new Date(now).toISOString().slice(0, 19);
    const usage = await call(
      user.token,
      'GET',
      `/compute/v2.1/os-simple-tenant-usage/${user.projectId}?start=${start}&end=${end}`,
    );
    expect(usage.status).toBe(200);
    const mine = usage.body.tenant_usage.server_usages.find((s: any) => s.instance_id === id);
    expect(mine).toMatchObject({
      name: 'lives',
      flavor: 'mt.small',
      state: 'active',
      hours: 2,
      ended_at: null,
    });
    await remove(id);
  });
});

describe('block storage usage hooks', () => {
  async function cinder(method: string, path: string, body?: unknown) {
    // Tokens live 7 days at most: the clock moves further, so each call takes a fresh one.
    const token = await issueToken(t.identityUrl, passwordAuth('admin', t.adminPassword, 'admin'));
    const self = await fetch(`${t.identityUrl}/v3/auth/tokens`, {
      headers: { 'x-auth-token': token, 'x-subject-token': token },
    });
    const projectId = ((await self.json()) as any).token.project.id as string;
    const res = await fetch(`${t.url}/volume/v3/${projectId}${path}`, {
      method,
      headers: {
        'x-auth-token': token,
        'openstack-api-version': 'volume 3.71',
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    await t.volume.worker.idle();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
  }

  it('bills a 10 GB volume kept 15 days as 10 × 15/30 GB-months of its type, its snapshot alike', async () => {
    const type = await cinder('POST', '/types', { volume_type: { name: 'gold' } });
    expect(type.status).toBe(200);
    const created = await cinder('POST', '/volumes', {
      volume: { size: 10, volume_type: 'gold', name: 'data' },
    });
    expect(created.status).toBe(202);
    const id = created.body.volume.id as string;
    expect((await cinder('GET', `/volumes/${id}`)).body.volume.status).toBe('available');
    const snap = await cinder('POST', '/snapshots', { snapshot: { volume_id: id, name: 's' } });
    const snapId = snap.body.snapshot.id as string;
    const opened = clock.now().toISOString();
    await advance(15 * 24 * 60);
    expect((await cinder('DELETE', `/snapshots/${snapId}`)).status).toBe(202);
    expect((await cinder('DELETE', `/volumes/${id}`)).status).toBe(202);
    expect((await cinder('GET', `/volumes/${id}`)).status).toBe(404);
    const records = [...(await recordsOf(id, 'volume')), ...(await recordsOf(snapId, 'snapshot'))];
    expect(records.map((r) => [r.meter, r.quantity, r.startedAt, r.endedAt])).toEqual([
      ['volume:gb:gold', '10', opened, clock.now().toISOString()],
      ['snapshot:gb:gold', '10', opened, clock.now().toISOString()],
    ]);
    const rules = { volumeGbMonth: { gold: '0.10', '*': '9' }, snapshotGbMonth: { '*': '0.05' } };
    const rating = rate(records, [priceList(rules)], period, 'EUR');
    // Both start at the same instant: the rating orders them by record id, so sort to compare.
    expect(rating.lines.map((l) => [l.priceKey, l.quantity, l.amount]).sort()).toEqual([
      ['snapshot:gold', '5', '0.25'],
      ['volume:gold', '5', '0.50'],
    ]);
    expect(rating.total).toBe('0.75');
  });

  it('splits a volume record at an extend', async () => {
    const created = await cinder('POST', '/volumes', { volume: { size: 1, name: 'grows' } });
    const id = created.body.volume.id as string;
    await advance(60);
    expect((await cinder('POST', `/volumes/${id}/action`, { 'os-extend': { new_size: 2 } })).status).toBe(
      202,
    );
    await advance(60);
    await cinder('DELETE', `/volumes/${id}`);
    const records = await recordsOf(id, 'volume');
    expect(records.map((r) => r.quantity)).toEqual(['1', '2']);
    expect(records[1]?.startedAt).toBe(records[0]?.endedAt);
    expect(records.every((r) => r.endedAt !== null)).toBe(true);
  });
});

describe('image usage hook', () => {
  it('bills an image per GiB from active until deleted', async () => {
    // The clock moved past the user's token: take a fresh one.
    const auth = passwordAuth('metering-compute-user', 'Passw0rd-secret', 'metering-compute');
    user.token = await issueToken(t.identityUrl, auth);
    const image = await call(user.token, 'POST', '/image/v2/images', {
      name: 'gib',
      disk_format: 'raw',
      container_format: 'bare',
    });
    const id = image.body.id as string;
    const bytes = Buffer.alloc(3 * 1024 * 1024);
    expect((await call(user.token, 'PUT', `/image/v2/images/${id}/file`, undefined, bytes)).status).toBe(204);
    await advance(60);
    expect((await call(user.token, 'DELETE', `/image/v2/images/${id}`)).status).toBe(204);
    const records = await recordsOf(id, 'image');
    expect(records).toHaveLength(1);
    // 3 MiB = 3/1024 GiB, kept one hour.
    expect(records[0]).toMatchObject({
      meter: 'image:gb',
      quantity: '0.0029296875',
      projectId: user.projectId,
    });
    expect(Date.parse(records[0]?.endedAt ?? '') - Date.parse(records[0]?.startedAt ?? '')).toBe(60 * MINUTE);
  });
});

describe('network usage hook', () => {
  it('bills a floating IP and a router by the hour from create to delete', async () => {
    const auth = passwordAuth('metering-compute-user', 'Passw0rd-secret', 'metering-compute');
    user.token = await issueToken(t.identityUrl, auth);
    const pub = (await call(user.token, 'GET', '/network/v2.0/networks?router:external=true')).body
      .networks[0];
    const fip = await call(user.token, 'POST', '/network/v2.0/floatingips', {
      floatingip: { floating_network_id: pub.id },
    });
    expect(fip.status).toBe(201);
    const router = await call(user.token, 'POST', '/network/v2.0/routers', { router: { name: 'r' } });
    expect(router.status).toBe(201);
    const fipId = fip.body.floatingip.id as string;
    const routerId = router.body.router.id as string;
    await advance(60);
    expect((await call(user.token, 'DELETE', `/network/v2.0/floatingips/${fipId}`)).status).toBe(204);
    expect((await call(user.token, 'DELETE', `/network/v2.0/routers/${routerId}`)).status).toBe(204);
    const records = [...(await recordsOf(fipId, 'floating-ip')), ...(await recordsOf(routerId, 'router'))];
    expect(records.map((r) => r.meter)).toEqual(['floating-ip:allocated', 'router:allocated']);
    const rules = { floatingIpHour: '0.005', routerHour: '0.02' };
    expect(rate(records, [priceList(rules)], period, 'EUR').total).toBe('0.03');
  });
});
