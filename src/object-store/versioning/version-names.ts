// Where and under which names older object versions are kept. Versions of project P's container C live
// in container C of the hidden account "\u0001versions\u0001P", which no Swift or S3 request may address
// (the Swift front end refuses that account name; S3 derives accounts from credentials). A version is
// stored under escape(name) + SEPARATOR + inverted version id, so that one object's versions are
// contiguous and sort newest first. NUL, which Swift itself uses for this, cannot be stored in a
// PostgreSQL text column; U+0001 can, and escaping it in names keeps the separator unambiguous.
import { formatTimestamp } from '../timestamps.js';

/** The version id of an object written while versioning was off (S3's and Swift's "null"). */
export const NULL_VERSION_ID = 'null';
/** Content type of a delete marker, as Swift writes it (a swift_* parameter no user sets). */
export const DELETE_MARKER_CONTENT_TYPE = 'application/x-deleted;swift_versions_deleted=1';
/** Persisted object header carrying the version id of a current object (absent: the null version). */
export const VERSION_ID_HEADER = 'x-object-version-id';

const ACCOUNT_PREFIX = '\u0001versions\u0001';
const SEPARATOR = '\u0001\u0001';
/** Sorts after every version key of a name and before every longer name (ids are digits and dots). */
const AFTER_ALL_VERSIONS = '~';
const MAX_TEN_MICROSECONDS = 999_999_999_999_999;

export function versionsAccount(projectId: string): string {
  return ACCOUNT_PREFIX + projectId;
}

export function isVersionsAccount(projectId: string): boolean {
  return projectId.startsWith(ACCOUNT_PREFIX);
}

/** The project an account belongs to: itself, or the project whose versions the hidden account keeps. */
export function projectOfAccount(accountId: string): string {
  return isVersionsAccount(accountId) ? accountId.slice(ACCOUNT_PREFIX.length) : accountId;
}

/** U+0001 becomes U+0001 U+0002, so U+0001 U+0001 never occurs inside an escaped name. */
export function escapeName(name: string): string {
  return name.replaceAll('\u0001', '\u0001\u0002');
}

function unescapeName(escaped: string): string {
  return escaped.replaceAll('\u0001\u0002', '\u0001');
}

/** '1764445582.12345' → its complement, so that newer ids sort first. */
export function invertVersionId(versionId: string): string {
  const tenMicroseconds = Number(versionId.replace('.', ''));
  return formatTimestamp(MAX_TEN_MICROSECONDS - tenMicroseconds);
}

/** The canonical form of a client-supplied version id ('1600000000' → '1600000000.00000'), or undefined. */
export function normalizeVersionId(raw: string): string | undefined {
  const m = /^(\d{1,10})(?:\.(\d{1,5}))?$/.exec(raw);
  if (!m) return undefined;
  return `${(m[1] as string).padStart(10, '0')}.${(m[2] ?? '').padEnd(5, '0')}`;
}

export function versionKeyPrefix(name: string): string {
  return escapeName(name) + SEPARATOR;
}

export function versionKey(name: string, versionId: string): string {
  return versionKeyPrefix(name) + invertVersionId(versionId);
}

/** A listing marker just past every version of `name`. */
export function afterAllVersions(name: string): string {
  return versionKeyPrefix(name) + AFTER_ALL_VERSIONS;
}

export function parseVersionKey(key: string): { name: string; versionId: string } | undefined {
  const at = key.indexOf(SEPARATOR);
  if (at < 0) return undefined;
  const inverted = key.slice(at + SEPARATOR.length);
  if (!/^\d{10}\.\d{5}$/.test(inverted)) return undefined;
  return { name: unescapeName(key.slice(0, at)), versionId: invertVersionId(inverted) };
}

/** Byte-wise (UTF-8) order, the order the store lists names in. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
