// Value kinds that belong to one extension each: security group rule protocol, ports, ethertype and
// remote prefix (neutron/extensions/securitygroup.py converters), allowed address pairs, and the router
// gateway dictionary (l3 + ext-gw-mode).
import { Type } from '@sinclair/typebox';
import { badRequest } from '../../errors.js';
import { canonicalIp } from '../../ipam.js';
import { isIpAddress, isIpSubnet, isMacAddress, isUuidLike } from './formats.js';
import {
  FixedIpSchema,
  UuidSchema,
  accepts,
  isDict,
  kinds,
  reasonFor,
  toBoolean,
  uuidReason,
  type Kind,
} from './kinds.js';
import { pyRepr, pyStr } from '../../../common/py-repr.js';
import { FORMATS } from './formats.js';

/** The protocol names Neutron's IP_PROTOCOL_MAP knows, besides integers 0 to 255. */
export const PROTOCOL_NUMBERS: Record<string, number> = {
  ah: 51,
  dccp: 33,
  egp: 8,
  esp: 50,
  gre: 47,
  hopopt: 0,
  icmp: 1,
  igmp: 2,
  ip: 0,
  ipip: 4,
  'ipv6-encap': 41,
  'ipv6-frag': 44,
  'ipv6-icmp': 58,
  icmpv6: 58,
  'ipv6-nonxt': 59,
  'ipv6-opts': 60,
  'ipv6-route': 43,
  ospf: 89,
  pgm: 113,
  rsvp: 46,
  sctp: 132,
  tcp: 6,
  udp: 17,
  udplite: 136,
  vrrp: 112,
};

const SUPPORTED = `(None, 'any', ${Object.keys(PROTOCOL_NUMBERS)
  .map((p) => pyRepr(p))
  .join(', ')})`;

const protocolNames = Object.keys(PROTOCOL_NUMBERS).join('|');

export const protocolKind: Kind = {
  schema: Type.Union([
    Type.Null(),
    Type.Integer({ minimum: 0, maximum: 255 }),
    Type.String({ pattern: `^(?:[Aa][Nn][Yy]|0*(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)|(?:${protocolNames}))$` }),
    Type.String({ pattern: `^(?:${protocolNames.toUpperCase()})$` }),
  ]),
  fail: (v) =>
    badRequest(
      `Security group rule protocol ${pyStr(v)} not supported. Only protocol values ${SUPPORTED} and integer representations [0 to 255] are supported.`,
      'SecurityGroupRuleInvalidProtocol',
    ),
  convert: (v) => {
    if (v === null || (typeof v === 'string' && v.toLowerCase() === 'any')) return null;
    if (typeof v === 'number' || /^\d+$/.test(String(v))) return String(v);
    return String(v).toLowerCase();
  },
};

export const portKind: Kind = {
  schema: Type.Union([
    Type.Null(),
    Type.Integer({ minimum: 0, maximum: 65535 }),
    Type.String({
      pattern: '^\\s*\\+?0*(?:6553[0-5]|655[0-2]\\d|65[0-4]\\d\\d|6[0-4]\\d{3}|[1-5]\\d{4}|\\d{1,4})\\s*$',
    }),
  ]),
  fail: (v) => badRequest(`Invalid value for port ${pyStr(v)}`, 'SecurityGroupInvalidPortValue'),
  convert: (v) => (v === null ? null : Number(v)),
};

export const ethertypeKind: Kind = {
  schema: Type.String({ pattern: '^[Ii][Pp][Vv][46]$' }),
  fail: (v) =>
    badRequest(
      `Security group rule for ethertype '${pyStr(v)}' not supported. Allowed values are ['IPv4', 'IPv6'].`,
      'SecurityGroupRuleInvalidEtherType',
    ),
  convert: (v) => (String(v).endsWith('6') ? 'IPv6' : 'IPv4'),
};

