// A control plane with no local agent (`nuage up --no-local-agent`) and one `nuage agent` (fake driver) on
// a loopback port, in this test: the agent enrolls, heartbeats and shows up as a hypervisor; a server
// lands on its host and goes ACTIVE through the HTTP agent; os-stop and delete reach the guest there.
// When the agent stops heartbeating its host shows `down` (intervals shortened through config).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/common/clock.js';
import { PowerState } from '../../src/compute/driver/driver.js';
import type { AgentCredentialTables } from '../../src/host/agent-credential-store.js';
import { agentSecretCipher, readCredentialFile } from '../../src/host/agent-credentials.js';
import { startAgentProcess, type RunningAgent } from '../../src/host/agent-process.js';
import { enrollAgent } from '../../src/host/enroll.js';
import { FakeHostAgent } from '../../src/host/fake-agent.js';
import { apiCaller } from '../support/api-call.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { tenant } from './network-helpers.js';

const run = promisify(execFile);
const HOST = 'agent-h1';
let t: TestApp;
let user: string;
let agent: FakeHostAgent;
let running: RunningAgent | undefined;

const call = apiCaller(() => t.url);

async function until<T>(what: string, probe: () => Promise<T | undefined>, attempts = 200): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not happen`);
}

async function computeService(): Promise<any> {
  const list = await call(t.adminToken, 'GET', '/compute/v2.1/os-services?binary=nova-compute');
  return (list.body.services as any[]).find((s) => s.host === HOST);
}

async function uploadImage(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nuage-agent-img-'));
  const file = join(dir, 'base.qcow2');
  await run('qemu-img', ['create', '-q', '-f', 'qcow2', file, '64M']);
  const image = await call(user, 'POST', '/image/v2/images', {
    name: 'base',
    disk_format: 'qcow2',
    container_format: 'bare',
  });
  await call(user, 'PUT', `/image/v2/images/${image.body.id}/file`, undefined, await readFile(file));
  return image.body.id as string;
}

beforeAll(async () => {
  t = await startTestApp({
    config: { 'compute.localAgent': false, 'compute.serviceDownSeconds': 2 },
  });
  user = (await tenant(t, 'agent-user')).token;
  const out = join(await mkdtemp(join(tmpdir(), 'nuage-agent-')), 'credential.json');
  await enrollAgent(t.db as unknown as Kysely<AgentCredentialTables>, systemClock, HOST, out);
  agent = new FakeHostAgent(HOST, { delays: { spawnMs: 5 } });
  running = await startAgentProcess({
    controlPlaneUrl: t.url,
    credential: await readCredentialFile(out),
    agent,
    listen: '127.0.0.1:0',
    dataDir: t.dataDir,
    heartbeatIntervalMs: 200,
    vcpus: 16,
    memoryMiB: 32_768,
    diskGib: 200,
    hostIp: '127.0.0.1',
    log: { info: () => {}, error: () => {} },
  });
});
afterAll(async () => {
  await running?.stop();
  await t?.close();
});

describe('a remote host served by nuage agent', () => {
  it('registers the agent host only: the API node runs no guests itself', async () => {
    const hypervisors = await call(t.adminToken, 'GET', '/compute/v2.1/os-hypervisors/detail');
    const names = (hypervisors.body.hypervisors as any[]).map((h) => h.hypervisor_hostname);
    expect(names).toEqual([HOST]);
    expect(hypervisors.body.hypervisors[0]).toMatchObject({ state: 'up', vcpus: 16, memory_mb: 32_768 });
  });

  it('keeps the secret that calls the agent sealed in the database, openable only with the keys directory', async () => {
    const row = await (t.db as unknown as Kysely<AgentCredentialTables>)
      .selectFrom('agent_credentials')
      .select(['control_secret'])
      .where('host', '=', HOST)
      .executeTakeFirstOrThrow();
    const sealed = row.control_secret ?? '';
    const opened = agentSecretCipher(t.dataDir).open(sealed);
    expect(opened).not.toBeNull();
    const secret = Buffer.from(opened!).toString('utf8');
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(sealed).not.toContain(secret);
    expect(agentSecretCipher(await mkdtemp(join(tmpdir(), 'nuage-other-keys-'))).open(sealed)).toBeNull();
  });

  it('boots a server on the agent host through the HTTP agent, stops it and deletes it there', async () => {
    const imageId = await uploadImage();
    const flavor = await call(t.adminToken, 'POST', '/compute/v2.1/flavors', {
      flavor: { name: 'agent.small', vcpus: 1, ram: 256, disk: 1 },
    });
    const created = await call(user, 'POST', '/compute/v2.1/servers', {
      server: { name: 'remote-1', imageRef: imageId, flavorRef: flavor.body.flavor.id, networks: 'none' },
    });
    expect(created.status).toBe(202);
    const id = created.body.server.id as string;
    const active = await until('ACTIVE', async () => {
      const s = (await call(t.adminToken, 'GET', `/compute/v2.1/servers/${id}`)).body.server;
      if (s.status === 'ERROR') throw new Error(`server failed: ${JSON.stringify(s.fault)}`);
      return s.status === 'ACTIVE' ? s : undefined;
    });
    expect(active['OS-EXT-SRV-ATTR:host']).toBe(HOST);
    expect(await agent.listGuests()).toEqual([
      expect.objectContaining({ id, powerState: PowerState.Running }),
    ]);
    expect(agent.imagesFetched()).toEqual([imageId]);

    expect((await call(user, 'POST', `/compute/v2.1/servers/${id}/action`, { 'os-stop': null })).status).toBe(
      202,
    );
    await until('SHUTOFF', async () => {
      const s = (await call(user, 'GET', `/compute/v2.1/servers/${id}`)).body.server;
      return s.status === 'SHUTOFF' ? s : undefined;
    });
    expect((await agent.guestStatus(id)).powerState).toBe(PowerState.Shutdown);

    expect((await call(user, 'DELETE', `/compute/v2.1/servers/${id}`)).status).toBe(204);
    await until('deleted', async () =>
      (await call(user, 'GET', `/compute/v2.1/servers/${id}`)).status === 404 ? true : undefined,
    );
    expect(await agent.listGuests()).toEqual([]);
  });

  it('shows the host down once its agent stops heartbeating', async () => {
    expect((await computeService()).state).toBe('up');
    await running?.stop();
    running = undefined;
    const down = await until(
      'down',
      async () => ((await computeService()).state === 'down' ? true : undefined),
      120,
    );
    expect(down).toBe(true);
  });
});
