// One lock per guest across the compute and volume workers (compute/guest-lock.ts): a power action and a
// hot-plug or online extend on the same server, started together through the API, run one after the
// other. The fake driver refuses overlapping operations on one guest (InvalidState "busy"), and its
// delays here are long enough that, without the shared lock, the two calls would overlap: one of them
// would fail (the action recorded as Error, or the volume left error_attaching / error_extending).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDriver } from '../../src/compute/driver/fake/fake-driver.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { tenant } from './network-helpers.js';

const run = promisify(execFile);
let t: TestApp;
let user: { token: string; projectId: string };
let imageId: string;
let flavorId: string;
// Each guest operation takes 300 ms: an attach or extend started right after a power action (or the
// other way round) lands inside it unless something makes it wait.
const driver = new FakeDriver({
  delays: { spawnMs: 20, stopMs: 300, startMs: 300, rebootMs: 300, volumeMs: 300 },
});

type Json = any;

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: {
      'x-auth-token': user.token,
      'openstack-api-version': 'compute 2.79, volume 3.71',
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}

async function until(path: string, done: (body: Json) => boolean): Promise<Json> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const res = await call('GET', path);
    if (done(res.body)) return res.body;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${path} did not settle`);
}

const serverPath = (id: string) => `/compute/v2.1/servers/${id}`;
const volumePath = (id = '') => `/volume/v3/${user.projectId}/volumes${id ? `/${id}` : ''}`;
const settledVolume = async (id: string) =>
  (await until(volumePath(id), (b) => !b.volume.status.endsWith('ing'))).volume;
const settledServer = async (id: string) =>
  (await until(serverPath(id), (b) => b.server['OS-EXT-STS:task_state'] === null)).server;

async function lastAction(serverId: string): Promise<Json> {
  const res = await call('GET', `${serverPath(serverId)}/os-instance-actions`);
  const requestId = res.body.instanceActions[0].request_id as string;
  return (await call('GET', `${serverPath(serverId)}/os-instance-actions/${requestId}`)).body.instanceAction;
}

beforeAll(async () => {
  t = await startTestApp({ computeDriver: driver });
  user = await tenant(t, 'guest-lock-user');
  const dir = await mkdtemp(join(tmpdir(), 'nuage-guest-lock-'));
  try {
    const qcow2 = join(dir, 'base.qcow2');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', qcow2, '64M']);
    const image = await call('POST', '/image/v2/images', {
      name: 'guest-lock-base',
      disk_format: 'qcow2',
      container_format: 'bare',
    });
    imageId = image.body.id as string;
    const res = await fetch(`${t.url}/image/v2/images/${imageId}/file`, {
      method: 'PUT',
      headers: { 'x-auth-token': user.token, 'content-type': 'application/octet-stream' },
      body: await readFile(qcow2),
    });
    expect(res.status).toBe(204);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const flavor = await fetch(`${t.url}/compute/v2.1/flavors`, {
    method: 'POST',
    headers: { 'x-auth-token': t.adminToken, 'content-type': 'application/json' },
    body: JSON.stringify({ flavor: { name: 'lock.tiny', vcpus: 1, ram: 64, disk: 1 } }),
  });
  flavorId = ((await flavor.json()) as Json).flavor.id as string;
});

afterAll(async () => {
  await t?.close();
});

describe('the per-guest lock', () => {
  it('serialises a power action with a hot-plug and with an online extend on one guest', async () => {
    const created = await call('POST', '/compute/v2.1/servers', {
      server: { name: 'locked', imageRef: imageId, flavorRef: flavorId, networks: 'none' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const serverId = created.body.server.id as string;
    await until(serverPath(serverId), (b) => b.server.status === 'ACTIVE');
    const made = await call('POST', volumePath(), { volume: { size: 1 } });
    const volumeId = made.body.volume.id as string;
    await settledVolume(volumeId);

    // The attach answers before the volume worker plugs; the stop follows at once.
    const attached = await call('POST', `${serverPath(serverId)}/os-volume_attachments`, {
      volumeAttachment: { volumeId },
    });
    expect(attached.status, JSON.stringify(attached.body)).toBe(200);
    const stopped = await call('POST', `${serverPath(serverId)}/action`, { 'os-stop': null });
    expect(stopped.status, JSON.stringify(stopped.body)).toBe(202);
    expect((await settledServer(serverId)).status).toBe('SHUTOFF');
    expect((await lastAction(serverId)).events[0].result).toBe('Success');
    expect((await settledVolume(volumeId)).status).toBe('in-use');
    expect(driver.volumesOf(serverId).map((d) => d.volumeId)).toEqual([volumeId]);

    // A start, then an online extend of the attached volume while the guest boots.
    expect((await call('POST', `${serverPath(serverId)}/action`, { 'os-start': null })).status).toBe(202);
    const extended = await call('POST', `${volumePath(volumeId)}/action`, { 'os-extend': { new_size: 2 } });
    expect(extended.status, JSON.stringify(extended.body)).toBe(202);
    expect((await settledServer(serverId)).status).toBe('ACTIVE');
    expect((await lastAction(serverId)).events[0].result).toBe('Success');
    const after = await settledVolume(volumeId);
    expect(after).toMatchObject({ status: 'in-use', size: 2 });
    expect(driver.volumeSizeOf(volumeId)).toBe(2 * 1024 ** 3);

    // Every lock was given back.
    const held = await t.db.selectFrom('work_leases').select(['kind', 'resource_id']).execute();
    expect(held.filter((l) => l.kind.startsWith('lock:'))).toEqual([]);
  });
});
