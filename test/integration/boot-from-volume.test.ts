// Boot from volume through the real app (fake compute and network drivers, real volume file backend):
// block_device_mapping_v2 validation, a server on an existing volume (in-use, attached, released on
// delete), a server on a volume made from an image (the image's bytes; delete_on_termination), and a
// failed boot (ERROR, the volume made for it removed, a given volume available again).
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

interface Ctx {
  t: TestApp;
  driver: FakeDriver;
  token: string;
  projectId: string;
  imageId: string;
  flavorId: string;
}

let ok: Ctx;
let failing: Ctx;
let dir: string;
let qcow2: string;

async function call(c: Ctx, method: string, path: string, body?: unknown, raw?: Buffer) {
  const res = await fetch(`${c.t.url}${path}`, {
    method,
    headers: {
      'x-auth-token': c.token,
      'openstack-api-version': 'compute 2.79',
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(raw !== undefined && { 'content-type': 'application/octet-stream' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    ...(raw !== undefined && { body: raw }),
  });
  const text = await res.text();
  const json: any = text.length > 0 && text.startsWith('{') ? JSON.parse(text) : undefined;
  return { status: res.status, body: json };
}

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; attempt < 300; attempt++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not settle`);
}

const server = (c: Ctx, id: string) => call(c, 'GET', `/compute/v2.1/servers/${id}`);
const volume = (c: Ctx, id: string) => call(c, 'GET', `/volume/v3/${c.projectId}/volumes/${id}`);
const settledServer = (c: Ctx, id: string, status: string) =>
  until(
    `server ${id}`,
    async () => (await server(c, id)).body.server,
    (s) => s.status === status,
  );
const serverGone = (c: Ctx, id: string) =>
  until(
    `server ${id} delete`,
    () => server(c, id),
    (r) => r.status === 404,
  );

async function createVolume(c: Ctx, body: Record<string, unknown>): Promise<string> {
  const created = await call(c, 'POST', `/volume/v3/${c.projectId}/volumes`, { volume: body });
  expect(created.status).toBe(202);
  const id = created.body.volume.id as string;
  await until(
    `volume ${id}`,
    () => volume(c, id),
    (r) => r.body?.volume?.status === 'available',
  );
  return id;
}

async function boot(c: Ctx, bdm: unknown[], extra: Record<string, unknown> = {}) {
  return call(c, 'POST', '/compute/v2.1/servers', {
    server: {
      name: 'bfv',
      imageRef: '',
      flavorRef: c.flavorId,
      networks: 'none',
      block_device_mapping_v2: bdm,
      ...extra,
    },
  });
}

async function setUp(name: string, driver: FakeDriver): Promise<Ctx> {
  const t = await startTestApp({ computeDriver: driver });
  const { token, projectId } = await tenant(t, name);
  const c: Ctx = { t, driver, token, projectId, imageId: '', flavorId: '' };
  const image = await call(c, 'POST', '/image/v2/images', {
    name: 'tiny',
    disk_format: 'qcow2',
    container_format: 'bare',
  });
  c.imageId = image.body.id as string;
  expect(
    (await call(c, 'PUT', `/image/v2/images/${c.imageId}/file`, undefined, await readFile(qcow2))).status,
  ).toBe(204);
  const flavor = await call({ ...c, token: t.adminToken }, 'POST', '/compute/v2.1/flavors', {
    flavor: { name: `${name}.small`, vcpus: 1, ram: 128, disk: 1 },
  });
  c.flavorId = flavor.body.flavor.id as string;
  return c;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nuage-bfv-it-'));
  qcow2 = join(dir, 'tiny.qcow2');
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', qcow2, '64M']);
  // A recognisable pattern at the start of the disk, to find in the volume made from the image.
  await run('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x5a 0 1M', qcow2]);
  ok = await setUp('bfv', new FakeDriver());
  // Every spawn fails on this host (a full host): the boot saga unwinds after the root volume.
  failing = await setUp('bfv-fail', new FakeDriver({ maxInstances: 0 }));
}, 60_000);

afterAll(async () => {
  await ok?.t.close();
  await failing?.t.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('boot from volume', () => {
  it("rejects malformed or unusable mappings with Nova's 400s", async () => {
    const plain = await createVolume(ok, { size: 1, name: 'plain' });
    const cases: [unknown[], RegExp][] = [
      [[{ source_type: 'volume', destination_type: 'volume', boot_index: 0 }], /Missing device UUID/],
      [
        [
          {
            source_type: 'volume',
            destination_type: 'volume',
            uuid: '0c1d0c1d-0000-4000-8000-000000000000',
            boot_index: 0,
          },
        ],
        /Block Device Mapping is Invalid: failed to get volume 0c1d0c1d-0000-4000-8000-000000000000\./,
      ],
      [
        [{ source_type: 'volume', destination_type: 'volume', uuid: plain, boot_index: 0 }],
        /is not bootable/,
      ],
      [
        [{ source_type: 'image', destination_type: 'volume', uuid: ok.imageId, boot_index: 0 }],
        /need to have a non-zero size specified/,
      ],
      [
        [{ source_type: 'image', destination_type: 'volume', uuid: 'nope', boot_index: 0, volume_size: 1 }],
        /failed to get image nope\./,
      ],
      [[{ source_type: 'volume', uuid: plain, boot_index: 1 }], /Boot sequence/],
    ];
    for (const [bdm, message] of cases) {
      const res = await boot(ok, bdm);
      expect(res.status, JSON.stringify(bdm)).toBe(400);
      expect(res.body.badRequest.message).toMatch(message);
    }
    expect(
      (
        await call(ok, 'POST', '/compute/v2.1/servers', {
          server: { name: 'x', flavorRef: ok.flavorId, networks: 'none' },
        })
      ).body.badRequest.message,
    ).toBe('Missing imageRef attribute');
  });

  it('boots from an existing volume: in-use, attached as /dev/vda, available again after delete', async () => {
    const vol = await createVolume(ok, { size: 1, name: 'root', imageRef: ok.imageId });
    const created = await boot(ok, [
      { uuid: vol, boot_index: 0, source_type: 'volume', destination_type: 'volume' },
    ]);
    expect(created.status).toBe(202);
    const id = created.body.server.id as string;
    const active = await settledServer(ok, id, 'ACTIVE');
    expect(active.image).toBe('');
    // The root is a volume: the server claims no root disk on the host (Nova's root_gb 0 for BFV).
    const stats = await call(
      { ...ok, token: ok.t.adminToken },
      'GET',
      '/compute/v2.1/os-hypervisors/statistics',
    );
    expect(stats.body.hypervisor_statistics).toMatchObject({
      count: 1,
      local_gb_used: 0,
      memory_mb_used: expect.any(Number),
    });
    const spec = ok.driver.specOf(id);
    expect(spec.rootDisk).toMatchObject({ kind: 'volume', volumeId: vol, format: 'qcow2' });
    const shown = (await volume(ok, vol)).body.volume;
    expect(shown.status).toBe('in-use');
    expect(shown.attachments).toEqual([
      expect.objectContaining({ server_id: id, volume_id: vol, device: '/dev/vda' }),
    ]);
    // The volume is taken: a second server cannot boot from it.
    const again = await boot(ok, [
      { uuid: vol, boot_index: 0, source_type: 'volume', destination_type: 'volume' },
    ]);
    expect(again.status).toBe(400);
    expect(again.body.badRequest.message).toMatch(/status must be 'available'. Currently in 'in-use'/);

    expect((await call(ok, 'DELETE', `/compute/v2.1/servers/${id}`)).status).toBe(204);
    await serverGone(ok, id);
    const after = (await volume(ok, vol)).body.volume;
    expect(after.status).toBe('available');
    expect(after.attachments).toEqual([]);

    // A snapshot of it is a source too: the worker makes a new volume from the snapshot.
    const snap = await call(ok, 'POST', `/volume/v3/${ok.projectId}/snapshots`, {
      snapshot: { volume_id: vol, name: 'root-snap' },
    });
    expect(snap.status).toBe(202);
    const snapId = snap.body.snapshot.id as string;
    await until(
      `snapshot ${snapId}`,
      () => call(ok, 'GET', `/volume/v3/${ok.projectId}/snapshots/${snapId}`),
      (r) => r.body?.snapshot?.status === 'available',
    );
    const fromSnap = await boot(ok, [
      {
        uuid: snapId,
        boot_index: 0,
        source_type: 'snapshot',
        destination_type: 'volume',
        delete_on_termination: true,
      },
    ]);
    expect(fromSnap.status).toBe(202);
    const snapServer = fromSnap.body.server.id as string;
    await settledServer(ok, snapServer, 'ACTIVE');
    const snapRoot = ok.driver.specOf(snapServer).rootDisk;
    if (snapRoot.kind !== 'volume') throw new Error('expected a volume root');
    expect(snapRoot.volumeId).not.toBe(vol);
    expect((await volume(ok, snapRoot.volumeId)).body.volume).toMatchObject({
      status: 'in-use',
      snapshot_id: snapId,
      size: 1,
    });
    expect((await call(ok, 'DELETE', `/compute/v2.1/servers/${snapServer}`)).status).toBe(204);
    await serverGone(ok, snapServer);
    await until(
      `volume ${snapRoot.volumeId} delete`,
      () => volume(ok, snapRoot.volumeId),
      (r) => r.status === 404,
    );
  });

  it('boots from a volume made from the image, with its bytes, deleted with the server', async () => {
    const created = await boot(ok, [
      {
        uuid: ok.imageId,
        boot_index: 0,
        source_type: 'image',
        destination_type: 'volume',
        volume_size: 1,
        delete_on_termination: true,
      },
    ]);
    expect(created.status).toBe(202);
    const id = created.body.server.id as string;
    const active = await settledServer(ok, id, 'ACTIVE');
    expect(active.image).toBe('');
    const root = ok.driver.specOf(id).rootDisk;
    if (root.kind !== 'volume') throw new Error('expected a volume root');
    const shown = (await volume(ok, root.volumeId)).body.volume;
    expect(shown).toMatchObject({ status: 'in-use', size: 1, bootable: 'true' });
    expect(shown.attachments[0]).toMatchObject({ server_id: id, device: '/dev/vda' });
    // The guest-visible bytes are the image's (the volume is 1 GiB, the image 64 MiB of it).
    await run('qemu-img', ['compare', '-U', '-f', 'qcow2', '-F', root.format, qcow2, root.path]);

    expect((await call(ok, 'DELETE', `/compute/v2.1/servers/${id}`)).status).toBe(204);
    await serverGone(ok, id);
    await until(
      `volume ${root.volumeId} delete`,
      () => volume(ok, root.volumeId),
      (r) => r.status === 404,
    );
  });

  it('a failed boot ends in ERROR: the volume made for it is removed, a given volume is available', async () => {
    const made = await boot(failing, [
      {
        uuid: failing.imageId,
        boot_index: 0,
        source_type: 'image',
        destination_type: 'volume',
        volume_size: 1,
      },
    ]);
    expect(made.status).toBe(202);
    const madeId = made.body.server.id as string;
    const errored = await settledServer(failing, madeId, 'ERROR');
    expect(errored.fault.message).toBeTruthy();
    const list = await call(failing, 'GET', `/volume/v3/${failing.projectId}/volumes/detail`);
    await until(
      'volumes of the failed server',
      async () => (await call(failing, 'GET', `/volume/v3/${failing.projectId}/volumes/detail`)).body.volumes,
      (volumes: { status: string }[]) => volumes.length === 0,
    );
    expect(list.status).toBe(200);

    const vol = await createVolume(failing, { size: 1, name: 'given', imageRef: failing.imageId });
    const given = await boot(failing, [
      {
        uuid: vol,
        boot_index: 0,
        source_type: 'volume',
        destination_type: 'volume',
        delete_on_termination: false,
      },
    ]);
    const givenId = given.body.server.id as string;
    await settledServer(failing, givenId, 'ERROR');
    const after = (await volume(failing, vol)).body.volume;
    expect(after.status).toBe('available');
    expect(after.attachments).toEqual([]);
    // Deleting the errored servers leaves the given volume alone.
    expect((await call(failing, 'DELETE', `/compute/v2.1/servers/${givenId}`)).status).toBe(204);
    expect((await call(failing, 'DELETE', `/compute/v2.1/servers/${madeId}`)).status).toBe(204);
    await serverGone(failing, givenId);
    expect((await volume(failing, vol)).body.volume.status).toBe('available');
  });
});