export const remoteIpPrefixKind: Kind = {
  schema: Type.Union([Type.Null(), Type.String({ format: FORMATS.ipOrSubnet, maxLength: 64 })]),
  fail: (v) => badRequest(`Invalid CIDR ${pyStr(v)} given as IP prefix.`, 'InvalidCIDR'),
  convert: (v) => {
    if (v === null || v === '') return null;
    const text = String(v);
    return text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`;
  },
};

/** A string, or null (provider:physical_network). */
export const stringOrNoneKind = (max: number): Kind => ({
  schema: Type.Union([Type.Null(), Type.String({ maxLength: max })]),
  fail: (v, attr) => kinds.string(max).fail(v, attr),
});

/** An id reference that may be null (remote_group_id; existence is checked by the service). */
export const idOrNoneKind: Kind = {
  schema: Type.Union([Type.Null(), Type.String({ maxLength: 36 })]),
  fail: (v, attr) => reasonFor(attr, `'${pyStr(v)}' is not a valid string`),
};

const PairSchema = Type.Object(
  {
    ip_address: Type.String({ format: FORMATS.ipOrSubnet, maxLength: 64 }),
    mac_address: Type.Optional(Type.String({ format: FORMATS.mac })),
  },
  { additionalProperties: false },
);

/** allowed_address_pairs: [{ip_address (address or CIDR), mac_address?}], at most 10 (Neutron's max_allowed_address_pair). */
export const addressPairsKind: Kind = {
  schema: Type.Union([Type.Null(), Type.Array(PairSchema, { maxItems: 10, uniqueItems: true })]),
  fail: (v) => {
    if (!Array.isArray(v))
      return badRequest('Allowed address pairs must be a list.', 'AllowedAddressPairsMissingIP');
    if (v.length > 10)
      return badRequest('Exceeded maximum amount of allowed address pairs 10', 'AllowedAddressPairExhausted');
    for (const p of v) {
      if (!isDict(p) || p.ip_address === undefined)
        return badRequest('AllowedAddressPair must contain ip_address', 'AllowedAddressPairsMissingIP');
      const extra = Object.keys(p).filter((k) => k !== 'ip_address' && k !== 'mac_address');
      if (extra.length > 0)
        return badRequest(`Unrecognized attribute(s) '${extra.join(', ')}'`, 'HTTPBadRequest');
      const ip = String(p.ip_address);
      if (!isIpAddress(ip) && !isIpSubnet(ip))
        return badRequest(
          `Invalid input for operation: '${pyStr(p.ip_address)}' is not a valid IP address.`,
          'InvalidInput',
        );
      if (p.mac_address !== undefined && !isMacAddress(String(p.mac_address)))
        return badRequest(
          `Invalid input for operation: '${pyStr(p.mac_address)}' is not a valid MAC address.`,
          'InvalidInput',
        );
    }
    return badRequest('Duplicate address detected', 'DuplicateAddressPairInRequest');
  },
  convert: (v) =>
    ((v ?? []) as { ip_address: string; mac_address?: string }[]).map((p) => ({
      ip_address: p.ip_address.includes('/') ? p.ip_address : canonicalIp(p.ip_address),
      ...(p.mac_address !== undefined ? { mac_address: p.mac_address.toLowerCase() } : {}),
    })),
};

const GatewaySchema = Type.Object(
  {
    network_id: UuidSchema,
    enable_snat: Type.Optional(kinds.boolean().schema),
    external_fixed_ips: Type.Optional(Type.Array(FixedIpSchema, { maxItems: 10 })),
  },
  { additionalProperties: false },
);

/** external_gateway_info: type:dict_or_nodata — null or {} clears the gateway. */
export const gatewayInfoKind: Kind = {
  schema: Type.Union([Type.Null(), Type.Object({}, { additionalProperties: false }), GatewaySchema]),
  fail: (v, attr) => {
    if (!isDict(v)) return reasonFor(attr, `'${pyStr(v)}' is not a dictionary`);
    const extra = Object.keys(v).filter(
      (k) => !['network_id', 'enable_snat', 'external_fixed_ips'].includes(k),
    );
    if (extra.length > 0) return reasonFor(attr, `Unexpected keys supplied: ${extra.join(', ')}`);
    if (v.network_id === undefined)
      return reasonFor(
        attr,
        `Validation of dictionary's keys failed. Expected keys: {'network_id'} Provided keys: {${Object.keys(
          v,
        )
          .map((k) => pyRepr(k))
          .join(', ')}}`,
      );
    if (typeof v.network_id !== 'string' || !isUuidLike(v.network_id))
      return reasonFor(attr, uuidReason(v.network_id));
    if (v.enable_snat !== undefined && !accepts(kinds.boolean(), v.enable_snat))
      return reasonFor(attr, `'${pyStr(v.enable_snat)}' is not a valid boolean value`);
    return kinds.fixedIps().fail(v.external_fixed_ips, attr);
  },
  convert: (v) => {
    if (v === null || !isDict(v) || v.network_id === undefined) return null;
    return {
      network_id: v.network_id,
      ...(v.enable_snat !== undefined ? { enable_snat: toBoolean(v.enable_snat) } : {}),
      ...(v.external_fixed_ips !== undefined
        ? { external_fixed_ips: kinds.fixedIps().convert?.(v.external_fixed_ips, 'external_fixed_ips') }
        : {}),
    };
  },
};
