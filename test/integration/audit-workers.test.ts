// What workers do on a tenant's behalf is in the audit trail: one server boot (fake driver) leaves one
// event per saga step, joined to the POST's request id, with the worker as initiator on the owner's
// behalf. A policy denial (403), and a cloud admin reading another project's server, appear too; the
// latter in that project's own trail.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCaller } from '../support/api-call.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { tenant } from './network-helpers.js';

const run = promisify(execFile);
let t: TestApp;
let user: { token: string; projectId: string };
let serverId: string;
let bootRequestId: string;

const call = apiCaller(() => t.url);

async function bootServer(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'nuage-audit-workers-'));
  try {
    const qcow2 = join(dir, 'base.qcow2');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', qcow2, '16M']);
    const image = await call(user.token, 'POST', '/image/v2/images', {
      name: 'audited',
      disk_format: 'qcow2',
      container_format: 'bare',
    });
    const imageId = image.body.id as string;
    const file = `/image/v2/images/${imageId}/file`;
    expect((await call(user.token, 'PUT', file, undefined, await readFile(qcow2))).status).toBe(204);
    const flavor = await call(t.adminToken, 'POST', '/compute/v2.1/flavors', {
      flavor: { name: 'audit.tiny', vcpus: 1, ram: 64, disk: 1 },
    });
    const created = await call(user.token, 'POST', '/compute/v2.1/servers', {
      server: { name: 'audited', imageRef: imageId, flavorRef: flavor.body.flavor.id, networks: 'none' },
    });
    expect(created.status).toBe(202);
    serverId = created.body.server.id as string;
    bootRequestId = created.headers.get('x-openstack-request-id') as string;
    await t.compute.worker.idle();
    for (let i = 0; i < 100; i++) {
      const s = await call(user.token, 'GET', `/compute/v2.1/servers/${serverId}`);
      if (s.body.server.status === 'ACTIVE') return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the server did not become ACTIVE');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  t = await startTestApp();
  user = await tenant(t, 'audit-workers');
  await bootServer();
});
afterAll(async () => t?.close());

describe('audit of workers, denials and admin reads', () => {
  it("records each boot step of the compute worker under the boot request's id", async () => {
    const rows = await t.audit.list({ limit: 100, requestId: bootRequestId });
    const worker = rows.filter((e) => e.method === 'WORKER').reverse();
    expect(worker.map((e) => e.action)).toEqual([
      'boot.claim',
      'boot.ports',
      'boot.root-volume',
      'boot.disk',
      'boot.spawn',
      'boot',
    ]);
    for (const e of worker) {
      expect(e).toMatchObject({
        service: 'compute',
        target_type: 'server',
        target_id: serverId,
        outcome: 'success',
        initiator_project_id: user.projectId,
      });
      expect(e.path).toMatch(/^compute-worker@/);
    }
    // The request's own record is there too, with the same id.
    expect(rows.some((e) => e.method === 'POST' && e.action === 'create')).toBe(true);
  });

  it('shows a worker event through the API with the worker as initiator on the owner’s behalf', async () => {
    const res = await call(t.adminToken, 'GET', `/identity/v3/OS-NUAGE/audit/events?action=boot.spawn`);
    expect(res.status).toBe(200);
    const event = res.body.events.find((e: any) => e.target.id === serverId);
    expect(event.initiator).toMatchObject({
      typeURI: 'service',
      on_behalf_of: { project_id: user.projectId },
    });
    expect(event.initiator.name).toMatch(/^compute-worker@/);
    expect(event.target).toMatchObject({ typeURI: 'server', project_id: user.projectId });
  });

  it('records a server delete by the worker', async () => {
    expect((await call(user.token, 'DELETE', `/compute/v2.1/servers/${serverId}`)).status).toBe(204);
    await t.compute.worker.idle();
    const rows = await t.audit.list({ limit: 100, action: 'delete', projectId: user.projectId });
    expect(
      rows.some((e) => e.method === 'WORKER' && e.target_id === serverId && e.outcome === 'success'),
    ).toBe(true);
  });

  it('records a policy denial (403) as a failed event', async () => {
    const res = await call(user.token, 'POST', '/compute/v2.1/flavors', {
      flavor: { name: 'not-mine', vcpus: 1, ram: 64, disk: 1 },
    });
    expect(res.status).toBe(403);
    const requestId = res.headers.get('x-openstack-request-id') as string;
    const [row] = await t.audit.list({ limit: 10, requestId });
    expect(row).toMatchObject({ outcome: 'failure', status: 403, initiator_project_id: user.projectId });
  });

  it("records a cloud admin's read of another project's resource in that project's trail", async () => {
    const image = await call(user.token, 'POST', '/image/v2/images', {
      name: 'peek',
      disk_format: 'raw',
      container_format: 'bare',
    });
    const res = await call(t.adminToken, 'GET', `/image/v2/images/${image.body.id}`);
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-openstack-request-id') as string;
    const [row] = await t.audit.list({ limit: 10, requestId });
    expect(row).toMatchObject({
      action: 'read',
      method: 'GET',
      target_project_id: user.projectId,
      outcome: 'success',
    });
    const own = await t.audit.list({ limit: 1000, projectId: user.projectId });
    expect(own.some((e) => e.request_id === requestId)).toBe(true);
    // The owner's own read is not an admin read.
    const mine = await call(user.token, 'GET', `/image/v2/images/${image.body.id}`);
    const ownId = mine.headers.get('x-openstack-request-id') as string;
    expect(await t.audit.list({ limit: 10, requestId: ownId })).toEqual([]);
  });
});
