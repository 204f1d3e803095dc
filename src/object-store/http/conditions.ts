// HTTP conditional requests (RFC 9110 §13) and byte ranges, shared by the Swift and S3 front ends.

export type ConditionOutcome = 'proceed' | 'not-modified' | 'precondition-failed';

export interface Validators {
  etag: string;
  lastModified: Date;
}

function etagList(value: string): string[] {
  return value.split(',').map((s) => s.trim().replace(/^W\//, '').replaceAll('"', ''));
}

/** Seconds resolution, as HTTP dates have. */
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

export function evaluateConditions(
  headers: Record<string, string | undefined>,
  v: Validators,
  isRead: boolean,
): ConditionOutcome {
  const ifMatch = headers['if-match'];
  const ifNoneMatch = headers['if-none-match'];
  const ifModifiedSince = headers['if-modified-since'];
  const ifUnmodifiedSince = headers['if-unmodified-since'];
  if (ifMatch !== undefined) {
    const tags = etagList(ifMatch);
    if (!tags.includes('*') && !tags.includes(v.etag)) return 'precondition-failed';
  } else if (ifUnmodifiedSince !== undefined) {
    const t = Date.parse(ifUnmodifiedSince);
    if (!Number.isNaN(t) && seconds(v.lastModified) > Math.floor(t / 1000)) return 'precondition-failed';
  }
  if (ifNoneMatch !== undefined) {
    const tags = etagList(ifNoneMatch);
    if (tags.includes('*') || tags.includes(v.etag)) return isRead ? 'not-modified' : 'precondition-failed';
  } else if (ifModifiedSince !== undefined && isRead) {
    const t = Date.parse(ifModifiedSince);
    if (!Number.isNaN(t) && seconds(v.lastModified) <= Math.floor(t / 1000)) return 'not-modified';
  }
  return 'proceed';
}

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

const MAX_RANGES = 100;

/**
 * Parses a Range header against a size. Returns undefined when the header should be ignored (absent
 * or malformed, as RFC 9110 allows), 'unsatisfiable' for 416, or the ranges (coalescing is left to the
 * caller; at most MAX_RANGES).
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange[] | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(.+)$/i.exec(header.trim());
  if (!m) return undefined;
  const specs = (m[1] as string).split(',').map((s) => s.trim());
  if (specs.length > MAX_RANGES) return undefined;
  const ranges: ByteRange[] = [];
  for (const spec of specs) {
    const r = /^(\d*)-(\d*)$/.exec(spec);
    if (!r || (r[1] === '' && r[2] === '')) return undefined;
    if (r[1] === '') {
      const suffix = Number(r[2]);
      if (suffix === 0) continue;
      ranges.push({ start: Math.max(0, size - suffix), end: size - 1 });
    } else {
      const start = Number(r[1]);
      const end = r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1);
      if (r[2] !== '' && Number(r[2]) < start) return undefined;
      if (start >= size) continue;
      ranges.push({ start, end });
    }
  }
  if (ranges.length === 0) return 'unsatisfiable';
  return ranges;
}

export function httpDate(d: Date): string {
  return d.toUTCString();
}
