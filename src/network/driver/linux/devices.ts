// Idempotent building blocks over ip(8): namespaces, bridges, veth pairs across namespaces, addresses.
// Each function converges one object and leaves others alone.
import { inNs, links, run, tryRun, type LinkState } from './exec.js';

const ipn = (netns: string | undefined) => ['ip', ...(netns ? ['-n', netns] : [])];

export async function ensureNamespace(name: string, existing: Set<string>): Promise<void> {
  if (!existing.has(name)) {
    await run(['ip', 'netns', 'add', name]);
    existing.add(name);
  }
  await run(['ip', '-n', name, 'link', 'set', 'lo', 'up']);
}

export async function deleteNamespace(name: string): Promise<void> {
  await tryRun(['ip', 'netns', 'delete', name]);
}

export async function sysctl(netns: string | undefined, key: string, value: string): Promise<void> {
  await tryRun(inNs(netns, ['sysctl', '-qw', `${key}=${value}`]));
}

export async function ensureBridge(
  netns: string,
  name: string,
  mtu: number,
  have: Map<string, LinkState>,
): Promise<void> {
  const cur = have.get(name);
  if (cur && cur.kind !== 'bridge') await run([...ipn(netns), 'link', 'del', name]);
  if (!cur || cur.kind !== 'bridge')
    await run([...ipn(netns), 'link', 'add', name, 'mtu', String(mtu), 'type', 'bridge']);
  else if (cur.mtu !== mtu) await run([...ipn(netns), 'link', 'set', name, 'mtu', String(mtu)]);
  if (!cur?.up) await run([...ipn(netns), 'link', 'set', name, 'up']);
}

export interface VethEnd {
  /** undefined: the root namespace. */
  netns: string | undefined;
  name: string;
}

export interface VethSpec {
  /** The end attached to a bridge. */
  bridgeSide: VethEnd;
  bridge: string;
  /** The end inside a namespace (router, DHCP, VM stand-in, root). */
  far: VethEnd;
  farMac?: string;
  mtu: number;
  /** Addresses of the far end; undefined leaves them alone (an instance configures its own by DHCP). */
  addresses?: string[];
}

async function linksOf(
  netns: string | undefined,
  cache: Map<string, Map<string, LinkState>>,
): Promise<Map<string, LinkState>> {
  const key = netns ?? '';
  let m = cache.get(key);
  if (!m) {
    m = await links(netns);
    cache.set(key, m);
  }
  return m;
}

/** Creates or repairs a veth pair between two namespaces and sets bridge, MAC, MTU, addresses, state. */
export async function ensureVeth(spec: VethSpec, cache: Map<string, Map<string, LinkState>>): Promise<void> {
  const near = await linksOf(spec.bridgeSide.netns, cache);
  const farLinks = await linksOf(spec.far.netns, cache);
  let a = near.get(spec.bridgeSide.name);
  let b = farLinks.get(spec.far.name);
  if (!a || !b || a.kind !== 'veth' || b.kind !== 'veth') {
    if (a) await tryRun([...ipn(spec.bridgeSide.netns), 'link', 'del', spec.bridgeSide.name]);
    if (b) await tryRun([...ipn(spec.far.netns), 'link', 'del', spec.far.name]);
    const peerNs = spec.far.netns ?? '1';
    await run([
      ...ipn(spec.bridgeSide.netns),
      'link',
      'add',
      spec.bridgeSide.name,
      'mtu',
      String(spec.mtu),
      'type',
      'veth',
      'peer',
      'name',
      spec.far.name,
      'netns',
      peerNs,
    ]);
    a = undefined;
    b = undefined;
  }
  if (a?.master !== spec.bridge)
    await run([...ipn(spec.bridgeSide.netns), 'link', 'set', spec.bridgeSide.name, 'master', spec.bridge]);
  if (a && a.mtu !== spec.mtu)
    await run([...ipn(spec.bridgeSide.netns), 'link', 'set', spec.bridgeSide.name, 'mtu', String(spec.mtu)]);
  if (b && b.mtu !== spec.mtu)
    await run([...ipn(spec.far.netns), 'link', 'set', spec.far.name, 'mtu', String(spec.mtu)]);
  if (spec.addresses)
    await ensureAddresses(spec.far.netns, spec.far.name, b?.addresses ?? [], spec.addresses);
  if (!a?.up) await run([...ipn(spec.bridgeSide.netns), 'link', 'set', spec.bridgeSide.name, 'up']);
  if (!b?.up) await run([...ipn(spec.far.netns), 'link', 'set', spec.far.name, 'up']);
  // The MAC is set once the link is up: with arp_notify on, the change sends a gratuitous ARP, so
  // neighbours forget the MAC of a previous device that held the same address.
  if (spec.farMac && b?.mac !== spec.farMac)
    await run([...ipn(spec.far.netns), 'link', 'set', spec.far.name, 'address', spec.farMac]);
}

export async function ensureAddresses(
  netns: string | undefined,
  dev: string,
  current: string[],
  desired: string[],
): Promise<void> {
  for (const addr of desired)
    if (!current.includes(addr)) await run([...ipn(netns), 'addr', 'add', addr, 'dev', dev]);
  for (const addr of current)
    if (!desired.includes(addr)) await tryRun([...ipn(netns), 'addr', 'del', addr, 'dev', dev]);
}

export async function deleteLink(netns: string | undefined, name: string): Promise<void> {
  await tryRun([...ipn(netns), 'link', 'del', name]);
}

export async function applyNft(netns: string | undefined, ruleset: string): Promise<void> {
  await run(inNs(netns, ['nft', '-f', '-']), ruleset);
}
