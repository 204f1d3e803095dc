// Neutron's checks of a security group rule once the API has converted its attributes
// (securitygroups_db._validate_base_security_group_rule_attributes): legacy IPv6 ICMP names, the whole
// port range meaning "any", port ranges only for port protocols, ICMP type and code bounds, the prefix
// against the ethertype, IPv6-only protocols, and one remote only.
import { badRequest } from './errors.js';
import { cidrText, parseCidr } from './ipam.js';

export interface RuleFields {
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
  remote_group_id: string | null;
}

const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite', '6', '17', '132', '33', '136']);
const ICMP_PROTOCOLS = new Set(['icmp', 'icmpv6', 'ipv6-icmp', '1', '58']);
const IPV6_ONLY = new Set([
  'ipv6-encap',
  'ipv6-frag',
  'ipv6-icmp',
  'icmpv6',
  'ipv6-nonxt',
  'ipv6-opts',
  'ipv6-route',
  '41',
  '44',
  '58',
  '59',
  '60',
  '43',
]);

const invalid = (message: string, type: string) => badRequest(message, type);

function checkPortRange(r: RuleFields): void {
  const { protocol, port_range_min: min, port_range_max: max } = r;
  if (min === null && max === null) return;
  if (protocol === null)
    throw invalid(
      'Must also specify protocol if port range is given.',
      'SecurityGroupProtocolRequiredWithPorts',
    );
  if (PORT_PROTOCOLS.has(protocol)) {
    if (min === 0 || max === 0) throw invalid('Invalid value for port 0', 'SecurityGroupInvalidPortValue');
    if (min === null || max === null || min > max)
      throw invalid(
        'For TCP/UDP protocols, port_range_min must be <= port_range_max',
        'SecurityGroupInvalidPortRange',
      );
    return;
  }
  if (ICMP_PROTOCOLS.has(protocol)) {
    for (const [attr, field, value] of [
      ['port_range_min', 'type', min],
      ['port_range_max', 'code', max],
    ] as const)
      if (value !== null && (value < 0 || value > 255))
        throw invalid(
          `Invalid value for ICMP ${field} (${attr}) ${value}. It must be 0 to 255.`,
          'SecurityGroupInvalidIcmpValue',
        );
    if (min === null && max !== null)
      throw invalid(
        `ICMP code (port-range-max) ${max} is provided but ICMP type (port-range-min) is missing.`,
        'SecurityGroupMissingIcmpType',
      );
    return;
  }
  throw invalid(
    `Ports cannot be specified for protocol ${protocol}. Ports are only supported for TCP, UDP, SCTP, DCCP, UDPLITE.`,
    'SecurityGroupInvalidProtocolForPort',
  );
}

/** Canonicalizes and checks a converted rule; returns the fields to store, normalized_cidr included. */
export function checkRule(input: RuleFields): RuleFields & { normalized_cidr: string | null } {
  const r = { ...input };
  if (r.ethertype === 'IPv6' && (r.protocol === 'icmp' || r.protocol === 'icmpv6')) r.protocol = 'ipv6-icmp';
  else if (r.ethertype === 'IPv6' && r.protocol === '1') r.protocol = '58';
  if (r.port_range_min === 1 && r.port_range_max === 65535) r.port_range_min = r.port_range_max = null;
  checkPortRange(r);
  let normalized: string | null = null;
  if (r.remote_ip_prefix !== null) {
    const cidr = parseCidr(r.remote_ip_prefix);
    if (!cidr) throw invalid(`Invalid CIDR ${r.remote_ip_prefix} given as IP prefix.`, 'InvalidCIDR');
    if ((cidr.version === 4 ? 'IPv4' : 'IPv6') !== r.ethertype)
      throw invalid(
        `Conflicting value ethertype ${r.ethertype} for CIDR ${r.remote_ip_prefix}`,
        'SecurityGroupRuleParameterConflict',
      );
    normalized = cidrText(cidr);
  }
  if (r.protocol !== null && IPV6_ONLY.has(r.protocol) && r.ethertype === 'IPv4')
    throw invalid(
      `Invalid ethertype ${r.ethertype} for protocol ${r.protocol}.`,
      'SecurityGroupEthertypeConflictWithProtocol',
    );
  if (r.remote_ip_prefix !== null && r.remote_group_id !== null)
    throw invalid(
      'Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.',
      'SecurityGroupMultipleRemoteEntites',
    );
  return { ...r, normalized_cidr: normalized };
}
