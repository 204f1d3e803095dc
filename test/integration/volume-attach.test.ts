// `openstack server add/remove volume` through the real app: Nova's os-volume_attachments over the
// block-storage module (fake compute driver, fake network). Attach makes the volume in-use and shows it
// in the server's volumes_attached; detach, a stopped server, online extend, server delete (volumes back
// to available, or deleted with delete_on_termination) and Nova's errors.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeDriver } from '../../src/compute/driver/fake/fake-driver.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { tenant } from './network-helpers.js';

const run = promisify(execFile);
const GIB = 1024 ** 3;
let t: TestApp;
let user: { token: string; projectId: string };
let other: { token: string; projectId: string };
let imageId: string;
let flavorId: string;

type Json = any;

async function call(token: string, method: string, path: string, body?: unknown, version = '2.79') {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: {
      'x-auth-token': token,
      'openstack-api-version': `compute ${version}, volume 3.71`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}

const driver = () => t.compute.driver as FakeDriver;
const volumePath = (projectId: string, id = '') => `/volume/v3/${projectId}/volumes${id ? `/${id}` : ''}`;

async function until(token: string, path: string, done: (body: Json) => boolean): Promise<Json> {
  for (let attempt = 0; attempt < 200; attempt++) {
    await t.volume.worker.idle();
    const res = await call(token, 'GET', path);
    if (done(res)) return res.body;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${path} did not settle`);
}

async function newServer(who: { token: string }, name: string): Promise<string> {
  const created = await call(who.token, 'POST', '/compute/v2.1/servers', {
    server: { name, imageRef: imageId, flavorRef: flavorId, networks: 'none' },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  const id = created.body.server.id as string;
  await until(who.token, `/compute/v2.1/servers/${id}`, (r) => r.body.server.status === 'ACTIVE');
  return id;
}

async function newVolume(who: { token: string; projectId: string }): Promise<string> {
  const v = await call(who.token, 'POST', volumePath(who.projectId), { volume: { size: 1 } });
  expect(v.status).toBe(202);
  const id = v.body.volume.id as string;
  await until(who.token, volumePath(who.projectId, id), (r) => r.body.volume.status === 'available');
  return id;
}

const volumeStatus = async (id: string) =>
  (await until(user.token, volumePath(user.projectId, id), (r) => !r.body.volume.status.endsWith('ing')))
    .volume;

const attach = (token: string, serverId: string, attachment: Record<string, unknown>, version?: string) =>
  call(
    token,
    'POST',
    `/compute/v2.1/servers/${serverId}/os-volume_attachments`,
    { volumeAttachment: attachment },
    version,
  );

beforeAll(async () => {
  t = await startTestApp();
  user = await tenant(t, 'attach-user');
  other = await tenant(t, 'attach-other');
  const dir = await mkdtemp(join(tmpdir(), 'nuage-attach-it-'));
  try {
    const qcow2 = join(dir, 'base.qcow2');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', qcow2, '64M']);
    const image = await call(t.adminToken, 'POST', '/image/v2/images', {
      name: 'attach-base',
      disk_format: 'qcow2',
      container_format: 'bare',
      visibility: 'public',
    });
    imageId = image.body.id as string;
    const res = await fetch(`${t.url}/image/v2/images/${imageId}/file`, {
      method: 'PUT',
      headers: { 'x-auth-token': t.adminToken, 'content-type': 'application/octet-stream' },
      body: await readFile(qcow2),
    });
    expect(res.status).toBe(204);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const flavor = await call(t.adminToken, 'POST', '/compute/v2.1/flavors', {
    flavor: { name: 'attach.tiny', vcpus: 1, ram: 64, disk: 1 },
  });
  flavorId = flavor.body.flavor.id as string;
});

afterAll(async () => {
  await t?.close();
});

describe('os-volume_attachments', () => {
  it('attaches, shows volumes_attached, extends online, detaches, and re-attaches to a stopped server', async () => {
    const first = await newServer(user, 'attach-1');
    const second = await newServer(user, 'attach-2');
    const volumeId = await newVolume(user);

    const attached = await attach(user.token, first, { volumeId, tag: 'data' });
    expect(attached.status, JSON.stringify(attached.body)).toBe(200);
    expect(attached.body.volumeAttachment).toEqual({
      id: volumeId,
      serverId: first,
      volumeId,
      device: '/dev/vdb',
      tag: 'data',
      delete_on_termination: false,
    });
    const inUse = await volumeStatus(volumeId);
    expect(inUse.status).toBe('in-use');
    expect(inUse.attachments).toMatchObject([{ server_id: first, volume_id: volumeId, device: '/dev/vdb' }]);
    expect(
      driver()
        .volumesOf(first)
        .map((d) => d.volumeId),
    ).toEqual([volumeId]);

    const shown = await call(user.token, 'GET', `/compute/v2.1/servers/${first}`);
    expect(shown.body.server['os-extended-volumes:volumes_attached']).toEqual([
      { id: volumeId, delete_on_termination: false },
    ]);
    const old = await call(user.token, 'GET', `/compute/v2.1/servers/${first}`, undefined, '2.1');
    expect(old.body.server['os-extended-volumes:volumes_attached']).toEqual([{ id: volumeId }]);
    const detail = await call(user.token, 'GET', '/compute/v2.1/servers/detail');
    const listed = detail.body.servers.find((s: Json) => s.id === first);
    expect(listed['os-extended-volumes:volumes_attached']).toEqual([
      { id: volumeId, delete_on_termination: false },
    ]);

    const base = `/compute/v2.1/servers/${first}/os-volume_attachments`;
    const list = await call(user.token, 'GET', base, undefined, '2.60');
    expect(list.body.volumeAttachments).toEqual([
      { id: volumeId, serverId: first, volumeId, device: '/dev/vdb' },
    ]);
    expect((await call(user.token, 'GET', `${base}/${volumeId}`)).body.volumeAttachment.tag).toBe('data');
    const swap = await call(user.token, 'PUT', `${base}/${volumeId}`, { volumeAttachment: { volumeId } });
    expect(swap.status).toBe(501);

    // Online extend (Cinder 3.42) goes through the driver's resizeVolume.
    const extend = await call(user.token, 'POST', `${volumePath(user.projectId, volumeId)}/action`, {
      'os-extend': { new_size: 2 },
    });
    expect(extend.status, JSON.stringify(extend.body)).toBe(202);
    expect(await volumeStatus(volumeId)).toMatchObject({ status: 'in-use', size: 2 });
    expect(driver().volumeSizeOf(volumeId)).toBe(2 * GIB);

    // In use: another server cannot have it (Nova relays Cinder's 400).
    const busy = await attach(user.token, second, { volumeId });
    expect(busy.status).toBe(400);
    expect(busy.body.badRequest.code).toBe(400);

    const detached = await call(user.token, 'DELETE', `${base}/${volumeId}`);
    expect(detached.status).toBe(202);
    expect((await volumeStatus(volumeId)).status).toBe('available');
    expect(driver().volumesOf(first)).toEqual([]);
    const after = await call(user.token, 'GET', `/compute/v2.1/servers/${first}`);
    expect(after.body.server['os-extended-volumes:volumes_attached']).toEqual([]);
    const missing = await call(user.token, 'GET', `${base}/${volumeId}`);
    expect(missing.status).toBe(404);
    expect(missing.body.itemNotFound.message).toBe(`Instance ${first} is not attached to volume ${volumeId}`);

    // A stopped server gets the disk recorded with its guest, plugged at its next start.
    await call(user.token, 'POST', `/compute/v2.1/servers/${second}/action`, { 'os-stop': null });
    await until(user.token, `/compute/v2.1/servers/${second}`, (r) => r.body.server.status === 'SHUTOFF');
    const cold = await attach(user.token, second, { volumeId, device: '/dev/vdc' });
    expect(cold.status, JSON.stringify(cold.body)).toBe(200);
    expect(cold.body.volumeAttachment.device).toBe('/dev/vdc');
    expect((await volumeStatus(volumeId)).status).toBe('in-use');
    await call(user.token, 'POST', `/compute/v2.1/servers/${second}/action`, { 'os-start': null });
    await until(user.token, `/compute/v2.1/servers/${second}`, (r) => r.body.server.status === 'ACTIVE');
    expect(
      driver()
        .volumesOf(second)
        .map((d) => d.volumeId),
    ).toEqual([volumeId]);

    // Deleting the server releases the volume.
    expect((await call(user.token, 'DELETE', `/compute/v2.1/servers/${second}`)).status).toBe(204);
    await until(user.token, `/compute/v2.1/servers/${second}`, (r) => r.status === 404);
    expect((await volumeStatus(volumeId)).status).toBe('available');
    expect((await volumeStatus(volumeId)).attachments).toEqual([]);
    await call(user.token, 'DELETE', `/compute/v2.1/servers/${first}`);
  });

  it('deletes a delete_on_termination volume with its server', async () => {
    const server = await newServer(user, 'attach-dot');
    const keep = await newVolume(user);
    const doomed = await newVolume(user);
    expect((await attach(user.token, server, { volumeId: keep })).status).toBe(200);
    const res = await attach(user.token, server, { volumeId: doomed, delete_on_termination: true });
    expect(res.body.volumeAttachment).toMatchObject({ device: '/dev/vdc', delete_on_termination: true });
    expect((await volumeStatus(doomed)).status).toBe('in-use');
    const shown = await call(user.token, 'GET', `/compute/v2.1/servers/${server}`);
    expect(shown.body.server['os-extended-volumes:volumes_attached']).toEqual([
      { id: keep, delete_on_termination: false },
      { id: doomed, delete_on_termination: true },
    ]);
    // A rebuild makes the guest anew: its volumes are plugged back in.
    await call(user.token, 'POST', `/compute/v2.1/servers/${server}/action`, {
      rebuild: { imageRef: imageId },
    });
    const rebuilt = await until(
      user.token,
      `/compute/v2.1/servers/${server}`,
      (r) => r.body.server.status === 'ACTIVE' && r.body.server['OS-EXT-STS:task_state'] === null,
    );
    expect(rebuilt.server['OS-EXT-STS:vm_state']).toBe('active');
    expect(
      driver()
        .volumesOf(server)
        .map((d) => d.volumeId),
    ).toEqual([keep, doomed]);
    expect((await call(user.token, 'DELETE', `/compute/v2.1/servers/${server}`)).status).toBe(204);
    await until(user.token, `/compute/v2.1/servers/${server}`, (r) => r.status === 404);
    expect((await volumeStatus(keep)).status).toBe('available');
    await until(user.token, volumePath(user.projectId, doomed), (r) => r.status === 404);
  });

  it("answers Nova's errors", async () => {
    const server = await newServer(user, 'attach-errors');
    const volumeId = await newVolume(user);
    const base = `/compute/v2.1/servers/${server}/os-volume_attachments`;

    // Not a UUID, unknown fields, tag before 2.49, delete_on_termination before 2.79: 400.
    expect((await attach(user.token, server, { volumeId: 'nope' })).body.badRequest.code).toBe(400);
    expect((await attach(user.token, server, { volumeId, color: 'red' })).status).toBe(400);
    expect((await attach(user.token, server, { volumeId, tag: 'x' }, '2.48')).status).toBe(400);
    const early = await attach(user.token, server, { volumeId, delete_on_termination: true }, '2.78');
    expect(early.status).toBe(400);
    expect((await attach(user.token, server, { volumeId, device: 'vdb' })).status).toBe(400);
    // A volume nobody has (Nova's VolumeNotFound is a 404), and another project's volume.
    const unknown = await attach(user.token, server, { volumeId: '0b5e4c36-9e0b-4b43-a8a2-0a3c1f1d2e3f' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.itemNotFound.code).toBe(404);
    const theirs = await newVolume(other);
    expect((await attach(user.token, server, { volumeId: theirs })).status).toBe(404);
    // Another project's server: 404, whatever the volume.
    const foreign = await attach(other.token, server, { volumeId: theirs });
    expect(foreign.status).toBe(404);
    expect(foreign.body.itemNotFound.code).toBe(404);
    expect((await call(other.token, 'GET', base)).status).toBe(404);
    expect((await call(other.token, 'DELETE', `${base}/${volumeId}`)).status).toBe(404);
    // Detaching a volume that is not attached: 404.
    expect((await call(user.token, 'DELETE', `${base}/${volumeId}`)).status).toBe(404);

    // A server busy with a task, or locked: 409.
    await call(user.token, 'POST', `/compute/v2.1/servers/${server}/action`, { lock: null });
    const locked = await attach(user.token, server, { volumeId });
    expect(locked.status).toBe(409);
    expect(locked.body.conflictingRequest.message).toBe(`Instance ${server} is locked`);
    await call(user.token, 'POST', `/compute/v2.1/servers/${server}/action`, { unlock: null });
    const building = await call(user.token, 'POST', '/compute/v2.1/servers', {
      server: { name: 'attach-building', imageRef: imageId, flavorRef: flavorId, networks: 'none' },
    });
    const buildingId = building.body.server.id as string;
    const early409 = await attach(user.token, buildingId, { volumeId });
    expect(early409.status).toBe(409);
    expect(early409.body.conflictingRequest.message).toMatch(
      new RegExp(`^Cannot 'attach_volume' instance ${buildingId} while it is in vm_state building`),
    );
    // Nothing was reserved by the refused calls.
    expect((await volumeStatus(volumeId)).status).toBe('available');
    expect((await call(user.token, 'GET', base)).body.volumeAttachments).toEqual([]);
    await until(user.token, `/compute/v2.1/servers/${buildingId}`, (r) => r.body.server.status === 'ACTIVE');
    await call(user.token, 'DELETE', `/compute/v2.1/servers/${buildingId}`);
    await call(user.token, 'DELETE', `/compute/v2.1/servers/${server}`);
  });
});
