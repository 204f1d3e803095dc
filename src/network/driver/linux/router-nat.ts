// The nftables NAT table of one router namespace: SNAT of internal traffic leaving through the
// gateway, DNAT/SNAT pairs for floating IPs, and the metadata redirect (169.254.169.254:80 → the
// metadata port, served by the compute service later).
import type { RouterSpec } from '../driver.js';
import { names } from './names.js';

export const NAT_TABLE = 'nuage_nat';

export function routerRuleset(router: RouterSpec, metadataPort: number): string {
  const gw = router.gateway;
  const gwDev = gw ? names.routerGateway(gw.portId) : undefined;
  const gwIp = gw?.addresses.map((a) => a.split('/')[0] as string).find((ip) => !ip.includes(':'));
  const pre: string[] = [];
  const post: string[] = [];
  if (gw && gwDev) {
    for (const f of router.floatingIps) {
      pre.push(`ip daddr ${f.floatingIp} dnat to ${f.fixedIp}`);
      post.push(`oifname "${gwDev}" ip saddr ${f.fixedIp} snat to ${f.floatingIp}`);
    }
    if (gw.enableSnat && gwIp) post.push(`oifname "${gwDev}" ip saddr != ${gwIp} snat to ${gwIp}`);
  }
  if (metadataPort > 0 && router.interfaces.length > 0)
    pre.push(`ip daddr 169.254.169.254 tcp dport 80 redirect to :${metadataPort}`);
  return [
    `table ip ${NAT_TABLE}`,
    `delete table ip ${NAT_TABLE}`,
    `table ip ${NAT_TABLE} {`,
    `  chain pre {`,
    `    type nat hook prerouting priority dstnat; policy accept;`,
    ...pre.map((r) => `    ${r}`),
    `  }`,
    `  chain out {`,
    `    type nat hook output priority -100; policy accept;`,
    ...router.floatingIps.map((f) => `    ip daddr ${f.floatingIp} dnat to ${f.fixedIp}`),
    `  }`,
    `  chain post {`,
    `    type nat hook postrouting priority srcnat; policy accept;`,
    ...post.map((r) => `    ${r}`),
    `  }`,
    `}`,
    '',
  ].join('\n');
}
