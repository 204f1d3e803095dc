// A router namespace's extra routes (Neutron's extraroute, as the L3 agent installs them): one kernel
// route per destination, multipath when several nexthops share it. Routes with a gateway other than
// the default route belong to us; those the router no longer asks for are removed.
import type { RouteSpec } from '../driver.js';
import { run, tryRun } from './exec.js';

interface RouteJson {
  dst: string;
  gateway?: string;
  nexthops?: { gateway?: string }[];
}

const key = (gateways: string[]) => [...gateways].sort().join(',');

async function installed(ns: string, family: '-4' | '-6'): Promise<Map<string, string[]>> {
  const text = await run(['ip', family, '-n', ns, '-j', 'route', 'show']).catch(() => '[]');
  const out = new Map<string, string[]>();
  for (const r of JSON.parse(text || '[]') as RouteJson[]) {
    if (r.dst === 'default') continue;
    const gateways = r.gateway
      ? [r.gateway]
      : (r.nexthops ?? []).flatMap((n) => (n.gateway ? [n.gateway] : []));
    if (gateways.length === 0) continue;
    // The kernel prints host routes without /32 or /128.
    const dst = r.dst.includes('/') ? r.dst : `${r.dst}/${family === '-4' ? 32 : 128}`;
    out.set(dst, gateways);
  }
  return out;
}

/** Makes the namespace's gateway routes (besides default) exactly `routes`. */
export async function syncRoutes(ns: string, routes: RouteSpec[]): Promise<void> {
  for (const family of ['-4', '-6'] as const) {
    const v6 = family === '-6';
    const wanted = new Map<string, string[]>();
    for (const r of routes.filter((x) => x.destination.includes(':') === v6))
      wanted.set(r.destination, [...(wanted.get(r.destination) ?? []), r.nexthop]);
    const have = await installed(ns, family);
    for (const dst of have.keys())
      if (!wanted.has(dst)) await tryRun(['ip', family, '-n', ns, 'route', 'del', dst]);
    for (const [dst, gateways] of wanted) {
      if (key(have.get(dst) ?? []) === key(gateways)) continue;
      const via =
        gateways.length === 1
          ? ['via', gateways[0] as string]
          : gateways.flatMap((g) => ['nexthop', 'via', g]);
      await run(['ip', family, '-n', ns, 'route', 'replace', dst, ...via]);
    }
  }
}
