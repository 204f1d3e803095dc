// Swift listing bodies in plain text, JSON and XML, negotiated by ?format= or the Accept header.
import type { Container, Listed, StoredObject } from '../../model.js';
import { bestMatch } from './accept.js';
import { notAcceptable } from './swift-errors.js';

export type ListingFormat = 'plain' | 'json' | 'xml';

/** What a listing request negotiated: the body's format and its Content-Type. */
export interface Negotiated {
  format: ListingFormat;
  contentType: string;
}

/** The media types a listing can be rendered in, in swob's order of preference. */
const LISTING_TYPES = ['text/plain', 'application/json', 'application/xml', 'text/xml'] as const;
const FORMAT_OF_TYPE: Record<(typeof LISTING_TYPES)[number], ListingFormat> = {
  'text/plain': 'plain',
  'application/json': 'json',
  'application/xml': 'xml',
  'text/xml': 'xml',
};
/** ?format= replaces the Accept header; an unknown format means plain text (Swift's listing_formats). */
const TYPE_OF_FORMAT: Record<string, string> = {
  plain: 'text/plain',
  json: 'application/json',
  xml: 'application/xml',
};

/** The Accept header a listing is negotiated with: ?format= stands for one. */
export function effectiveAccept(
  query: Record<string, string | undefined>,
  accept: string | undefined,
): string | undefined {
  const format = query.format;
  return format ? (TYPE_OF_FORMAT[format.toLowerCase()] ?? 'text/plain') : accept;
}

/**
 * The format of an account or container listing, by ?format= or else the Accept header: 400 for a
 * malformed Accept header, 406 when it accepts none of the listing's types.
 */
export function negotiateListing(
  query: Record<string, string | undefined>,
  accept: string | undefined,
): Negotiated {
  const type = bestMatch(effectiveAccept(query, accept), LISTING_TYPES);
  if (type === undefined) throw notAcceptable();
  return { format: FORMAT_OF_TYPE[type], contentType: `${type}; charset=utf-8` };
}

/** Swift's listing time format: 2026-11-29T20:26:22.123450 (microseconds, no zone). */
export function listingTime(iso: string): string {
  return iso.replace(/\.(\d{3})Z$/, '.$1000').replace(/Z$/, '.000000');
}

function xmlEscape(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string,
  );
}

/** One listing body: each item's fields in order become JSON keys or XML child elements. */
function renderListing<T>(
  items: Array<Listed<T>>,
  format: ListingFormat,
  xml: { root: 'account' | 'container'; rootName: string; element: 'container' | 'object' },
  fields: (item: T) => Record<string, string | number>,
  nameOf: (item: T) => string,
): string {
  if (format === 'json') {
    return JSON.stringify(items.map((e) => (e.kind === 'subdir' ? { subdir: e.subdir } : fields(e.item))));
  }
  if (format === 'xml') {
    const body = items
      .map((e) => {
        if (e.kind === 'subdir') {
          return `<subdir name="${xmlEscape(e.subdir)}"><name>${xmlEscape(e.subdir)}</name></subdir>`;
        }
        const children = Object.entries(fields(e.item))
          .map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`)
          .join('');
        return `<${xml.element}>${children}</${xml.element}>`;
      })
      .join('');
    return `<?xml version="1.0" encoding="UTF-8"?>\n<${xml.root} name="${xmlEscape(xml.rootName)}">${body}</${xml.root}>`;
  }
  return items.map((e) => (e.kind === 'subdir' ? e.subdir : nameOf(e.item)) + '\n').join('');
}

export function renderContainerListing(
  items: Array<Listed<Container>>,
  accountName: string,
  format: ListingFormat,
): string {
  return renderListing(
    items,
    format,
    { root: 'account', rootName: accountName, element: 'container' },
    (c) => ({
      name: c.name,
      count: c.objectCount,
      bytes: c.bytesUsed,
      last_modified: listingTime(c.createdAt),
    }),
    (c) => c.name,
  );
}

export function renderObjectListing(
  items: Array<Listed<StoredObject>>,
  containerName: string,
  format: ListingFormat,
): string {
  return renderListing(
    items,
    format,
    { root: 'container', rootName: containerName, element: 'object' },
    (o) => ({
      name: o.name,
      hash: o.etag,
      bytes: o.sizeBytes,
      content_type: o.contentType,
      last_modified: listingTime(o.lastModified),
    }),
    (o) => o.name,
  );
}
