// Debian's Chromium (apt, installed by scripts/install-deps.sh) driven by playwright-core for the web
// console tests: headless, no sandbox (CI runs as root), no background networking (no outside traffic),
// a fresh profile per launch.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launchBrowser(
  options: { locale?: string; downloads?: boolean; bypassCsp?: boolean } = {},
): Promise<TestBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'nuage-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    locale: options.locale ?? 'en-US',
    acceptDownloads: options.downloads ?? true,
    viewport: { width: 1400, height: 1000 },
    // Only to inject axe-core: the console's own CSP forbids inline scripts, as it should.
    bypassCSP: options.bypassCsp ?? false,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in through the login form as Keystone's user `user` (Default domain). */
export async function signIn(page: Page, url: string, user: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('User name').fill(user);
  await page.locator('input[type="password"]').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** The accessible name of the field labelled `label`, whether or not it is marked required. */
export function fieldName(label: string): RegExp {
  return new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\*)?$`);
}

/** Picks `option` in the Mantine Select labelled `label` inside `scope`. */
export async function choose(page: Page, label: string, option: string | RegExp): Promise<void> {
  // A searchable Select is a textbox; a plain one is a read-only combobox.
  // A required field's accessible name ends in Mantine's asterisk ("Image *").
  const name = fieldName(label);
  const field = page.getByRole('textbox', { name }).or(page.getByRole('combobox', { name }));
  // A non-searchable MultiSelect keeps its input under the pills box, which takes the click: click
  // where a user clicks, whichever element is on top there.
  await field.first().click({ force: true });
  await page.getByRole('option', { name: option }).first().click();
}

export type { Browser, Page };
