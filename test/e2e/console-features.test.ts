// The web console's other journeys, in Debian's Chromium on the fake compute and network drivers:
// application-credential sign-in and a logout that revokes the token in Keystone; instance actions seen
// live (stop, start, resize then confirm); the security group rule editor; a container made public and a
// temporary link (TempURL) that serves the object's bytes without a token; the dark theme.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNuage, type NuageServer } from '../support/nuage-server.js';
import { openstackJson, openstackOk, readCloud, type CliOptions } from '../support/openstack-cli.js';
import { choose, launchBrowser, signIn, type TestBrowser } from './console-browser.js';

let nuage: NuageServer;
let admin: CliOptions;
let password: string;
let browser: TestBrowser;
let scratch: string;

/** Keystone's answer to validating `subject` with the cloud admin's token. */
async function tokenStatus(subject: string): Promise<number> {
  const { id } = await openstackJson<{ id: string }>(['token', 'issue'], admin);
  const response = await fetch(`${nuage.url}/identity/v3/auth/tokens`, {
    headers: { 'x-auth-token': id, 'x-subject-token': subject },
  });
  return response.status;
}

describe('web console: credentials, actions, rules, sharing, theme (Chromium)', () => {
  beforeAll(async () => {
    nuage = await startNuage({
      env: { NUAGE_NETWORK_DRIVER: 'fake', NUAGE_COMPUTE_DRIVER: 'fake', NUAGE_CONSOLE_GUEST_IMAGE: '' },
    });
    admin = { cloudsYaml: nuage.cloudsYaml };
    password = (await readCloud(nuage.cloudsYaml)).password ?? '';
    scratch = await mkdtemp(join(tmpdir(), 'nuage-console-features-'));
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await nuage?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('signs in with an application credential, and signing out revokes the token', async () => {
    const cred = await openstackJson<{ id: string; secret: string }>(
      ['application', 'credential', 'create', 'web-console'],
      admin,
    );
    const { page } = browser;
    const tokens = new Set<string>();
    page.on('request', (request) => {
      const token = request.headers()['x-auth-token'];
      if (token) tokens.add(token);
    });
    await page.goto(nuage.url);
    await page.getByText('Application credential', { exact: true }).click();
    await page.getByLabel('Application credential ID').fill(cred.id);
    await page.getByLabel('Secret').fill(cred.secret);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('table[data-loaded="true"]').waitFor();
    expect(tokens.size).toBe(1);
    const [token] = [...tokens] as [string];
    expect(await tokenStatus(token)).toBe(200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(await tokenStatus(token)).toBe(404);
  });

  it('stops, starts, resizes and confirms an instance, each state shown without reloading', async () => {
    const imageFile = join(scratch, 'disk.raw');
    await writeFile(imageFile, Buffer.alloc(1024 * 1024));
    await openstackOk(['image', 'create', '--file', imageFile, '--disk-format', 'raw', 'img'], admin);
    await openstackOk(['network', 'create', 'n1'], admin);
    await openstackOk(['subnet', 'create', '--network', 'n1', '--subnet-range', '10.1.0.0/24', 's1'], admin);
    const server = await openstackJson<{ id: string }>(
      ['server', 'create', '--image', 'img', '--flavor', 'm1.nano', '--network', 'n1', '--wait', 'vm'],
      admin,
    );
    const { page } = browser;
    await signIn(page, nuage.url, 'admin', password);
    await page.getByRole('link', { name: 'vm' }).click();
    const badge = (status: string) =>
      page.getByRole('heading', { level: 1 }).locator('..').locator(`[data-status="${status}"]`);
    await badge('ACTIVE').waitFor();
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await badge('SHUTOFF').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await badge('ACTIVE').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Resize', exact: true }).click();
    await choose(page, 'Flavor', 'm1.tiny');
    await page.getByRole('dialog').getByRole('button', { name: 'Resize', exact: true }).click();
    await badge('VERIFY_RESIZE').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Confirm resize' }).click();
    await badge('ACTIVE').waitFor({ timeout: 30_000 });
    const shown = await openstackJson<{ flavor: string; status: string }>(
      ['server', 'show', server.id],
      admin,
    );
    expect(shown.status).toBe('ACTIVE');
    expect(shown.flavor).toMatch(/m1\.tiny/);
  });

  it('adds a rule in the security group rule editor', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Network', exact: true }).click();
    await page.getByRole('tab', { name: 'Security groups' }).click();
    await page.getByLabel('Group name').fill('web');
    await page.getByRole('button', { name: 'Create security group' }).click();
    const rules = page.getByRole('table', { name: 'Rules of web' });
    await rules.waitFor();
    const editor = rules.locator('xpath=following-sibling::div[1]');
    await editor.getByRole('combobox', { name: 'Protocol', exact: true }).click();
    await page.getByRole('option', { name: 'udp', exact: true }).click();
    // The current protocol picked again stays chosen.
    await editor.getByRole('combobox', { name: 'Protocol', exact: true }).click();
    await page.getByRole('option', { name: 'udp', exact: true }).click();
    await editor.getByLabel('Port').fill('443');
    await editor.getByLabel('Remote CIDR').fill('192.0.2.0/24');
    await editor.getByRole('button', { name: 'Add rule' }).click();
    await rules.getByRole('cell', { name: '192.0.2.0/24' }).waitFor();
    const listed = await openstackJson<{ 'IP Protocol': string; 'Port Range': string; 'IP Range': string }[]>(
      ['security', 'group', 'rule', 'list', 'web', '--ingress'],
      admin,
    );
    expect(listed).toContainEqual(
      expect.objectContaining({ 'IP Protocol': 'udp', 'Port Range': '443:443', 'IP Range': '192.0.2.0/24' }),
    );
  });

  it('makes a container public and hands out a temporary link that serves the bytes', async () => {
    const file = join(scratch, 'hello.txt');
    await writeFile(file, 'bonjour, nuage\n');
    await openstackOk(['container', 'create', 'share'], admin);
    await openstackOk(['object', 'create', '--name', 'hello.txt', 'share', file], admin);
    const { page } = browser;
    await page.getByRole('link', { name: 'Object storage' }).click();
    await page.getByRole('link', { name: 'share' }).click();
    const row = page.locator('tr[data-object="hello.txt"]');
    await row.getByRole('button', { name: 'Temporary link' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Create link' }).click();
    const link = page.getByRole('dialog').getByLabel('Link');
    await expect.poll(() => link.inputValue()).toMatch(/temp_url_sig=/);
    const url = await link.inputValue();
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.text()).toBe('bonjour, nuage\n');
    await page.keyboard.press('Escape');
    // Private until the switch: the same object without the signature is refused.
    const objectUrl = `${nuage.url}${new URL(url).pathname}`;
    expect((await fetch(objectUrl)).status).toBe(401);
    await page.getByRole('switch', { name: 'Public' }).click();
    await expect.poll(async () => (await fetch(objectUrl)).status, { timeout: 15_000 }).toBe(200);
    expect(await (await fetch(objectUrl)).text()).toBe('bonjour, nuage\n');
  });

  it('resumes a segmented upload after a network error, and the object reads back whole', async () => {
    const file = join(scratch, 'resume.bin');
    const bytes = Buffer.alloc(40 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4096) bytes.writeUInt32BE(i, i);
    await writeFile(file, bytes);
    const { page } = browser;
    const segmentPuts: string[] = [];
    let cut = 0;
    await page.route('**/share_segments/**', async (route) => {
      segmentPuts.push(new URL(route.request().url()).pathname.split('/').pop() ?? '');
      // The first try of the second segment dies on the wire.
      if (segmentPuts.length === 2 && cut++ === 0) await route.abort('connectionreset');
      else await route.continue();
    });
    await page.getByLabel('Choose files to upload').setInputFiles(file);
    await page.locator('tr[data-object="resume.bin"]').waitFor({ timeout: 120_000 });
    await page.unroute('**/share_segments/**');
    expect(cut).toBe(1);
    expect(segmentPuts).toEqual(['00000000', '00000001', '00000001']);
    const saved = join(scratch, 'resume.back');
    await openstackOk(['object', 'save', '--file', saved, 'share', 'resume.bin'], admin);
    expect((await readFile(saved)).equals(bytes)).toBe(true);
  });

  it('uploads an image from the browser and shares it with another project', async () => {
    const partners = await openstackJson<{ id: string }>(['project', 'create', 'partners'], admin);
    const file = join(scratch, 'web.raw');
    await writeFile(file, Buffer.alloc(3 * 1024 * 1024, 7));
    const { page } = browser;
    await page.getByRole('link', { name: 'Images' }).click();
    await page.getByRole('button', { name: 'Upload image' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('input[type="file"]').setInputFiles(file);
    await dialog.getByLabel('Name').fill('webimg');
    await choose(page, 'Disk format', 'raw');
    await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
    const row = page.getByRole('row', { name: /webimg/ });
    await expect.poll(() => dialog.count(), { timeout: 60_000 }).toBe(0);
    await row.locator('[data-status="active"]').waitFor({ timeout: 60_000 });
    await row.getByRole('button', { name: 'Share' }).click();
    await page.getByRole('dialog').getByLabel('Project ID').fill(partners.id);
    await page.getByRole('dialog').getByRole('button', { name: 'Share', exact: true }).click();
    await page.getByRole('dialog').getByText(partners.id).waitFor({ timeout: 15_000 });
    const image = await openstackJson<{ visibility: string; size: number }>(
      ['image', 'show', 'webimg'],
      admin,
    );
    expect(image).toMatchObject({ visibility: 'shared', size: 3 * 1024 * 1024 });
    const members = await openstackJson<{ 'Member ID': string }[]>(
      ['image', 'member', 'list', 'webimg'],
      admin,
    );
    expect(members.map((m) => m['Member ID'])).toEqual([partners.id]);
    await page.keyboard.press('Escape');
  });

  it('switches to the dark theme', async () => {
    const { page } = browser;
    await page.getByRole('radiogroup', { name: 'Theme' }).getByText('Dark', { exact: true }).click();
    await expect.poll(() => page.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark');
  });
});
