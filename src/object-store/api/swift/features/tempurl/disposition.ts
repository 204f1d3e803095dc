// The response side of a temp URL GET or HEAD: which Content-Disposition to send (the filename query
// parameter, inline, the object's own, or the object's base name), and which headers to keep.
import type { FastifyReply } from 'fastify';
import { pyQuote } from '../../py-quote.js';

/** RFC 6266 with RFC 5987's filename* for non-ASCII names. */
export function dispositionFormat(type: 'attachment' | 'inline', filename: string): string {
  return `${type}; filename="${pyQuote(filename, ' /')}"; filename*=UTF-8''${pyQuote(filename, '/')}`;
}

export interface DispositionInput {
  filename: string | undefined;
  inline: boolean;
  objectName: string;
}

export function dispositionFor(input: DispositionInput, existing: string | undefined): string {
  let value: string;
  if (input.inline) value = input.filename ? dispositionFormat('inline', input.filename) : 'inline';
  else if (input.filename) value = dispositionFormat('attachment', input.filename);
  else if (existing) value = existing;
  else {
    const trimmed = input.objectName.replace(/\/+$/, '');
    value = dispositionFormat('attachment', trimmed.slice(trimmed.lastIndexOf('/') + 1));
  }
  return value.replaceAll('\n', '%0A');
}

/** Swift's outgoing_remove_headers x-object-meta-* with the exception x-object-meta-public-*. */
export function removePrivateMetadata(reply: FastifyReply): void {
  for (const name of Object.keys(reply.getHeaders())) {
    if (name.startsWith('x-object-meta-') && !name.startsWith('x-object-meta-public-'))
      reply.removeHeader(name);
  }
}
