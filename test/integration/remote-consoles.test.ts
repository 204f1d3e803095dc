// Nova's remote consoles through the real app and the console proxy, on the fake driver's console
// sockets: the 2.6 API and the legacy actions hand out URLs in Nova's shape; the serial WebSocket carries
// the guest's prompt and echoes input; the VNC one the RFB banner; forged, cross-origin, other-project and
// post-delete attempts are refused before the handshake, and a stopped server's console is refused.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDriver } from '../../src/compute/driver/fake/fake-driver.js';
import { FAKE_LOGIN_PROMPT, RFB_BANNER } from '../../src/compute/driver/fake/fake-consoles.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { tenant } from './network-helpers.js';

const run = promisify(execFile);
let t: TestApp;
let scratch: string;
let owner: string;
let stranger: string;
let serverId: string;

async function nova(token: string, method: string, path: string, body?: unknown, version = '2.79') {
  const res = await fetch(`${t.url}/compute/v2.1${path}`, {
    method,
    headers: {
      'x-auth-token': token,
      'openstack-api-version': `compute ${version}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
}

async function until(id: string, done: (server: Record<string, unknown>) => boolean) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const server = (await nova(owner, 'GET', `/servers/${id}`)).body.server;
    if (done(server)) return server;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`server ${id} did not settle`);
}

/** What the WebSocket at `url` yields until `expected` shows (or `send` echoed); rejects with the HTTP refusal. */
function converse(url: string, expected: string, options: { send?: string; origin?: string } = {}) {
  return new Promise<string>((resolve, reject) => {
    const ws = new WebSocket(url, options.origin ? { origin: options.origin } : {});
    let seen = '';
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no ${JSON.stringify(expected)} in ${JSON.stringify(seen)}`));
    }, 10_000);
    ws.on('unexpected-response', (_request, response) => {
      clearTimeout(timer);
      reject(new Error(`refused ${response.statusCode}`));
    });
    ws.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    ws.on('message', (data: Buffer) => {
      seen += data.toString('utf8');
      if (seen.includes(expected) && options.send !== undefined && !seen.includes(options.send)) {
        ws.send(Buffer.from(options.send));
        return;
      }
      if (seen.includes(expected) && (options.send === undefined || seen.includes(options.send))) {
        clearTimeout(timer);
        ws.close();
        resolve(seen);
      }
    });
  });
}

/** The WebSocket URL behind a noVNC page URL (the page opens it with the same token). */
function vncSocketOf(pageUrl: string): string {
  const token = new URL(pageUrl).searchParams.get('token');
  return `${t.url.replace(/^http/, 'ws')}/console/websocket?token=${token}`;
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'nuage-rc-'));
  t = await startTestApp({ computeDriver: new FakeDriver({ consoleDir: join(scratch, 'c') }) });
  owner = (await tenant(t, 'console-owner')).token;
  stranger = (await tenant(t, 'console-stranger')).token;
  const qcow2 = join(scratch, 'base.qcow2');
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', qcow2, '16M']);
  const image = await fetch(`${t.url}/image/v2/images`, {
    method: 'POST',
    headers: { 'x-auth-token': owner, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'base', disk_format: 'qcow2', container_format: 'bare' }),
  }).then((r) => r.json() as Promise<{ id: string }>);
  await fetch(`${t.url}/image/v2/images/${image.id}/file`, {
    method: 'PUT',
    headers: { 'x-auth-token': owner, 'content-type': 'application/octet-stream' },
    body: await readFile(qcow2),
  });
  const flavor = await nova(t.adminToken, 'POST', '/flavors', {
    flavor: { name: 'rc.small', vcpus: 1, ram: 128, disk: 1 },
  });
  const created = await nova(owner, 'POST', '/servers', {
    server: { name: 'rc', imageRef: image.id, flavorRef: flavor.body.flavor.id, networks: 'none' },
  });
  serverId = created.body.server.id;
  await until(serverId, (s) => s.status === 'ACTIVE');
});

