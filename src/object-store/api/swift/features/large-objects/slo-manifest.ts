// The SLO manifest in its three shapes: what a client PUTs (path/etag/size_bytes/range or inline data,
// validated with Swift's "Index N: …" messages), what is stored (name/bytes/hash/content_type/
// last_modified, written with Python's json.dumps spelling as Swift stores it), and format=raw.
import { createHash } from 'node:crypto';
import type { ApiError } from '../../../../../common/errors/api-error.js';
import { errors } from '../../../../../common/errors/codes.js';
import { pythonJson, type PythonJsonValue } from '../bulk/response-body.js';
import { parseByteRanges, type ByteRangeSpec } from './segment-range.js';

export const MAX_MANIFEST_SEGMENTS = 1000;
export const MAX_MANIFEST_SIZE_BYTES = 8 * 1024 * 1024;
export const MIN_SEGMENT_SIZE_BYTES = 1;
/** A stored manifest is somewhat larger than the PUT body it came from; refuse to load beyond this. */
export const MAX_STORED_MANIFEST_BYTES = 4 * MAX_MANIFEST_SIZE_BYTES;

export type PutSegment =
  | {
      kind: 'object';
      index: number;
      /** As the client sent it, e.g. "/container/object". */
      path: string;
      etag: string | null;
      sizeBytes: number | null;
      range: ByteRangeSpec | undefined;
    }
  | { kind: 'data'; index: number; data: Buffer };

/** A segment as stored in the manifest object. */
export type StoredSegment =
  | {
      kind: 'object';
      /** "/container/object" */
      name: string;
      bytes: number;
      hash: string;
      contentType: string;
      lastModified: string;
      /** Normalised "first-last", only when not the whole object. */
      range?: string | undefined;
      subSlo: boolean;
    }
  | { kind: 'data'; data: Buffer };

const REQUIRED_KEYS = ['data', 'path'] as const;
const OPTIONAL_KEYS: Record<(typeof REQUIRED_KEYS)[number], string[]> = {
  data: [],
  path: ['range', 'etag', 'size_bytes'],
};

function badManifest(message: string): ApiError {
  return errors.badRequest(message);
}

/** Python's truth value of a JSON value. */
function pythonTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0;
  return Boolean(value);
}

/** Python's int() on a JSON value, or undefined if it would raise. */
function pythonInt(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number(value.trim());
  return undefined;
}

/** Python's base64.b64decode behind Swift's strict_b64decode. */
function strictBase64(value: unknown): Buffer | undefined {
  if (typeof value !== 'string') return undefined;
  if (!/^=*[A-Za-z0-9+/]*=*$/.test(value) || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return undefined;
  if (value.length % 4 !== 0) return undefined;
  return Buffer.from(value, 'base64');
}

function validateObjectSegment(
  seg: Record<string, unknown>,
  index: number,
  isLast: boolean,
  selfPath: string,
): PutSegment | string {
  if (typeof seg.path !== 'string') return `Index ${index}: "path" must be a string`;
  if (!(seg.etag === undefined || seg.etag === null || typeof seg.etag === 'string'))
    return `Index ${index}: "etag" must be a string or null (if provided)`;
  if (!seg.path.replace(/^\/+|\/+$/g, '').includes('/'))
    return `Index ${index}: path does not refer to an object. Path must be of the form /container/object.`;
  let sizeBytes: number | null = null;
  if (seg.size_bytes !== undefined && seg.size_bytes !== null) {
    const size = pythonInt(seg.size_bytes);
    if (size === undefined) return `Index ${index}: invalid size_bytes`;
    if (size < MIN_SEGMENT_SIZE_BYTES && !isLast)
      return `Index ${index}: too small; each segment must be at least 1 byte.`;
    sizeBytes = size;
  }
  if (seg.path.replace(/^\/+/, '') === selfPath)
    return `Index ${index}: manifest must not include itself as a segment`;
  let range: ByteRangeSpec | undefined;
  if (pythonTruthy(seg.range)) {
    const ranges = parseByteRanges(`bytes=${String(seg.range)}`);
    if (!ranges) return `Index ${index}: invalid range`;
    if (ranges.length > 1) return `Index ${index}: multiple ranges (only one allowed)`;
    range = ranges[0] as ByteRangeSpec;
    if (sizeBytes !== null && range.forLength(sizeBytes) === undefined)
      return `Index ${index}: unsatisfiable range`;
  }
  const etag = typeof seg.etag === 'string' ? seg.etag : null;
  return { kind: 'object', index, path: seg.path, etag, sizeBytes, range };
}

function validateSegment(
  raw: unknown,
  index: number,
  isLast: boolean,
  selfPath: string,
): PutSegment | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return `Index ${index}: not a JSON object`;
  const seg = raw as Record<string, unknown>;
  const kind = REQUIRED_KEYS.find((k) => k in seg);
  if (!kind) return `Index ${index}: expected keys to include one of 'data' or 'path'`;
  const allowed = new Set([kind, ...OPTIONAL_KEYS[kind]]);
  const extra = Object.keys(seg)
    .filter((k) => !allowed.has(k as never))
    .sort();
  if (extra.length > 0)
    return `Index ${index}: extraneous keys ${extra.map((k) => pythonJson(k)).join(', ')}`;
  if (kind === 'path') return validateObjectSegment(seg, index, isLast, selfPath);
  const data = strictBase64(seg.data);
  if (!data) return `Index ${index}: data must be valid base64`;
  if (data.length < 1) return `Index ${index}: too small; each segment must be at least 1 byte.`;
  return { kind: 'data', index, data };
}

