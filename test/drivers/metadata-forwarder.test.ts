// The metadata path on the real Linux data plane, in two namespaces this test creates: a "router"
// namespace with the router's nft redirect of 169.254.169.254:80 and the supervised forwarder (started
// with `ip netns exec` by the linux driver's supervisor), and a "guest" namespace behind a veth. A
// guest's curl of http://169.254.169.254 must reach the metadata server's unix socket with its own
// address and the router id, whatever headers it sends. Root only; nothing outside these namespaces.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfigDriveFiles } from '../../src/compute/config-drive/metadata.js';
import { serverMetadataInput } from '../../src/compute/config-drive/server-metadata-input.js';
import { PowerState } from '../../src/compute/driver/driver.js';
import {
  startMetadataServer,
  type MetadataServer,
  type MetadataSource,
} from '../../src/compute/metadata-api/index.js';
import type { Server } from '../../src/compute/model.js';
import { run } from '../../src/network/driver/linux/exec.js';
import {
  createMetadataProxySupervisor,
  type MetadataProxySupervisor,
} from '../../src/network/driver/linux/metadata-proxy.js';
import { routerRuleset } from '../../src/network/driver/linux/router-nat.js';
import { requireRoot } from '../support/require-root.js';

const exec = promisify(execFile);
const suffix = randomBytes(3).toString('hex');
const routerNs = `nmd-r-${suffix}`;
const guestNs = `nmd-g-${suffix}`;
const routerId = `8c0e5b7a-${suffix}-4d2e-9f00-000000000001`;
const PORT = 8775;
const GUEST_IP = '10.250.0.5';
const SEED = 'c2VlZA==';

const server: Server = {
  id: '5d1e0f3a-1111-4c1e-9a7f-2d3b4c5d6e7f',
  name: 'vm1',
  description: null,
  projectId: 'proj-1',
  userId: 'user-1',
  flavorId: 'f1',
  flavor: {
    id: 'f1',
    name: 'm1.tiny',
    description: null,
    vcpus: 1,
    ramMiB: 256,
    diskGib: 1,
    ephemeralGib: 0,
    swapMiB: 0,
    rxtxFactor: 1,
    isPublic: true,
    disabled: false,
    extraSpecs: {},
    createdAt: '2026-11-30T00:00:00Z',
    updatedAt: '2026-11-30T00:00:00Z',
  },
  imageId: 'img-1',
  keyName: 'mykey',
  keyData: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH5 probe@host',
  userData: null,
  metadata: {},
  networks: [],
  ports: [
    {
      portId: 'port-vm',
      networkId: 'net-1',
      networkName: 'private',
      macAddress: 'fa:16:3e:00:00:05',
      fixedIps: [{ address: GUEST_IP, version: 4 }],
      created: true,
    },
  ],
  configDrive: false,
  availabilityZone: 'nova',
  host: 'host1',
  vmState: 'active',
  taskState: null,
  powerState: PowerState.Running,
  locked: false,
  lockedReason: null,
  stepsDone: [],
  attempts: 0,
  launchedAt: null,
  terminatedAt: null,
  deleted: false,
  version: 1,
  createdAt: '2026-11-30T00:00:00Z',
  updatedAt: '2026-11-30T00:00:00Z',
  fault: null,
};

const lookups: { routerId: string; ip: string }[] = [];
const source: MetadataSource = {
  async findInstance(router, ip) {
    lookups.push({ routerId: router, ip });
    return router === routerId && (ip === GUEST_IP || ip === '127.0.0.1') ? { server } : undefined;
  },
};
const silent = { debug: () => undefined, info: () => undefined, error: () => undefined };

let scratch: string;
let metadata: MetadataServer;
let proxies: MetadataProxySupervisor;
const events: { event: string; detail: Record<string, unknown> }[] = [];

