// Nova end to end: the started `nuage up` binary with the linux data plane and real QEMU guests (the
// tiny image), driven by Debian's `openstack` CLI: key pair, flavor, boot with --wait, console log,
// SSH through a floating IP, guest-to-guest traffic, a security-group change on a running guest,
// every power action, bad input, quota, kill -9 of the control plane with two guests running, and
// deletes that leave no QEMU process or disk. Guests only reach each other and 172.24.4.0/24 (the
// host-only external network). Runs as root only.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureGuestImage } from '../support/guest-image.js';
import { killGuestsUnder } from '../support/leaked-guests.js';
import { startNuage, type NuageServer } from '../support/nuage-server.js';
import { openstack, openstackJson, openstackOk, type CliOptions } from '../support/openstack-cli.js';
import { teardownDataPlane } from './network-helpers.js';
import { requireRoot } from '../support/require-root.js';

const BOOT_TIMEOUT_MS = 150_000;

let nuage: NuageServer;
let admin: CliOptions;
let scratch: string;
let keyPath: string;
const fip = { vm1: '' };
const fixed = { vm1: '', vm2: '' };
const ids = { vm1: '', vm2: '', sshRule: '' };

interface ServerView {
  id: string;
  name: string;
  status: string;
  addresses: Record<string, string[]> | string;
  'OS-EXT-STS:task_state': string | null;
  'OS-EXT-STS:power_state': string;
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sh(file: string, args: string[], timeoutMs = 30_000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

const show = (name: string) => openstackJson<ServerView>(['server', 'show', name], admin);

/** Polls until the server has `status` and no task; fails early on ERROR. */
async function waitStatus(name: string, status: string, timeoutMs = BOOT_TIMEOUT_MS): Promise<ServerView> {
  const started = Date.now();
  let last: ServerView | undefined;
  while (Date.now() - started < timeoutMs) {
    last = await show(name);
    if (last.status === status && !last['OS-EXT-STS:task_state']) return last;
    if (last.status === 'ERROR' && status !== 'ERROR')
      throw new Error(`${name} went to ERROR: ${JSON.stringify(last)}`);
    await sleep(1_000);
  }
  throw new Error(`${name} not ${status} within ${timeoutMs} ms: ${JSON.stringify(last)}`);
}

/** Waits until the console log holds `count` lines containing `marker`; resolves the log. */
async function waitConsole(name: string, marker: string, count = 1): Promise<string> {
  const started = Date.now();
  let log = '';
  while (Date.now() - started < BOOT_TIMEOUT_MS) {
    log = await openstackOk(['console', 'log', 'show', name], admin);
    if (log.split('\n').filter((line) => line.includes(marker)).length >= count) return log;
    await sleep(2_000);
  }
  throw new Error(`no ${count}× ${marker} on ${name}'s console:\n${log.slice(-3000)}`);
}

const SSH_OPTS = [
  '-o',
  'StrictHostKeyChecking=no',
  '-o',
  'UserKnownHostsFile=/dev/null',
  '-o',
  'BatchMode=yes',
  '-o',
  'IdentitiesOnly=yes',
  '-o',
  'ConnectTimeout=10',
  '-o',
  'LogLevel=ERROR',
];

async function ssh(ip: string, command: string, attempts = 5): Promise<string> {
  let last = { code: -1, out: '' };
  for (let i = 0; i < attempts; i++) {
    last = await sh('ssh', ['-i', keyPath, ...SSH_OPTS, `root@${ip}`, command], 40_000);
    if (last.code === 0) return last.out;
    await sleep(2_000);
  }
  throw new Error(`ssh ${ip} ${command}: exit ${last.code}\n${last.out}`);
}

/** True when a TCP connection to ip:port opens within 3 s. */
function tcpOpens(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: ip, port, timeout: 3_000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

async function novaToken(): Promise<string> {
  return (await openstackOk(['token', 'issue', '-f', 'value', '-c', 'id'], admin)).trim();
}

async function api(method: string, url: string, body?: unknown) {
  const res = await fetch(`${nuage.url}${url}`, {
    method,
    headers: { 'x-auth-token': await novaToken(), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const nova = (method: string, url: string, body?: unknown) => api(method, `/compute/v2.1${url}`, body);

function qemuPidsOf(serverId: string): Promise<string> {
  return sh('pgrep', ['-f', `uuid ${serverId}`]).then((r) => r.out.trim());
}

describe('compute e2e (QEMU guests, linux data plane)', () => {
  requireRoot('compute e2e (QEMU guests, linux data plane)');
  beforeAll(async () => {
    const image = await ensureGuestImage();
    scratch = await mkdtemp(path.join(tmpdir(), 'nuage-compute-e2e-'));
    nuage = await startNuage({
      env: { NUAGE_NETWORK_DRIVER: 'linux', NUAGE_COMPUTE_STOP_TIMEOUT_SECONDS: '30' },
    });
    admin = { cloudsYaml: nuage.cloudsYaml, timeoutMs: 180_000 };
    await openstackOk(
      ['image', 'create', '--file', image, '--disk-format', 'qcow2', '--container-format', 'bare', 'tiny'],
      admin,
    );
    await openstackOk(['network', 'create', 'private'], admin);
    await openstackOk(
      ['subnet', 'create', 'private-sub', '--network', 'private', '--subnet-range', '10.66.0.0/24'],
      admin,
    );
    await openstackOk(['router', 'create', 'r1'], admin);
    await openstackOk(['router', 'set', '--external-gateway', 'public', 'r1'], admin);
    await openstackOk(['router', 'add', 'subnet', 'r1', 'private-sub'], admin);
    ids.sshRule = (
      await openstackJson<{ id: string }>(
        ['security', 'group', 'rule', 'create', '--protocol', 'tcp', '--dst-port', '22', 'default'],
        admin,
      )
    ).id;
    await openstackOk(['security', 'group', 'rule', 'create', '--protocol', 'icmp', 'default'], admin);
  });

  afterAll(async () => {
    // The server's own errors, for a failure that the CLI output alone does not explain.
    const errors = (nuage?.logs() ?? '').split('\n').filter((l) => l.includes('"level":50'));
    if (errors.length > 0) console.error(errors.slice(-20).join('\n'));
    const dataDir = nuage?.dataDir;
    await nuage?.stop();
    // A failed run leaves its guests behind (they outlive the control plane by design).
    if (dataDir) killGuestsUnder(dataDir);
    await teardownDataPlane();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('creates a key pair and a flavor', async () => {
    const key = await openstack(['keypair', 'create', 'k1'], admin);
    expect(key.code).toBe(0);
    expect(key.stdout).toContain('PRIVATE KEY');
    keyPath = path.join(scratch, 'k1.pem');
    await writeFile(keyPath, key.stdout, { mode: 0o600 });
    const pairs = await openstackJson<{ Name: string; Fingerprint: string }[]>(['keypair', 'list'], admin);
    expect(pairs.map((p) => p.Name)).toEqual(['k1']);
    await openstackOk(['flavor', 'create', '--vcpus', '1', '--ram', '256', '--disk', '1', 'f1'], admin);
    const flavors = await openstackJson<{ Name: string; RAM: number; VCPUs: number }[]>(
      ['flavor', 'list'],
      admin,
    );
    expect(flavors).toContainEqual(expect.objectContaining({ Name: 'f1', RAM: 256, VCPUs: 1 }));
  });

  it('boots a guest that reads the metadata service and answers SSH through a floating IP', async () => {
    const created = await openstackJson<ServerView>(
      [
        'server',
        'create',
        '--image',
        'tiny',
        '--flavor',
        'f1',
        '--key-name',
        'k1',
        '--network',
        'private',
        '--wait',
        'vm1',
      ],
      admin,
    );
    expect(created.status).toBe('ACTIVE');
    ids.vm1 = created.id;
    const log = await waitConsole('vm1', 'GUEST-READY');
    expect(log).toMatch(/GUEST-METADATA source=metadata-service hostname=vm1 uuid=[0-9a-f-]+ keys=1/);
    expect(log).toContain(`uuid=${created.id}`);
    fixed.vm1 = /GUEST-READY ip=([0-9.]+)\//.exec(log)?.[1] ?? '';
    fip.vm1 = (
      await openstackJson<{ floating_ip_address: string }>(['floating', 'ip', 'create', 'public'], admin)
    ).floating_ip_address;
    await openstackOk(['server', 'add', 'floating', 'ip', 'vm1', fip.vm1], admin);
    expect((await ssh(fip.vm1, 'hostname')).trim()).toBe('vm1');
  });

  it('lets two guests on one network reach each other (the second with a config drive)', async () => {
    const created = await openstackJson<ServerView>(
      [
        'server',
        'create',
        '--image',
        'tiny',
        '--flavor',
        'f1',
        '--key-name',
        'k1',
        '--network',
        'private',
        '--config-drive',
        'True',
        '--wait',
        'vm2',
      ],
      admin,
    );
    ids.vm2 = created.id;
    const log = await waitConsole('vm2', 'GUEST-READY');
    expect(log).toMatch(/GUEST-METADATA source=config-drive hostname=vm2 /);
    fixed.vm2 = /GUEST-READY ip=([0-9.]+)\//.exec(log)?.[1] ?? '';
    expect(fixed.vm2).toMatch(/^10\.66\.0\./);
    const ping = await ssh(fip.vm1, `ping -c 2 -W 3 ${fixed.vm2}`);
    expect(ping).toContain('2 packets received');
  });

  it('applies a security-group change to a running guest', async () => {
    expect(await tcpOpens(fip.vm1, 22)).toBe(true);
    await openstackOk(['security', 'group', 'rule', 'delete', ids.sshRule], admin);
    let closed = false;
    for (let i = 0; i < 10 && !closed; i++) {
      closed = !(await tcpOpens(fip.vm1, 22));
      if (!closed) await sleep(1_000);
    }
    expect(closed).toBe(true);
    await openstackOk(
      ['security', 'group', 'rule', 'create', '--protocol', 'tcp', '--dst-port', '22', 'default'],
      admin,
    );
    expect((await ssh(fip.vm1, 'echo back')).trim()).toBe('back');
  });

  it('runs every power action to the right status', async () => {
    const steps: [string, string][] = [
      ['stop', 'SHUTOFF'],
      ['start', 'ACTIVE'],
      ['pause', 'PAUSED'],
      ['unpause', 'ACTIVE'],
      ['suspend', 'SUSPENDED'],
      ['resume', 'ACTIVE'],
    ];
    for (const [action, status] of steps) {
      await openstackOk(['server', action, 'vm2'], admin);
      const server = await waitStatus('vm2', status);
      expect(server.status, action).toBe(status);
    }
    // A soft reboot needs the guest's ACPI daemon: wait for the boot that `start` began to finish.
    await waitConsole('vm2', 'GUEST-READY', 2);
    await openstackOk(['server', 'reboot', 'vm2'], admin);
    await waitStatus('vm2', 'ACTIVE');
    await waitConsole('vm2', 'GUEST-READY', 3);
    await openstackOk(['server', 'reboot', '--hard', 'vm2'], admin);
    await waitStatus('vm2', 'ACTIVE');
    await waitConsole('vm2', 'GUEST-READY', 4);
    const events = await openstackJson<{ Action: string }[]>(['server', 'event', 'list', 'vm2'], admin);
    expect(events.map((e) => e.Action)).toEqual(
      expect.arrayContaining(['create', 'stop', 'start', 'pause', 'unpause', 'suspend', 'resume', 'reboot']),
    );
  });

  it('resizes (confirm and revert) and rebuilds a guest', async () => {
    await openstackOk(['flavor', 'create', '--vcpus', '2', '--ram', '320', '--disk', '2', 'f2'], admin);
    await openstackOk(['server', 'resize', '--flavor', 'f2', 'vm2'], admin);
    await waitStatus('vm2', 'VERIFY_RESIZE');
    await openstackOk(['server', 'resize', 'confirm', 'vm2'], admin);
    const resized = await waitStatus('vm2', 'ACTIVE');
    expect(JSON.stringify(resized)).toContain('f2');
    await waitConsole('vm2', 'GUEST-READY', 5);
    expect((await ssh(fip.vm1, `ping -c 1 -W 3 ${fixed.vm2}`)).trim()).toContain('1 packets received');
    // Disks only grow, so the revert goes through a flavor with the same disk.
    await openstackOk(['flavor', 'create', '--vcpus', '1', '--ram', '288', '--disk', '2', 'f3'], admin);
    await openstackOk(['server', 'resize', '--flavor', 'f3', 'vm2'], admin);
    await waitStatus('vm2', 'VERIFY_RESIZE');
    await openstackOk(['server', 'resize', 'revert', 'vm2'], admin);
    const reverted = await waitStatus('vm2', 'ACTIVE');
    expect(JSON.stringify(reverted)).toContain('f2');
    await openstackOk(['server', 'rebuild', '--image', 'tiny', '--wait', 'vm2'], admin);
    expect((await waitStatus('vm2', 'ACTIVE')).status).toBe('ACTIVE');
    const events = await openstackJson<{ Action: string }[]>(['server', 'event', 'list', 'vm2'], admin);
    expect(events.map((e) => e.Action)).toEqual(
      expect.arrayContaining(['resize', 'confirmResize', 'revertResize', 'rebuild']),
    );
  });

  it('snapshots a running guest into an image that boots', async () => {
    await openstackOk(['server', 'image', 'create', '--name', 'vm1-snap', '--wait', 'vm1'], admin);
    const image = await openstackJson<{ status: string; disk_format: string; properties: unknown }>(
      ['image', 'show', 'vm1-snap'],
      admin,
    );
    expect(image.status).toBe('active');
    expect(image.disk_format).toBe('qcow2');
    expect(JSON.stringify(image.properties)).toContain(ids.vm1);
    expect((await show('vm1')).status).toBe('ACTIVE');
    const vm3 = await openstackJson<ServerView>(
      [
        'server',
        'create',
        '--image',
        'vm1-snap',
        '--flavor',
        'f1',
        '--key-name',
        'k1',
        '--network',
        'private',
        '--config-drive',
        'True',
        '--wait',
        'vm3',
      ],
      admin,
    );
    expect(vm3.status).toBe('ACTIVE');
    expect(await waitConsole('vm3', 'GUEST-READY')).toMatch(
      /GUEST-METADATA source=config-drive hostname=vm3 /,
    );
    await openstackOk(['server', 'delete', '--wait', 'vm3'], admin);
  });

  it('lists and shows servers', async () => {
    const list = await openstackJson<{ Name: string; Status: string; 'Power State': number; Host: string }[]>(
      ['server', 'list', '--long'],
      admin,
    );
    // -f json prints the power state as Nova's number (1 = Running).
    expect(list.map((s) => [s.Name, s.Status, s['Power State']]).sort()).toEqual([
      ['vm1', 'ACTIVE', 1],
      ['vm2', 'ACTIVE', 1],
    ]);
    expect(list[0]?.Host).toBeTruthy();
    const vm1 = await show('vm1');
    expect(JSON.stringify(vm1.addresses)).toContain(fip.vm1);
  });

  it('answers bad input with Nova-shaped 4xx, never 500', async () => {
    const image = (await openstackJson<{ id: string }>(['image', 'show', 'tiny'], admin)).id;
    const flavor = (await openstackJson<{ id: string }>(['flavor', 'show', 'f1'], admin)).id;
    const network = (await openstackJson<{ id: string }>(['network', 'show', 'private'], admin)).id;
    // An image with no data yet (the CLI would upload its stdin, so the API is called directly).
    const queued = await api('POST', '/image/v2/images', {
      name: 'empty',
      disk_format: 'qcow2',
      container_format: 'bare',
    });
    expect(queued.body.status).toBe('queued');
    const unknown = '9f0d1f5e-0000-4000-8000-000000000000';
    const base = { name: 'bad', imageRef: image, flavorRef: flavor, networks: [{ uuid: network }] };
    const cases: [string, Record<string, unknown>, number][] = [
      ['unknown flavor', { ...base, flavorRef: unknown }, 400],
      ['unknown image', { ...base, imageRef: unknown }, 400],
      ['unknown network', { ...base, networks: [{ uuid: unknown }] }, 400],
      ['queued image', { ...base, imageRef: queued.body.id }, 400],
      ['256-character name', { ...base, name: 'n'.repeat(256) }, 400],
      ['user_data over 64 KiB', { ...base, user_data: Buffer.alloc(70_000, 1).toString('base64') }, 400],
      ['no flavor', { name: 'x', imageRef: image }, 400],
    ];
    for (const [what, server, status] of cases) {
      const res = await nova('POST', '/servers', { server });
      expect(res.status, what).toBe(status);
      expect(Object.keys(res.body), what).toEqual(['badRequest']);
    }
    const wrongState = await nova('POST', `/servers/${ids.vm1}/action`, { 'os-start': null });
    expect(wrongState.status).toBe(409);
    expect(wrongState.body).toEqual({ conflictingRequest: { code: 409, message: expect.any(String) } });
    const missing = await nova('GET', `/servers/${unknown}`);
    expect(missing.status).toBe(404);
    expect(Object.keys(missing.body)).toEqual(['itemNotFound']);
    const cli = await openstack(['server', 'create', '--image', 'tiny', '--flavor', 'nope', 'x'], admin);
    expect(cli.code).not.toBe(0);
  });

  it('refuses a server over quota with 403 and Nova message', async () => {
    await openstackOk(['flavor', 'create', '--vcpus', '64', '--ram', '256', '--disk', '1', 'huge'], admin);
    const run = await openstack(
      ['server', 'create', '--image', 'tiny', '--flavor', 'huge', '--network', 'private', 'toobig'],
      admin,
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/Quota exceeded for cores: Requested 64, but already used \d+ of 20 cores/);
    expect(run.stderr).toContain('HTTP 403');
  });

  it('keeps both guests through kill -9 of the control plane, then deletes them without leaks', async () => {
    await nuage.kill9();
    expect(await qemuPidsOf(ids.vm1)).not.toBe('');
    await nuage.restart();
    expect((await waitStatus('vm1', 'ACTIVE')).status).toBe('ACTIVE');
    expect((await waitStatus('vm2', 'ACTIVE')).status).toBe('ACTIVE');
    expect((await ssh(fip.vm1, 'hostname')).trim()).toBe('vm1');
    // Manageable after the restart: a stop goes through QMP re-attached by the new process.
    await openstackOk(['server', 'stop', 'vm2'], admin);
    await waitStatus('vm2', 'SHUTOFF');
    await openstackOk(['server', 'delete', '--wait', 'vm1', 'vm2'], admin);
    expect(await openstackJson<unknown[]>(['server', 'list'], admin)).toEqual([]);
    expect(await qemuPidsOf(ids.vm1)).toBe('');
    expect(await qemuPidsOf(ids.vm2)).toBe('');
    const instances = path.join(nuage.dataDir, 'compute', 'instances');
    expect(existsSync(instances) ? readdirSync(instances) : []).toEqual([]);
    const ports = await openstackJson<{ 'Device Owner'?: string }[]>(['port', 'list', '--long'], admin);
    expect(ports.filter((p) => p['Device Owner']?.startsWith('compute:'))).toEqual([]);
    expect(await readFile(path.join(nuage.dataDir, 'clouds.yaml'), 'utf8')).toContain('nuage');
  });
});
