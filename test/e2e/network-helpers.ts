// Host-side helpers for the network e2e test: busybox (udhcpc, ping, nc) extracted from Debian's
// busybox-static package, and namespaces that stand in for VMs. Every namespace made here is tracked
// and removed by cleanup(), even when a test fails.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Sh {
  code: number;
  stdout: string;
  stderr: string;
}

export function sh(argv: string[], timeoutMs = 20_000): Promise<Sh> {
  const [file, ...args] = argv;
  return new Promise((resolve) => {
    execFile(file as string, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Finds the busybox-static .deb (guest-image cache, apt cache, or apt-get download) and extracts it. */
export async function extractBusybox(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'nuage-bb-'));
  const caches = [join(homedir(), '.cache/nuage/guest-image'), '/var/cache/apt/archives'];
  let deb = caches.filter(existsSync).flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.startsWith('busybox-static_') && f.endsWith('.deb'))
      .map((f) => join(d, f)),
  )[0];
  if (!deb) {
    const got = await sh(['sh', '-c', `cd ${dir} && apt-get download busybox-static`], 120_000);
    if (got.code !== 0) throw new Error(`apt-get download busybox-static failed: ${got.stderr}`);
    deb = readdirSync(dir)
      .map((f) => join(dir, f))
      .find((f) => f.endsWith('.deb'));
  }
  if (!deb) throw new Error('no busybox-static package found');
  const x = await sh(['dpkg-deb', '-x', deb, dir]);
  if (x.code !== 0) throw new Error(`dpkg-deb failed: ${x.stderr}`);
  const busybox = join(dir, 'bin', 'busybox');
  // udhcpc calls this script to apply the lease: address, default route (option 3) and MTU.
  const script = join(dir, 'udhcpc.sh');
  writeFileSync(
    script,
    [
      `#!${busybox} sh`,
      `BB=${busybox}`,
      'case "$1" in bound|renew)',
      '  $BB ip addr flush dev $interface',
      '  $BB ip addr add $ip/$mask dev $interface',
      '  [ -n "$router" ] && $BB ip route replace default via ${router%% *} dev $interface',
      'esac',
      'exit 0',
      '',
    ].join('\n'),
  );
  chmodSync(script, 0o755);
  return busybox;
}

export class Namespaces {
  private readonly made = new Set<string>();
  private readonly children: ChildProcess[] = [];
  constructor(private readonly busybox: string) {}

  async add(name: string): Promise<string> {
    await sh(['ip', 'netns', 'del', name]);
    const r = await sh(['ip', 'netns', 'add', name]);
    if (r.code !== 0) throw new Error(`ip netns add ${name}: ${r.stderr}`);
    this.made.add(name);
    await sh(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
    return name;
  }

  exec(ns: string | undefined, args: string[], timeoutMs = 20_000): Promise<Sh> {
    const argv = [this.busybox, ...args];
    return sh(ns ? ['ip', 'netns', 'exec', ns, ...argv] : argv, timeoutMs);
  }

  /** Runs udhcpc once on eth0 and resolves the leased address (or undefined). */
  async dhcp(ns: string): Promise<string | undefined> {
    const script = join(this.busybox, '..', '..', 'udhcpc.sh');
    const r = await this.exec(ns, ['udhcpc', '-i', 'eth0', '-s', script, '-n', '-q', '-t', '8', '-T', '1']);
    return /lease of (\S+) obtained/.exec(r.stdout + r.stderr)?.[1];
  }

  async ping(ns: string | undefined, ip: string): Promise<boolean> {
    const r = await this.exec(ns, ['ping', '-c', '2', '-W', '2', ip]);
    return / 0% packet loss/.test(r.stdout) || /[12] packets received/.test(r.stdout);
  }

  /** Pings until it answers or `timeoutMs` passes (ARP entries for a re-created router take a re-probe). */
  async pingEventually(ns: string | undefined, ip: string, timeoutMs = 20_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) if (await this.ping(ns, ip)) return true;
    return false;
  }

  /** Starts `nc -l -p PORT` answering `reply` to every connection, inside `ns`. */
  listen(ns: string, port: number, reply: string): void {
    const child = spawn(
      'ip',
      ['netns', 'exec', ns, this.busybox, 'nc', '-ll', '-p', String(port), '-e', this.busybox, 'echo', reply],
      {
        stdio: 'ignore',
      },
    );
    this.children.push(child);
  }

  /** Connects with nc and resolves what the server said ('' when it could not connect). */
  async connect(ns: string | undefined, ip: string, port: number): Promise<string> {
    const r = await this.exec(ns, ['timeout', '5', this.busybox, 'nc', '-w', '3', ip, String(port)], 10_000);
    return r.stdout.trim();
  }

  async cleanup(): Promise<void> {
    for (const c of this.children) c.kill('SIGKILL');
    for (const ns of this.made) await sh(['ip', 'netns', 'del', ns]);
    this.made.clear();
  }
}

/** The linux driver's objects on this host: namespaces, root-namespace links, dnsmasq processes. */
export async function dataPlaneObjects(): Promise<{
  namespaces: string[];
  rootLinks: string[];
  hostLinks: string[];
  dnsmasq: number;
}> {
  const ns = (await sh(['ip', '-j', 'netns', 'list'])).stdout;
  const names = (JSON.parse(ns || '[]') as { name: string }[])
    .map((n) => n.name)
    .filter((n) => /^(nuage-host|qdhcp-|qrouter-)/.test(n));
  const root = JSON.parse((await sh(['ip', '-j', 'link', 'show'])).stdout || '[]') as { ifname: string }[];
  const host = names.includes('nuage-host')
    ? (JSON.parse((await sh(['ip', '-n', 'nuage-host', '-j', 'link', 'show'])).stdout || '[]') as {
        ifname: string;
      }[])
    : [];
  const ps = await sh(['sh', '-c', 'ps -eo args | grep "^dnsmasq .*nuage-e2e" | grep -v grep | wc -l']);
  return {
    namespaces: names,
    rootLinks: root.map((l) => l.ifname).filter((n) => n.startsWith('nxr')),
    hostLinks: host.map((l) => l.ifname).filter((n) => n !== 'lo'),
    dnsmasq: Number(ps.stdout.trim()),
  };
}

/** Removes what the linux driver leaves for the bootstrap `public` network once the server is stopped. */
export async function teardownDataPlane(): Promise<void> {
  const objs = await dataPlaneObjects();
  for (const ns of objs.namespaces) await sh(['ip', 'netns', 'del', ns]);
  for (const l of objs.rootLinks) await sh(['ip', 'link', 'del', l]);
}
