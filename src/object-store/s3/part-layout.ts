// Where each part of an object completed from a multipart upload lies in its bytes, kept with the object
// (a system header, hidden from Swift listings of headers) so that GetObject/HeadObject?partNumber=N and
// GetObjectAttributes can name parts after the upload is gone.
import type { StoredMetadata } from '../model.js';

export const PARTS_HEADER = 'x-object-sysmeta-s3api-parts';

export interface PartLayout {
  /** Part sizes in bytes, in part order (parts are numbered from 1 as completed). */
  sizes: number[];
  /** Each part's checksum (base64) in the object's checksum algorithm, when the upload had one. */
  checksums?: string[] | undefined;
}

export function withPartLayout(metadata: StoredMetadata, layout: PartLayout): StoredMetadata {
  metadata.headers[PARTS_HEADER] = JSON.stringify(layout);
  return metadata;
}

export function partLayoutOf(metadata: StoredMetadata): PartLayout | undefined {
  const text = metadata.headers[PARTS_HEADER];
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as PartLayout;
    return Array.isArray(value.sizes) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The byte range of part `partNumber` (1-based), or undefined past the last part. */
export function partRange(
  layout: PartLayout,
  partNumber: number,
): { start: number; end: number } | undefined {
  if (partNumber < 1 || partNumber > layout.sizes.length) return undefined;
  let start = 0;
  for (let i = 0; i < partNumber - 1; i += 1) start += layout.sizes[i] as number;
  return { start, end: start + (layout.sizes[partNumber - 1] as number) - 1 };
}
