// The image service through Debian's real `openstack` CLI against the started binary: create with a
// qcow2 file, list/show, save with identical MD5 and SHA-512, properties and tags, protection, publicity
// (admin only), sharing with a member project that accepts, and delete. The tests run in order.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNuage, type NuageServer } from '../support/nuage-server.js';
import {
  describeRun,
  openstack,
  openstackJson,
  openstackOk,
  readCloud,
  type CliOptions,
} from '../support/openstack-cli.js';

let nuage: NuageServer;
let admin: CliOptions;
let member: CliOptions;
let memberProjectId: string;
let work: string;
let guest: string;

const digest = async (algo: string, path: string) =>
  createHash(algo)
    .update(await readFile(path))
    .digest('hex');

beforeAll(async () => {
  nuage = await startNuage();
  admin = { cloudsYaml: nuage.cloudsYaml };
  work = await mkdtemp(join(tmpdir(), 'nuage-os-image-'));
  guest = join(work, 'guest.qcow2');
  execFileSync('qemu-img', ['create', '-f', 'qcow2', guest, '64M']);
  execFileSync('qemu-io', ['-c', 'write -P 0x5a 0 2M', guest]);
  // A second project with a member user, to share images with.
  const project = await openstackJson<{ id: string }>(['project', 'create', 'img-member'], admin);
  memberProjectId = project.id;
  await openstackOk(['user', 'create', '--password', 'Member-Secret1', 'img-user'], admin);
  await openstackOk(['role', 'add', '--user', 'img-user', '--project', 'img-member', 'member'], admin);
  const creds = await readCloud(nuage.cloudsYaml);
  member = {
    as: { ...creds, username: 'img-user', password: 'Member-Secret1', projectName: 'img-member' },
  };
});
afterAll(async () => {
  await nuage?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('openstack image', () => {
  it('creates an image from a qcow2 file and lists and shows it', async () => {
    const created = await openstackJson<Record<string, unknown>>(
      ['image', 'create', '--file', guest, '--disk-format', 'qcow2', '--container-format', 'bare', 'guest'],
      admin,
    );
    // The CLI prints the record it created before uploading; show reads the state after the upload.
    expect(created).toMatchObject({ name: 'guest', disk_format: 'qcow2' });
    const listed = await openstackJson<Array<{ Name: string; Status: string }>>(['image', 'list'], admin);
    expect(listed).toContainEqual(expect.objectContaining({ Name: 'guest', Status: 'active' }));
    const shown = await openstackJson<Record<string, unknown>>(['image', 'show', 'guest'], admin);
    expect(shown).toMatchObject({
      status: 'active',
      checksum: await digest('md5', guest),
      container_format: 'bare',
    });
    expect(JSON.stringify(shown)).toContain(await digest('sha512', guest));
  });

  it('saves identical bytes', async () => {
    const out = join(work, 'saved.qcow2');
    await openstackOk(['image', 'save', '--file', out, 'guest'], admin);
    expect(await digest('md5', out)).toBe(await digest('md5', guest));
    expect(await digest('sha512', out)).toBe(await digest('sha512', guest));
  });

  it('sets and unsets properties and tags', async () => {
    await openstackOk(['image', 'set', '--property', 'os_distro=debian', '--tag', 'golden', 'guest'], admin);
    let shown = await openstackJson<{ properties: Record<string, unknown>; tags: string[] }>(
      ['image', 'show', 'guest'],
      admin,
    );
    expect(shown.properties).toMatchObject({ os_distro: 'debian' });
    expect(shown.tags).toEqual(['golden']);
    await openstackOk(['image', 'unset', '--property', 'os_distro', '--tag', 'golden', 'guest'], admin);
    shown = await openstackJson(['image', 'show', 'guest'], admin);
    expect(shown.properties).not.toHaveProperty('os_distro');
    expect(shown.tags).toEqual([]);
  });

  it('refuses to delete a protected image', async () => {
    await openstackOk(['image', 'set', '--protected', 'guest'], admin);
    const refused = await openstack(['image', 'delete', 'guest'], admin);
    expect(refused.code, describeRun(refused)).not.toBe(0);
    await openstackOk(['image', 'set', '--unprotected', 'guest'], admin);
  });

  it('lets only the admin make an image public', async () => {
    const own = await openstackJson<{ id: string }>(
      ['image', 'create', '--disk-format', 'raw', '--container-format', 'bare', 'member-own'],
      member,
    );
    const refused = await openstack(['image', 'set', '--public', own.id], member);
    expect(refused.code, describeRun(refused)).not.toBe(0);
    await openstackOk(['image', 'set', '--public', 'guest'], admin);
    const seen = await openstackJson<{ visibility: string }>(['image', 'show', 'guest'], member);
    expect(seen.visibility).toBe('public');
  });

  it('shares an image with a project that accepts it', async () => {
    const shared = await openstackJson<{ id: string }>(
      [
        'image',
        'create',
        '--file',
        guest,
        '--disk-format',
        'qcow2',
        '--container-format',
        'bare',
        '--shared',
        'to-share',
      ],
      admin,
    );
    await openstackOk(['image', 'add', 'project', shared.id, memberProjectId], admin);
    let listed = await openstackJson<Array<{ Name: string }>>(['image', 'list'], member);
    expect(listed.map((r) => r.Name)).not.toContain('to-share');
    await openstackOk(['image', 'set', '--accept', shared.id], member);
    listed = await openstackJson<Array<{ Name: string }>>(['image', 'list'], member);
    expect(listed.map((r) => r.Name)).toContain('to-share');
  });

  it('creates with interoperable import (glance-direct)', async () => {
    await openstackOk(
      [
        'image',
        'create',
        '--import',
        '--file',
        guest,
        '--disk-format',
        'qcow2',
        '--container-format',
        'bare',
        'imported',
      ],
      admin,
    );
    const shown = await openstackJson<{ status: string; checksum: string }>(
      ['image', 'show', 'imported'],
      admin,
    );
    expect(shown).toMatchObject({ status: 'active', checksum: await digest('md5', guest) });
  });

  it('deletes images', async () => {
    await openstackOk(['image', 'delete', 'guest', 'to-share', 'imported'], admin);
    const listed = await openstackJson<Array<{ Name: string }>>(['image', 'list'], admin);
    expect(listed.map((r) => r.Name)).not.toContain('guest');
  });
});
