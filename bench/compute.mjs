// bench/compute: the Nova API and its worker.
//  1. fake driver: N servers (default 200) created at concurrency 16 through POST /servers; reports the
//     API's p50/p99 latency and servers brought to ACTIVE per second (first POST to last ACTIVE), then
//     the same for deletes.
//  2. --qemu: boots the tiny test guest (scripts/build-guest-image.sh) a few times, one at a time, under
//     QEMU (KVM if usable, TCG otherwise) and reports POST→ACTIVE (everything our code does, QEMU's
//     start and QMP handshake included), POST→GUEST-READY on the serial console, and the share of the
//     first in the second.
// Run: npm run build && npm run bench:compute [-- --servers N] [-- --qemu [--boots N]]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, startServer } from './lib.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const count = arg('--servers', 200);
const boots = arg('--boots', 3);
const withQemu = process.argv.includes('--qemu');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function login(server) {
  const { admin } = server;
  const auth = await request(`${server.url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: admin.username, domain: { name: 'Default' }, password: admin.password } },
        },
        scope: { project: { name: admin.project_name, domain: { name: 'Default' } } },
      },
    }),
  });
  const token = auth.headers['x-subject-token'];
  const api = async (method, path, body) => {
    const res = await request(`${server.url}${path}`, {
      method,
      headers: {
        'x-auth-token': token,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = res.body.toString();
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : {};
  };
  return Object.assign(api, { url: server.url, token });
}

/** A qcow2 to boot: the tiny guest when cached or asked for, else an empty 64 MiB qcow2 (fake driver). */
function imageFile(real) {
  const cached = join(process.env.NUAGE_CACHE_DIR ?? join(homedir(), '.cache', 'nuage'), 'guest-image');
  if (real) execFileSync('bash', ['scripts/build-guest-image.sh', cached], { stdio: 'inherit' });
  const tiny = join(cached, 'nuage-tiny.qcow2');
  if (existsSync(tiny)) return tiny;
  const file = join(mkdtempSync(join(tmpdir(), 'nuage-bench-img-')), 'empty.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', file, '64M']);
  return file;
}

async function setUp(api, real) {
  const image = await api('POST', '/image/v2/images', {
    name: 'tiny',
    disk_format: 'qcow2',
    container_format: 'bare',
  });
  const bytes = readFileSync(imageFile(real));
  await request(`${api.url}/image/v2/images/${image.id}/file`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'x-auth-token': api.token },
    body: bytes,
  });
  const flavor = await api('POST', '/compute/v2.1/flavors', {
    flavor: { name: 'bench', vcpus: 1, ram: 256, disk: 1 },
  });
  const net = await api('POST', '/network/v2.0/networks', { network: { name: 'bench' } });
  await api('POST', '/network/v2.0/subnets', {
    subnet: { network_id: net.network.id, cidr: '10.99.0.0/16', ip_version: 4 },
  });
  return { imageRef: image.id, flavorRef: flavor.flavor.id, networks: [{ uuid: net.network.id }] };
}

async function waitAll(api, ids, status) {
  const pending = new Set(ids);
  while (pending.size > 0) {
    const list = await api('GET', '/compute/v2.1/servers/detail?limit=1000');
    const byId = new Map(list.servers.map((s) => [s.id, s]));
    for (const id of pending) {
      const s = byId.get(id);
      if (status === 'DELETED' ? !s : s?.status === status) pending.delete(id);
      else if (s?.status === 'ERROR')
        throw new Error(`server ${id} went to ERROR: ${JSON.stringify(s.fault)}`);
    }
    if (pending.size > 0) await sleep(50);
  }
}

async function fakeRun() {
  const server = await startServer([], {
    NUAGE_COMPUTE_DRIVER: 'fake',
    NUAGE_NETWORK_DRIVER: 'fake',
    NUAGE_COMPUTE_INSTANCES: String(count * 2),
    NUAGE_COMPUTE_CORES: String(count * 2),
    NUAGE_COMPUTE_RAM_MI_B: String(count * 2 * 256),
    // The fake guests use no host resources: let the scheduler place them all on this one host.
    NUAGE_COMPUTE_CPU_ALLOCATION_RATIO: '1000',
    NUAGE_COMPUTE_RAM_ALLOCATION_RATIO: '16',
    NUAGE_COMPUTE_DISK_ALLOCATION_RATIO: '64',
  });
  try {
    const api = await login(server);
    const base = await setUp(api, false);
    console.log(
      `bench/compute (fake driver) against ${server.url} (node ${process.version}, ${count} servers, concurrency 16)`,
    );
    const latencies = [];
    const ids = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < count) {
          const i = next++;
          const t = performance.now();
          const res = await api('POST', '/compute/v2.1/servers', { server: { ...base, name: `b${i}` } });
          latencies.push(performance.now() - t);
          ids.push(res.server.id);
        }
      }),
    );
    const posted = performance.now();
    await waitAll(api, ids, 'ACTIVE');
    const active = performance.now();
    latencies.sort((a, b) => a - b);
    console.log(
      `create: POST p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms; ` +
        `${count} POSTs in ${((posted - t0) / 1000).toFixed(2)} s; all ACTIVE after ${((active - t0) / 1000).toFixed(2)} s ` +
        `= ${(count / ((active - t0) / 1000)).toFixed(1)} servers/s`,
    );
    const showLat = [];
    for (const id of ids.slice(0, 100)) {
      const t = performance.now();
      await api('GET', `/compute/v2.1/servers/${id}`);
      showLat.push(performance.now() - t);
    }
    showLat.sort((a, b) => a - b);
    const t1 = performance.now();
    await api('GET', '/compute/v2.1/servers/detail?limit=1000');
    console.log(
      `show: p50 ${pct(showLat, 50).toFixed(1)} ms, p99 ${pct(showLat, 99).toFixed(1)} ms; ` +
        `detail list of ${count}: ${(performance.now() - t1).toFixed(0)} ms`,
    );
    const d0 = performance.now();
    const delLat = [];
    next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < ids.length) {
          const id = ids[next++];
          const t = performance.now();
          await api('DELETE', `/compute/v2.1/servers/${id}`);
          delLat.push(performance.now() - t);
        }
      }),
    );
    await waitAll(api, ids, 'DELETED');
    delLat.sort((a, b) => a - b);
    const d = (performance.now() - d0) / 1000;
    console.log(
      `delete: p50 ${pct(delLat, 50).toFixed(1)} ms, p99 ${pct(delLat, 99).toFixed(1)} ms; all gone after ${d.toFixed(2)} s = ${(count / d).toFixed(1)} servers/s`,
    );
  } finally {
    await server.stop();
  }
}

async function qemuRun() {
  const server = await startServer([], { NUAGE_COMPUTE_DRIVER: 'qemu', NUAGE_NETWORK_DRIVER: 'user' });
  try {
    const api = await login(server);
    const base = await setUp(api, true);
    console.log(`bench/compute (qemu driver, ${boots} boots of the tiny guest, one at a time)`);
    for (let i = 0; i < boots; i++) {
      const t0 = performance.now();
      const { server: s } = await api('POST', '/compute/v2.1/servers', {
        server: { ...base, name: `q${i}`, config_drive: true },
      });
      let activeAt;
      let readyAt;
      let uptime;
      while (readyAt === undefined && performance.now() - t0 < 300_000) {
        if (activeAt === undefined) {
          const { server: cur } = await api('GET', `/compute/v2.1/servers/${s.id}`);
          if (cur.status === 'ACTIVE') activeAt = performance.now();
          if (cur.status === 'ERROR') throw new Error(`boot failed: ${JSON.stringify(cur.fault)}`);
        } else {
          const out = await api('POST', `/compute/v2.1/servers/${s.id}/action`, {
            'os-getConsoleOutput': { length: 50 },
          });
          const m = /GUEST-READY .*uptime=([0-9.]+)/.exec(out.output ?? '');
          if (m) {
            readyAt = performance.now();
            uptime = Number(m[1]);
          }
        }
        await sleep(100);
      }
      if (readyAt === undefined) throw new Error('guest never printed GUEST-READY');
      const active = (activeAt - t0) / 1000;
      const ready = (readyAt - t0) / 1000;
      console.log(
        `boot ${i + 1}: POST→ACTIVE ${active.toFixed(2)} s, POST→GUEST-READY ${ready.toFixed(2)} s ` +
          `(guest uptime at ready ${uptime.toFixed(2)} s); control plane + QEMU start = ${((100 * active) / ready).toFixed(1)}% of spawn-to-ready`,
      );
      await api('DELETE', `/compute/v2.1/servers/${s.id}`);
      await waitAll(api, [s.id], 'DELETED');
    }
  } finally {
    await server.stop();
  }
}

await fakeRun();
if (withQemu) await qemuRun();
