// Seeded fault run (issue 18): for 100 seeds, the real app boots a server, resizes it (confirm, then
// revert), attaches a volume, snapshots and deletes it while FaultyDriver fails compute's driver calls at
// seeded points; after each seed nothing may be left: no guest, plugged port, Neutron port, volume or
// snapshot file, lease, or open usage record. A failure names its seed; `NUAGE_FAULT_SEED=n` replays one.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDriver } from '../../src/compute/driver/fake/fake-driver.js';
import { FaultyDriver } from '../../src/compute/driver/faulty/faulty-driver.js';
import { startTestApp } from '../support/app.js';
import { call, cleanUp, exercise, leaks, type FaultWorld, type SeedTrace } from '../support/fault-run.js';
import { tenant } from './network-helpers.js';

const run = promisify(execFile);
const THIS_FILE = 'test/integration/compute-fault-seeds.test.ts';
const SEED_COUNT = 100;
const SEEDS_PER_TEST = 10;
/** Often enough that most seeds hit a fault somewhere, rarely enough that most get past boot. */
const ERROR_RATE = 0.12;

const replay = process.env.NUAGE_FAULT_SEED;
const seeds = replay !== undefined ? [Number(replay)] : Array.from({ length: SEED_COUNT }, (_, i) => i + 1);

const inner = new FakeDriver();
const faulty = new FaultyDriver(inner, {
  seed: 0,
  errorRate: 0,
  failAfterRate: 0.3,
  onFault: () => undefined,
});
let w: FaultWorld;

async function uploadImage(world: Omit<FaultWorld, 'imageRef'>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nuage-fault-'));
  try {
    const qcow2 = join(dir, 'base.qcow2');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', qcow2, '64M']);
    const admin = { ...world, imageRef: '', user: { ...world.user, token: world.t.adminToken } };
    const image = await call(admin, 'POST', '/image/v2/images', {
      name: 'fault-base',
      disk_format: 'qcow2',
      container_format: 'bare',
      visibility: 'public',
    });
    const res = await fetch(`${world.t.url}/image/v2/images/${image.body.id}/file`, {
      method: 'PUT',
      headers: { 'x-auth-token': world.t.adminToken, 'content-type': 'application/octet-stream' },
      body: await readFile(qcow2),
    });
    expect(res.status).toBe(204);
    return image.body.id as string;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  const t = await startTestApp({ computeDriver: faulty });
  const user = await tenant(t, 'fault-user');
  const base = { t, inner, user, flavors: ['', '', ''] as FaultWorld['flavors'] };
  const admin = { ...base, imageRef: '', networkId: '', user: { ...user, token: t.adminToken } };
  for (const [i, [vcpus, ram, disk]] of [
    [1, 64, 1],
    [2, 128, 2],
    [3, 192, 3],
  ].entries()) {
    const flavor = await call(admin, 'POST', '/compute/v2.1/flavors', {
      flavor: { name: `fault.${i}`, vcpus, ram, disk },
    });
    base.flavors[i] = flavor.body.flavor.id as string;
  }
  const world = { ...base, imageRef: '', networkId: '' };
  const net = await call(world, 'POST', '/network/v2.0/networks', { network: { name: 'fault-net' } });
  world.networkId = net.body.network.id as string;
  await call(world, 'POST', '/network/v2.0/subnets', {
    subnet: { network_id: world.networkId, cidr: '10.66.0.0/24', ip_version: 4 },
  });
  world.imageRef = await uploadImage(world);
  w = world;
});

afterAll(async () => {
  await w?.t.close();
});

/** Runs one seed; resolves a description of what went wrong, or undefined when it left nothing. */
async function runSeed(seed: number): Promise<{ failure?: string; faults: number }> {
  const trace: SeedTrace = { snapshotImages: [], steps: [] };
  faulty.reseed(seed, ERROR_RATE);
  let error: unknown;
  try {
    await exercise(w, trace);
    await cleanUp(w, trace);
  } catch (err) {
    error = err;
  }
  const faults = faulty.faults.length;
  faulty.reseed(seed, 0);
  const left = await leaks(w, trace);
  if (error === undefined && left.length === 0) return { faults };
  const failure = [
    `seed ${seed} (replay: NUAGE_FAULT_SEED=${seed} npx vitest run --project integration ${THIS_FILE})`,
    ...(error !== undefined ? [`  error: ${String(error)}`] : []),
    `  steps: ${trace.steps.join(', ')}`,
    ...left.map((leak) => `  leaked: ${leak}`),
  ].join('\n');
  return { failure, faults };
}

describe('seeded faults in boot, resize, attach, snapshot and delete', () => {
  for (let first = 0; first < seeds.length; first += SEEDS_PER_TEST) {
    const chunk = seeds.slice(first, first + SEEDS_PER_TEST);
    it(`leaves nothing behind for seeds ${chunk[0]}..${chunk.at(-1)}`, async () => {
      const failures: string[] = [];
      let faults = 0;
      for (const seed of chunk) {
        const outcome = await runSeed(seed);
        faults += outcome.faults;
        if (outcome.failure !== undefined) failures.push(outcome.failure);
      }
      expect(failures.join('\n')).toBe('');
      // The run must really inject: a chunk without faults would test nothing.
      expect(faults).toBeGreaterThan(0);
    });
  }
});
