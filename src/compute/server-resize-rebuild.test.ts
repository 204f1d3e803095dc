// Rebuild, resize (confirm, revert) and createImage end to end over HTTP with the fake driver: the
// API's validation and states, the worker's task chains, failures, and resuming after a lost kick.
// The lifecycle service and its worker are composed here beside the module (see lifecycle harness).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import { computePlugin } from './api/plugin.js';
import {
  DEFAULT_COMPUTE_QUOTA,
  type ConfigDriveWriter,
  type ImageSnapshots,
  type ImageSource,
  type SnapshotImageProps,
} from './collaborators.js';
import {
  IMAGE_ID,
  caller,
  nova,
  startCompute,
  type ComputeHarness,
  type Json,
} from './compute-test-support.js';
import { DriverError, PowerState } from './driver/driver.js';
import { createServerLifecycle, type LifecycleQuota } from './server-lifecycle.js';
import { serverStatus } from './server-state.js';
import { guestLock } from './guest-lock.js';
import { createServerWorker, type ServerWorker } from './server-worker.js';

const IMAGE_2 = '33333333-3333-4333-8333-333333333333';
const QUEUED_IMAGE = '44444444-4444-4444-8444-444444444444';

interface SnapshotRecord {
  projectId: string;
  userId: string;
  props: SnapshotImageProps;
  status: string;
  bytes?: string;
}

/** In-memory snapshot images: what the image module's adapter does, observable by the tests. */
function memorySnapshots() {
  const images = new Map<string, SnapshotRecord>();
  let next = 1;
  const api: ImageSnapshots & { images: typeof images; failUpload: boolean } = {
    images,
    failUpload: false,
    async create(projectId, userId, props) {
      const id = `55555555-5555-4555-8555-${String(next++).padStart(12, '0')}`;
      images.set(id, { projectId, userId, props, status: 'queued' });
      return id;
    },
    async upload(imageId, path) {
      const image = images.get(imageId);
      if (image?.status === 'active') return;
      if (image?.status !== 'queued') throw errors.conflict(`image ${imageId} is ${image?.status}`);
      if (api.failUpload) throw errors.payloadTooLarge('image_size_total exceeded');
      image.bytes = (await readFile(path)).subarray(0, 4).toString('latin1');
      image.status = 'active';
    },
    async discard(imageId) {
      images.delete(imageId);
    },
  };
  return api;
}

const images: ImageSource = {
  async describe(_auth, id) {
    if (id !== IMAGE_ID && id !== IMAGE_2 && id !== QUEUED_IMAGE) throw errors.notFound('image', id);
    const status = id === QUEUED_IMAGE ? 'queued' : 'active';
    return { id, status, minDiskGib: 0, minRamMiB: 0, sizeBytes: 1024 };
  },
  baseImagePath: async (id) => `/images/${id}.qcow2`,
};

interface Harness extends ComputeHarness {
  lifecycleWorker: ServerWorker;
  snapshots: ReturnType<typeof memorySnapshots>;
  snapshotDir: string;
  configDrivesWritten: string[];
  quota: LifecycleQuota;
}

/**
 * The compute module of compute-test-support, plus the lifecycle service and a worker that has the
 * snapshot collaborator, mounted on their own app (index.ts wires the same in the real app).
 */
