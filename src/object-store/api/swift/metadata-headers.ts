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
    'x-storage-policy',
  ],
  object: [
    'content-disposition',
    'content-encoding',
    'x-object-manifest',
    'x-static-large-object',
    'x-symlink-target',
  ],
};

type HeaderBag = Record<string, string | string[] | undefined>;

export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

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
    const name = rawName.toLowerCase();
    const value = Array.isArray(rawValue) ? rawValue.join(',') : (rawValue ?? '');
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
