import { describe, expect, it } from 'vitest';
import { isApiError } from '../common/errors/api-error.js';
import { encodingAllowed, normaliseContentType, payloadBytes, payloadForAccept } from './payload-format.js';

function failure(fn: () => unknown): { status: number; message: string } {
  try {
    fn();
  } catch (error) {
    if (isApiError(error)) return { status: error.status, message: error.publicMessage };
    throw error;
  }
  throw new Error('expected a failure');
}

describe('payload formats (Barbican mime_types)', () => {
  it('normalises text/plain with a utf-8 charset and keeps other charsets as given', () => {
    expect(normaliseContentType('Text/Plain; charset=UTF-8')).toBe('text/plain');
    expect(normaliseContentType('text/plain; charset=latin1')).toBe('text/plain; charset=latin1');
    expect(normaliseContentType('application/OCTET-stream')).toBe('application/octet-stream');
  });

  it('knows which encodings go with which type', () => {
    expect(encodingAllowed('text/plain', undefined)).toBe(true);
    expect(encodingAllowed('text/plain', 'base64')).toBe(false);
    expect(encodingAllowed('application/octet-stream', 'base64')).toBe(true);
    expect(encodingAllowed('application/octet-stream', undefined)).toBe(false);
  });

  it('decodes base64 binary payloads and refuses unencoded binary in JSON', () => {
    const { bytes, contentType } = payloadBytes('AAEC', 'application/octet-stream', 'base64', true);
    expect([...bytes]).toEqual([0, 1, 2]);
    expect(contentType).toBe('application/octet-stream');
    expect(failure(() => payloadBytes('x', 'application/octet-stream', undefined, true)).message).toBe(
      "Text-based binary secret payloads must specify a content-encoding of 'base64'",
    );
    expect(failure(() => payloadBytes('x', 'application/octet-stream', 'gzip', false)).message).toBe(
      "content-encoding of 'gzip' not supported",
    );
  });

  it('hands payloads back as text only when they are UTF-8', () => {
    expect(payloadForAccept(Buffer.from('héllo'), 'text/plain').toString()).toBe('héllo');
    expect(failure(() => payloadForAccept(Buffer.from([0xff]), 'text/plain')).status).toBe(406);
    expect(failure(() => payloadForAccept(Buffer.from('x'), 'image/png')).status).toBe(406);
  });
});
