// Sets of IP prefixes as sorted, merged address ranges (what netaddr's IPSet does for Neutron's subnet
// pools): compaction of a pool's prefixes, what is still free once subnets are taken, and the CIDRs a
// range decomposes into. Pure functions over one IP version at a time.
import { lastAddress, parseCidr, type Cidr } from './ipam.js';
import { bigIntToIp } from './ipam.js';

export interface Range {
  start: bigint;
  end: bigint;
}

export function rangeOf(c: Cidr): Range {
  return { start: c.network, end: lastAddress(c) };
}

/** Sorts and merges overlapping or adjacent ranges. */
export function mergeRanges(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end + 1n) {
      if (r.end > last.end) last.end = r.end;
    } else out.push({ ...r });
  }
  return out;
}

/** `from` minus every range of `minus` (both merged). */
export function subtractRanges(from: Range[], minus: Range[]): Range[] {
  let rest = mergeRanges(from);
  for (const m of mergeRanges(minus)) {
    const next: Range[] = [];
    for (const r of rest) {
      if (m.end < r.start || m.start > r.end) {
        next.push(r);
        continue;
      }
      if (m.start > r.start) next.push({ start: r.start, end: m.start - 1n });
      if (m.end < r.end) next.push({ start: m.end + 1n, end: r.end });
    }
    rest = next;
  }
  return rest;
}

/** The largest aligned CIDRs that exactly cover a range (at most 2 × bits of them). */
export function rangeToCidrs(r: Range, version: 4 | 6): Cidr[] {
  const bits = version === 4 ? 32 : 128;
  const out: Cidr[] = [];
  let start = r.start;
  while (start <= r.end && out.length < 2 * bits + 2) {
    let size = 0;
    // Grow the block while it stays aligned on `start` and inside the range.
    while (size < bits) {
      const next = 1n << BigInt(size + 1);
      if (start % next !== 0n || start + next - 1n > r.end) break;
      size += 1;
    }
    out.push({ version, network: start, prefixLength: bits - size, bits });
    start += 1n << BigInt(size);
  }
  return out;
}

export function cidrsOfRanges(ranges: Range[], version: 4 | 6): Cidr[] {
  return ranges.flatMap((r) => rangeToCidrs(r, version));
}

export function cidrString(c: Cidr): string {
  return `${bigIntToIp(c.network, c.version)}/${c.prefixLength}`;
}

/** A pool's prefixes compacted, as Neutron stores them. */
export function compactPrefixes(prefixes: string[], version: 4 | 6): string[] {
  const ranges = prefixes.map((p) => rangeOf(parseCidr(p) as Cidr));
  return cidrsOfRanges(mergeRanges(ranges), version).map(cidrString);
}

/** True if every address of `inner` lies in `outer`. */
export function coveredBy(inner: Range[], outer: Range[]): boolean {
  return subtractRanges(inner, outer).length === 0;
}

/**
 * The first free subnet of `prefixLength` in the available blocks: smallest blocks first (Neutron
 * fills fragments before cutting large ones), or undefined when none fits.
 */
export function allocateAny(available: Range[], prefixLength: number, version: 4 | 6): Cidr | undefined {
  const blocks = cidrsOfRanges(available, version).sort(
    (a, b) => b.prefixLength - a.prefixLength || (a.network < b.network ? -1 : 1),
  );
  const block = blocks.find((b) => b.prefixLength <= prefixLength);
  if (!block) return undefined;
  return { version, network: block.network, prefixLength, bits: block.bits };
}
