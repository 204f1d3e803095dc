// Nova's os-simple-tenant-usage through the real app, computed from usage records written as the
// services write them (the recorder, in a transaction): fields and totals, resize and stop splits,
// terminated servers, policy (a member sees its own project only, listing all is the admin's),
// Nova's 400s, and 2.40 paging with links.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meters } from '../../src/metering/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { tenant } from './network-helpers.js';

let t: TestApp;
let member: { token: string; projectId: string };
let other: { token: string; projectId: string };
const HOUR = 3_600_000;
const base = Date.now() - 10 * HOUR;
const at = (hours: number) => new Date(base + hours * HOUR);
const fmt = (d: Date) => d.toISOString().slice(0, 23);

async function nova(token: string, path: string, version = '2.1') {
  const res = await fetch(`${t.url}/compute/v2.1${path}`, {
    headers: { 'x-auth-token': token, 'openstack-api-version': `compute ${version}` },
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as any };
}

const small = {
  name: 'web',
  flavorName: 'm1.small',
  vcpus: 1,
  memoryMb: 2048,
  localGb: 20,
  vmState: 'active',
};
const large = { ...small, flavorName: 'm1.large', vcpus: 4, memoryMb: 8192, localGb: 80 };

async function server(
  id: string,
  projectId: string,
  steps: [number, string, Record<string, unknown>][],
  end?: number,
) {
  const { recorder } = t.metering;
  for (const [hours, meter, attributes] of steps) {
    await t.db
      .transaction()
      .execute((trx) =>
        recorder.splitUsage(
          trx,
          { resourceType: 'server', resourceId: id, projectId, meter, quantity: 1, attributes },
          at(hours),
        ),
      );
  }
  if (end !== undefined) {
    await t.db
      .transaction()
      .execute((trx) => recorder.closeUsage(trx, { resourceType: 'server', resourceId: id }, at(end)));
  }
}

beforeAll(async () => {
  t = await startTestApp();
  member = await tenant(t, 'usage-member');
  other = await tenant(t, 'usage-other');
  // Server A: small for 2 h, resized to large for 1 h, stopped 1 h, deleted (4 h in all).
  await server(
    '10000000-0000-4000-8000-00000000000a',
    member.projectId,
    [
      [1, meters.server('f-small', 'running'), small],
      [3, meters.server('f-large', 'running'), large],
      [4, meters.server('f-large', 'stopped'), { ...large, vmState: 'stopped' }],
    ],
    5,
  );
  // Server B: running since hour 2, still running.
  await server('10000000-0000-4000-8000-00000000000b', member.projectId, [
    [2, meters.server('f-small', 'running'), small],
  ]);
  // Server C in the other project.
  await server('10000000-0000-4000-8000-00000000000c', other.projectId, [
    [0, meters.server('f-small', 'running'), small],
  ]);
});
afterAll(async () => t?.close());

describe('os-simple-tenant-usage', () => {
  it("shows a project's usage with Nova's fields, exact hours and per-flavor totals", async () => {
    const res = await nova(
      member.token,
      `/os-simple-tenant-usage/${member.projectId}?start=${fmt(at(0))}&end=${fmt(at(6))}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('openstack-api-version')).toBe('compute 2.1');
    const usage = res.body.tenant_usage;
    expect(Object.keys(usage).sort()).toEqual([
      'server_usages',
      'start',
      'stop',
      'tenant_id',
      'total_hours',
      'total_local_gb_usage',
      'total_memory_mb_usage',
      'total_vcpus_usage',
    ]);
    expect(usage.tenant_id).toBe(member.projectId);
    // A: 4 h; B: 4 h (hours 2 to 6).
    expect(usage.total_hours).toBeCloseTo(8, 9);
    // vCPU-hours: A 2×1 + 2×4 = 10, B 4×1 = 4.
    expect(usage.total_vcpus_usage).toBeCloseTo(14, 9);
    expect(usage.total_memory_mb_usage).toBeCloseTo(2 * 2048 + 2 * 8192 + 4 * 2048, 6);
    expect(usage.total_local_gb_usage).toBeCloseTo(2 * 20 + 2 * 80 + 4 * 20, 6);
    const [a, b] = usage.server_usages;
    expect(a).toEqual({
      instance_id: '10000000-0000-4000-8000-00000000000a',
      name: 'web',
      tenant_id: member.projectId,
      flavor: 'm1.large',
      hours: 4,
      vcpus: 4,
      memory_mb: 8192,
      local_gb: 80,
      started_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/),
      ended_at: expect.any(String),
      state: 'terminated',
      uptime: 4 * 3600,
    });
    expect(b).toMatchObject({ state: 'active', ended_at: null, flavor: 'm1.small' });
    expect(b.hours).toBeCloseTo(4, 9);
  });

  it('clamps the window to now and counts a running server until then', async () => {
    const future = fmt(new Date(Date.now() + 48 * HOUR));
    const res = await nova(
      member.token,
      `/os-simple-tenant-usage/${member.projectId}?start=${fmt(at(0))}&end=${future}`,
    );
    const b = res.body.tenant_usage.server_usages[1];
    expect(b.hours).toBeGreaterThan(7.9);
    expect(b.hours).toBeLessThan(8.1);
    expect(Date.parse(`${res.body.tenant_usage.stop}Z`)).toBeLessThanOrEqual(Date.now());
  });

  it('lists every tenant for the cloud admin, server_usages only when detailed=1', async () => {
    const plain = await nova(t.adminToken, `/os-simple-tenant-usage?start=${fmt(at(0))}&end=${fmt(at(6))}`);
    expect(plain.status).toBe(200);
    const mine = plain.body.tenant_usages.filter((u: any) =>
      [member.projectId, other.projectId].includes(u.tenant_id),
    );
    expect(mine).toHaveLength(2);
    expect(Object.keys(mine[0])).toHaveLength(7);
    const detailed = await nova(
      t.adminToken,
      `/os-simple-tenant-usage?start=${fmt(at(0))}&end=${fmt(at(6))}&detailed=1`,
    );
    expect(Object.keys(detailed.body.tenant_usages[0])).toHaveLength(8);
  });

  it("refuses a member the list and other projects' usage, and answers {} for a project without usage", async () => {
    const list = await nova(member.token, `/os-simple-tenant-usage?start=${fmt(at(0))}&end=${fmt(at(6))}`);
    expect(list.status).toBe(403);
    expect(list.body.forbidden.message).toContain('os_compute_api:os-simple-tenant-usage:list');
    expect((await nova(member.token, `/os-simple-tenant-usage/${other.projectId}`)).status).toBe(403);
    const empty = await nova(
      t.adminToken,
      `/os-simple-tenant-usage/nobody?start=${fmt(at(0))}&end=${fmt(at(6))}`,
    );
    expect(empty.body).toEqual({ tenant_usage: {} });
    expect((await fetch(`${t.url}/compute/v2.1/os-simple-tenant-usage`)).status).toBe(401);
  });

  it("answers Nova's 400s: reversed window, bad dates, bad limit and marker; 404 for an empty tenant", async () => {
    const reversed = await nova(
      t.adminToken,
      `/os-simple-tenant-usage/${member.projectId}?start=${fmt(at(6))}&end=${fmt(at(0))}`,
    );
    expect(reversed.status).toBe(400);
    expect(reversed.body.badRequest.message).toMatch(/start time cannot occur after the end time/);
    expect((await nova(t.adminToken, '/os-simple-tenant-usage?start=yesterday')).status).toBe(400);
    expect((await nova(t.adminToken, `/os-simple-tenant-usage?start=${fmt(at(0))}Z`)).status).toBe(400);
    expect((await nova(t.adminToken, '/os-simple-tenant-usage?limit=-1', '2.40')).status).toBe(400);
    expect((await nova(t.adminToken, '/os-simple-tenant-usage?marker=nope', '2.40')).status).toBe(400);
    // Unknown parameters: ignored before 2.75, refused from it.
    expect(
      (await nova(t.adminToken, `/os-simple-tenant-usage?start=${fmt(at(0))}&foo=1`, '2.74')).status,
    ).toBe(200);
    expect(
      (await nova(t.adminToken, `/os-simple-tenant-usage?start=${fmt(at(0))}&foo=1`, '2.75')).status,
    ).toBe(400);
    expect((await nova(t.adminToken, '/os-simple-tenant-usage/')).status).toBe(404);
  });

  it('pages servers with limit and marker from 2.40, with a next link', async () => {
    const q = `start=${fmt(at(0))}&end=${fmt(at(6))}`;
    const page = await nova(member.token, `/os-simple-tenant-usage/${member.projectId}?${q}&limit=1`, '2.40');
    expect(page.body.tenant_usage.server_usages.map((s: any) => s.instance_id)).toEqual([
      '10000000-0000-4000-8000-00000000000a',
    ]);
    const next = new URL(page.body.tenant_usage_links[0].href);
    expect(next.pathname).toBe(`/compute/v2.1/os-simple-tenant-usage/${member.projectId}`);
    expect(next.searchParams.get('marker')).toBe('10000000-0000-4000-8000-00000000000a');
    const second = await nova(
      member.token,
      `/os-simple-tenant-usage/${member.projectId}${next.search}`,
      '2.40',
    );
    expect(second.body.tenant_usage.server_usages.map((s: any) => s.instance_id)).toEqual([
      '10000000-0000-4000-8000-00000000000b',
    ]);
    // Below 2.40 limit is ignored and there are no links.
    const old = await nova(member.token, `/os-simple-tenant-usage/${member.projectId}?${q}&limit=1`, '2.39');
    expect(old.body.tenant_usage.server_usages).toHaveLength(2);
    expect(old.body.tenant_usage_links).toBeUndefined();
  });
});
