// One seeded fault run through the real app: a server booted, resized (confirmed, then reverted), given
// a volume, snapshotted and deleted while the FaultyDriver under compute fails at seeded points; then
// what the run may have leaked is listed. Used by test/integration/compute-fault-seeds.test.ts.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeDriver } from '../../src/compute/driver/fake/fake-driver.js';
import type { MeteringExecutor } from '../../src/metering/metering-tables.js';
import { recordsOfResources } from '../../src/metering/usage-store.js';
import type { FakeNetworkDriver } from '../../src/network/driver/fake/fake-driver.js';
import type { TestApp } from './app.js';

type Json = any;

export interface FaultWorld {
  t: TestApp;
  inner: FakeDriver;
  user: { token: string; projectId: string };
  imageRef: string;
  /** Three flavors of growing size: boot on the first, resize to the second, then to the third. */
  flavors: [string, string, string];
  networkId: string;
}

/** What one seed did, for the failure message (which steps hit a fault). */
export interface SeedTrace {
  serverId?: string;
  volumeId?: string;
  snapshotImages: string[];
  steps: string[];
}

const MAX_POLLS = 400;
const POLL_MS = 10;
/** A user retries a failed delete; injected faults are random, so a few tries get through. */
const DELETE_ATTEMPTS = 8;

