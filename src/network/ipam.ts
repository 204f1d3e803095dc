// IP address arithmetic for IPv4 and IPv6 (BigInt), CIDR validation, allocation pools and the next free
// address. Pure functions; the service decides what to do with them.
import { isIPv4, isIPv6 } from 'node:net';

export interface Cidr {
  version: 4 | 6;
  network: bigint;
  prefixLength: number;
  bits: number;
}

export function ipToBigInt(ip: string): bigint {
  if (isIPv4(ip)) return ip.split('.').reduce((acc, part) => (acc << 8n) + BigInt(Number(part)), 0n);
  if (!isIPv6(ip)) throw new Error(`not an IP address: ${ip}`);
  let text = ip;
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4Tail?.[1]) {
    const n = ipToBigInt(v4Tail[1]);
    text = text.replace(v4Tail[1], `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`);
  }
  const [head = '', tail] = text.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array<string>(8 - headParts.length - tailParts.length).fill('0');
  return [...headParts, ...fill, ...tailParts].reduce(
    (acc, part) => (acc << 16n) + BigInt(parseInt(part, 16)),
    0n,
  );
}

export function bigIntToIp(n: bigint, version: 4 | 6): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 0xffn)).join('.');
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
  const text = groups.join(':');
  // Compress the longest run of zero groups, as RFC 5952 asks.
  const runs = [...text.matchAll(/(?:^|:)0(?::0)+(?::|$)/g)];
  const longest = runs.sort((a, b) => b[0].length - a[0].length)[0];
  if (!longest) return text;
  return `${text.slice(0, longest.index)}::${text.slice(longest.index + longest[0].length)}`;
}

export function ipVersion(ip: string): 4 | 6 | undefined {
  if (isIPv4(ip)) return 4;
  if (isIPv6(ip)) return 6;
  return undefined;
}

/** Parses "a.b.c.d/n" or "x::/n"; undefined if malformed. `strict` rejects host bits set. */
export function parseCidr(text: string, strict = false): Cidr | undefined {
  const [ip, len, extra] = text.split('/');
  if (!ip || len === undefined || extra !== undefined || !/^\d{1,3}$/.test(len)) return undefined;
  const version = ipVersion(ip);
  if (!version) return undefined;
  const bits = version === 4 ? 32 : 128;
  const prefixLength = Number(len);
  if (prefixLength > bits) return undefined;
  const value = ipToBigInt(ip);
  const network = value & mask(prefixLength, bits);
  if (strict && network !== value) return undefined;
  return { version, network, prefixLength, bits };
}

function mask(prefixLength: number, bits: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - prefixLength)) - 1n);
}

export function cidrText(c: Cidr): string {
  return `${bigIntToIp(c.network, c.version as 4 | 6)}/${c.prefixLength}`;
}

export function lastAddress(c: Cidr): bigint {
  return c.network + (1n << BigInt(c.bits - c.prefixLength)) - 1n;
}

export function cidrContains(c: Cidr, ip: string): boolean {
  if (ipVersion(ip) !== c.version) return false;
  const n = ipToBigInt(ip);
  return n >= c.network && n <= lastAddress(c);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.version !== b.version) return false;
  return a.network <= lastAddress(b) && b.network <= lastAddress(a);
}

export interface Pool {
  start: string;
  end: string;
}

/** Neutron's default pools: the whole subnet minus network, broadcast (v4) and the gateway. */
export function defaultPools(c: Cidr, gateway: string | null): Pool[] {
  const first = c.version === 4 ? c.network + 1n : c.network + 1n;
  const last = c.version === 4 ? lastAddress(c) - 1n : lastAddress(c);
  if (last < first) return [];
  const gw = gateway ? ipToBigInt(gateway) : -1n;
  const ranges: [bigint, bigint][] = [];
  if (gw >= first && gw <= last) {
    if (gw > first) ranges.push([first, gw - 1n]);
    if (gw < last) ranges.push([gw + 1n, last]);
  } else ranges.push([first, last]);
  const v = c.version as 4 | 6;
  return ranges.map(([s, e]) => ({ start: bigIntToIp(s, v), end: bigIntToIp(e, v) }));
}

/** The first address of the pools not in `taken`, scanning at most `maxScan` addresses. */
export function nextFree(
  pools: Pool[],
  taken: Set<string>,
  version: 4 | 6,
  maxScan = 65_536,
): string | undefined {
  let scanned = 0;
  for (const pool of pools) {
    const end = ipToBigInt(pool.end);
    for (let n = ipToBigInt(pool.start); n <= end && scanned < maxScan; n++, scanned++) {
      const ip = bigIntToIp(n, version);
      if (!taken.has(ip)) return ip;
    }
  }
  return undefined;
}

export function inPools(pools: Pool[], ip: string): boolean {
  const n = ipToBigInt(ip);
  return pools.some((p) => n >= ipToBigInt(p.start) && n <= ipToBigInt(p.end));
}

/** Canonical text of an IP (so "10.0.0.05"-style variants and IPv6 spellings compare equal). */
export function canonicalIp(ip: string): string {
  const v = ipVersion(ip);
  if (!v) return ip;
  return bigIntToIp(ipToBigInt(ip), v);
}
