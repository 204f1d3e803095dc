// The web console's volume, access and administration journeys, in Debian's Chromium on the fake compute
// and network drivers (the volume backend is the real one): extend, snapshot and a volume from it, backup
// and restore; boot from a new volume in the launch form; key pair, clouds.yaml and openrc downloads that
// the real CLI accepts; a project created from the Identity page; the cloud admin's hypervisor, instance
// and service lists.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Locator } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNuage, type NuageServer } from '../support/nuage-server.js';
import { openstackJson, openstackOk, readCloud, type CliOptions } from '../support/openstack-cli.js';
import { choose, fieldName, launchBrowser, signIn, type TestBrowser } from './console-browser.js';

const VOLUME_TIMEOUT_MS = 60_000;

let nuage: NuageServer;
let admin: CliOptions;
let password: string;
let browser: TestBrowser;
let scratch: string;

interface VolumeRow {
  ID: string;
  Name: string;
  Status: string;
  Size: number;
}

/** The volume called `name` as the CLI lists it. */
async function cliVolume(name: string): Promise<VolumeRow | undefined> {
  const volumes = await openstackJson<VolumeRow[]>(['volume', 'list'], admin);
  return volumes.find((v) => v.Name === name);
}

/** Clicks `button` and resolves the file the page downloads, saved under the scratch directory. */
async function download(button: Locator): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([browser.page.waitForEvent('download'), button.click()]);
  const path = join(scratch, (file as Download).suggestedFilename());
  await (file as Download).saveAs(path);
  return { name: (file as Download).suggestedFilename(), text: await readFile(path, 'utf8') };
}

/** The first cell texts of the table labelled `label` once it has rows. */
async function columnOf(label: string): Promise<string[]> {
  const table = browser.page.getByRole('table', { name: label, exact: true });
  await table.locator('tbody tr').first().waitFor();
  return table.locator('tbody tr td:first-child').allInnerTexts();
}

