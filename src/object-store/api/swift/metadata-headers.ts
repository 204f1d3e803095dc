// Swift metadata in headers: X-{Account,Container,Object}-Meta-* (set, and removed by an empty value or
// X-Remove-*-Meta-*), plus the system headers each level persists. Limits are Swift's constraints.
import { errors } from '../../../common/errors/codes.js';
import { LIMITS, type StoredMetadata } from '../../model.js';

export type Level = 'account' | 'container' | 'object';

/** Non-meta headers persisted verbatim at each level (lower-case). */
export const PERSISTED_HEADERS: Record<Level, readonly string[]> = {
  account: [
    'x-account-access-control',
    'x-account-meta-temp-url-key',
    'x-account-meta-temp-url-key-2',
    'x-account-meta-quota-bytes',
    'x-account-quota-bytes',
    'x-account-quota-count',
    'x-account-quota-bytes-policy-policy-0',
    'x-account-quota-count-policy-policy-0',
  ],
  container: [
    'x-container-read',
    'x-container-write',
    'x-versions-location',
    'x-history-location',
    'x-versions-enabled',
    'x-container-meta-quota-bytes',
    'x-container-meta-quota-count',
    'x-container-meta-temp-url-key',
    'x-container-meta-temp-url-key-2',
    'x-container-meta-access-control-allow-origin',
    'x-container-meta-access-control-max-age',
    'x-container-meta-access-control-expose-headers',
  ],
  // Swift's default allowed_headers (object-server.conf) plus the SLO flag.
  object: [
    'content-disposition',
    'content-encoding',
    'cache-control',
    'content-language',
    'expires',
    'x-robots-tag',
    'x-object-manifest',
    'x-static-large-object',
  ],
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(latin1: string): boolean {
  try {
    utf8.decode(Buffer.from(latin1, 'latin1'));
    return true;
  } catch {
    return false;
  }
}

/**
 * A header name as Swift sees it through WSGI, where underscores arrive as dashes (HTTP_X_A_B): a
 * client's X-Container-Meta-test_key is stored as X-Container-Meta-Test-Key.
 */
export function wsgiHeaderName(name: string): string {
  return name.toLowerCase().replaceAll('_', '-');
}

type HeaderBag = Record<string, string | string[] | undefined>;

export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Swift features Nuage does not offer, whose headers a request must not think were honoured: container
 * sync and symlinks (an empty value, which removes a setting, is harmless).
 */
const UNSUPPORTED_HEADERS: Record<Level, Record<string, string>> = {
  account: {},
  container: {
    'x-container-sync-to': 'Container sync is not supported.',
    'x-container-sync-key': 'Container sync is not supported.',
  },
  object: {
    'x-symlink-target': 'Symlinks are not supported.',
    'x-symlink-target-account': 'Symlinks are not supported.',
    'x-symlink-target-etag': 'Symlinks are not supported.',
  },
};

/** Applies the request's metadata headers to the current metadata and validates the result. */
export function applyMetadataHeaders(
  level: Level,
  headers: HeaderBag,
  current: StoredMetadata,
  fresh = false,
): StoredMetadata {
  const prefix = `x-${level}-meta-`;
  const removePrefix = `x-remove-${level}-meta-`;
  const next: StoredMetadata = fresh
    ? { meta: {}, headers: { ...current.headers } }
    : { meta: { ...current.meta }, headers: { ...current.headers } };
  for (const [rawName, rawValue] of Object.entries(headers)) {
    const name = wsgiHeaderName(rawName);
    const value = Array.isArray(rawValue) ? rawValue.join(',') : (rawValue ?? '');
    if (value.length > LIMITS.maxHeaderSize)
      throw errors.badRequest(`Header value too long: ${name.slice(0, LIMITS.maxMetaNameLength)}`);
    const unsupported = UNSUPPORTED_HEADERS[level][name];
    if (unsupported !== undefined && value !== '') throw errors.notImplemented(unsupported);
    if (PERSISTED_HEADERS[level].includes(name)) {
      if (value === '') delete next.headers[name];
      else next.headers[name] = value;
      continue;
    }
    const removed = name.startsWith(`x-remove-${level}-`)
      ? name.replace(`x-remove-${level}-`, `x-${level}-`)
      : undefined;
    if (removed && PERSISTED_HEADERS[level].includes(removed)) {
      delete next.headers[removed];
    } else if (name.startsWith(prefix)) {
      const key = name.slice(prefix.length);
      if (key.length === 0) throw errors.badRequest('Metadata name cannot be empty');
      // Node hands header bytes over as latin1; account and container metadata must be UTF-8 (objects'
      // need not be, as in Swift).
      if (level !== 'object' && !(isUtf8(key) && isUtf8(value)))
        throw errors.badRequest('Metadata must be valid UTF-8');
      if (key.length > LIMITS.maxMetaNameLength)
        throw errors.badRequest(`Metadata name too long: ${name.slice(0, 200)}`);
      if (value.length > LIMITS.maxMetaValueLength)
        throw errors.badRequest(
          `Metadata value longer than ${LIMITS.maxMetaValueLength}: ${name.slice(0, 200)}`,
        );
      if (value === '' && level !== 'object') delete next.meta[key];
      else next.meta[key] = value;
    } else if (name.startsWith(removePrefix)) {
      delete next.meta[name.slice(removePrefix.length)];
    }
  }
  checkOverall(next);
  return next;
}

function checkOverall(m: StoredMetadata): void {
  const entries = Object.entries(m.meta);
  if (entries.length > LIMITS.maxMetaCount)
    throw errors.badRequest(`Too many metadata items; max ${LIMITS.maxMetaCount}`);
  const size = entries.reduce((n, [k, v]) => n + k.length + v.length, 0);
  if (size > LIMITS.maxMetaOverallSize)
    throw errors.badRequest(`Total metadata too large; max ${LIMITS.maxMetaOverallSize}`);
}

/** X-Container-Meta-Foo-Bar style: each dash-separated word capitalised, as Swift returns them. */
export function titleCase(name: string): string {
  return name
    .split('-')
    .map((w) => (w.length > 0 ? (w[0] as string).toUpperCase() + w.slice(1) : w))
    .join('-');
}

/** The metadata as response headers. */
export function metadataHeaders(level: Level, m: StoredMetadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.meta)) out[titleCase(`x-${level}-meta-${k}`)] = v;
  // System metadata (S3's ACLs, part layout) is kept for the server's own use and never shown, as in Swift.
  for (const [k, v] of Object.entries(m.headers))
    if (!k.startsWith(`x-${level}-sysmeta-`)) out[titleCase(k)] = v;
  return out;
}
