// The block-storage module over HTTP on in-memory SQLite (and PostgreSQL when TEST_PG_URL is set) with the real file backend: discovery and
// microversions, volume CRUD, Cinder-shaped faults, quotas, snapshots, extend, types, limits.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DIALECTS,
  type Json,
  type VolumeHarness,
  IMAGE_ID,
  cinder,
  settled,
  startVolume,
} from './volume-test-support.js';

const run = promisify(execFile);
const GIB = 1024 ** 3;

async function virtualSize(path: string): Promise<number> {
  const { stdout } = await run('qemu-img', ['info', '--output=json', '-U', path]);
  return (JSON.parse(stdout) as { 'virtual-size': number })['virtual-size'];
}

async function create(h: VolumeHarness, body: Record<string, unknown>, token = 'user'): Promise<Json> {
  const res = await cinder(h, token, 'POST', '/volumes', { volume: body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const shown = await settled(h, token, res.body.volume.id);
  return shown.body.volume;
}

describe.each(DIALECTS)('volume module ($name)', (dialect) => {
  let h: VolumeHarness;
  beforeAll(async () => {
    h = await startVolume({ quota: { gigabytes: 20, volumes: 8 }, open: dialect.open });
  });
  afterAll(async () => {
    await h.close();
  });

  it('serves version discovery and negotiates microversions', async () => {
    const root = await fetch(`${h.root}/`);
    expect(root.status).toBe(300);
    const versions = (await root.json()) as Json;
    expect(versions.versions[0]).toMatchObject({
      id: 'v3.0',
      status: 'CURRENT',
      version: '3.71',
      min_version: '3.0',
    });
    const v3 = await fetch(`${h.root}/v3/`);
    expect(((await v3.json()) as Json).versions[0].links.some((l: Json) => l.rel === 'self')).toBe(true);

    const ok = await cinder(h, 'user', 'GET', '/volumes', undefined, '3.50');
    expect(ok.headers.get('openstack-api-version')).toBe('volume 3.50');
    const latest = await cinder(h, 'user', 'GET', '/volumes', undefined, 'latest');
    expect(latest.headers.get('openstack-api-version')).toBe('volume 3.71');
    const tooHigh = await cinder(h, 'user', 'GET', '/volumes', undefined, '3.99');
    expect(tooHigh.status).toBe(406);
    expect(tooHigh.body.notAcceptable.code).toBe(406);
    const garbage = await cinder(h, 'user', 'GET', '/volumes', undefined, 'x.y');
    expect(garbage.status).toBe(400);
  });

  it('creates, lists, shows, updates and deletes a volume', async () => {
    const res = await cinder(h, 'user', 'POST', '/volumes', {
      volume: { size: 1, name: 'v1', metadata: { a: 'b' } },
    });
    expect(res.status).toBe(202);
    expect(res.body.volume).toMatchObject({
      size: 1,
      name: 'v1',
      status: 'creating',
      bootable: 'false',
      metadata: { a: 'b' },
    });
    const id = res.body.volume.id as string;
    const shown = await settled(h, 'user', id);
    expect(shown.body.volume).toMatchObject({
      id,
      status: 'available',
      volume_type: '__DEFAULT__',
      availability_zone: 'nova',
      attachments: [],
      encrypted: false,
      multiattach: false,
      'os-vol-tenant-attr:tenant_id': 'p-user',
      consumes_quota: true,
      shared_targets: false,
    });
    expect(shown.body.volume.volume_type_id).toBeTypeOf('string');
    expect(shown.body.volume['os-vol-host-attr:host']).toBeUndefined();
    expect(shown.body.volume.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    const path = `${h.dataDir}/volumes/volume-${id}.qcow2`;
    expect(await virtualSize(path)).toBe(GIB);

    const list = await cinder(h, 'user', 'GET', '/volumes');
    expect(list.body.volumes.map((v: Json) => v.id)).toContain(id);
    expect(Object.keys(list.body.volumes[0]).sort()).toEqual(['id', 'links', 'name']);
    const byName = await cinder(h, 'user', 'GET', '/volumes/detail?name=v1');
    expect(byName.body.volumes).toHaveLength(1);
    const byMeta = await cinder(
      h,
      'user',
      'GET',
      `/volumes/detail?metadata=${encodeURIComponent('{"a":"b"}')}`,
    );
    expect(byMeta.body.volumes.map((v: Json) => v.id)).toEqual([id]);
    const admin = await cinder(h, 'admin', 'GET', '/volumes/detail?all_tenants=1');
    expect(admin.body.volumes.find((v: Json) => v.id === id)['os-vol-host-attr:host']).toBe(
      'host-1@file#file',
    );

    const updated = await cinder(h, 'user', 'PUT', `/volumes/${id}`, {
      volume: { name: 'v1b', description: 'd' },
    });
    expect(updated.body.volume).toMatchObject({ name: 'v1b', description: 'd' });
    const meta = await cinder(h, 'user', 'POST', `/volumes/${id}/metadata`, { metadata: { c: 'd' } });
    expect(meta.body.metadata).toEqual({ a: 'b', c: 'd' });

    const other = await cinder(h, 'other', 'GET', `/volumes/${id}`);
    expect(other.status).toBe(404);
    expect(other.body).toEqual({ itemNotFound: { code: 404, message: `Volume ${id} could not be found.` } });

    expect((await cinder(h, 'user', 'DELETE', `/volumes/${id}`)).status).toBe(202);
    expect((await settled(h, 'user', id)).status).toBe(404);
    expect(h.audited).toEqual(
      expect.arrayContaining([`POST volume ${id}`, `PUT volume ${id}`, `DELETE volume ${id}`]),
    );
    await expect(run('qemu-img', ['info', path])).rejects.toThrow();
  });

  it('pages with limit and marker', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await create(h, { size: 1, name: `page-${i}` })).id as string);
    const first = await cinder(h, 'user', 'GET', '/volumes?limit=2');
    expect(first.body.volumes).toHaveLength(2);
    expect(first.body.volumes_links[0].rel).toBe('next');
    const marker = first.body.volumes[1].id as string;
    const second = await cinder(h, 'user', 'GET', `/volumes?limit=2&marker=${marker}`);
    const seen = [...first.body.volumes, ...second.body.volumes].map((v: Json) => v.id);
    for (const id of ids) expect(seen).toContain(id);
    for (const id of ids) await cinder(h, 'user', 'DELETE', `/volumes/${id}`);
    await h.module.worker.idle();
  });

  it('rejects bad input with Cinder-shaped 4xx faults', async () => {
    for (const size of [0, -1, 'abc', 1.5]) {
      const res = await cinder(h, 'user', 'POST', '/volumes', { volume: { size } });
      expect(res.status, String(size)).toBe(400);
      expect(res.body.badRequest.code).toBe(400);
    }
    expect((await cinder(h, 'user', 'POST', '/volumes', { volume: {} })).status).toBe(400);
    expect((await cinder(h, 'user', 'POST', '/volumes', { nothing: 1 })).status).toBe(400);
    const type = await cinder(h, 'user', 'POST', '/volumes', { volume: { size: 1, volume_type: 'gold' } });
    expect(type.status).toBe(404);
    expect(type.body.itemNotFound.message).toBe('Volume type with name gold could not be found.');
    const zone = await cinder(h, 'user', 'POST', '/volumes', {
      volume: { size: 1, availability_zone: 'mars' },
    });
    expect(zone.status).toBe(400);
    const image = await cinder(h, 'user', 'POST', '/volumes', { volume: { size: 1, imageRef: 'nope' } });
    expect(image.status).toBe(404);
    const action = await cinder(h, 'user', 'POST', `/volumes/${IMAGE_ID}/action`, {
      'os-extend': { new_size: 2 },
    });
    expect(action.status).toBe(404);
    expect((await cinder(h, 'nobody', 'GET', '/volumes')).status).toBe(401);
    const mismatch = await fetch(`${h.root}/v3/p-other/volumes`, { headers: { 'x-auth-token': 'user' } });
    expect(mismatch.status).toBe(400);

    // Another project's snapshot is invisible: 404, never 403.
    const v = await create(h, { size: 1 }, 'other');
    const snap = await cinder(h, 'other', 'POST', '/snapshots', { snapshot: { volume_id: v.id } });
    expect(snap.status).toBe(202);
    await h.module.worker.idle();
    const fromSnap = await cinder(h, 'user', 'POST', '/volumes', {
      volume: { snapshot_id: snap.body.snapshot.id },
    });
    expect(fromSnap.status).toBe(404);
    expect(fromSnap.body.itemNotFound.message).toBe(`Snapshot ${snap.body.snapshot.id} could not be found.`);
    expect((await cinder(h, 'other', 'DELETE', `/volumes/${v.id}?cascade=true`)).status).toBe(202);
    await h.module.worker.idle();
  });

  it('lets concurrent creates use the volume quota at most once', async () => {
    await cinder(h, 'admin', 'PUT', '/os-quota-sets/p-user', { quota_set: { volumes: 3 } });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => cinder(h, 'user', 'POST', '/volumes', { volume: { size: 1 } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([202, 202, 202, 413, 413, 413, 413, 413]);
    await h.module.worker.idle();
    for (const r of results.filter((x) => x.status === 202))
      await cinder(h, 'user', 'DELETE', `/volumes/${r.body.volume.id}`);
    await h.module.worker.idle();
    await cinder(h, 'admin', 'DELETE', '/os-quota-sets/p-user');
  });

  it('enforces quotas with 413 VolumeSizeExceedsAvailableQuota', async () => {
    const big = await cinder(h, 'user', 'POST', '/volumes', { volume: { size: 21 } });
    expect(big.status).toBe(413);
    expect(big.body.overLimit.code).toBe(413);
    expect(big.body.overLimit.message).toBe(
      'VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested 21G, quota is 20G and 0G has been consumed.',
    );
    expect(big.body.overLimit.retryAfter).toBe('0');
    const quota = await cinder(h, 'user', 'GET', '/os-quota-sets/p-user?usage=true');
    expect(quota.body.quota_set.gigabytes).toMatchObject({ limit: 20, in_use: 0 });
    // An admin raises the project's limit; the same request then passes.
    const put = await cinder(h, 'admin', 'PUT', '/os-quota-sets/p-user', { quota_set: { volumes: 1 } });
    expect(put.body.quota_set.volumes).toBe(1);
    const first = await create(h, { size: 1 });
    const second = await cinder(h, 'user', 'POST', '/volumes', { volume: { size: 1 } });
    expect(second.status).toBe(413);
    expect(second.body.overLimit.message).toMatch(
      /^VolumeLimitExceeded: Maximum number of volumes allowed \(1\)/,
    );
    expect(
      (await cinder(h, 'user', 'PUT', '/os-quota-sets/p-user', { quota_set: { volumes: 5 } })).status,
    ).toBe(403);
    await cinder(h, 'admin', 'DELETE', '/os-quota-sets/p-user');
    const limits = await cinder(h, 'user', 'GET', '/limits');
    expect(limits.body.limits.absolute).toMatchObject({
      maxTotalVolumes: 8,
      totalVolumesUsed: 1,
      totalGigabytesUsed: 1,
    });
    await cinder(h, 'user', 'DELETE', `/volumes/${first.id}`);
    await h.module.worker.idle();
  });

  it('snapshots a volume and creates a volume from the snapshot with the same bytes', async () => {
    const source = await create(h, { size: 1, imageRef: IMAGE_ID, name: 'from-image' });
    expect(source).toMatchObject({ status: 'available', bootable: 'true' });
    expect(source.volume_image_metadata).toMatchObject({ image_id: IMAGE_ID, image_name: 'cirros' });
    const snap = await cinder(h, 'user', 'POST', '/snapshots', {
      snapshot: { volume_id: source.id, name: 's1' },
    });
    expect(snap.status).toBe(202);
    expect(snap.body.snapshot).toMatchObject({
      status: 'creating',
      size: 1,
      volume_id: source.id,
      name: 's1',
    });
    const s = await settled(h, 'user', snap.body.snapshot.id, 'snapshots');
    expect(s.body.snapshot).toMatchObject({
      status: 'available',
      'os-extended-snapshot-attributes:progress': '100%',
    });
    const metaKey = await cinder(h, 'user', 'PUT', `/snapshots/${s.body.snapshot.id}/metadata/k`, {
      meta: { k: 'v' },
    });
    expect(metaKey.body).toEqual({ meta: { k: 'v' } });
    expect((await cinder(h, 'user', 'GET', `/snapshots/${s.body.snapshot.id}/metadata/k`)).body).toEqual({
      meta: { k: 'v' },
    });
    expect((await cinder(h, 'user', 'DELETE', `/snapshots/${s.body.snapshot.id}/metadata/k`)).status).toBe(
      200,
    );
    expect((await cinder(h, 'user', 'GET', `/snapshots/${s.body.snapshot.id}/metadata`)).body).toEqual({
      metadata: {},
    });

    const tooSmall = await cinder(h, 'user', 'POST', '/volumes', {
      volume: { size: 0, snapshot_id: s.body.snapshot.id },
    });
    expect(tooSmall.status).toBe(400);
    const copy = await create(h, { snapshot_id: s.body.snapshot.id });
    expect(copy).toMatchObject({ status: 'available', size: 1, snapshot_id: s.body.snapshot.id });
    await run('qemu-img', [
      'compare',
      '-q',
      `${h.dataDir}/volumes/volume-${source.id}.qcow2`,
      `${h.dataDir}/volumes/volume-${copy.id}.qcow2`,
    ]);

    const refused = await cinder(h, 'user', 'DELETE', `/volumes/${source.id}`);
    expect(refused.status).toBe(400);
    expect(refused.body.badRequest.message).toMatch(/^Invalid volume: /);
    expect((await cinder(h, 'user', 'DELETE', `/volumes/${source.id}?cascade=true`)).status).toBe(202);
    expect((await settled(h, 'user', s.body.snapshot.id, 'snapshots')).status).toBe(404);
    await cinder(h, 'user', 'DELETE', `/volumes/${copy.id}`);
    await h.module.worker.idle();
  });

  it('extends a volume offline and refuses shrinking', async () => {
    const v = await create(h, { size: 1 });
    const shrink = await cinder(h, 'user', 'POST', `/volumes/${v.id}/action`, {
      'os-extend': { new_size: 1 },
    });
    expect(shrink.status).toBe(400);
    const grow = await cinder(h, 'user', 'POST', `/volumes/${v.id}/action`, { 'os-extend': { new_size: 2 } });
    expect(grow.status).toBe(202);
    const shown = await settled(h, 'user', v.id);
    expect(shown.body.volume).toMatchObject({ size: 2, status: 'available' });
    expect(await virtualSize(`${h.dataDir}/volumes/volume-${v.id}.qcow2`)).toBe(2 * GIB);
    const unknown = await cinder(h, 'user', 'POST', `/volumes/${v.id}/action`, { 'os-frobnicate': {} });
    expect(unknown.status).toBe(400);
    const completion = { 'os-extend_volume_completion': { error: false } };
    const late = await cinder(h, 'user', 'POST', `/volumes/${v.id}/action`, completion, '3.71');
    expect(late.body.badRequest.message).toMatch(/not waiting for an extend completion/);
    // Below its microversion a versioned action is Cinder's 404, as if it did not exist.
    const early = await cinder(h, 'user', 'POST', `/volumes/${v.id}/action`, completion, '3.70');
    expect(early.status).toBe(404);
    const reset = await cinder(h, 'user', 'POST', `/volumes/${v.id}/action`, {
      'os-reset_status': { status: 'error' },
    });
    expect(reset.status).toBe(403);
    expect(
      (
        await cinder(h, 'admin', 'POST', `/volumes/${v.id}/action`, {
          'os-reset_status': { status: 'error' },
        })
      ).status,
    ).toBe(202);
    expect((await cinder(h, 'user', 'GET', `/volumes/${v.id}`)).body.volume.status).toBe('error');
    const boot = await cinder(h, 'user', 'POST', `/volumes/${v.id}/action`, {
      'os-set_bootable': { bootable: true },
    });
    expect(boot.status).toBe(200);
    expect((await cinder(h, 'user', 'GET', `/volumes/${v.id}`)).body.volume.bootable).toBe('true');
    await cinder(h, 'user', 'DELETE', `/volumes/${v.id}`);
    await h.module.worker.idle();
  });

  it('manages volume types (admin) with extra specs', async () => {
    const denied = await cinder(h, 'user', 'POST', '/types', { volume_type: { name: 'gold' } });
    expect(denied.status).toBe(403);
    const made = await cinder(h, 'admin', 'POST', '/types', {
      volume_type: { name: 'gold', description: 'fast', extra_specs: { volume_backend_name: 'file' } },
    });
    expect(made.status).toBe(200);
    expect(made.body.volume_type).toMatchObject({
      name: 'gold',
      is_public: true,
      extra_specs: { volume_backend_name: 'file' },
    });
    const dup = await cinder(h, 'admin', 'POST', '/types', { volume_type: { name: 'gold' } });
    expect(dup.status).toBe(409);
    const types = await cinder(h, 'user', 'GET', '/types');
    expect(types.body.volume_types.map((t: Json) => t.name)).toEqual(['__DEFAULT__', 'gold']);
    // Users see only Cinder's user-visible extra specs; admins see all.
    expect(types.body.volume_types[1].extra_specs).toEqual({});
    const adminView = await cinder(h, 'admin', 'GET', `/types/${made.body.volume_type.id}`);
    expect(adminView.body.volume_type.extra_specs).toEqual({ volume_backend_name: 'file' });
    const def = await cinder(h, 'user', 'GET', '/types/default');
    expect(def.body.volume_type.name).toBe('__DEFAULT__');
    const v = await create(h, { size: 1, volume_type: 'gold' });
    expect(v.volume_type).toBe('gold');
    const inUse = await cinder(h, 'admin', 'DELETE', `/types/${made.body.volume_type.id}`);
    expect(inUse.status).toBe(400);
    await cinder(h, 'user', 'DELETE', `/volumes/${v.id}`);
    await h.module.worker.idle();
    expect((await cinder(h, 'admin', 'DELETE', `/types/${made.body.volume_type.id}`)).status).toBe(202);
  });

  it("summarises the project's volumes (3.12, metadata at 3.36)", async () => {
    const a = await create(h, { size: 1, metadata: { tier: 'gold' } });
    const b = await create(h, { size: 2, metadata: { tier: 'silver' } });
    expect((await cinder(h, 'user', 'GET', '/volumes/summary', undefined, '3.11')).status).toBe(404);
    const summary = await cinder(h, 'user', 'GET', '/volumes/summary', undefined, '3.36');
    expect(summary.body['volume-summary']).toEqual({
      total_count: 2,
      total_size: 3,
      metadata: { tier: ['gold', 'silver'] },
    });
    for (const id of [a.id, b.id]) await cinder(h, 'user', 'DELETE', `/volumes/${id}`);
    await h.module.worker.idle();
  });

  it('answers availability zones', async () => {
    const az = await cinder(h, 'user', 'GET', '/os-availability-zone');
    expect(az.body).toEqual({ availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: true } }] });
  });
});

