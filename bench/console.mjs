// bench/console: the web console's figures.
//  1. bundle: gzip size of what the first view loads (index.html, its entry script and CSS), and of the
//     whole build (lazy pages, xterm.js and noVNC load on demand).
//  2. time to interactive, in Debian's Chromium on loopback, against `nuage up` (fake compute driver)
//     holding N servers (default 500): the login page (navigation → Sign-in button usable), and sign-in
//     → the instance list showing all N rows.
//  3. memory of the tab (JS heap after a forced GC, and the renderer's whole heap) at the start and after
//     M minutes (default 10) of live status on the instance list.
// Run: npm run build && npm run bench:console [-- --servers N] [-- --minutes M]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { request, startServer } from './lib.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const count = arg('--servers', 500);
const minutes = arg('--minutes', 10);
const web = join(import.meta.dirname, '..', 'dist', 'web');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

function bundle() {
  const html = readFileSync(join(web, 'index.html'), 'utf8');
  const first = [
    'index.html',
    ...[...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]),
  ];
  const gz = (file) => gzipSync(readFileSync(join(web, file)), { level: 9 }).length;
  const all = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else all.push(full.slice(web.length + 1));
    }
  };
  walk(web);
  const firstBytes = first.reduce((s, f) => s + gz(f), 0);
  const allBytes = all.filter((f) => /\.(js|css|html)$/.test(f)).reduce((s, f) => s + gz(f), 0);
  console.log(
    `bundle: first view ${kib(firstBytes)} gzip (${first.length} files); whole build ${kib(allBytes)} gzip`,
  );
}

async function seed(server) {
  const auth = await request(`${server.url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'admin', domain: { name: 'Default' }, password: server.admin.password } },
        },
        scope: { project: { name: server.admin.project_name, domain: { name: 'Default' } } },
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
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) }),
    });
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${res.body}`);
    const text = res.body.toString();
    return text ? JSON.parse(text) : {};
  };
  const image = await api('POST', '/image/v2/images', {
    name: 'bench',
    disk_format: 'raw',
    container_format: 'bare',
  });
  await request(`${server.url}/image/v2/images/${image.id}/file`, {
    method: 'PUT',
    headers: { 'x-auth-token': token, 'content-type': 'application/octet-stream' },
    body: Buffer.alloc(1024 * 1024),
  });
  // Neutron's default port quota (500) is one short of 500 servers plus the DHCP port.
  const project = auth.body.toString().match(/"project":\{"id":"([0-9a-f]+)"/)[1];
  await api('PUT', `/network/v2.0/quotas/${project}`, { quota: { port: count * 2 } });
  const net = await api('POST', '/network/v2.0/networks', { network: { name: 'bench' } });
  await api('POST', '/network/v2.0/subnets', {
    subnet: { network_id: net.network.id, cidr: '10.99.0.0/20', ip_version: 4 },
  });
  const batch = 50;
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    await api('POST', '/compute/v2.1/servers', {
      server: {
        name: `s${i}`,
        imageRef: image.id,
        flavorRef: 'nano',
        networks: [{ uuid: net.network.id }],
        min_count: n,
        max_count: n,
      },
    });
  }
  for (;;) {
    const list = await api('GET', '/compute/v2.1/servers/detail?limit=1000');
    const active = list.servers.filter((s) => s.status === 'ACTIVE').length;
    if (active >= count) break;
    if (list.servers.some((s) => s.status === 'ERROR'))
      throw new Error(
        `a server went to ERROR: ${JSON.stringify(list.servers.find((s) => s.status === 'ERROR').fault)}`,
      );
    await sleep(500);
  }
}

async function heap(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const js = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
  const nodes = metrics.find((m) => m.name === 'Nodes')?.value ?? 0;
  return { js, nodes };
}

async function main() {
  bundle();
  const server = await startServer([], {
    NUAGE_COMPUTE_DRIVER: 'fake',
    NUAGE_NETWORK_DRIVER: 'fake',
    NUAGE_CONSOLE_GUEST_IMAGE: '',
    NUAGE_COMPUTE_INSTANCES: String(count * 2),
    NUAGE_COMPUTE_CORES: String(count * 2),
    NUAGE_COMPUTE_RAM_MI_B: String(count * 2 * 256),
    NUAGE_COMPUTE_CPU_ALLOCATION_RATIO: '1000',
    NUAGE_COMPUTE_RAM_ALLOCATION_RATIO: '16',
    NUAGE_COMPUTE_DISK_ALLOCATION_RATIO: '64',
  });
  const profile = mkdtempSync(join(tmpdir(), 'nuage-bench-chromium-'));
  let context;
  try {
    await seed(server);
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      headless: true,
      viewport: { width: 1400, height: 1000 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    // Cold load: the cache is empty on this fresh profile.
    let started = performance.now();
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    const loginMs = performance.now() - started;
    await page.getByLabel('User name').fill('admin');
    await page.locator('input[type="password"]').fill(server.admin.password);
    // The API's share of the wait: the first servers/detail answer, as the browser timed it.
    const apiMs = new Promise((resolve) => {
      page.on('requestfinished', (req) => {
        if (!req.url().includes('/servers/detail')) return;
        const t = req.timing();
        resolve(t.responseEnd - t.requestStart);
      });
    });
    started = performance.now();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator(`table[data-loaded="true"] tbody tr:nth-child(${count})`).waitFor({ timeout: 60_000 });
    const listMs = performance.now() - started;
    console.log(
      `time to interactive (${count} servers, loopback): login page ${loginMs.toFixed(0)} ms; sign-in → instance list ${listMs.toFixed(0)} ms; first view total ${(loginMs + listMs).toFixed(0)} ms (of which GET servers/detail ${(await apiMs).toFixed(0)} ms); load average ${loadavg()[0].toFixed(1)}`,
    );
    const before = await heap(cdp);
    const deadline = Date.now() + minutes * 60_000;
    while (Date.now() < deadline) await sleep(10_000);
    const after = await heap(cdp);
    const rows = await page.locator('table tbody tr').count();
    console.log(
      `memory of the tab after ${minutes} min of live status: JS heap ${kib(before.js)} → ${kib(after.js)}; DOM nodes ${before.nodes} → ${after.nodes}; rows shown ${rows}`,
    );
  } finally {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
    await server.stop();
  }
}

await main();
