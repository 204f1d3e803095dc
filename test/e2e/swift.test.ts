// Swift end to end: the started `nuage up` binary driven by Debian's real `swift` CLI (python-swiftclient)
// — stat, metadata, uploads large and small, downloads checked by MD5, listings, copies, deleting a whole
// container, static large objects and temporary URLs fetched with curl (Nuage implements both; /info
// must list them).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNuage, type NuageServer } from '../support/nuage-server.js';
import { describeRun, readCloud, type Credentials } from '../support/openstack-cli.js';
import { md5File, parseStat, swift, writeRandomFile } from '../support/swift-cli.js';

const execFileAsync = promisify(execFile);
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

let nuage: NuageServer;
let creds: Credentials;
let work: string;
let capabilities: Record<string, unknown>;

/** Runs swift in the work dir and expects exit 0; resolves stdout. */
async function swiftOk(args: string[], timeoutMs?: number): Promise<string> {
  const run = await swift(args, { creds, cwd: work, timeoutMs });
  expect(run.code, describeRun(run)).toBe(0);
  return run.stdout;
}

const lines = (stdout: string) => stdout.split('\n').filter((l) => l.length > 0);

let big: Promise<{ name: string; md5: string }> | undefined;
/** The 1 GiB random file in the work dir, written once for the tests that need it. */
function bigFile(): Promise<{ name: string; md5: string }> {
  big ??= writeRandomFile(join(work, 'big.bin'), GiB).then((md5) => ({ name: 'big.bin', md5 }));
  return big;
}

