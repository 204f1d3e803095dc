// Barbican's payload media types (barbican/plugin/util/mime_types.py and translations.py): which
// content types and encodings a secret may be stored with, how they normalise, and how a stored payload
// is handed back for an Accept header. Payload bytes are stored decoded (never base64) and encrypted.
import { kmErrors } from './key-manager-errors.js';

export const PLAIN_TEXT = ['text/plain', 'text/plain;charset=utf-8', 'text/plain; charset=utf-8'];
export const BINARY = ['application/octet-stream', 'application/pkcs8'];
export const SUPPORTED = [...PLAIN_TEXT, ...BINARY];

const INTERNAL: Record<string, string> = {
  'text/plain': 'text/plain',
  'text/plain;charset=utf-8': 'text/plain',
  'text/plain; charset=utf-8': 'text/plain',
  'application/octet-stream': 'application/octet-stream',
  'application/pkcs8': 'application/pkcs8',
};

/** Encodings each normalised type accepts; null means "no encoding". */
const ENCODINGS: Record<string, string[] | null> = {
  'text/plain': null,
  'application/octet-stream': ['base64', 'binary'],
  'application/pkcs8': ['base64', 'binary'],
};

/** Python's repr of the list, as Barbican's messages print it. */
export function pythonList(values: readonly string[] | null): string {
  return values === null ? 'None' : `[${values.map((v) => `'${v}'`).join(', ')}]`;
}

/** mime_types.normalize_content_type: lower-cases, and folds text/plain with a utf-8 charset. */
export function normaliseContentType(mime: string): string {
  const parts = mime.split(';').map((p) => p.trim());
  const base = (parts[0] ?? '').toLowerCase();
  if (parts.length > 1) {
    const charset = (parts[1] ?? '').toLowerCase();
    if (!charset.includes('=')) return mime;
    if ((charset.split('=')[1] ?? '').trim() !== 'utf-8') return mime;
  }
  return INTERNAL[base] ?? mime;
}

export function isSupported(mime: string): boolean {
  return SUPPORTED.includes(normaliseContentType(mime));
}

export function supportedEncodings(mime: string): string[] | null {
  return ENCODINGS[INTERNAL[normaliseContentType(mime)] ?? ''] ?? null;
}

export function encodingAllowed(mime: string, encoding: string | undefined): boolean {
  if (!isSupported(mime)) return false;
  const encodings = supportedEncodings(mime);
  return encodings === null ? encoding === undefined : encodings.includes(encoding as string);
}

const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}$/;

/** Python's base64.b64decode (non-strict) accepts this text; undefined when it would raise. */
export function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/[\r\n]/g, '');
  if (!BASE64.test(text) || compact.length % 4 !== 0) return undefined;
  return Buffer.from(compact, 'base64');
}

/**
 * translations.normalize_before_encryption: the bytes to store and the normalised content type.
 * `textOnly` is the one-step POST (JSON), where binary payloads must be base64.
 */
export function payloadBytes(
  payload: string | Buffer,
  contentType: string,
  encoding: string | undefined,
  textOnly: boolean,
): { bytes: Buffer; contentType: string } {
  const normalised = normaliseContentType(contentType);
  if (!SUPPORTED.includes(normalised)) {
    throw kmErrors.issue(400, `content-type of '${contentType}' not supported`);
  }
  if (PLAIN_TEXT.includes(normalised)) return { bytes: Buffer.from(payload), contentType: normalised };
  if (encoding === undefined) {
    if (textOnly)
      throw kmErrors.issue(
        400,
        "Text-based binary secret payloads must specify a content-encoding of 'base64'",
      );
    return { bytes: Buffer.from(payload), contentType: normalised };
  }
  if (encoding.toLowerCase() === 'base64') {
    const bytes = decodeBase64(payload.toString('latin1'));
    if (bytes === undefined) throw kmErrors.issue(400, 'Problem decoding payload');
    return { bytes, contentType: normalised };
  }
  throw kmErrors.issue(400, `content-encoding of '${encoding}' not supported`);
}

/**
 * translations.denormalize_after_decryption, with analyze_before_decryption first: the body to send for
 * the requested media type. Plain text must be valid UTF-8; Barbican answers 406 otherwise.
 */
export function payloadForAccept(stored: Buffer, accept: string): Buffer {
  if (!isSupported(accept)) throw kmErrors.issue(406, 'Wrong payload content-type');
  if (PLAIN_TEXT.includes(accept)) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(stored);
    } catch {
      throw kmErrors.issue(406, 'Wrong payload content-type');
    }
    return stored;
  }
  if (BINARY.includes(accept)) return stored;
  // Supported once normalised (TEXT/PLAIN), but Barbican's denormaliser compares the raw value.
  throw kmErrors.issue(400, `content-type of '${accept}' not supported`);
}
