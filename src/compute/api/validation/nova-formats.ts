// Nova's format checkers (nova/api/validation/validators.py and jsonschema's ipv4/ipv6), over strings.
// A check answers true (valid), false (jsonschema's "is not a 'fmt'"), or a message: Nova's name
// formats raise InvalidName, whose message replaces the whole validation message.
import { isIPv4, isIPv6 } from 'node:net';
import type { FormatCheck } from './schema-check.js';

/** oslo's uuidutils.is_uuid_like: what uuid.UUID() parses once urn:/uuid:, braces and dashes go. */
export function isUuidLike(value: string): boolean {
  const hex = value
    .replace('urn:', '')
    .replace('uuid:', '')
    .replace(/^\{+|\}+$/g, '')
    .replaceAll('-', '');
  return /^[0-9a-fA-F]{32}$/.test(hex);
}

/** A uuid-like value as 8-4-4-4-12 lower-case hex (what Nova's uuid.UUID() would print). */
export function canonicalUuid(value: string): string {
  const hex = value
    .replace('urn:', '')
    .replace('uuid:', '')
    .replace(/^\{+|\}+$/g, '')
    .replaceAll('-', '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return value;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// Python's str.isprintable() for Nova's name regexes (parameter_types._build_regex_range): printable
// is neither C* nor a separator other than Zs; "no whitespace" also excludes Zs. Nova builds its ranges
// over the BMP only, so characters beyond it are not printable to Nova either.
const NOT_PRINTABLE = '\\p{C}\\p{Zl}\\p{Zp}\\u{10000}-\\u{10FFFF}';
const NOT_PRINTABLE_OR_SPACE = '\\p{C}\\p{Z}\\u{10000}-\\u{10FFFF}';

function nameRegex(extraExcluded = ''): RegExp {
  const edge = `[${NOT_PRINTABLE_OR_SPACE}${extraExcluded}]`;
  return new RegExp(`^(?!${edge})[^${NOT_PRINTABLE}${extraExcluded}]*(?<!${edge})$`, 'u');
}

function leadingTrailingSpacesRegex(extraExcluded = ''): RegExp {
  const ws = `[^${NOT_PRINTABLE}${extraExcluded}]`;
  const noWs = `[^${NOT_PRINTABLE_OR_SPACE}${extraExcluded}]`;
  return new RegExp(
    `^${ws}*${noWs}+${ws}*$|^${ws}*${noWs}[^${NOT_PRINTABLE}${extraExcluded}]+${noWs}${ws}*$`,
    'u',
  );
}

/** exception.InvalidName's message. */
const invalidName = (reason: string) => `An invalid 'name' value was provided. The name must be: ${reason}`;

function nameCheck(re: RegExp, reason: string): FormatCheck {
  return (value) => re.test(value) || invalidName(reason);
}

/** iso8601.parse_date as oslo's parse_isotime uses it: a date, optionally a time and a zone. */
const ISO8601 =
  /^(\d{4})-?(\d{1,2})-?(\d{1,2})(?:[ T](\d{2})(?::?(\d{2}))?(?::?(\d{1,2})(?:[.,]\d+)?)?(Z|[-+]\d{2}(?::?\d{2})?)?)?$/;

/** The instant an ISO 8601 text names (UTC when it has no zone, as oslo's parse_isotime), or undefined. */
export function parseIsoTime(value: string): Date | undefined {
  const m = ISO8601.exec(value);
  if (!m) return undefined;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = m
    .slice(1, 7)
    .map((x) => (x === undefined ? 0 : Number(x)));
  if (month < 1 || month > 12 || day < 1) return undefined;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate() || hour > 23 || minute > 59 || second > 59)
    return undefined;
  const fraction = /[.,](\d+)/.exec(value.slice(10))?.[1] ?? '0';
  const zone = m[7];
  const offsetMinutes =
    zone === undefined || zone === 'Z'
      ? 0
      : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2) || 0));
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, Number(`0.${fraction}`) * 1000);
  return new Date(ms - offsetMinutes * 60_000);
}

export function isIsoTime(value: string): boolean {
  return parseIsoTime(value) !== undefined;
}

/** oslo base64.decode_as_bytes: b64decode drops characters outside the alphabet, then needs padding. */
function isBase64(value: string): boolean {
  const kept = value.replace(/[^A-Za-z0-9+/=]/g, '');
  return /^[A-Za-z0-9+/]*={0,2}$/.test(kept) && kept.length % 4 === 0;
}

function isRegex(value: string): boolean {
  if (value === '') return false;
  try {
    new RegExp(value, 'u');
    return true;
  } catch {
    return false;
  }
}

function isCidr(value: string): boolean {
  if (/\s/.test(value) || !value.includes('/')) return false;
  const [address = '', prefix = ''] = value.split('/');
  if (!/^\d{1,3}$/.test(prefix)) return false;
  if (isIPv4(address)) return Number(prefix) <= 32;
  return isIPv6(address) && Number(prefix) <= 128;
}

export const NOVA_FORMATS: Readonly<Record<string, FormatCheck>> = {
  uuid: isUuidLike,
  'date-time': isIsoTime,
  base64: isBase64,
  regex: isRegex,
  cidr: isCidr,
  // Python's ipaddress rejects leading zeros, as node's isIPv4 does.
  ipv4: (value) => isIPv4(value),
  ipv6: (value) => isIPv6(value) && !value.includes('%'),
  name: nameCheck(nameRegex(), 'printable characters. Can not start or end with whitespace.'),
  name_with_leading_trailing_spaces: nameCheck(
    leadingTrailingSpacesRegex(),
    'printable characters with at least one non space character',
  ),
  az_name: nameCheck(nameRegex(':'), 'printable characters except :.Can not start or end with whitespace.'),
  az_name_with_leading_trailing_spaces: nameCheck(
    leadingTrailingSpacesRegex(':'),
    'printable characters except :, with at least one non space character',
  ),
};

/**
 * An IPv6 address as Nova stores and shows it (its IPAddress column keeps str(netaddr.IPAddress)):
 * lower case, the longest zero run compressed, an embedded IPv4 tail in hex. The WHATWG URL host
 * serializer writes exactly that canonical (RFC 5952) form. Input is already format-checked.
 */
export function canonicalIpv6(value: string): string {
  return new URL(`http://[${value}]/`).hostname.slice(1, -1);
}
