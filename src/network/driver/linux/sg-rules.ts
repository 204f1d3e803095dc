// The nftables ruleset of the host namespace that enforces security groups and anti-spoofing.
// This kernel has no nf_conntrack_bridge, so (as proven in infra-probe §4.4): a bridge-family chain
// checks source MAC/IP and marks each frame with its source port (high 16 bits) and destination port
// (low 16 bits); br_netfilter then passes bridged IP packets through the inet forward hook, where
// conntrack works and the per-port chains filter statefully (ingress default drop).
import type { PortSpec, RuleSpec, SecurityGroupSpec } from '../driver.js';
import { names } from './names.js';

export const SG_TABLE = 'nuage_sg';

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
const set = (items: string[]) => `{ ${items.join(', ')} }`;

export function filteredPorts(ports: PortSpec[]): PortSpec[] {
  return ports
    .filter((p) => p.portSecurityEnabled && !p.deviceOwner.startsWith('network:'))
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .slice(0, 0xfffe);
}

function antiSpoof(port: PortSpec, index: number): string[] {
  const dev = names.tap(port.id);
  const macs = [...new Set([port.macAddress, ...port.allowedAddressPairs.map((a) => a.macAddress)])];
  const all = [...port.fixedIps.map((f) => f.ipAddress), ...port.allowedAddressPairs.map((a) => a.ipAddress)];
  const v4 = all.filter((ip) => !ip.includes(':'));
  const v6 = [...all.filter((ip) => ip.includes(':')), 'fe80::/64', '::'];
  const mark = hex(index << 16);
  return [
    `chain from_${index} {`,
    `  ether saddr != ${set(macs)} drop`,
    `  udp sport 67 udp dport 68 drop`,
    `  ether type arp arp saddr ip != ${set([...v4, '0.0.0.0'])} drop`,
    `  ether type ip ip saddr 0.0.0.0 udp dport 67 meta mark set ${mark} return`,
    v4.length ? `  ether type ip ip saddr != ${set(v4)} drop` : `  ether type ip drop`,
    `  ether type ip6 ip6 saddr != ${set(v6)} drop`,
    `  meta mark set ${mark}`,
    `}`,
    `# ${dev} is port ${port.id}`,
  ];
}

function matchOf(rule: RuleSpec): string | undefined {
  if (rule.matchesNothing) return undefined;
  const v6 = rule.ethertype === 'IPv6';
  const parts: string[] = [`meta nfproto ${v6 ? 'ipv6' : 'ipv4'}`];
  const proto = rule.protocol;
  if (proto !== null) {
    const icmp =
      proto === 'icmp' || proto === 'icmpv6' || proto === 'ipv6-icmp' || proto === '1' || proto === '58';
    if (icmp) {
      const family = v6 ? 'icmpv6' : 'icmp';
      parts.push(`meta l4proto ${v6 ? 'ipv6-icmp' : 'icmp'}`);
      if (rule.portRangeMin !== null) parts.push(`${family} type ${rule.portRangeMin}`);
      if (rule.portRangeMax !== null) parts.push(`${family} code ${rule.portRangeMax}`);
    } else {
      parts.push(`meta l4proto ${/^\d+$/.test(proto) ? proto : proto}`);
      const min = rule.portRangeMin;
      const max = rule.portRangeMax ?? min;
      if (min !== null) parts.push(`th dport ${min === max ? min : `${min}-${max}`}`);
    }
  }
  if (rule.remotePrefixes.length > 0) {
    const dir = rule.direction === 'ingress' ? 'saddr' : 'daddr';
    parts.push(`${v6 ? 'ip6' : 'ip'} ${dir} ${set(rule.remotePrefixes)}`);
  }
  return parts.join(' ');
}

function portChains(port: PortSpec, index: number, groups: Map<string, SecurityGroupSpec>): string[] {
  const rules = port.securityGroupIds.flatMap((g) => groups.get(g)?.rules ?? []);
  const egress = rules
    .filter((r) => r.direction === 'egress')
    .map(matchOf)
    .filter((m): m is string => m !== undefined);
  const ingress = rules
    .filter((r) => r.direction === 'ingress')
    .map(matchOf)
    .filter((m): m is string => m !== undefined);
  return [
    `chain eg_${index} {`,
    `  udp sport 68 udp dport 67 return`,
    `  meta l4proto ipv6-icmp icmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert } return`,
    ...egress.map((m) => `  ${m} return`),
    `  drop`,
    `}`,
    `chain in_${index} {`,
    `  udp sport 67 udp dport 68 return`,
    `  meta l4proto ipv6-icmp icmpv6 type { nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } return`,
    ...ingress.map((m) => `  ${m} return`),
    `  drop`,
    `}`,
  ];
}

/** A port is stateless when it has groups and none of them is stateful (Neutron forbids mixing). */
function isStateless(port: PortSpec, groups: Map<string, SecurityGroupSpec>): boolean {
  const own = port.securityGroupIds.map((g) => groups.get(g)).filter((g) => g !== undefined);
  return own.length > 0 && own.every((g) => !g.stateful);
}

/**
 * The whole ruleset, replacing both tables atomically when fed to `nft -f -`. Per-port chains return
 * when a rule allows the packet and drop otherwise; stateless ports are checked before conntrack may
 * accept replies, stateful ones after. Frames of administratively down ports never pass the bridge.
 */
export function securityGroupRuleset(ports: PortSpec[], groups: SecurityGroupSpec[]): string {
  const filtered = filteredPorts(ports);
  const byId = new Map(groups.map((g) => [g.id, g]));
  const indexed = filtered.map((p, i) => ({ port: p, index: i + 1, dev: names.tap(p.id) }));
  const stateless = indexed.filter(({ port }) => isStateless(port, byId));
  const stateful = indexed.filter(({ port }) => !isStateless(port, byId));
  const down = ports.filter((p) => !p.adminStateUp).map((p) => names.tap(p.id));
  const jumps = (list: typeof indexed) => [
    ...list.map(({ index }) => `    meta mark & 0xffff0000 == ${hex(index << 16)} jump eg_${index}`),
    ...list.map(({ index }) => `    meta mark & 0x0000ffff == ${hex(index)} jump in_${index}`),
  ];
  const bridge = [
    `table bridge ${SG_TABLE} {`,
    ...indexed.flatMap(({ port, index }) => antiSpoof(port, index).map((l) => `  ${l}`)),
    `  chain port_forward {`,
    `    type filter hook forward priority -200; policy accept;`,
    ...down.flatMap((dev) => [`    iifname "${dev}" drop`, `    oifname "${dev}" drop`]),
    ...indexed.map(({ dev, index }) => `    iifname "${dev}" jump from_${index}`),
    ...indexed.map(({ dev, index }) => `    oifname "${dev}" meta mark set meta mark or ${hex(index)}`),
    `  }`,
    `}`,
  ];
  const inet = [
    `table inet ${SG_TABLE} {`,
    ...indexed.flatMap(({ port, index }) => portChains(port, index, byId).map((l) => `  ${l}`)),
    `  chain port_forward {`,
    `    type filter hook forward priority 0; policy accept;`,
    `    meta mark == 0 accept`,
    ...jumps(stateless),
    `    ct state invalid drop`,
    `    ct state established,related accept`,
    ...jumps(stateful),
    `  }`,
    `}`,
  ];
  const reset = [
    `table bridge ${SG_TABLE}`,
    `delete table bridge ${SG_TABLE}`,
    `table inet ${SG_TABLE}`,
    `delete table inet ${SG_TABLE}`,
  ];
  return [...reset, ...bridge, ...inet, ''].join('\n');
}
