// The web console end to end, in Debian's Chromium against `nuage up` with real QEMU guests on the user
// network driver (no root data plane needed): log in → network and router → launch from the tiny guest
// image → ACTIVE without reloading → serial console shows the guest's prompt → graphical console connects
// → attach a new volume → upload 200 MiB with a moving progress bar → download and compare bytes →
// floating IP → delete everything. Also `openstack console url show --serial/--novnc` URLs work.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ensureGuestImage } from '../support/guest-image.js';
import { killGuestsUnder } from '../support/leaked-guests.js';
import { startNuage, type NuageServer } from '../support/nuage-server.js';
import { openstackJson, openstackOk, readCloud } from '../support/openstack-cli.js';
import type { CliOptions } from '../support/openstack-cli.js';
import { choose, fieldName, launchBrowser, signIn, type TestBrowser } from './console-browser.js';

const BOOT_TIMEOUT_MS = 180_000;
const BIG_BYTES = 200 * 1024 * 1024;

let nuage: NuageServer;
let admin: CliOptions;
let password: string;
let browser: TestBrowser;
let scratch: string;
let bigFile: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Reads a console WebSocket until `pattern` shows up (after sending a carriage return). */
function readSerial(url: string, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let text = '';
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no ${pattern} on the serial console; got ${JSON.stringify(text.slice(-300))}`));
    }, timeoutMs);
    ws.on('open', () => ws.send('\r'));
    ws.on('message', (data) => {
      text += data.toString();
      if (pattern.test(text)) {
        clearTimeout(timer);
        ws.close();
        resolve(text);
      }
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

describe('web console (Chromium)', () => {
  beforeAll(async () => {
    const guest = await ensureGuestImage();
    nuage = await startNuage({ env: { NUAGE_NETWORK_DRIVER: 'user', NUAGE_CONSOLE_GUEST_IMAGE: guest } });
    admin = { cloudsYaml: nuage.cloudsYaml };
    password = (await readCloud(nuage.cloudsYaml)).password ?? '';
    scratch = await mkdtemp(join(tmpdir(), 'nuage-console-'));
    bigFile = join(scratch, 'big.bin');
    // Incompressible, so nothing on the way can shortcut the bytes.
    const chunk = Buffer.alloc(1024 * 1024);
    const parts: Buffer[] = [];
    for (let i = 0; i < BIG_BYTES / chunk.length; i++)
      parts.push(createHash('sha512').update(String(i)).digest(), chunk);
    await writeFile(bigFile, Buffer.concat(parts).subarray(0, BIG_BYTES));
    // The starter image is registered in the background at start-up.
    for (let i = 0; i < 60; i++) {
      const images = await openstackJson<{ Name: string; Status: string }[]>(['image', 'list'], admin);
      if (images.some((im) => im.Name === 'nuage-tiny' && im.Status === 'active')) break;
      await sleep(1_000);
    }
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    if (nuage) {
      const code = await nuage.stop();
      killGuestsUnder(nuage.dataDir);
      if (code !== 0) console.error(nuage.logs().slice(-4000));
    }
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('ships default flavors and the tiny guest image', async () => {
    const flavors = await openstackJson<{ Name: string }[]>(['flavor', 'list'], admin);
    expect(flavors.map((f) => f.Name)).toEqual(expect.arrayContaining(['m1.nano', 'm1.tiny', 'm1.small']));
    const images = await openstackJson<{ Name: string; Status: string }[]>(['image', 'list'], admin);
    expect(images).toContainEqual({ ID: expect.any(String), Name: 'nuage-tiny', Status: 'active' });
  });

  it('logs in and builds a network with a router', async () => {
    const { page } = browser;
    await signIn(page, nuage.url, 'admin', password);
    await page.getByRole('link', { name: 'Network', exact: true }).click();
    await page.getByLabel('Network name').fill('net1');
    await page.getByLabel('Subnet CIDR').fill('10.20.0.0/24');
    await page.getByRole('button', { name: 'Create network' }).click();
    await expect
      .poll(() => page.getByRole('cell', { name: '10.20.0.0/24' }).count(), { timeout: 15_000 })
      .toBe(1);
    await page.getByRole('tab', { name: 'Routers' }).click();
    await page.getByLabel('Router name').fill('r1');
    await page.getByRole('button', { name: 'Create router' }).click();
    await expect
      .poll(() => page.getByRole('cell', { name: 'r1', exact: true }).count(), { timeout: 15_000 })
      .toBe(1);
    await choose(page, 'Router', 'r1');
    await choose(page, 'Subnet', /10\.20\.0\.0\/24/);
    await page.getByRole('button', { name: 'Add interface' }).click();
    await expect.poll(() => page.getByRole('alert').count()).toBe(0);
  });

  it('launches an instance from the tiny image and sees it ACTIVE without reloading', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Instances' }).click();
    await page.getByRole('button', { name: 'Launch instance' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(fieldName('Name')).fill('vm1');
    await choose(page, 'Image', 'nuage-tiny');
    await choose(page, 'Flavor', /^m1\.nano/);
    await choose(page, 'Networks', 'net1');
    await page.keyboard.press('Escape');
    await dialog.getByRole('button', { name: 'Launch', exact: true }).click();
    await page.locator('tr[data-server="vm1"]').waitFor();
    await page.locator('tr[data-server="vm1"] [data-status="ACTIVE"]').waitFor({ timeout: BOOT_TIMEOUT_MS });
  });

  it('shows the guest prompt in the serial console, and the graphical console connects', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'vm1' }).click();
    // The guest prints GUEST-READY, then its getty prompt.
    await expect
      .poll(
        async () => {
          await page.getByRole('tab', { name: 'Console log' }).click();
          return page.locator('pre[aria-label="Console log"]').innerText();
        },
        { timeout: BOOT_TIMEOUT_MS, interval: 3_000 },
      )
      .toContain('GUEST-READY');
    await page.getByRole('tab', { name: 'Serial console' }).click();
    await expect
      .poll(() => page.locator('[data-testid="serial-console"] .xterm-rows').innerText(), { timeout: 30_000 })
      .toMatch(/login:/);
    await page.getByRole('tab', { name: 'Graphical console' }).click();
    await page.locator('[data-console-state="connected"]').waitFor({ timeout: 30_000 });
  });

  it('serves working console URLs to `openstack console url show`', async () => {
    const serial = await openstackJson<{ url: string }>(['console', 'url', 'show', '--serial', 'vm1'], admin);
    expect(serial.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/console\/websocket\?token=/);
    expect(await readSerial(serial.url, /login:/)).toMatch(/login:/);
    const vnc = await openstackJson<{ url: string }>(['console', 'url', 'show', '--novnc', 'vm1'], admin);
    const tab = await browser.context.newPage();
    await tab.goto(vnc.url);
    await tab.locator('#status[data-state="connected"]').waitFor({ timeout: 30_000 });
    await tab.close();
    // A forged token is refused before the WebSocket handshake.
    const forged = serial.url.replace(/token=.*/, 'token=AAAA');
    await expect(readSerial(forged, /x/, 5_000)).rejects.toThrow(/401/);
  });

  it('attaches a new volume', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Volumes' }).click();
    await page.getByRole('button', { name: 'Create volume' }).first().click();
    await page.getByRole('dialog').getByLabel('Name').fill('vol1');
    await page.getByRole('dialog').getByRole('button', { name: 'Create volume' }).click();
    const row = page.locator('tr[data-volume="vol1"]');
    await row.locator('[data-status="available"]').waitFor({ timeout: 60_000 });
    await row.getByRole('button', { name: 'Attach' }).click();
    await choose(page, 'Instance', 'vm1');
    await page.getByRole('dialog').getByRole('button', { name: 'Attach' }).click();
    await row.locator('[data-status="in-use"]').waitFor({ timeout: 60_000 });
  });

  it('uploads 200 MiB with a moving progress bar, downloads it and compares the bytes', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Object storage' }).click();
    await page.getByLabel('Container name').fill('c1');
    await page.getByRole('button', { name: 'Create container' }).click();
    await page.getByRole('link', { name: 'c1', exact: true }).click();
    await page.getByLabel('Choose files to upload').setInputFiles(bigFile);
    const bar = page.getByTestId('total-progress').getByRole('progressbar');
    const seen = new Set<number>();
    for (let i = 0; i < 600 && !seen.has(100); i++) {
      const value = Number((await bar.getAttribute('aria-valuenow').catch(() => null)) ?? 0);
      seen.add(Math.round(value));
      await sleep(100);
    }
    const between = [...seen].filter((v) => v > 0 && v < 100);
    expect(between.length, `progress values seen: ${[...seen].join(',')}`).toBeGreaterThanOrEqual(2);
    const row = page.locator('tr[data-object="big.bin"]');
    await row.waitFor({ timeout: 60_000 });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('button', { name: 'Download' }).click(),
    ]);
    const saved = join(scratch, 'downloaded.bin');
    await download.saveAs(saved);
    expect(await sha256(saved)).toBe(await sha256(bigFile));
  });

  it('allocates and associates a floating IP', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Network', exact: true }).click();
    await page.getByRole('tab', { name: 'Floating IPs' }).click();
    await page.getByRole('button', { name: 'Allocate floating IP' }).click();
    const row = page.locator('tr[data-fip]').first();
    await row.waitFor({ timeout: 15_000 });
    await row.getByRole('button', { name: 'Associate' }).click();
    await choose(page, 'Instance port', /vm1/);
    await page.getByRole('dialog').getByRole('button', { name: 'Associate' }).click();
    await expect
      .poll(() => row.locator('td').nth(1).innerText(), { timeout: 15_000 })
      .toMatch(/^10\.20\.0\./);
  });

  it('deletes everything', async () => {
    const { page } = browser;
    const confirm = async (scope: ReturnType<typeof page.locator>, label: string) => {
      await scope.getByRole('button', { name: label }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    };
    await confirm(page.locator('tr[data-fip]').first(), 'Release');
    await expect.poll(() => page.locator('tr[data-fip]').count(), { timeout: 15_000 }).toBe(0);
    await page.getByRole('link', { name: 'Volumes' }).click();
    const vol = page.locator('tr[data-volume="vol1"]');
    await vol.getByRole('button', { name: 'Detach' }).click();
    await vol.locator('[data-status="available"]').waitFor({ timeout: 60_000 });
    await confirm(vol, 'Delete');
    await expect.poll(() => vol.count(), { timeout: 60_000 }).toBe(0);
    await page.getByRole('link', { name: 'Object storage' }).click();
    await page.getByRole('link', { name: 'c1', exact: true }).click();
    await confirm(page.locator('tr[data-object="big.bin"]'), 'Delete');
    await expect.poll(() => page.locator('tr[data-object="big.bin"]').count(), { timeout: 15_000 }).toBe(0);
    await confirm(page.locator('main'), 'Delete container');
    await page.getByRole('link', { name: 'Instances' }).click();
    await page.getByRole('link', { name: 'vm1' }).click();
    await confirm(page.locator('main'), 'Delete');
    await expect.poll(() => page.locator('tr[data-server="vm1"]').count(), { timeout: 90_000 }).toBe(0);
    await page.getByRole('link', { name: 'Network', exact: true }).click();
    await page.getByRole('tab', { name: 'Routers' }).click();
    await confirm(page.getByRole('row', { name: /r1/ }), 'Delete');
    await expect
      .poll(() => page.getByRole('cell', { name: 'r1', exact: true }).count(), { timeout: 15_000 })
      .toBe(0);
    await page.getByRole('tab', { name: 'Networks' }).click();
    await confirm(page.getByRole('row', { name: /net1/ }), 'Delete');
    await expect
      .poll(() => page.getByRole('cell', { name: 'net1', exact: true }).count(), { timeout: 15_000 })
      .toBe(0);
    const servers = await openstackJson<unknown[]>(['server', 'list'], admin);
    expect(servers).toEqual([]);
    await openstackOk(['volume', 'list'], admin);
  });
});
