// The object store through Debian's real `openstack` CLI against the started binary: containers
// (create, list, show, set/unset properties, delete), objects (create, list, show, save, delete) and the
// account (`object store account show/set/unset`). One server for the file; the tests run in order.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNuage, type NuageServer } from '../support/nuage-server.js';
import {
  describeRun,
  openstack,
  openstackJson,
  openstackOk,
  type CliOptions,
} from '../support/openstack-cli.js';

let nuage: NuageServer;
let admin: CliOptions;
let work: string;

interface NameRow {
  Name: string;
}

const names = (rows: NameRow[]) => rows.map((r) => r.Name);

beforeAll(async () => {
  nuage = await startNuage();
  admin = { cloudsYaml: nuage.cloudsYaml };
  work = await mkdtemp(join(tmpdir(), 'nuage-os-object-'));
});
afterAll(async () => {
  await nuage?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('openstack object store', () => {
  it('container create, list and show', async () => {
    const created = await openstackJson<Array<{ container: string; account: string }>>(
      ['container', 'create', 'photos', 'logs'],
      admin,
    );
    expect(created.map((c) => c.container)).toEqual(['photos', 'logs']);
    expect(created[0]?.account).toMatch(/^AUTH_[0-9a-f]{32}$/);
    expect(names(await openstackJson<NameRow[]>(['container', 'list'], admin))).toEqual(['logs', 'photos']);
    expect(names(await openstackJson<NameRow[]>(['container', 'list', '--prefix', 'ph'], admin))).toEqual([
      'photos',
    ]);
    const shown = await openstackJson<Record<string, unknown>>(['container', 'show', 'photos'], admin);
    expect(shown).toMatchObject({ container: 'photos', object_count: '0', bytes_used: '0' });
    const missing = await openstack(['container', 'show', 'nope'], admin);
    expect(missing.code, describeRun(missing)).not.toBe(0);
  });

  it('container set/unset --property round-trips through container show', async () => {
    await openstackOk(['container', 'set', '--property', 'team=media', 'photos'], admin);
    let shown = await openstackJson<{ properties?: Record<string, string> }>(
      ['container', 'show', 'photos'],
      admin,
    );
    expect(shown.properties).toMatchObject({ team: 'media' });
    await openstackOk(['container', 'unset', '--property', 'team', 'photos'], admin);
    shown = await openstackJson<{ properties?: Record<string, string> }>(
      ['container', 'show', 'photos'],
      admin,
    );
    expect(shown.properties ?? {}).not.toHaveProperty('team');
  });

  it('object create, list, show, save and delete', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const md5 = createHash('md5').update(data).digest('hex');
    await writeFile(join(work, 'cat.jpg'), data);
    await writeFile(join(work, 'notes.txt'), 'remember the milk\n');
    const created = await openstackJson<Array<{ object: string; container: string; etag: string }>>(
      ['object', 'create', 'photos', join(work, 'cat.jpg'), '--name', '2026/cat.jpg'],
      admin,
    );
    expect(created).toEqual([
      expect.objectContaining({ object: '2026/cat.jpg', container: 'photos', etag: md5 }),
    ]);
    await openstackOk(['object', 'create', 'photos', join(work, 'notes.txt'), '--name', 'notes.txt'], admin);

    expect(names(await openstackJson<NameRow[]>(['object', 'list', 'photos'], admin))).toEqual([
      '2026/cat.jpg',
      'notes.txt',
    ]);
    expect(
      names(await openstackJson<NameRow[]>(['object', 'list', 'photos', '--prefix', '2026/'], admin)),
    ).toEqual(['2026/cat.jpg']);
    const long = await openstackJson<Array<Record<string, unknown>>>(
      ['object', 'list', 'photos', '--long'],
      admin,
    );
    expect(long.find((r) => r.Name === '2026/cat.jpg')).toMatchObject({ Bytes: data.length, Hash: md5 });

    const shown = await openstackJson<Record<string, unknown>>(
      ['object', 'show', 'photos', '2026/cat.jpg'],
      admin,
    );
    expect(shown).toMatchObject({
      container: 'photos',
      object: '2026/cat.jpg',
      'content-length': String(data.length),
      'content-type': 'image/jpeg',
      etag: md5,
    });
    const container = await openstackJson<Record<string, unknown>>(['container', 'show', 'photos'], admin);
    expect(container).toMatchObject({
      object_count: '2',
      bytes_used: String(data.length + 'remember the milk\n'.length),
    });

    await openstackOk(['object', 'save', 'photos', '2026/cat.jpg', '--file', join(work, 'saved.jpg')], admin);
    expect((await readFile(join(work, 'saved.jpg'))).equals(data)).toBe(true);

    await openstackOk(['object', 'delete', 'photos', '2026/cat.jpg'], admin);
    expect(names(await openstackJson<NameRow[]>(['object', 'list', 'photos'], admin))).toEqual(['notes.txt']);
    const gone = await openstack(['object', 'show', 'photos', '2026/cat.jpg'], admin);
    expect(gone.code, describeRun(gone)).not.toBe(0);
  });

  it('object set --property shows up in object show', async () => {
    await openstackOk(['object', 'set', '--property', 'reviewed=yes', 'photos', 'notes.txt'], admin);
    const shown = await openstackJson<{ properties?: Record<string, string> }>(
      ['object', 'show', 'photos', 'notes.txt'],
      admin,
    );
    expect(shown.properties).toMatchObject({ reviewed: 'yes' });
  });

  it('object store account show and set/unset --property', async () => {
    const before = await openstackJson<Record<string, unknown>>(
      ['object', 'store', 'account', 'show'],
      admin,
    );
    expect(before).toMatchObject({
      Containers: '2',
      Objects: '1',
      Bytes: String('remember the milk\n'.length),
    });
    expect(before.Account).toMatch(/^AUTH_[0-9a-f]{32}$/);
    await openstackOk(
      ['object', 'store', 'account', 'set', '--property', 'cost-center=42', '--property', 'env=e2e'],
      admin,
    );
    let shown = await openstackJson<{ properties?: Record<string, string> }>(
      ['object', 'store', 'account', 'show'],
      admin,
    );
    expect(shown.properties).toMatchObject({ 'cost-center': '42', env: 'e2e' });
    await openstackOk(['object', 'store', 'account', 'unset', '--property', 'env'], admin);
    shown = await openstackJson<{ properties?: Record<string, string> }>(
      ['object', 'store', 'account', 'show'],
      admin,
    );
    expect(shown.properties).toMatchObject({ 'cost-center': '42' });
    expect(shown.properties).not.toHaveProperty('env');
    expect(shown.properties).not.toHaveProperty('Env');
  });

  it('container delete refuses a non-empty container, and --recursive deletes it with its objects', async () => {
    const refused = await openstack(['container', 'delete', 'photos'], admin);
    expect(refused.code, describeRun(refused)).not.toBe(0);
    expect(names(await openstackJson<NameRow[]>(['container', 'list'], admin))).toContain('photos');
    await openstackOk(['container', 'delete', '--recursive', 'photos'], admin);
    await openstackOk(['container', 'delete', 'logs'], admin);
    expect(await openstackJson<NameRow[]>(['container', 'list'], admin)).toEqual([]);
    const account = await openstackJson<Record<string, unknown>>(
      ['object', 'store', 'account', 'show'],
      admin,
    );
    expect(account).toMatchObject({ Containers: '0', Objects: '0', Bytes: '0' });
  });
});
