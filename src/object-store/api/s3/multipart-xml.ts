// The CompleteMultipartUpload request document: the parts to assemble, in order, with their ETags and
// any part checksums the client lists.
import { s3Errors } from '../../s3/s3-errors.js';
import { parseChecksumAlgorithm, type ChecksumAlgorithm } from './auth/index.js';
import { childText, childrenNamed, expectRoot, parseXml } from './xml-parse.js';

export interface CompleteRequest {
  parts: Array<{ partNumber: number; etag: string; checksums: Partial<Record<ChecksumAlgorithm, string>> }>;
}

const MAX_PARTS = 10_000;
/** 10,000 parts with their checksums take more than the 1 MiB other documents are held to. */
export const MAX_COMPLETE_BYTES = 4 * 1024 * 1024;

export function parseCompleteRequest(body: Buffer): CompleteRequest {
  if (body.length === 0) throw s3Errors.malformedXml('the body is empty');
  const root = expectRoot(parseXml(body, MAX_COMPLETE_BYTES), 'CompleteMultipartUpload');
  const parts = childrenNamed(root, 'Part').map((part) => {
    const number = childText(part, 'PartNumber') ?? '';
    const etag = childText(part, 'ETag');
    if (!/^\d{1,5}$/.test(number) || etag === undefined) {
      throw s3Errors.malformedXml('each Part needs a PartNumber and an ETag');
    }
    const checksums: Partial<Record<ChecksumAlgorithm, string>> = {};
    for (const child of part.children) {
      if (!child.name.startsWith('Checksum') || child.name === 'ChecksumType') continue;
      const algorithm = parseChecksumAlgorithm(child.name.slice('Checksum'.length));
      if (algorithm) checksums[algorithm] = child.text.trim();
    }
    return { partNumber: Number(number), etag, checksums };
  });
  if (parts.length > MAX_PARTS) throw s3Errors.malformedXml(`more than ${MAX_PARTS} parts`);
  return { parts };
}