/**
 * Parses a ?multipart-manifest=put body. `selfPath` is "container/object" of the manifest itself.
 * Throws 400 with Swift's messages (one line per bad segment).
 */
export function parseManifestInput(body: Buffer, selfPath: string): PutSegment[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw badManifest('Manifest must be valid JSON.\n');
  }
  if (!Array.isArray(parsed)) throw badManifest('Manifest must be a list.\n');
  const problems: string[] = [];
  const segments: PutSegment[] = [];
  parsed.forEach((raw: unknown, index) => {
    const result = validateSegment(raw, index, index === parsed.length - 1, selfPath);
    if (typeof result === 'string') problems.push(result);
    else segments.push(result);
  });
  const isData = (raw: unknown) =>
    typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'data' in raw;
  if (parsed.length > 0 && parsed.every(isData))
    problems.push('Inline data segments require at least one object-backed segment.');
  if (problems.length > 0) throw badManifest(problems.map((p) => `${p}\n`).join(''));
  return segments;
}

/** What a segment contributes to the SLO etag: data md5, "hash:range;" or the hash. */
function etagPart(segment: StoredSegment): string {
  if (segment.kind === 'data') return createHash('md5').update(segment.data).digest('hex');
  return segment.range ? `${segment.hash}:${segment.range};` : segment.hash;
}

/** The SLO's etag (unquoted): md5 of the concatenated segment etag parts. */
export function sloEtag(segments: StoredSegment[]): string {
  const md5 = createHash('md5');
  for (const s of segments) md5.update(etagPart(s));
  return md5.digest('hex');
}

/** Bytes a segment contributes to the large object. */
export function segmentLength(segment: StoredSegment): number {
  if (segment.kind === 'data') return segment.data.length;
  if (segment.range) {
    const [first, last] = segment.range.split('-').map(Number) as [number, number];
    return last - first + 1;
  }
  return segment.bytes;
}

export function sloSize(segments: StoredSegment[]): number {
  return segments.reduce((n, s) => n + segmentLength(s), 0);
}

/** The manifest body as Swift stores it. */
export function storedManifestJson(segments: StoredSegment[]): string {
  const rows: PythonJsonValue[] = segments.map((s) => {
    if (s.kind === 'data') return { data: s.data.toString('base64') };
    return {
      name: s.name,
      bytes: s.bytes,
      hash: s.hash,
      content_type: s.contentType,
      last_modified: s.lastModified,
      range: s.range,
      sub_slo: s.subSlo ? true : undefined,
    };
  });
  return pythonJson(rows);
}

function storedSegmentOf(row: unknown): StoredSegment {
  if (typeof row !== 'object' || row === null) throw new Error('segment is not an object');
  const r = row as Record<string, unknown>;
  if (typeof r.data === 'string') return { kind: 'data', data: Buffer.from(r.data, 'base64') };
  const bytes = pythonInt(r.bytes);
  if (typeof r.name !== 'string' || typeof r.hash !== 'string' || bytes === undefined)
    throw new Error('segment lacks name, hash or bytes');
  const range = typeof r.range === 'string' && /^\d+-\d+$/.test(r.range) ? r.range : undefined;
  return {
    kind: 'object',
    name: r.name,
    bytes,
    hash: r.hash,
    contentType: typeof r.content_type === 'string' ? r.content_type : 'application/octet-stream',
    lastModified: typeof r.last_modified === 'string' ? r.last_modified : '',
    range,
    subSlo: r.sub_slo === true || r.sub_slo === 'True' || r.sub_slo === 'true',
  };
}

/** Parses a stored manifest; a corrupt one is a server error, as in Swift ("Unable to load SLO manifest"). */
export function parseStoredManifest(text: string): StoredSegment[] {
  try {
    const rows: unknown = JSON.parse(text);
    if (!Array.isArray(rows)) throw new Error('manifest is not a list');
    return rows.map(storedSegmentOf);
  } catch (err) {
    throw errors.internal(new Error('Unable to load SLO manifest', { cause: err }));
  }
}

/** ?multipart-manifest=get&format=raw: the manifest back in the PUT format, keys sorted. */
export function rawManifestJson(segments: StoredSegment[]): string {
  const rows: PythonJsonValue[] = segments.map((s) => {
    if (s.kind === 'data') return { data: s.data.toString('base64') };
    return { etag: s.hash, path: s.name, range: s.range, size_bytes: s.bytes };
  });
  return pythonJson(rows);
}