async function start(): Promise<Harness> {
  const base = await startCompute();
  // The worker and lifecycle call the hypervisor through the harness's FaultyDriver, as the module does.
  const { module, faulty: driver } = base;
  const snapshotDir = await mkdtemp(join(tmpdir(), 'nuage-snapshots-'));
  const snapshots = memorySnapshots();
  const configDrivesWritten: string[] = [];
  const configDrives: ConfigDriveWriter = {
    write: async (id) => {
      configDrivesWritten.push(id);
      return '/nonexistent/config.iso';
    },
    remove: async () => undefined,
  };
  const silent = { info: () => undefined, error: () => undefined };
  const lifecycleWorker = createServerWorker({
    store: module.stores.servers,
    clock: systemClock,
    log: silent,
    driver,
    images,
    ports: base.ports,
    configDrives,
    hostName: 'host-1',
    snapshots,
    snapshotDir,
    stopTimeoutMs: 1_000,
    guestLock: guestLock(module.locks),
  });
  const quota: LifecycleQuota = { cores: 20, ramMiB: 51_200, metadataItems: 128 };
  const lifecycle = createServerLifecycle({
    servers: module.services.servers,
    store: module.stores.servers,
    flavors: module.services.flavors,
    keyPairs: module.stores.keyPairs,
    images,
    snapshots,
    quotaFor: async () => quota,
    driver,
    clock: systemClock,
    log: silent,
    kick: (id) => lifecycleWorker.kick(id),
  });
  const app = Fastify();
  app.decorateRequest('auth', undefined);
  await app.register(
    computePlugin({
      ...module.services,
      lifecycle,
      availabilityZone: 'nova',
      quota: DEFAULT_COMPUTE_QUOTA,
      usage: async () => ({ instances: 0, cores: 0, ramMiB: 0, keyPairs: 0 }),
      publicUrl: '',
      validator: { validate: async (token) => caller(token) },
    }),
    { prefix: '/compute' },
  );
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    ...base,
    url: `${url}/compute`,
    lifecycleWorker,
    snapshots,
    snapshotDir,
    configDrivesWritten,
    quota,
    async close() {
      await lifecycleWorker.stop();
      await app.close();
      await base.close();
      await rm(snapshotDir, { recursive: true, force: true });
    },
  };
}

let h: Harness;
beforeEach(async () => {
  h = await start();
});
afterEach(async () => {
  await h.close();
});

async function flavor(name: string, vcpus: number, ram: number, disk: number): Promise<string> {
  const res = await nova(h, 'admin', 'POST', '/v2.1/flavors', { flavor: { name, vcpus, ram, disk } });
  expect(res.status).toBe(200);
  return res.body.flavor.id as string;
}

async function idle(): Promise<void> {
  await h.module.worker.idle();
  await h.lifecycleWorker.idle();
}

async function show(id: string, version = '2.79'): Promise<Json> {
  await idle();
  return (await nova(h, 'user', 'GET', `/v2.1/servers/${id}`, undefined, version)).body.server;
}

async function boot(flavorId: string, name = 'vm'): Promise<string> {
  const res = await nova(h, 'user', 'POST', '/v2.1/servers', {
    server: { name, imageRef: IMAGE_ID, flavorRef: flavorId, networks: 'auto', config_drive: true },
  });
  expect(res.status).toBe(202);
  const id = res.body.server.id as string;
  expect((await show(id)).status).toBe('ACTIVE');
  return id;
}

const act = (id: string, body: unknown, version = '2.79', token = 'user') =>
  nova(h, token, 'POST', `/v2.1/servers/${id}/action`, body, version);

async function actions(id: string): Promise<Json[]> {
  return (await nova(h, 'user', 'GET', `/v2.1/servers/${id}/os-instance-actions`)).body.instanceActions;
}

describe('status of the new task states', () => {
  it('maps them as Nova does', () => {
    expect(serverStatus('active', 'rebuilding')).toBe('REBUILD');
    expect(serverStatus('stopped', 'rebuild_spawning')).toBe('REBUILD');
    expect(serverStatus('error', 'rebuilding')).toBe('REBUILD');
    expect(serverStatus('active', 'resize_prep')).toBe('RESIZE');
    expect(serverStatus('stopped', 'resize_finish')).toBe('RESIZE');
    expect(serverStatus('resized', null)).toBe('VERIFY_RESIZE');
    expect(serverStatus('resized', 'resize_reverting')).toBe('REVERT_RESIZE');
    expect(serverStatus('active', 'image_snapshot')).toBe('ACTIVE');
  });
});

