// Agent credentials through the real app: `nuage agent enroll` mints a secret (file 0600, scrypt hash in
// agent_credentials), and the internal API takes a heartbeat or events only from the host's own
// credential: 401 without one or with a wrong secret, 403 for another host's path. A heartbeat makes the
// host a hypervisor of the cloud; a guest event stops only that host's servers.
import { mkdtempSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/common/clock.js';
import type { AgentCredentialTables } from '../../src/host/agent-credential-store.js';
import { authorizationOf, readCredentialFile } from '../../src/host/agent-credentials.js';
import { enrollAgent } from '../../src/host/enroll.js';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
const dir = mkdtempSync(join(tmpdir(), 'nuage-agent-cred-'));

function heartbeat(overrides: Record<string, unknown> = {}) {
  return {
    agentUrl: 'http://127.0.0.1:1/',
    controlSecret: 'c'.repeat(43),
    hostIp: '10.250.0.11',
    vcpus: 8,
    memoryMiB: 16_384,
    diskGib: 100,
    hypervisorType: 'QEMU',
    hypervisorVersion: 8_002_002,
    guests: [],
    ...overrides,
  };
}

async function post(path: string, body: unknown, authorization?: string) {
  const res = await fetch(`${t.url}/internal/v1/agents/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
}

async function enroll(host: string) {
  const out = join(dir, `${host}.json`);
  await enrollAgent(t.db as unknown as Kysely<AgentCredentialTables>, systemClock, host, out);
  return { out, ...(await readCredentialFile(out)) };
}

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

describe('agent credentials', () => {
  it('writes the secret to a 0600 file and only its scrypt hash to the database', async () => {
    const { out, host, secret } = await enroll('h1');
    expect(host).toBe('h1');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(secret.length).toBeGreaterThanOrEqual(43);
    const row = await (t.db as unknown as Kysely<AgentCredentialTables>)
      .selectFrom('agent_credentials')
      .selectAll()
      .where('host', '=', 'h1')
      .executeTakeFirstOrThrow();
    expect(row.secret_hash).toMatch(/^\$scrypt\$/);
    expect(row.secret_hash).not.toContain(secret);
    expect(await readFile(out, 'utf8')).toContain(secret);
  });

  it('refuses a heartbeat without a credential, with a wrong secret, or for another host', async () => {
    const h1 = await enroll('h1');
    const h2 = await enroll('h2');
    expect((await post('h1/heartbeat', heartbeat())).status).toBe(401);
    expect((await post('h1/heartbeat', heartbeat(), authorizationOf('h1', 'x'.repeat(43)))).status).toBe(401);
    expect((await post('h1/heartbeat', heartbeat(), `Bearer ${h1.secret}`)).status).toBe(401);
    expect((await post('h9/heartbeat', heartbeat(), authorizationOf('h9', h1.secret))).status).toBe(401);
    const other = await post('h1/heartbeat', heartbeat(), authorizationOf('h2', h2.secret));
    expect(other.status).toBe(403);
    expect(other.body).toEqual({ forbidden: { code: 403, message: expect.stringContaining('h2') } });
    const events = await post('h1/events', { events: [] }, authorizationOf('h2', h2.secret));
    expect(events.status).toBe(403);
  });

  it('re-enrolling revokes the previous secret', async () => {
    const first = await enroll('h3');
    await enroll('h3');
    expect((await post('h3/heartbeat', heartbeat(), authorizationOf('h3', first.secret))).status).toBe(401);
  });

  it('makes a heartbeating host a hypervisor with the capacity it reported', async () => {
    const h4 = await enroll('h4');
    const res = await post('h4/heartbeat', heartbeat({ vcpus: 6 }), authorizationOf('h4', h4.secret));
    expect(res.status).toBe(200);
    const list = await fetch(`${t.url}/compute/v2.1/os-hypervisors/detail`, {
      headers: { 'x-auth-token': t.adminToken, 'openstack-api-version': 'compute 2.79' },
    });
    const body = (await list.json()) as { hypervisors: any[] };
    const h4Row = body.hypervisors.find((h) => h.hypervisor_hostname === 'h4');
    expect(h4Row).toMatchObject({ state: 'up', status: 'enabled', vcpus: 6, host_ip: '10.250.0.11' });
    const bad = await post(
      'h4/heartbeat',
      heartbeat({ agentUrl: 'file:///etc/passwd' }),
      authorizationOf('h4', h4.secret),
    );
    expect(bad.status).toBe(400);
    const events = await post(
      'h4/events',
      {
        events: [
          {
            instanceId: '00000000-0000-4000-8000-000000000000',
            transition: 'died',
            at: new Date().toISOString(),
          },
        ],
      },
      authorizationOf('h4', h4.secret),
    );
    expect(events.status).toBe(202);
  });
});
