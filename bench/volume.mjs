// bench/volume: Cinder create latency, and sequential throughput inside a guest on an attached volume
// against the same kind of file on the host.
//  1. POST /volumes of N empty 1 GiB volumes, one at a time: request latency and time to `available`.
//  2. (as root) boots the tiny guest with a floating IP, attaches a 1 GiB volume, and runs
//     `dd bs=1M count=MiB` onto /dev/vdb (conv=fsync) and back (after drop_caches) over SSH; then the
//     same dd on a plain file in the host's temporary directory (the baseline).
// Run (root): npm run build && npm run bench:volume [-- --volumes N] [-- --mib N]
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request, startServer } from './lib.mjs';

const run = promisify(execFile);
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const volumes = arg('--volumes', 10);
const mib = arg('--mib', 256);
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
  const project = JSON.parse(auth.body.toString()).token.project.id;
  const api = async (method, path, body, raw) => {
    const res = await request(`${server.url}${path}`, {
      method,
      headers: {
        'x-auth-token': token,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(raw === undefined ? {} : { 'content-type': 'application/octet-stream' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(raw === undefined ? {} : { body: raw }),
    });
    const text = res.body.toString();
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : {};
  };
  return Object.assign(api, { project });
}

async function until(check, what, timeoutMs = 300_000) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const value = await check();
    if (value) return value;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const volumeStatus = (api, id) =>
  api('GET', `/volume/v3/${api.project}/volumes/${id}`).then((r) => r.volume.status);

async function createLatency(api) {
  const requestMs = [];
  const availableMs = [];
  const ids = [];
  for (let i = 0; i < volumes; i++) {
    const t0 = performance.now();
    const { volume } = await api('POST', `/volume/v3/${api.project}/volumes`, {
      volume: { size: 1, name: `bench-${i}` },
    });
    requestMs.push(performance.now() - t0);
    await until(async () => (await volumeStatus(api, volume.id)) === 'available', 'available');
    availableMs.push(performance.now() - t0);
    ids.push(volume.id);
  }
  requestMs.sort((a, b) => a - b);
  availableMs.sort((a, b) => a - b);
  console.log(
    `create 1 GiB volume (${volumes}, one at a time): POST p50 ${pct(requestMs, 50).toFixed(1)} ms, ` +
      `p99 ${pct(requestMs, 99).toFixed(1)} ms; to available p50 ${pct(availableMs, 50).toFixed(0)} ms, ` +
      `max ${availableMs.at(-1).toFixed(0)} ms`,
  );
  for (const id of ids) await api('DELETE', `/volume/v3/${api.project}/volumes/${id}`);
}

const rate = (seconds) => `${(mib / seconds).toFixed(1)} MiB/s`;

/** Seconds a `dd` took, from its own summary line (busybox or GNU). */
function ddSeconds(text, fallback) {
  const m = /([0-9.]+) ?s(?:econds)?,/.exec(text);
  return m ? Number(m[1]) : fallback;
}

async function guestRun(server, api) {
  const cache = join(process.env.NUAGE_CACHE_DIR ?? join(homedir(), '.cache', 'nuage'), 'guest-image');
  await run('bash', ['scripts/build-guest-image.sh', cache], { timeout: 300_000 });
  const scratch = mkdtempSync(join(tmpdir(), 'nuage-bench-vol-'));
  try {
    const image = await api('POST', '/image/v2/images', {
      name: 'tiny',
      disk_format: 'qcow2',
      container_format: 'bare',
    });
    await api(
      'PUT',
      `/image/v2/images/${image.id}/file`,
      undefined,
      readFileSync(join(cache, 'nuage-tiny.qcow2')),
    );
    const flavor = await api('POST', '/compute/v2.1/flavors', {
      flavor: { name: 'bench', vcpus: 1, ram: 256, disk: 1 },
    });
    const net = await api('POST', '/network/v2.0/networks', { network: { name: 'bench' } });
    const subnet = await api('POST', '/network/v2.0/subnets', {
      subnet: { network_id: net.network.id, cidr: '10.98.0.0/24', ip_version: 4 },
    });
    const nets = await api('GET', '/network/v2.0/networks?name=public');
    const router = await api('POST', '/network/v2.0/routers', {
      router: { name: 'bench', external_gateway_info: { network_id: nets.networks[0].id } },
    });
    await api('PUT', `/network/v2.0/routers/${router.router.id}/add_router_interface`, {
      subnet_id: subnet.subnet.id,
    });
    const groups = await api('GET', '/network/v2.0/security-groups?name=default');
    await api('POST', '/network/v2.0/security-group-rules', {
      security_group_rule: {
        security_group_id: groups.security_groups[0].id,
        direction: 'ingress',
        protocol: 'tcp',
        port_range_min: 22,
        port_range_max: 22,
      },
    });
    const key = await api('POST', '/compute/v2.1/os-keypairs', { keypair: { name: 'bench' } });
    const keyPath = join(scratch, 'key');
    writeFileSync(keyPath, key.keypair.private_key, { mode: 0o600 });
    const { server: vm } = await api('POST', '/compute/v2.1/servers', {
      server: {
        name: 'bench',
        imageRef: image.id,
        flavorRef: flavor.flavor.id,
        networks: [{ uuid: net.network.id }],
        key_name: 'bench',
        config_drive: true,
      },
    });
    await until(async () => {
      const { server: now } = await api('GET', `/compute/v2.1/servers/${vm.id}`);
      if (now.status === 'ERROR') throw new Error(`boot failed: ${JSON.stringify(now.fault)}`);
      if (now.status !== 'ACTIVE') return false;
      const out = await api('POST', `/compute/v2.1/servers/${vm.id}/action`, { 'os-getConsoleOutput': {} });
      return /GUEST-READY/.test(out.output ?? '');
    }, 'GUEST-READY');
    const ports = await api('GET', `/network/v2.0/ports?device_id=${vm.id}`);
    const fip = await api('POST', '/network/v2.0/floatingips', {
      floatingip: { floating_network_id: nets.networks[0].id, port_id: ports.ports[0].id },
    });
    const ip = fip.floatingip.floating_ip_address;
    const { volume } = await api('POST', `/volume/v3/${api.project}/volumes`, { volume: { size: 1 } });
    await until(async () => (await volumeStatus(api, volume.id)) === 'available', 'volume available');
    await api('POST', `/compute/v2.1/servers/${vm.id}/os-volume_attachments`, {
      volumeAttachment: { volumeId: volume.id },
    });
    await until(async () => (await volumeStatus(api, volume.id)) === 'in-use', 'volume in-use');
    const ssh = async (command) =>
      (
        await run(
          'ssh',
          [
            '-i',
            keyPath,
            '-o',
            'StrictHostKeyChecking=no',
            '-o',
            'UserKnownHostsFile=/dev/null',
            '-o',
            'LogLevel=ERROR',
            '-o',
            'ConnectTimeout=10',
            `root@${ip}`,
            command,
          ],
          { timeout: 600_000 },
        )
      ).stdout;
    await until(
      async () => (await ssh('cat /proc/partitions').catch(() => '')).includes('vdb'),
      'vdb in guest',
    );
    let t = performance.now();
    const w = await ssh(`dd if=/dev/zero of=/dev/vdb bs=1M count=${mib} conv=fsync 2>&1`);
    const guestWrite = ddSeconds(w, (performance.now() - t) / 1000);
    t = performance.now();
    const r = await ssh(
      `echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/vdb of=/dev/null bs=1M count=${mib} 2>&1`,
    );
    const guestRead = ddSeconds(r, (performance.now() - t) / 1000);
    // Host baseline: the same dd on a file in the data directory's file system.
    const file = join(scratch, 'host.img');
    t = performance.now();
    await run('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', `count=${mib}`, 'conv=fsync'], {
      timeout: 600_000,
    });
    const hostWrite = (performance.now() - t) / 1000;
    await run('sh', ['-c', 'sync; echo 3 > /proc/sys/vm/drop_caches']).catch(() => undefined);
    t = performance.now();
    await run('dd', [`if=${file}`, 'of=/dev/null', 'bs=1M'], { timeout: 600_000 });
    const hostRead = (performance.now() - t) / 1000;
    console.log(
      `guest (TCG) dd ${mib} MiB on the attached volume: write ${rate(guestWrite)}, read ${rate(guestRead)}`,
    );
    console.log(`host dd ${mib} MiB on a file: write ${rate(hostWrite)}, read ${rate(hostRead)}`);
    await api('DELETE', `/compute/v2.1/servers/${vm.id}/os-volume_attachments/${volume.id}`);
    await until(async () => (await volumeStatus(api, volume.id)) === 'available', 'volume detached', 120_000);
    await api('DELETE', `/compute/v2.1/servers/${vm.id}`);
    await api('DELETE', `/volume/v3/${api.project}/volumes/${volume.id}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const root = process.getuid?.() === 0;
const server = await startServer([], root ? { NUAGE_NETWORK_DRIVER: 'linux' } : {});
try {
  const api = await login(server);
  console.log(`bench/volume against ${server.url} (node ${process.version})`);
  await createLatency(api);
  if (root) await guestRun(server, api);
  else console.log('not root: the in-guest figures need the linux data plane (run as root)');
} finally {
  await server.stop();
}
