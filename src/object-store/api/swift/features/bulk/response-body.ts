// The wire details that Swift's bulk middleware (bulk delete, archive extraction) and SLO share: the
// Accept negotiation of swob, status lines with swob's reason phrases, Python's quote() and
// json.dumps() spellings, and the result body in text/plain, JSON or XML.
import { STATUS_CODES } from 'node:http';
import { ApiError } from '../../../../../common/errors/api-error.js';

export const ACCEPTABLE_FORMATS = ['text/plain', 'application/json', 'application/xml', 'text/xml'] as const;
export type ResultFormat = (typeof ACCEPTABLE_FORMATS)[number];

/** swob's reason phrases where they differ from Node's. */
const REASONS: Record<number, string> = {
  413: 'Request Entity Too Large',
  416: 'Requested Range Not Satisfiable',
  499: 'Client Disconnect',
  500: 'Internal Error',
};

/** "404 Not Found", as swob's Response.status spells it. */
export function statusLine(status: number): string {
  return `${status} ${REASONS[status] ?? STATUS_CODES[status] ?? 'Unknown'}`;
}

const TOKEN = '[^()<>@,;:\\\\"/\\[\\]?={}\\x00-\\x20\\x7f]+';
const QUOTED = '"(?:[^"\\\\]|\\\\.)*"';
const MEDIA_RANGE = new RegExp(
  `^\\s*(${TOKEN})/(${TOKEN})((?:\\s*;\\s*${TOKEN}\\s*=\\s*(?:${TOKEN}|${QUOTED}))*?\\s*)$`,
);
const MAX_ACCEPT_TYPES = 64;

interface MediaRange {
  type: string;
  subtype: string;
  quality: number;
  exact: boolean;
}

function parseMediaRange(text: string): MediaRange {
  const m = MEDIA_RANGE.exec(text);
  if (!m) throw new Error('Invalid accept header');
  let quality = 1;
  let seenQuality = false;
  for (const param of (m[3] ?? '').split(';').map((p) => p.trim())) {
    if (param === '') continue;
    const [name, value] = param.split('=').map((s) => s.trim());
    if (name !== 'q') continue;
    if (seenQuality) throw new Error('Multiple "q" params');
    seenQuality = true;
    quality = Number(value);
    if (value === undefined || value === '' || Number.isNaN(quality)) throw new Error('Invalid q');
  }
  const type = m[1] as string;
  const subtype = m[2] as string;
  return { type, subtype, quality, exact: type !== '*' && subtype !== '*' };
}

/**
 * swob's Accept.best_match: the first option matched by the best-ranked media range; the first
 * option when there is no Accept header; undefined when nothing matches. Throws on a malformed header.
 */
export function bestMatch<T extends string>(
  accept: string | undefined,
  options: readonly T[],
): T | undefined {
  if (!accept) return options[0];
  const parts = accept.split(',');
  if (parts.length > MAX_ACCEPT_TYPES) throw new Error('Too many media ranges');
  const ranges = parts.map(parseMediaRange);
  ranges.sort((a, b) => b.quality - a.quality || Number(b.exact) - Number(a.exact));
  for (const r of ranges) {
    for (const option of options) {
      const [type, subtype] = option.split('/');
      if ((r.type === '*' || r.type === type) && (r.subtype === '*' || r.subtype === subtype)) return option;
    }
  }
  return undefined;
}

/** The result format for a bulk response, or undefined (406 in the body) if none is acceptable. */
export function resultFormat(accept: string | undefined): ResultFormat | undefined {
  try {
    return bestMatch(accept, ACCEPTABLE_FORMATS);
  } catch {
    return undefined;
  }
}

const ALWAYS_SAFE = /[A-Za-z0-9_.\-~/]/;

/** Python's urllib.parse.quote(bytes, safe='/'). */
export function quoteBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && ALWAYS_SAFE.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Python's urllib.parse.quote(str, safe='/'): UTF-8, percent-encoding all but unreserved and '/'. */
export function quotePath(name: string): string {
  return quoteBytes(Buffer.from(name, 'utf8'));
}

export type PythonJsonValue =
  null | boolean | number | string | PythonJsonValue[] | { [key: string]: PythonJsonValue | undefined };

/** Python's json.dumps() with its defaults: ", " and ": " separators, non-ASCII escaped as \uXXXX. */
export function pythonJson(value: PythonJsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(
      /[\u0080-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  }
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  const entries = Object.entries(value).filter((e): e is [string, PythonJsonValue] => e[1] !== undefined);
  return `{${entries.map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`).join(', ')}}`;
}

function xmlEscape(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A failed item: its quoted name and a status line or message. */
export type FailedItem = [string, string];

/**
 * Swift's get_heartbeat_response_body: JSON keeps the key order and appends "Errors"; XML and plain
 * text sort the keys. `rootTag` names the XML root ("delete", "extract", "upload").
 */
export function renderResultBody(
  format: ResultFormat | undefined,
  result: Record<string, string | number>,
  failed: FailedItem[],
  rootTag: string,
): string {
  if (format === 'application/json') return pythonJson({ ...result, Errors: failed });
  const keys = Object.keys(result).sort();
  if (format === 'application/xml' || format === 'text/xml') {
    const lines = keys.map((k) => {
      const tag = k.replaceAll(' ', '_').toLowerCase();
      return `<${tag}>${xmlEscape(String(result[k]))}</${tag}>\n`;
    });
    const errorLines = failed.map(
      ([name, status]) =>
        `<object><name>${xmlEscape(name)}</name><status>${xmlEscape(status)}</status></object>\n`,
    );
    return `<${rootTag}>\n${lines.join('')}<errors>\n${errorLines.join('')}</errors>\n</${rootTag}>\n`;
  }
  const lines = keys.map((k) => `${k}: ${result[k]}\n`);
  return `${lines.join('')}Errors:\n${failed.map(([name, status]) => `${name}, ${status}\n`).join('')}`;
}

/** Statuses that Swift's bulk code raises without a body (HTTPUnauthorized(request=req) and the like). */
const BODILESS = new Set([401, 406, 411, 500]);

/** What a failed bulk operation reports as "Response Body": Swift's explicit message, if it has one. */
export function errorBodyText(err: ApiError): string {
  return BODILESS.has(err.status) ? '' : err.publicMessage;
}

/** 406 inside a bulk result: no acceptable result format, or a request body that is not text/plain. */
export function notAcceptable(): ApiError {
  return new ApiError(406, 'NotAcceptable', 'The request is not acceptable.');
}

/** The HTTP status an operation failed with; anything that is not an ApiError is a 500. */
export function statusOfError(err: unknown): number {
  return err instanceof ApiError ? err.status : 500;
}