beforeAll(async () => {
  nuage = await startNuage();
  creds = await readCloud(nuage.cloudsYaml);
  work = await mkdtemp(join(tmpdir(), 'nuage-swift-e2e-'));
  capabilities = JSON.parse(await swiftOk(['capabilities', '--json'])) as Record<string, unknown>;
});
afterAll(async () => {
  await nuage?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('swift CLI', () => {
  it('stat shows the account of the project', async () => {
    const stat = parseStat(await swiftOk(['stat']));
    expect(stat.Account).toMatch(/^AUTH_[0-9a-f]{32}$/);
    expect(stat.Containers).toBe('0');
    expect(stat.Objects).toBe('0');
    expect(stat.Bytes).toBe('0');
    expect(capabilities.swift).toMatchObject({ max_file_size: 5 * GiB, container_listing_limit: 10_000 });
  });

  it('post -m sets account metadata that stat shows, and an empty value removes it', async () => {
    await swiftOk(['post', '-m', 'Project-Color:teal', '-m', 'Owner:e2e']);
    let stat = parseStat(await swiftOk(['stat']));
    expect(stat['Meta Project-Color']).toBe('teal');
    expect(stat['Meta Owner']).toBe('e2e');
    await swiftOk(['post', '-m', 'Owner:']);
    stat = parseStat(await swiftOk(['stat']));
    expect(stat['Meta Owner']).toBeUndefined();
    expect(stat['Meta Project-Color']).toBe('teal');
  });

  it('uploads and downloads a 1 GiB object in one PUT with an identical MD5', async () => {
    const { name, md5 } = await bigFile();
    await swiftOk(['upload', 'plain', name], 600_000);
    const stat = parseStat(await swiftOk(['stat', 'plain', name]));
    expect(stat['Content Length']).toBe(String(GiB));
    expect(stat.ETag).toBe(md5);
    await swiftOk(['download', 'plain', name, '-o', 'plain.out'], 600_000);
    expect(await md5File(join(work, 'plain.out'))).toBe(md5);
    await rm(join(work, 'plain.out'));
    await swiftOk(['delete', 'plain'], 120_000);
  });

  it('upload -S 100M --use-slo of a 1 GiB file, then download with an identical MD5', async () => {
    expect(capabilities).toHaveProperty('slo');
    const { name, md5 } = await bigFile();
    await swiftOk(['upload', 'big', name, '-S', String(100 * MiB), '--use-slo'], 600_000);
    const stat = parseStat(await swiftOk(['stat', 'big', name]));
    expect(stat['Content Length']).toBe(String(GiB));
    expect(stat['X-Static-Large-Object']).toMatch(/^true$/i);
    expect(lines(await swiftOk(['list', 'big_segments']))).toHaveLength(11);
    await swiftOk(['download', 'big', name, '-o', 'big.out'], 600_000);
    expect(await md5File(join(work, 'big.out'))).toBe(md5);
    await rm(join(work, 'big.out'));
    await swiftOk(['delete', 'big'], 300_000);
    // swiftclient deletes an SLO with ?multipart-manifest=delete (its segments go with it) but leaves
    // the emptied big_segments container in place.
    expect(lines(await swiftOk(['list', 'big_segments']))).toEqual([]);
  });

  it('list --prefix --delimiter shows objects and subdirectories under the prefix', async () => {
    for (const name of ['docs/a.txt', 'docs/b.txt', 'docs/sub/c.txt', 'docs/sub/d.txt', 'other.txt']) {
      await writeFile(join(work, 'item'), `body of ${name}\n`);
      await swiftOk(['upload', 'tree', 'item', '--object-name', name]);
    }
    expect(lines(await swiftOk(['list', 'tree']))).toEqual([
      'docs/a.txt',
      'docs/b.txt',
      'docs/sub/c.txt',
      'docs/sub/d.txt',
      'other.txt',
    ]);
    expect(lines(await swiftOk(['list', 'tree', '--prefix', 'docs/', '--delimiter', '/']))).toEqual([
      'docs/a.txt',
      'docs/b.txt',
      'docs/sub/',
    ]);
    expect(lines(await swiftOk(['list', 'tree', '--delimiter', '/']))).toEqual(['docs/', 'other.txt']);
    const stat = parseStat(await swiftOk(['stat', 'tree']));
    expect(stat.Objects).toBe('5');
  });

  it('copy duplicates an object server-side, with added metadata', async () => {
    await swiftOk(['post', 'copies']);
    await swiftOk(['copy', 'tree', 'docs/a.txt', '--destination', '/copies/a-copy.txt', '-m', 'Copied:yes']);
    const stat = parseStat(await swiftOk(['stat', 'copies', 'a-copy.txt']));
    expect(stat['Meta Copied']).toBe('yes');
    await swiftOk(['download', 'copies', 'a-copy.txt', '-o', 'copy.out']);
    expect(await readFile(join(work, 'copy.out'), 'utf8')).toBe('body of docs/a.txt\n');
    expect(lines(await swiftOk(['list', 'tree']))).toContain('docs/a.txt');
  });

  it('delete of a container removes every object and the container', async () => {
    const run = await swift(['delete', 'tree'], { creds, cwd: work });
    expect(run.code, describeRun(run)).toBe(0);
    expect(lines(run.stdout)).toEqual(
      expect.arrayContaining(['docs/a.txt', 'docs/b.txt', 'docs/sub/c.txt', 'docs/sub/d.txt', 'other.txt']),
    );
    expect(lines(await swiftOk(['list']))).not.toContain('tree');
    const gone = await swift(['stat', 'tree'], { creds, cwd: work });
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/not found|404/i);
  });

  it('tempurl makes a URL that plain curl can download, and only until it is tampered with', async () => {
    expect(capabilities).toHaveProperty('tempurl');
    await writeFile(join(work, 'shared.txt'), 'shared by temp url\n');
    await swiftOk(['upload', 'copies', 'shared.txt']);
    await swiftOk(['post', '-m', 'Temp-URL-Key:e2e-secret-key']);
    const account = parseStat(await swiftOk(['stat'])).Account as string;
    const path = `/v1/${account}/copies/shared.txt`;
    const signed = lines(await swiftOk(['tempurl', 'GET', '600', path, 'e2e-secret-key']))[0] as string;
    expect(signed).toMatch(/temp_url_sig=[0-9a-f]+&temp_url_expires=\d+/);
    const url = `${nuage.url}/object-store${signed}`;
    const { stdout } = await execFileAsync('/usr/bin/curl', ['-sS', '-f', url]);
    expect(stdout).toBe('shared by temp url\n');
    const tampered = url.replace(
      /temp_url_sig=([0-9a-f])/,
      (_m, c: string) => `temp_url_sig=${c === '0' ? '1' : '0'}`,
    );
    const { stdout: code } = await execFileAsync('/usr/bin/curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      tampered,
    ]);
    expect(code).toBe('401');
  });
});