describe('volume module edge requests', () => {
  let h: VolumeHarness;
  beforeAll(async () => {
    h = await startVolume();
  });
  afterAll(async () => {
    await h.close();
  });

  it("accepts cinderclient's bodies, whose unset fields are null", async () => {
    const res = await cinder(h, 'user', 'POST', '/volumes', {
      volume: {
        size: 1,
        consistencygroup_id: null,
        snapshot_id: null,
        name: 'cli',
        description: null,
        volume_type: null,
        availability_zone: null,
        metadata: {},
        imageRef: null,
        source_volid: null,
        backup_id: null,
        multiattach: false,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const id = res.body.volume.id as string;
    expect((await settled(h, 'user', id)).body.volume.status).toBe('available');
    const backup = await cinder(h, 'user', 'POST', '/backups', {
      backup: {
        volume_id: id,
        container: null,
        name: 'b',
        description: null,
        incremental: false,
        force: false,
        snapshot_id: null,
      },
    });
    expect(backup.status, JSON.stringify(backup.body)).toBe(202);
    await h.module.worker.idle();
    const snap = await cinder(
      h,
      'user',
      'POST',
      '/snapshots',
      {
        snapshot: { volume_id: id, force: false, name: 's', description: null, metadata: {} },
      },
      '3.65',
    );
    expect(snap.status, JSON.stringify(snap.body)).toBe(202);
    await h.module.worker.idle();
  });

  it('never answers malformed requests with a 500', async () => {
    const raw = async (method: string, path: string, body?: string, type = 'application/json') => {
      const res = await fetch(`${h.root}/v3/p-user${path}`, {
        method,
        headers: { 'x-auth-token': 'user', ...(body !== undefined && { 'content-type': type }) },
        ...(body !== undefined && { body }),
      });
      return res.status;
    };
    const cases: [string, string, string | undefined][] = [
      ['POST', '/volumes', '{not json'],
      ['POST', '/volumes', '[]'],
      ['POST', '/volumes', 'null'],
      ['POST', '/volumes', '{"volume": {"size": 1, "metadata": {"k": 5}}}'],
      ['POST', '/volumes', '{"volume": {"size": 1, "name": 7}}'],
      ['GET', '/volumes?limit=abc', undefined],
      ['GET', '/volumes?marker=nope', undefined],
      ['PUT', '/volumes/nope', '{"volume": {}}'],
      ['POST', '/volumes/nope/action', '{}'],
      ['POST', '/volumes/nope/action', '{"os-extend": {"new_size": "x"}}'],
      ['POST', '/snapshots', '{"snapshot": {}}'],
      ['POST', '/backups/nope/restore', '{"restore": {}}'],
      ['PUT', '/os-quota-sets/p-user', '{"quota_set": {"volumes": "x"}}'],
      ['DELETE', '/volumes/nope', undefined],
    ];
    for (const [method, path, body] of cases) {
      const status = await raw(method, path, body);
      expect(status, `${method} ${path} ${body ?? ''}`).toBeGreaterThanOrEqual(400);
      expect(status, `${method} ${path} ${body ?? ''}`).toBeLessThan(500);
    }
    const ext = await cinder(h, 'user', 'GET', '/extensions');
    expect(ext.body.extensions).toContainEqual({
      name: 'Hosts',
      alias: 'os-hosts',
      updated: '2011-06-29T00:00:00+00:00',
      description: 'Admin-only host administration.',
      links: [],
    });
  });
});