afterAll(async () => {
  await t?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('remote consoles through the console proxy', () => {
  it("hands out Nova's serial console URL, whose WebSocket shows the prompt and echoes", async () => {
    const answer = await nova(owner, 'POST', `/servers/${serverId}/remote-consoles`, {
      remote_console: { protocol: 'serial', type: 'serial' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      remote_console: { protocol: 'serial', type: 'serial', url: expect.stringMatching(/^ws:\/\/.*token=/) },
    });
    const seen = await converse(answer.body.remote_console.url, FAKE_LOGIN_PROMPT, { send: 'root\r' });
    expect(seen).toContain('GUEST-READY hostname=rc');
    expect(seen.endsWith('root\r')).toBe(true);
  });

  it('hands out a noVNC page URL whose token opens the VNC stream, and the legacy action too', async () => {
    const answer = await nova(owner, 'POST', `/servers/${serverId}/remote-consoles`, {
      remote_console: { protocol: 'vnc', type: 'novnc' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.remote_console.url).toMatch(/^http:\/\/.*\/console\/novnc\?token=/);
    expect(await converse(vncSocketOf(answer.body.remote_console.url), RFB_BANNER)).toBe(RFB_BANNER);
    const legacy = await nova(
      owner,
      'POST',
      `/servers/${serverId}/action`,
      { 'os-getVNCConsole': { type: 'novnc' } },
      '2.1',
    );
    expect(legacy.status).toBe(200);
    expect(legacy.body).toEqual({ console: { type: 'novnc', url: expect.stringContaining('token=') } });
  });

  it("refuses unsupported types in Nova's words, and another project's server as not found", async () => {
    const spice = await nova(owner, 'POST', `/servers/${serverId}/remote-consoles`, {
      remote_console: { protocol: 'spice', type: 'spice-html5' },
    });
    expect(spice.status).toBe(400);
    expect(spice.body.badRequest.message).toBe('Unavailable console type spice-html5.');
    const mismatch = await nova(owner, 'POST', `/servers/${serverId}/remote-consoles`, {
      remote_console: { protocol: 'serial', type: 'novnc' },
    });
    expect(mismatch.status).toBe(400);
    const foreign = await nova(stranger, 'POST', `/servers/${serverId}/remote-consoles`, {
      remote_console: { protocol: 'serial', type: 'serial' },
    });
    expect(foreign.status).toBe(404);
    const before26 = await nova(
      owner,
      'POST',
      `/servers/${serverId}/remote-consoles`,
      { remote_console: { protocol: 'serial', type: 'serial' } },
      '2.5',
    );
    expect(before26.status).toBe(404);
  });

  it('refuses a forged token and a cross-site page before the handshake', async () => {
    const answer = await nova(owner, 'POST', `/servers/${serverId}/remote-consoles`, {
      remote_console: { protocol: 'serial', type: 'serial' },
    });
    const url: string = answer.body.remote_console.url;
    await expect(converse(url.replace(/token=.*/, 'token=AAAA'), 'x')).rejects.toThrow(/refused 401/);
    await expect(converse(url, 'x', { origin: 'http://evil.example' })).rejects.toThrow(/refused 403/);
    expect(await converse(url, FAKE_LOGIN_PROMPT)).toContain(FAKE_LOGIN_PROMPT);
  });

  it("refuses a stopped server's console, then a deleted one's, even with a token issued before", async () => {
    const answer = await nova(owner, 'POST', `/servers/${serverId}/remote-consoles`, {
      remote_console: { protocol: 'serial', type: 'serial' },
    });
    const url: string = answer.body.remote_console.url;
    expect((await nova(owner, 'POST', `/servers/${serverId}/action`, { 'os-stop': null })).status).toBe(202);
    await until(serverId, (s) => s.status === 'SHUTOFF');
    const stopped = await nova(owner, 'POST', `/servers/${serverId}/remote-consoles`, {
      remote_console: { protocol: 'serial', type: 'serial' },
    });
    expect(stopped.status).toBe(409);
    await expect(converse(url, 'x')).rejects.toThrow(/refused 4\d\d/);
    expect((await nova(owner, 'DELETE', `/servers/${serverId}`)).status).toBe(204);
    await expect(converse(url, 'x')).rejects.toThrow(/refused 4\d\d/);
  });
});
