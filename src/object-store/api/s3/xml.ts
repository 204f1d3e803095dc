// A small, careful XML builder for S3 responses: elements are strings built by el()/leaf(), and every
// text value is escaped for XML 1.0. Characters XML 1.0 cannot carry at all, not even as character
// references (C0 controls other than tab, LF and CR; lone surrogates; U+FFFE, U+FFFF), become U+FFFD,
// as Go's encoding/xml writes them: the document always parses. Clients that need such keys exactly ask
// for encoding-type=url (boto3 and the AWS CLI always do), which percent-encodes them first.

import { S3_XMLNS } from './s3-context.js';
import { xmlEscape } from '../../../common/errors/render-s3.js';

export { xmlEscape };

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