export async function call(w: FaultWorld, method: string, path: string, body?: unknown) {
  const res = await fetch(`${w.t.url}${path}`, {
    method,
    headers: {
      'x-auth-token': w.user.token,
      'openstack-api-version': 'compute 2.79, volume 3.71',
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json };
}

async function idle(w: FaultWorld): Promise<void> {
  await w.t.compute.worker.idle();
  await w.t.volume.worker.idle();
}

/** Polls `path` until `done` holds on the reply; fails the seed when it never does. */
async function until(w: FaultWorld, path: string, done: (r: { status: number; body: Json }) => boolean) {
  for (let poll = 0; poll < MAX_POLLS; poll++) {
    await idle(w);
    const res = await call(w, 'GET', path);
    if (done(res)) return res;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`${path} did not settle`);
}

const serverPath = (id: string) => `/compute/v2.1/servers/${id}`;
const volumePath = (w: FaultWorld, id = '') =>
  `/volume/v3/${w.user.projectId}/volumes${id === '' ? '' : `/${id}`}`;

/** The server once no task runs on it (or undefined once it is gone). */
async function settledServer(w: FaultWorld, id: string): Promise<Json> {
  const res = await until(
    w,
    serverPath(id),
    (r) =>
      r.status === 404 ||
      (r.body.server['OS-EXT-STS:task_state'] === null && r.body.server.status !== 'BUILD'),
  );
  return res.status === 404 ? undefined : res.body.server;
}

async function settledVolume(w: FaultWorld, id: string): Promise<Json> {
  const res = await until(
    w,
    volumePath(w, id),
    (r) => r.status === 404 || !String(r.body.volume.status).endsWith('ing'),
  );
  return res.status === 404 ? undefined : res.body.volume;
}

async function action(w: FaultWorld, id: string, body: unknown, trace: SeedTrace, name: string) {
  const res = await call(w, 'POST', `${serverPath(id)}/action`, body);
  const server = await settledServer(w, id);
  trace.steps.push(`${name}:${res.status}->${server?.status ?? 'gone'}`);
  return server;
}

/** Boot, resize+confirm, resize+revert, attach, snapshot: each step runs only if the server allows it. */
export async function exercise(w: FaultWorld, trace: SeedTrace): Promise<void> {
  const created = await call(w, 'POST', '/compute/v2.1/servers', {
    server: {
      name: 'fault',
      imageRef: w.imageRef,
      flavorRef: w.flavors[0],
      networks: [{ uuid: w.networkId }],
    },
  });
  if (created.status !== 202) throw new Error(`create answered ${created.status}`);
  const id = created.body.server.id as string;
  trace.serverId = id;
  let server = await settledServer(w, id);
  trace.steps.push(`boot->${server.status}`);
  for (const [flavorRef, finish] of [
    [w.flavors[1], 'confirmResize'],
    [w.flavors[2], 'revertResize'],
  ] as const) {
    if (server.status !== 'ACTIVE') break;
    server = await action(w, id, { resize: { flavorRef } }, trace, 'resize');
    if (server.status === 'VERIFY_RESIZE') server = await action(w, id, { [finish]: null }, trace, finish);
  }
  const volume = await call(w, 'POST', volumePath(w), { volume: { size: 1 } });
  trace.volumeId = volume.body.volume.id as string;
  const made = await settledVolume(w, trace.volumeId);
  if (server.status === 'ACTIVE' && made.status === 'available') {
    const res = await call(w, 'POST', `${serverPath(id)}/os-volume_attachments`, {
      volumeAttachment: { volumeId: trace.volumeId },
    });
    trace.steps.push(`attach:${res.status}->${(await settledVolume(w, trace.volumeId)).status}`);
    server = await settledServer(w, id);
  }
  if (server.status === 'ACTIVE') {
    const res = await call(w, 'POST', `${serverPath(id)}/action`, { createImage: { name: 'fault-snap' } });
    if (res.status === 202) trace.snapshotImages.push(res.body.image_id as string);
    trace.steps.push(`createImage:${res.status}->${(await settledServer(w, id)).status}`);
  }
}

/** Deletes what the run made, retrying as a user would; faults stay on. */
export async function cleanUp(w: FaultWorld, trace: SeedTrace): Promise<void> {
  if (trace.serverId !== undefined) {
    for (let attempt = 0; attempt < DELETE_ATTEMPTS; attempt++) {
      await call(w, 'DELETE', serverPath(trace.serverId));
      if ((await settledServer(w, trace.serverId)) === undefined) break;
    }
    trace.steps.push('deleteServer');
  }
  if (trace.volumeId !== undefined) {
    for (let attempt = 0; attempt < DELETE_ATTEMPTS; attempt++) {
      await call(w, 'DELETE', volumePath(w, trace.volumeId));
      if ((await settledVolume(w, trace.volumeId)) === undefined) break;
    }
    trace.steps.push('deleteVolume');
  }
  for (const imageId of trace.snapshotImages) {
    const image = await call(w, 'GET', `/image/v2/images/${imageId}`);
    // A snapshot that failed must have taken its image away; one that worked is the user's to delete.
    if (image.status === 200 && image.body.status !== 'active') {
      trace.steps.push(`image ${imageId} left ${image.body.status}`);
    }
    if (image.status === 200) await call(w, 'DELETE', `/image/v2/images/${imageId}`);
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Everything the seed left behind; [] when clean. */
export async function leaks(w: FaultWorld, trace: SeedTrace): Promise<string[]> {
  await idle(w);
  const found: string[] = [];
  if (trace.serverId !== undefined && (await call(w, 'GET', serverPath(trace.serverId))).status !== 404) {
    found.push(`server ${trace.serverId} still exists`);
  }
  if (trace.volumeId !== undefined && (await call(w, 'GET', volumePath(w, trace.volumeId))).status !== 404) {
    found.push(`volume ${trace.volumeId} still exists`);
  }
  for (const guest of await w.inner.list()) found.push(`guest ${guest.id}`);
  const network = w.t.network.driver as FakeNetworkDriver;
  for (const tap of network.plugged().keys()) found.push(`plugged port ${tap}`);
  const ports = await call(w, 'GET', `/network/v2.0/ports?network_id=${w.networkId}`);
  for (const port of ports.body.ports as Json[]) {
    if (String(port.device_owner).startsWith('compute:')) found.push(`port ${port.id} of ${port.device_id}`);
  }
  for (const path of [
    ...(await filesUnder(join(w.t.dataDir, 'volumes'))),
    ...(await filesUnder(join(w.t.dataDir, 'compute', 'snapshots'))),
  ]) {
    found.push(`file ${path}`);
  }
  const leases = await w.t.db.selectFrom('work_leases').select(['kind', 'resource_id']).execute();
  for (const lease of leases) found.push(`lease ${lease.kind} ${lease.resource_id}`);
  // Ended records stay (they are the bill); a record still open on a deleted resource would bill forever.
  const metering = w.t.db as unknown as MeteringExecutor;
  for (const [resourceType, id] of [
    ['server', trace.serverId],
    ['volume', trace.volumeId],
    ...trace.snapshotImages.map((image) => ['image', image] as const),
  ] as const) {
    if (id === undefined) continue;
    for (const record of await recordsOfResources(metering, resourceType, [id])) {
      if (record.endedAt === null) found.push(`open usage ${resourceType} ${id} ${record.meter}`);
    }
  }
  return found;
}
