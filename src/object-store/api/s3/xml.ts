// A small, careful XML builder for S3 responses: elements are strings built by el()/leaf(), every text
// value is escaped, and characters XML 1.0 cannot carry (control characters, lone surrogates) are
// written as character references so that a key holding them still yields a parsable document.
import { S3_XMLNS } from './s3-context.js';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#13;',
};

// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped.
const NEEDS_ESCAPE = /[&<>"'\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDFFF]/;

/** Escapes text for element content and attribute values. */
export function xmlEscape(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  let out = '';
  for (const char of text) {
    const entity = ENTITIES[char];
    const code = char.codePointAt(0) as number;
    const control = code < 0x20 && code !== 0x09 && code !== 0x0a;
    const invalid = control || code === 0xfffe || code === 0xffff || (code >= 0xd800 && code <= 0xdfff);
    out += entity ?? (invalid ? `&#x${code.toString(16).toUpperCase()};` : char);
  }
  return out;
}

/** A child list entry: an element string, or nothing (skipped). */
export type Child = string | undefined | null | false;

/** `<name>children</name>` where children are elements already built. */
export function el(name: string, ...children: Child[]): string {
  return `<${name}>${children.filter((c): c is string => typeof c === 'string').join('')}</${name}>`;
}

/** `<name>escaped text</name>`, or nothing when the value is undefined. */
export function leaf(name: string, value: string | number | boolean | undefined | null): string | undefined {
  if (value === undefined || value === null) return undefined;
  return `<${name}>${xmlEscape(String(value))}</${name}>`;
}

/** A whole response document with S3's namespace on its root element. */
export function xmlDocument(root: string, ...children: Child[]): string {
  const body = children.filter((c): c is string => typeof c === 'string').join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_XMLNS}">${body}</${root}>`;
}

/** The Owner / Initiator element: projects own buckets, users initiate uploads. */
export function ownerXml(element: string, id: string): string {
  return el(element, leaf('ID', id), leaf('DisplayName', id));
}