describe('rebuild', () => {
  it('replaces the disk from the new image, keeps ports, writes a new config drive', async () => {
    const id = await boot(await flavor('small', 1, 256, 1));
    const before = await show(id);
    await nova(h, 'user', 'POST', '/v2.1/os-keypairs', { keypair: { name: 'k1' } });
    const res = await act(id, {
      rebuild: {
        imageRef: IMAGE_2,
        name: 'rebuilt',
        metadata: { role: 'db' },
        key_name: 'k1',
        description: 'after',
        preserve_ephemeral: false,
      },
    });
    expect(res.status).toBe(202);
    expect(res.body.server).toMatchObject({ id, name: 'rebuilt', image: { id: IMAGE_2 } });
    const after = await show(id);
    expect(after).toMatchObject({
      status: 'ACTIVE',
      name: 'rebuilt',
      metadata: { role: 'db' },
      key_name: 'k1',
      description: 'after',
      'OS-EXT-STS:task_state': null,
      'OS-EXT-STS:power_state': PowerState.Running,
    });
    expect(after.image.id).toBe(IMAGE_2);
    expect(after.addresses).toEqual(before.addresses);
    expect(h.driver.specOf(id).rootDisk).toMatchObject({ baseImagePath: `/images/${IMAGE_2}.qcow2` });
    expect(h.configDrivesWritten).toEqual([id]);
    expect((await actions(id)).map((a) => a.action)).toEqual(['rebuild', 'create']);
    const actionsBody = (await nova(h, 'user', 'GET', `/v2.1/servers/${id}/os-instance-actions`)).body;
    expect(actionsBody.instanceActions[0].message).toBeNull();
  });

  it('brings a stopped server back stopped and an errored one up', async () => {
    const id = await boot(await flavor('small', 1, 256, 1));
    await act(id, { 'os-stop': null });
    expect((await show(id)).status).toBe('SHUTOFF');
    expect((await act(id, { rebuild: { imageRef: IMAGE_2 } })).status).toBe(202);
    const stopped = await show(id);
    expect(stopped.status).toBe('SHUTOFF');
    expect(stopped['OS-EXT-STS:power_state']).toBe(PowerState.Shutdown);

    const row = await h.module.stores.servers.get(id);
    await h.module.stores.servers.update(id, row!.version, { vmState: 'error' }, new Date().toISOString());
    expect((await act(id, { rebuild: { imageRef: IMAGE_ID } })).status).toBe(202);
    expect((await show(id)).status).toBe('ACTIVE');
  });

  it('validates the body and the state (400 and 409 in Nova fault shape)', async () => {
    const id = await boot(await flavor('small', 1, 256, 1));
    const bad = async (body: unknown, version?: string) => {
      const res = await act(id, body, version);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.badRequest.code).toBe(400);
      return res.body.badRequest.message as string;
    };
    expect(await bad({ rebuild: {} })).toContain('imageRef');
    expect(await bad({ rebuild: null })).toContain('rebuild');
    expect(await bad({ rebuild: { imageRef: IMAGE_2, flavorRef: '1' } })).toContain('Additional properties');
    expect(await bad({ rebuild: { imageRef: IMAGE_2, key_name: 'k' } }, '2.53')).toContain('key_name');
    // Nova decodes base64 leniently (stray characters are dropped) but needs the padding right.
    expect(await bad({ rebuild: { imageRef: IMAGE_2, user_data: 'abc' } })).toContain('user_data');
    expect(await bad({ rebuild: { imageRef: `http://glance.example/v2/images/${IMAGE_2}` } })).toContain(
      "is not a 'uuid'",
    );
    expect(await bad({ rebuild: { imageRef: IMAGE_2, name: ' x' } })).toContain('name');
    // Nova names the innermost field: the metadata key.
    expect(await bad({ rebuild: { imageRef: IMAGE_2, metadata: { a: 1 } } })).toBe(
      "Invalid input for field/attribute a. Value: 1. 1 is not of type 'string'",
    );
    expect(await bad({ rebuild: { imageRef: IMAGE_2, key_name: 'missing' } })).toBe(
      'Invalid key_name provided.',
    );
    expect(await bad({ rebuild: { imageRef: '66666666-6666-4666-8666-666666666666' } })).toBe(
      'Cannot find requested image',
    );
    expect(await bad({ rebuild: { imageRef: QUEUED_IMAGE } })).toContain('is not active');

    await act(id, { pause: null });
    await idle();
    const paused = await act(id, { rebuild: { imageRef: IMAGE_2 } });
    expect(paused.status).toBe(409);
    expect(paused.body.conflictingRequest.message).toContain("Cannot 'rebuild' instance");
    await act(id, { unpause: null });
    await idle();
    await act(id, { lock: null });
    const locked = await act(id, { rebuild: { imageRef: IMAGE_2 } });
    expect(locked.body.conflictingRequest.message).toBe(`Instance ${id} is locked`);
    expect((await act(id, { rebuild: { imageRef: IMAGE_2 } }, '2.79', 'admin')).status).toBe(202);
    await idle();
    expect((await act(id, { rebuild: { imageRef: IMAGE_2 } }, '2.79', 'other')).status).toBe(404);
  });

  it('leaves the server in ERROR with a fault when the spawn fails', async () => {
    const id = await boot(await flavor('small', 1, 256, 1));
    h.faulty.failNext('spawn', new DriverError('HypervisorError', 'no room for the new disk'));
    expect((await act(id, { rebuild: { imageRef: IMAGE_2 } })).status).toBe(202);
    const after = await show(id);
    expect(after.status).toBe('ERROR');
    expect(after.fault.message).toBe('no room for the new disk');
    expect((await actions(id))[0]).toMatchObject({ action: 'rebuild', message: 'no room for the new disk' });
  });
});

