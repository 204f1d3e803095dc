// Running ip, nft and friends: one command at a time, with a timeout, arguments never through a shell.
// `ipJson` reads the kernel's view (links with addresses) of one namespace.
import { execFile } from 'node:child_process';

const TIMEOUT_MS = 15_000;

export class CommandError extends Error {
  constructor(
    readonly argv: string[],
    readonly stderr: string,
  ) {
    super(`${argv.join(' ')}: ${stderr.trim()}`);
    this.name = 'CommandError';
  }
}

export function run(argv: string[], input?: string): Promise<string> {
  const [file, ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = execFile(
      file as string,
      args,
      { timeout: TIMEOUT_MS, maxBuffer: 32 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new CommandError(argv, `${stderr || err.message}`));
        else resolve(stdout);
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Runs and ignores failure (for deletes of things that may already be gone). */
export async function tryRun(argv: string[]): Promise<boolean> {
  try {
    await run(argv);
    return true;
  } catch {
    return false;
  }
}

export interface LinkState {
  ifname: string;
  mac: string;
  master: string | undefined;
  kind: string | undefined;
  up: boolean;
  mtu: number;
  /** Addresses with prefix, link-local IPv6 excluded. */
  addresses: string[];
}

interface IpAddrJson {
  ifname: string;
  address?: string;
  master?: string;
  mtu?: number;
  flags?: string[];
  linkinfo?: { info_kind?: string };
  addr_info?: { local: string; prefixlen: number; scope?: string }[];
}

/** Every link of a namespace (undefined: the root namespace). */
export async function links(netns: string | undefined): Promise<Map<string, LinkState>> {
  const argv = ['ip', ...(netns ? ['-n', netns] : []), '-d', '-j', 'addr', 'show'];
  const parsed = JSON.parse((await run(argv)) || '[]') as IpAddrJson[];
  const out = new Map<string, LinkState>();
  for (const l of parsed) {
    out.set(l.ifname, {
      ifname: l.ifname,
      mac: (l.address ?? '').toLowerCase(),
      master: l.master,
      kind: l.linkinfo?.info_kind,
      up: (l.flags ?? []).includes('UP'),
      mtu: l.mtu ?? 0,
      addresses: (l.addr_info ?? [])
        .filter((a) => a.scope !== 'link')
        .map((a) => `${a.local}/${a.prefixlen}`),
    });
  }
  return out;
}

export async function namespaces(): Promise<Set<string>> {
  const text = await run(['ip', '-j', 'netns', 'list']).catch(() => '[]');
  const parsed = JSON.parse(text || '[]') as { name: string }[];
  return new Set(parsed.map((n) => n.name));
}

export function inNs(netns: string | undefined, argv: string[]): string[] {
  return netns ? ['ip', 'netns', 'exec', netns, ...argv] : argv;
}
