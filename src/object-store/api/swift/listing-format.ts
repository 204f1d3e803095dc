// Swift listing bodies in plain text, JSON and XML, chosen by ?format= or the Accept header.
import type { Container, Listed, StoredObject } from '../../model.js';

export type ListingFormat = 'plain' | 'json' | 'xml';

export function listingFormat(
  query: Record<string, string | undefined>,
  accept: string | undefined,
): ListingFormat {
  const f = query.format?.toLowerCase();
  if (f === 'json' || f === 'xml' || f === 'plain') return f;
  if (f === 'txt' || f === 'text') return 'plain';
  const a = accept ?? '';
  if (a.includes('application/json')) return 'json';
  if (a.includes('application/xml') || a.includes('text/xml')) return 'xml';
  return 'plain';
}

export const CONTENT_TYPES: Record<ListingFormat, string> = {
  plain: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
};

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