async function curl(netns: string, args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await exec('ip', [
    'netns',
    'exec',
    netns,
    'curl',
    '-s',
    '-m',
    '10',
    '-w',
    '\n%{http_code}',
    ...args,
  ]);
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

async function waitForForwarder(timeoutMs = 30_000): Promise<void> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const answer = await curl(routerNs, [`http://127.0.0.1:${PORT}/`]).catch(() => ({ status: 0 }));
    if (answer.status !== 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no forwarder on ${routerNs}:${PORT}; events ${JSON.stringify(events)}`);
}

describe('metadata forwarder in a router namespace', () => {
  requireRoot('metadata forwarder in a router namespace');
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'nuage-md-'));
    await run(['ip', 'netns', 'add', routerNs]);
    await run(['ip', 'netns', 'add', guestNs]);
    await run(['ip', '-n', routerNs, 'link', 'set', 'lo', 'up']);
    await run(['ip', '-n', guestNs, 'link', 'set', 'lo', 'up']);
    await run([
      'ip',
      '-n',
      routerNs,
      'link',
      'add',
      'qr0',
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      guestNs,
    ]);
    await run(['ip', '-n', routerNs, 'addr', 'add', '10.250.0.1/24', 'dev', 'qr0']);
    await run(['ip', '-n', routerNs, 'link', 'set', 'qr0', 'up']);
    await run(['ip', '-n', guestNs, 'addr', 'add', `${GUEST_IP}/24`, 'dev', 'eth0']);
    await run(['ip', '-n', guestNs, 'addr', 'add', '10.250.0.6/24', 'dev', 'eth0']);
    await run(['ip', '-n', guestNs, 'link', 'set', 'eth0', 'up']);
    await run(['ip', '-n', guestNs, 'route', 'add', '169.254.169.254/32', 'via', '10.250.0.1']);
    // The router's real NAT table (router-nat.ts), which holds the metadata redirect.
    const ruleset = routerRuleset(
      {
        id: routerId,
        adminStateUp: true,
        routes: [],
        interfaces: [{ portId: 'rif', networkId: 'net-1', macAddress: '', addresses: ['10.250.0.1/24'] }],
        floatingIps: [],
      },
      PORT,
    );
    await run(['ip', 'netns', 'exec', routerNs, 'nft', '-f', '-'], ruleset);
    metadata = await startMetadataServer({
      socketPath: path.join(scratch, 'compute', 'metadata.sock'),
      source,
      log: silent as never,
      randomSeed: () => SEED,
    });
    proxies = createMetadataProxySupervisor({
      socketPath: metadata.socketPath,
      port: PORT,
      log: (event, detail) => events.push({ event, detail }),
    });
    await proxies.ensure([{ routerId, netns: routerNs }]);
    await waitForForwarder();
  });

  afterAll(async () => {
    await proxies?.stopAll();
    await metadata?.close();
    await run(['ip', 'netns', 'del', guestNs]).catch(() => undefined);
    await run(['ip', 'netns', 'del', routerNs]).catch(() => undefined);
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('serves meta_data.json through the forwarder inside the namespace', async () => {
    const answer = await curl(routerNs, [`http://127.0.0.1:${PORT}/openstack/latest/meta_data.json`]);
    const drive = buildConfigDriveFiles(serverMetadataInput(server, SEED));
    expect(answer).toEqual({ status: 200, body: drive.get('openstack/latest/meta_data.json') });
    expect(lookups.at(-1)).toEqual({ routerId, ip: '127.0.0.1' });
  });

  it('identifies a guest by its address through 169.254.169.254, ignoring headers it sends', async () => {
    const spoof = ['-H', 'X-Forwarded-For: 10.9.9.9', '-H', 'X-Nuage-Router-ID: evil'];
    const answer = await curl(guestNs, [...spoof, 'http://169.254.169.254/openstack/latest/meta_data.json']);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ uuid: server.id, hostname: 'vm1' });
    expect(lookups.at(-1)).toEqual({ routerId, ip: GUEST_IP });
    // The guest image asks with HTTP/1.0 and `Connection: close` (scripts/guest-image/…/metadata).
    const old = await curl(guestNs, ['--http1.0', 'http://169.254.169.254/openstack/latest/meta_data.json']);
    expect(old).toEqual(answer);
    const ec2 = await curl(guestNs, ['http://169.254.169.254/latest/meta-data/local-ipv4']);
    expect(ec2).toEqual({ status: 200, body: GUEST_IP });
    // Another address of the same namespace is no instance.
    const other = await curl(guestNs, ['--interface', '10.250.0.6', 'http://169.254.169.254/openstack']);
    expect(other.status).toBe(404);
    expect(lookups.at(-1)).toEqual({ routerId, ip: '10.250.0.6' });
  });

  it('answers a client that half-closes after its request (as busybox nc does)', async () => {
    // The request is written, then the client shuts its sending side at once; the answer must still come.
    const script = [
      "const s = require('node:net').connect({ host: '169.254.169.254', port: 80, allowHalfOpen: true }, () => {",
      "  s.end('GET /openstack/latest/meta_data.json HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n');",
      '});',
      "let out = ''; s.on('data', (d) => (out += d)); s.on('end', () => process.stdout.write(out));",
      'setTimeout(() => s.destroy(), 5000).unref();',
    ].join('\n');
    for (let i = 0; i < 5; i++) {
      const { stdout } = await exec('ip', ['netns', 'exec', guestNs, process.execPath, '-e', script]);
      expect(stdout.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
      expect(stdout).toContain(server.id);
    }
  });

  it('restarts a forwarder that dies, reports its memory, and stops it with the router', async () => {
    const pid = proxies.pidOf(routerId);
    expect(pid).toBeTypeOf('number');
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kib = (text: string, key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1]);
    const rssKib = kib(status, 'VmRSS');
    console.log(
      `metadata forwarder pid ${pid}: VmRSS ${rssKib} KiB, Pss ${kib(rollup, 'Pss')} KiB, Private_Dirty ${kib(rollup, 'Private_Dirty')} KiB`,
    );
    expect(rssKib).toBeLessThan(80 * 1024);
    process.kill(pid as number, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await waitForForwarder();
    expect(proxies.pidOf(routerId)).not.toBe(pid);
    expect(events.some((e) => e.event === 'network.metadata_proxy.exited')).toBe(true);
    const again = await curl(guestNs, ['http://169.254.169.254/latest/meta-data/instance-id']);
    expect(again.status).toBe(200);
    const restarted = proxies.pidOf(routerId) as number;
    await proxies.ensure([]);
    expect(proxies.runningRouters()).toEqual([]);
    await expect(readFile(`/proc/${restarted}/status`, 'utf8')).rejects.toThrow();
    const refused = await curl(guestNs, ['http://169.254.169.254/openstack']).catch(() => ({ status: 0 }));
    expect(refused.status).toBe(0);
  });
});
