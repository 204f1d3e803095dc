// The web console's reach beyond the happy path, in Debian's Chromium on the fake compute driver: a wrong
// password shows Keystone's own message; a reader sees no button that would fail; every page renders in
// French with no English string of the interface left; axe-core finds no serious or critical violation.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startNuage, type NuageServer } from '../support/nuage-server.js';
import { openstackOk, readCloud, type CliOptions } from '../support/openstack-cli.js';
import { launchBrowser, type Page, type TestBrowser } from './console-browser.js';

const PAGES = ['instances', 'volumes', 'images', 'network', 'storage', 'access', 'identity', 'admin'];
const AXE = readFileSync(join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

let nuage: NuageServer;
let admin: CliOptions;
let password: string;
let browser: TestBrowser;

/** Every t('…') string of web/src: the interface's English. */
function interfaceStrings(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.tsx?$/.test(name)) {
        for (const m of readFileSync(full, 'utf8').matchAll(/\bt\('((?:[^'\\]|\\.)*)'/g))
          found.add(m[1] as string);
      }
    }
  };
  walk(join(REPO_ROOT, 'web', 'src'));
  return found;
}

async function frenchDictionary(): Promise<Record<string, string>> {
  const source = readFileSync(join(REPO_ROOT, 'web', 'src', 'i18n', 'fr.ts'), 'utf8');
  const entries: Record<string, string> = {};
  for (const m of source.matchAll(
    /^\s+(?:'((?:[^'\\]|\\.)*)'|([A-Za-z_]\w*)):\s*(?:'((?:[^'\\]|\\.)*)'|"([^"]*)"),?$/gm,
  )) {
    entries[(m[1] ?? m[2]) as string] = (m[3] ?? m[4]) as string;
  }
  return entries;
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  // A string, so that this Node-typed file needs no DOM types.
  const result = (await page.evaluate("axe.run({ resultTypes: ['violations'] })")) as {
    violations: { id: string; impact: string; nodes: { target: string[]; failureSummary?: string }[] }[];
  };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`)
          .slice(0, 3)
          .join(', ')}`,
    );
}

/** Visible text of the page (text nodes, labels, placeholders, titles). */
const VISIBLE_TEXTS = `(() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('script,style,[aria-hidden="true"]') || el.getClientRects().length === 0) continue;
    const text = node.textContent.trim();
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll('[aria-label],[placeholder],[title]')) {
    for (const attr of ['aria-label', 'placeholder', 'title']) {
      const v = (el.getAttribute(attr) || '').trim();
      if (v) out.push(v);
    }
  }
  return out;
})()`;

function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(VISIBLE_TEXTS) as Promise<string[]>;
}

describe('web console: errors, policy, French, accessibility (Chromium)', () => {
  beforeAll(async () => {
    nuage = await startNuage({
      env: { NUAGE_NETWORK_DRIVER: 'fake', NUAGE_COMPUTE_DRIVER: 'fake', NUAGE_CONSOLE_GUEST_IMAGE: '' },
    });
    admin = { cloudsYaml: nuage.cloudsYaml };
    password = (await readCloud(nuage.cloudsYaml)).password ?? '';
    await openstackOk(['project', 'create', 'readers'], admin);
    await openstackOk(
      ['user', 'create', '--password', 'reader-pass-1', '--project', 'readers', 'ruth'],
      admin,
    );
    await openstackOk(['role', 'add', '--user', 'ruth', '--project', 'readers', 'reader'], admin);
    browser = await launchBrowser({ locale: 'fr-FR', bypassCsp: true });
  });

  afterAll(async () => {
    await browser?.close();
    await nuage?.stop();
  });

  it('has French for every interface string', async () => {
    const fr = await frenchDictionary();
    const missing = [...interfaceStrings()].filter((s) => !(s in fr));
    expect(missing).toEqual([]);
  });

  it("shows Keystone's own message for a wrong password", async () => {
    const { page } = browser;
    await page.goto(nuage.url);
    await page.getByLabel("Nom d'utilisateur").fill('admin');
    await page.locator('input[type="password"]').fill('not-the-password');
    await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
    await expect
      .poll(() => page.getByRole('alert').innerText())
      .toContain('The request you have made requires authentication.');
  });

  it('renders every page in French without an English string, and axe finds no serious violation', async () => {
    const { page } = browser;
    await page.goto(nuage.url);
    await page.getByLabel("Nom d'utilisateur").fill('admin');
    await page.locator('input[type="password"]').fill(password);
    await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
    await page.getByRole('navigation').waitFor();
    const fr = await frenchDictionary();
    const english = new Set([...interfaceStrings()].filter((s) => fr[s] !== s && !s.includes('{')));
    const problems: string[] = [];
    for (const path of PAGES) {
      await page.goto(`${nuage.url}/#/${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      const left = (await visibleTexts(page)).filter((text) => english.has(text));
      if (left.length) problems.push(`${path}: ${[...new Set(left)].join(' | ')}`);
      for (const v of await axeViolations(page)) problems.push(`${path}: axe ${v}`);
    }
    expect(problems).toEqual([]);
  });

  it('shows a reader no button that would fail', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByLabel("Nom d'utilisateur").fill('ruth');
    await page.locator('input[type="password"]').fill('reader-pass-1');
    await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
    await page.getByRole('navigation').waitFor();
    const forbidden =
      /^(Lancer une instance|Créer un volume|Envoyer une image|Créer un réseau|Créer un conteneur|Créer une paire de clés|Allouer une IP flottante|Supprimer)$/;
    for (const path of ['instances', 'volumes', 'images', 'network', 'storage', 'access']) {
      await page.goto(`${nuage.url}/#/${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      expect(await page.getByRole('button', { name: forbidden }).count(), path).toBe(0);
    }
    expect(await page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Identité' }).count()).toBe(0);
  });
});
