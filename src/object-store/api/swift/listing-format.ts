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

export function renderContainerListing(
  items: Array<Listed<Container>>,
  accountName: string,
  format: ListingFormat,
): string {
  if (format === 'json') {
    return JSON.stringify(
      items.map((e) =>
        e.kind === 'subdir'
          ? { subdir: e.subdir }
          : {
              name: e.item.name,
              count: e.item.objectCount,
              bytes: e.item.bytesUsed,
              last_modified: listingTime(e.item.createdAt),
            },
      ),
    );
  }
  if (format === 'xml') {
    const body = items
      .map((e) =>
        e.kind === 'subdir'
          ? `<subdir name="${xmlEscape(e.subdir)}"><name>${xmlEscape(e.subdir)}</name></subdir>`
          : `<container><name>${xmlEscape(e.item.name)}</name><count>${e.item.objectCount}</count><bytes>${e.item.bytesUsed}</bytes><last_modified>${listingTime(e.item.createdAt)}</last_modified></container>`,
      )
      .join('');
    return `<?xml version="1.0" encoding="UTF-8"?>\n<account name="${xmlEscape(accountName)}">${body}</account>`;
  }
  return items.map((e) => (e.kind === 'subdir' ? e.subdir : e.item.name) + '\n').join('');
}

export function renderObjectListing(
  items: Array<Listed<StoredObject>>,
  containerName: string,
  format: ListingFormat,
): string {
  if (format === 'json') {
    return JSON.stringify(
      items.map((e) =>
        e.kind === 'subdir'
          ? { subdir: e.subdir }
          : {
              name: e.item.name,
              hash: e.item.etag,
              bytes: e.item.sizeBytes,
              content_type: e.item.contentType,
              last_modified: listingTime(e.item.lastModified),
            },
      ),
    );
  }
  if (format === 'xml') {
    const body = items
      .map((e) =>
        e.kind === 'subdir'
          ? `<subdir name="${xmlEscape(e.subdir)}"><name>${xmlEscape(e.subdir)}</name></subdir>`
          : `<object><name>${xmlEscape(e.item.name)}</name><hash>${e.item.etag}</hash><bytes>${e.item.sizeBytes}</bytes><content_type>${xmlEscape(e.item.contentType)}</content_type><last_modified>${listingTime(e.item.lastModified)}</last_modified></object>`,
      )
      .join('');
    return `<?xml version="1.0" encoding="UTF-8"?>\n<container name="${xmlEscape(containerName)}">${body}</container>`;
  }
  return items.map((e) => (e.kind === 'subdir' ? e.subdir : e.item.name) + '\n').join('');
}