describe('web console: volumes, boot from volume, access files, identity and admin (Chromium)', () => {
  beforeAll(async () => {
    nuage = await startNuage({
      env: { NUAGE_NETWORK_DRIVER: 'fake', NUAGE_COMPUTE_DRIVER: 'fake', NUAGE_CONSOLE_GUEST_IMAGE: '' },
    });
    admin = { cloudsYaml: nuage.cloudsYaml };
    password = (await readCloud(nuage.cloudsYaml)).password ?? '';
    scratch = await mkdtemp(join(tmpdir(), 'nuage-console-volumes-'));
    browser = await launchBrowser({ downloads: true });
    await signIn(browser.page, nuage.url, 'admin', password);
    await browser.page.locator('table[data-loaded="true"]').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await nuage?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('extends a volume, snapshots it and makes a volume of the snapshot', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Volumes' }).click();
    await page.getByRole('button', { name: 'Create volume' }).first().click();
    await page.getByRole('dialog').getByLabel('Name').fill('data');
    await page.getByRole('dialog').getByRole('button', { name: 'Create volume' }).click();
    const row = page.locator('tr[data-volume="data"]');
    await row.locator('[data-status="available"]').waitFor({ timeout: VOLUME_TIMEOUT_MS });

    await row.getByRole('button', { name: 'Extend' }).click();
    await page.getByRole('dialog').getByLabel('Size (GiB)').fill('3');
    await page.getByRole('dialog').getByRole('button', { name: 'Extend' }).click();
    await expect.poll(async () => (await cliVolume('data'))?.Size, { timeout: VOLUME_TIMEOUT_MS }).toBe(3);
    await expect.poll(() => row.locator('td').nth(1).innerText()).toBe('3');

    await row.getByRole('button', { name: 'Snapshot' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('data-snap');
    await page.getByRole('dialog').getByRole('button', { name: 'Create snapshot' }).click();
    await page.getByRole('tab', { name: 'Snapshots' }).click();
    const snapshots = page.getByRole('table', { name: 'Snapshots' });
    const snap = snapshots.locator('tr', { hasText: 'data-snap' });
    await snap.locator('[data-status="available"]').waitFor({ timeout: VOLUME_TIMEOUT_MS });
    await snap.getByRole('button', { name: 'Create volume' }).click();
    // The volume made of the snapshot has the snapshot's size, 3 GiB after the extend.
    await expect
      .poll(
        async () => {
          const volumes = await openstackJson<VolumeRow[]>(['volume', 'list'], admin);
          return volumes.filter((v) => v.Name !== 'data' && v.Size === 3 && v.Status === 'available').length;
        },
        { timeout: VOLUME_TIMEOUT_MS },
      )
      .toBe(1);
  });

  it('backs a volume up and restores the backup into a new volume', async () => {
    const { page } = browser;
    await page.getByRole('tab', { name: 'Volumes' }).click();
    const row = page.locator('tr[data-volume="data"]');
    await row.getByRole('button', { name: 'Backup' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('data-backup');
    await page.getByRole('dialog').getByRole('button', { name: 'Create backup' }).click();
    await page.getByRole('tab', { name: 'Backups' }).click();
    const backup = page.getByRole('table', { name: 'Backups' }).locator('tr', { hasText: 'data-backup' });
    await backup.locator('[data-status="available"]').waitFor({ timeout: VOLUME_TIMEOUT_MS });
    const before = (await openstackJson<VolumeRow[]>(['volume', 'list'], admin)).length;
    await backup.getByRole('button', { name: 'Restore' }).click();
    await expect
      .poll(
        async () => {
          const volumes = await openstackJson<VolumeRow[]>(['volume', 'list'], admin);
          return volumes.length === before + 1 && volumes.every((v) => v.Status === 'available');
        },
        { timeout: VOLUME_TIMEOUT_MS },
      )
      .toBe(true);
    const restored = (await openstackJson<VolumeRow[]>(['volume', 'list'], admin)).filter(
      (v) => v.Name !== 'data',
    );
    expect(restored.some((v) => v.Size === 3)).toBe(true);
  });

  it('launches an instance that boots from a new volume', async () => {
    const imageFile = join(scratch, 'disk.raw');
    await writeFile(imageFile, Buffer.alloc(1024 * 1024));
    await openstackOk(['image', 'create', '--file', imageFile, '--disk-format', 'raw', 'img'], admin);
    await openstackOk(['network', 'create', 'n1'], admin);
    await openstackOk(['subnet', 'create', '--network', 'n1', '--subnet-range', '10.3.0.0/24', 's1'], admin);
    const { page } = browser;
    await page.getByRole('link', { name: 'Instances' }).click();
    await page.getByRole('button', { name: 'Launch instance' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(fieldName('Name')).fill('bfv');
    await choose(page, 'Image', 'img');
    await choose(page, 'Flavor', /^m1\.nano/);
    await choose(page, 'Networks', 'n1');
    await page.keyboard.press('Escape');
    await dialog.getByRole('switch', { name: 'Boot from a new volume' }).check({ force: true });
    await dialog.getByLabel('Volume size (GiB)').fill('2');
    await dialog.getByRole('button', { name: 'Launch', exact: true }).click();
    await page
      .locator('tr[data-server="bfv"] [data-status="ACTIVE"]')
      .waitFor({ timeout: VOLUME_TIMEOUT_MS });
    const server = await openstackJson<{ image: string; volumes_attached: unknown }>(
      ['server', 'show', 'bfv'],
      admin,
    );
    expect(server.image).toMatch(/booted from volume|^$/i);
    const root = (await openstackJson<VolumeRow[]>(['volume', 'list'], admin)).find(
      (v) => v.Status === 'in-use',
    );
    expect(root?.Size).toBe(2);
    const bootable = await openstackJson<{ bootable: string }>(['volume', 'show', root!.ID], admin);
    expect(bootable.bootable).toBe('true');
  });

  it('downloads a new key pair, clouds.yaml and openrc, and the CLI accepts them', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Access' }).click();
    await page.getByLabel('Key pair name').fill('laptop');
    const pem = await download(page.getByRole('button', { name: 'Create key pair' }));
    expect(pem.name).toBe('laptop.pem');
    expect(pem.text).toMatch(/^-----BEGIN [A-Z ]*PRIVATE KEY-----/);
    const listed = await openstackJson<{ Name: string }[]>(['keypair', 'list'], admin);
    expect(listed.map((k) => k.Name)).toContain('laptop');

    await page.getByRole('tab', { name: 'Configuration files' }).click();
    const clouds = await download(page.getByRole('button', { name: 'Download clouds.yaml' }));
    expect(clouds.name).toBe('clouds.yaml');
    const parsed = parseYaml(clouds.text) as { clouds: { nuage: { auth: { auth_url: string } } } };
    expect(parsed.clouds.nuage.auth.auth_url).toBe(`${nuage.url}/identity/v3`);
    const fromFile = await openstackJson<{ project_id: string }>(
      ['--os-password', password, 'token', 'issue'],
      {
        cloudsYaml: join(scratch, 'clouds.yaml'),
      },
    );
    expect(fromFile.project_id).toMatch(/^[0-9a-f]{32}$/);

    const openrc = await download(page.getByRole('button', { name: 'Download openrc' }));
    expect(openrc.name).toBe('openrc.sh');
    expect(openrc.text).toContain(`export OS_AUTH_URL=${nuage.url}/identity/v3`);
    expect(openrc.text).toContain('export OS_USERNAME=admin');
    expect(openrc.text).not.toContain(password);
  });

  it('creates a project from the Identity page and lists users and roles', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Identity' }).click();
    await page.getByRole('tab', { name: 'Projects' }).click();
    await page.getByLabel('Name').fill('web-made');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await expect.poll(() => columnOf('Projects')).toContain('web-made');
    const projects = await openstackJson<{ Name: string }[]>(['project', 'list'], admin);
    expect(projects.map((p) => p.Name)).toContain('web-made');
    await page.getByRole('tab', { name: 'Users' }).click();
    expect(await columnOf('Users')).toContain('admin');
    await page.getByRole('tab', { name: 'Roles' }).click();
    expect(await columnOf('Roles')).toEqual(expect.arrayContaining(['admin', 'member', 'reader']));
  });

  it("shows the cloud admin every project's instances, the hypervisors and the services", async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('tab', { name: 'Hypervisors' }).click();
    const hypervisors = await openstackJson<{ 'Hypervisor Hostname': string }[]>(
      ['hypervisor', 'list'],
      admin,
    );
    expect(await columnOf('Hypervisors')).toContain(hypervisors[0]?.['Hypervisor Hostname']);
    await page.getByRole('tab', { name: 'All instances' }).click();
    expect(await columnOf('All instances')).toContain('bfv');
    await page.getByRole('tab', { name: 'Services' }).click();
    expect((await columnOf('Services')).join(' ')).toMatch(/nova-compute/);
  });
});
