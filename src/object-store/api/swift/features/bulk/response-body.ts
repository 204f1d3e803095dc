// The wire details that Swift's bulk middleware (bulk delete, archive extraction) and SLO share: the
// result formats they negotiate (with swob's Accept rules, ../../accept.ts), status lines with swob's
// reason phrases, Python's quote() and json.dumps() spellings, and the result body in text/plain, JSON
// or XML.
import { STATUS_CODES } from 'node:http';
import { ApiError } from '../../../../../common/errors/api-error.js';
import { bestMatch } from '../../accept.js';
import { errors } from '../../../../../common/errors/codes.js';

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
  return errors.notAcceptable('The request is not acceptable.');
}

/** The HTTP status an operation failed with; anything that is not an ApiError is a 500. */
export function statusOfError(err: unknown): number {
  return err instanceof ApiError ? err.status : 500;
}