describe('resize', () => {
  it('resizes, then confirms: VERIFY_RESIZE, the new flavor, then ACTIVE', async () => {
    const small = await flavor('small', 1, 256, 1);
    const big = await flavor('big', 2, 512, 2);
    const id = await boot(small);
    const res = await act(id, { resize: { flavorRef: big, 'OS-DCF:diskConfig': 'AUTO' } });
    expect(res.status).toBe(202);
    const resized = await show(id);
    expect(resized).toMatchObject({
      status: 'VERIFY_RESIZE',
      'OS-EXT-STS:vm_state': 'resized',
      'OS-EXT-STS:task_state': null,
      'OS-EXT-STS:power_state': PowerState.Running,
      flavor: { vcpus: 2, ram: 512, disk: 2, original_name: 'big' },
    });
    expect((await show(id, '2.46')).flavor.id).toBe(big);
    expect(h.driver.specOf(id)).toMatchObject({
      vcpus: 2,
      memoryMiB: 512,
      rootDisk: { sizeBytes: 2 * 1024 ** 3 },
    });
    const usage = await h.module.stores.servers.countActive('p-user');
    expect(usage).toMatchObject({ vcpus: 2, ramMiB: 512 });

    const confirmed = await act(id, { confirmResize: null });
    expect(confirmed.status).toBe(204);
    const active = await show(id);
    expect(active).toMatchObject({ status: 'ACTIVE', flavor: { vcpus: 2 } });
    // Confirmed: a revert is no longer possible.
    expect((await act(id, { revertResize: null })).status).toBe(409);
    expect((await actions(id)).map((a) => [a.action, a.message])).toEqual([
      ['confirmResize', null],
      ['resize', null],
      ['create', null],
    ]);
  });

  it('reverts to the old flavor and disk; a stopped server stays stopped', async () => {
    const small = await flavor('small', 1, 256, 1);
    const big = await flavor('big', 2, 512, 2);
    const id = await boot(small);
    await act(id, { 'os-stop': null });
    await idle();
    await act(id, { resize: { flavorRef: big } });
    const resized = await show(id);
    expect(resized.status).toBe('VERIFY_RESIZE');
    expect(resized['OS-EXT-STS:power_state']).toBe(PowerState.Shutdown);
    expect((await act(id, { revertResize: null })).status).toBe(202);
    const reverted = await show(id);
    expect(reverted).toMatchObject({ status: 'SHUTOFF', flavor: { vcpus: 1, ram: 256 } });
    expect(h.driver.specOf(id)).toMatchObject({ vcpus: 1, memoryMiB: 256 });
    expect((await h.driver.status(id)).powerState).toBe(PowerState.Shutdown);

    await act(id, { 'os-start': null });
    await idle();
    await act(id, { resize: { flavorRef: big } });
    expect((await show(id)).status).toBe('VERIFY_RESIZE');
    await act(id, { revertResize: null });
    expect(await show(id)).toMatchObject({ status: 'ACTIVE', flavor: { vcpus: 1 } });
    expect((await h.driver.status(id)).powerState).toBe(PowerState.Running);
    expect((await actions(id))[0]).toMatchObject({ action: 'revertResize', message: null });
    // A stopped resize confirms to SHUTOFF.
    await act(id, { 'os-stop': null });
    await idle();
    await act(id, { resize: { flavorRef: big } });
    await idle();
    await act(id, { confirmResize: null });
    expect((await show(id)).status).toBe('SHUTOFF');
  });

  it('refuses the same flavor, a smaller disk, unknown flavors, bad bodies, quota and wrong states', async () => {
    const small = await flavor('small', 1, 256, 2);
    const tiny = await flavor('tiny', 1, 256, 1);
    const huge = await flavor('huge', 30, 256, 2);
    const id = await boot(small);
    const message = async (body: unknown, status: number) => {
      const res = await act(id, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      return (Object.values(res.body as object)[0] as { message: string }).message;
    };
    expect(await message({ resize: { flavorRef: small } }, 400)).toBe(
      'When resizing, instances must change flavor!',
    );
    expect(await message({ resize: { flavorRef: tiny } }, 400)).toContain('Unable to resize disk down');
    expect(await message({ resize: { flavorRef: 'nope' } }, 400)).toBe('Unable to locate requested flavor.');
    expect(await message({ resize: {} }, 400)).toContain('flavorRef');
    expect(await message({ resize: { flavorRef: small, extra: 1 } }, 400)).toContain('Additional');
    expect(await message({ resize: { flavorRef: huge } }, 403)).toContain('Quota exceeded for cores');
    expect(await message({ confirmResize: null }, 409)).toContain("Cannot 'confirmResize'");
    expect(await message({ revertResize: null }, 409)).toContain("Cannot 'revertResize'");
    h.quota.cores = -1;
    expect((await act(id, { resize: { flavorRef: huge } })).status).toBe(202);
    expect((await show(id)).status).toBe('VERIFY_RESIZE');
  });

  it('rolls a failed resize back: the old flavor, the guest running, the action in Error', async () => {
    const small = await flavor('small', 1, 256, 1);
    const big = await flavor('big', 2, 512, 2);
    const id = await boot(small);
    h.faulty.failNext('resize', new DriverError('HypervisorError', 'qemu-img resize failed: disk full'));
    await act(id, { resize: { flavorRef: big } });
    const after = await show(id);
    expect(after).toMatchObject({ status: 'ACTIVE', flavor: { vcpus: 1 }, 'OS-EXT-STS:task_state': null });
    expect((await h.driver.status(id)).powerState).toBe(PowerState.Running);
    expect((await actions(id))[0]).toMatchObject({
      action: 'resize',
      message: 'qemu-img resize failed: disk full',
    });
    const row = await h.module.stores.servers.get(id);
    expect(row?.newFlavor).toBeNull();
  });

  it('resumes a resize whose kick was lost (process restart) from the persisted task state', async () => {
    const small = await flavor('small', 1, 256, 1);
    const big = await flavor('big', 2, 512, 2);
    const id = await boot(small);
    const bigFlavor = await h.module.services.flavors.visible(caller('user'), big);
    // What the API writes, as if the process died before its kick: the next sweep drives it.
    const row = await h.module.stores.servers.get(id);
    await h.module.stores.servers.update(
      id,
      row!.version,
      { taskState: 'resize_migrating', newFlavor: bigFlavor },
      new Date().toISOString(),
    );
    expect((await nova(h, 'user', 'GET', `/v2.1/servers/${id}`)).body.server.status).toBe('RESIZE');
    await h.lifecycleWorker.sweep();
    expect(await show(id)).toMatchObject({ status: 'VERIFY_RESIZE', flavor: { vcpus: 2 } });
    // Running the same step twice (a crash after the driver call) changes nothing more.
    await h.driver.stop(id, { soft: false, timeoutMs: 0 });
    await h.driver.resize(id, { vcpus: 2, memoryMiB: 512, rootDiskBytes: 2 * 1024 ** 3 });
    await h.driver.revertResize(id);
    expect(h.driver.specOf(id)).toMatchObject({ vcpus: 1, memoryMiB: 256 });
  });
});

describe('createImage', () => {
  it('snapshots into a new image (image_id at 2.45+, Location below) and uploads it', async () => {
    const id = await boot(await flavor('small', 1, 256, 1));
    const res = await act(id, { createImage: { name: 'snap-1', metadata: { purpose: 'backup' } } });
    expect(res.status).toBe(202);
    const imageId = res.body.image_id as string;
    expect(await show(id)).toMatchObject({ status: 'ACTIVE', 'OS-EXT-STS:task_state': null });
    const image = h.snapshots.images.get(imageId);
    expect(image).toMatchObject({
      projectId: 'p-user',
      userId: 'u-user',
      status: 'active',
      props: {
        name: 'snap-1',
        serverId: id,
        baseImageId: IMAGE_ID,
        minDiskGib: 1,
        metadata: { purpose: 'backup' },
      },
    });
    expect(image?.bytes).toBe('QFI\xfb');
    expect(await readdir(h.snapshotDir)).toEqual([]);
    expect((await actions(id))[0]).toMatchObject({ action: 'createImage', message: null });

    await act(id, { pause: null });
    await idle();
    await act(id, { lock: null });
    const old = await act(id, { createImage: { name: 'snap-2' } }, '2.44');
    expect(old.status).toBe(202);
    expect(old.body).toBeUndefined();
    const location = old.headers.get('location') ?? '';
    expect(location).toMatch(/\/image\/v2\/images\/[0-9a-f-]{36}$/);
    expect(await show(id)).toMatchObject({ status: 'PAUSED' });
    expect(h.snapshots.images.get(location.split('/').at(-1) ?? '')?.status).toBe('active');
  });

  it('validates, checks state, and deletes the image when the upload fails', async () => {
    const id = await boot(await flavor('small', 1, 256, 1));
    expect((await act(id, { createImage: {} })).body.badRequest.message).toContain("'name'");
    expect((await act(id, { createImage: { name: 'x', foo: 1 } })).status).toBe(400);
    expect((await act(id, { createImage: { name: 'x', metadata: [] } })).status).toBe(400);
    h.quota.metadataItems = 1;
    expect((await act(id, { createImage: { name: 'x', metadata: { a: '1', b: '2' } } })).status).toBe(403);

    h.snapshots.failUpload = true;
    const res = await act(id, { createImage: { name: 'doomed' } });
    expect(res.status).toBe(202);
    expect(await show(id)).toMatchObject({ status: 'ACTIVE', 'OS-EXT-STS:task_state': null });
    expect(h.snapshots.images.has(res.body.image_id)).toBe(false);
    expect(await readdir(h.snapshotDir)).toEqual([]);
    expect((await actions(id))[0]).toMatchObject({
      action: 'createImage',
      message: expect.stringContaining('image_size_total'),
    });

    const row = await h.module.stores.servers.get(id);
    await h.module.stores.servers.update(id, row!.version, { vmState: 'error' }, new Date().toISOString());
    expect((await act(id, { createImage: { name: 'x' } })).status).toBe(409);
    expect(h.snapshots.images.size).toBe(0);
  });

  it('cleans up a snapshot whose upload a crash interrupted (image no longer queued)', async () => {
    const id = await boot(await flavor('small', 1, 256, 1));
    const imageId = await h.snapshots.create('p-user', 'u-user', {
      name: 'interrupted',
      serverId: id,
      baseImageId: IMAGE_ID,
      minDiskGib: 1,
      minRamMiB: 0,
      metadata: {},
    });
    h.snapshots.images.get(imageId)!.status = 'saving';
    const row = await h.module.stores.servers.get(id);
    await h.module.stores.servers.update(
      id,
      row!.version,
      { taskState: 'image_uploading', snapshotImageId: imageId },
      new Date().toISOString(),
    );
    await h.lifecycleWorker.sweep();
    const after = await show(id);
    expect(after).toMatchObject({ status: 'ACTIVE', 'OS-EXT-STS:task_state': null });
    expect(h.snapshots.images.has(imageId)).toBe(false);
    expect((await h.module.stores.servers.get(id))?.snapshotImageId).toBeNull();
  });

  it('discards the snapshot when the server is deleted meanwhile', async () => {
    const id = await boot(await flavor('small', 1, 256, 1));
    const res = await act(id, { createImage: { name: 'gone' } });
    expect((await nova(h, 'user', 'DELETE', `/v2.1/servers/${id}`)).status).toBe(204);
    await idle();
    await h.module.worker.sweep();
    await idle();
    expect((await nova(h, 'user', 'GET', `/v2.1/servers/${id}`)).status).toBe(404);
    // Either the snapshot finished before the delete (and stays), or the delete interrupted it.
    const image = h.snapshots.images.get(res.body.image_id);
    expect(image === undefined || image.status === 'active').toBe(true);
  });
});
