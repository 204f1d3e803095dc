// String formats the Neutron attribute schemas use (TypeBox `format`), registered once, with the tests
// Neutron's validators apply: oslo's is_uuid_like, netaddr addresses and subnets, MAC addresses.
import { isIPv4, isIPv6 } from 'node:net';
import { FormatRegistry } from '@sinclair/typebox';

const UUID = /^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;
const MAC = /^([0-9a-f]{1,2}[:-]){5}[0-9a-f]{1,2}$/i;

export function isUuidLike(v: string): boolean {
  return UUID.test(v) && v.startsWith('{') === v.endsWith('}');
}

/** An IPv4 address without leading zeros (Neutron rejects ambiguous octal-looking octets) or IPv6. */
export function isIpAddress(v: string): boolean {
  if (/\s/.test(v)) return false;
  if (v.includes(':')) return isIPv6(v);
  return isIPv4(v);
}

/** "address/prefix" with a valid prefix length; host bits may be set (Neutron canonicalizes later). */
export function isIpSubnet(v: string): boolean {
  const [ip, len, extra] = v.split('/');
  if (ip === undefined || len === undefined || extra !== undefined || !/^\d{1,3}$/.test(len)) return false;
  if (!isIpAddress(ip)) return false;
  return Number(len) <= (ip.includes(':') ? 128 : 32);
}

export function isMacAddress(v: string): boolean {
  return MAC.test(v);
}

export const FORMATS = {
  uuid: 'neutron-uuid',
  ip: 'neutron-ip-address',
  subnet: 'neutron-ip-subnet',
  ipOrSubnet: 'neutron-ip-or-subnet',
  mac: 'neutron-mac-address',
} as const;

/** Registers the formats with TypeBox; idempotent. */
export function registerNeutronFormats(): void {
  if (FormatRegistry.Has(FORMATS.uuid)) return;
  FormatRegistry.Set(FORMATS.uuid, isUuidLike);
  FormatRegistry.Set(FORMATS.ip, isIpAddress);
  FormatRegistry.Set(FORMATS.subnet, isIpSubnet);
  FormatRegistry.Set(FORMATS.ipOrSubnet, (v) => isIpAddress(v) || isIpSubnet(v));
  FormatRegistry.Set(FORMATS.mac, isMacAddress);
}
