// Barbican's NewSecretValidator beyond the JSON schema: the name, the expiration, and how payload,
// content type and content encoding must agree. The messages are Barbican's, word for word.
import { kmErrors } from './key-manager-errors.js';
import { parseIsoTime } from './iso-time.js';
import {
  decodeBase64,
  encodingAllowed,
  isSupported,
  pythonList,
  SUPPORTED,
  supportedEncodings,
} from './payload-format.js';

/** The fields NewSecretValidator knows (the body of POST /v1/secrets, or an order's meta). */
export interface NewSecretFields {
  name?: string | null;
  algorithm?: string;
  mode?: string;
  bit_length?: number;
  expiration?: string;
  payload?: string;
  secret_type?: string;
  payload_content_type?: string | null;
  payload_content_encoding?: string;
}

export interface CheckedSecret {
  name: string | null;
  /** Stored ISO text, or null. */
  expiration: string | null;
}

/** The schema name Barbican prints: "Secret", or "Secret' within 'Order" for an order's meta. */
export function schemaName(parent?: string): string {
  return parent ? `Secret' within '${parent}` : 'Secret';
}

export function checkNewSecret(
  body: NewSecretFields,
  options: { now: Date; maxSecretBytes: number; parent?: string },
): CheckedSecret {
  const schema = schemaName(options.parent);
  const name = typeof body.name === 'string' ? body.name.trim() : null;
  const expiration = checkExpiration(body.expiration, schema, options.now);
  const contentType = body.payload_content_type;
  if (body.payload !== undefined) {
    checkContentParameters(contentType ?? undefined, body.payload_content_encoding, schema);
    if (Buffer.byteLength(body.payload, 'utf8') > options.maxSecretBytes) throw kmErrors.tooLarge();
    const payload = body.payload.trim();
    if (!payload)
      throw kmErrors.invalidObject(schema, "If 'payload' specified, must be non empty", 'payload');
    if (body.payload_content_encoding === 'base64' && decodeBase64(payload) === undefined) {
      throw kmErrors.invalidObject(schema, 'Invalid payload for payload_content_encoding', 'payload');
    }
  } else if (body.payload_content_type !== undefined) {
    if (!options.parent) {
      throw kmErrors.invalidObject(
        schema,
        'payload must be provided when payload_content_type is specified',
        'payload',
      );
    }
    if (contentType && !isSupported(contentType)) {
      throw kmErrors.invalidObject(
        schema,
        `payload_content_type is not one of ${pythonList(SUPPORTED)}`,
        'payload_content_type',
      );
    }
  }
  return { name, expiration };
}

function checkExpiration(raw: string | undefined, schema: string, now: Date): string | null {
  if (!raw || !raw.trim()) return null;
  const when = parseIsoTime(raw);
  if (!when) throw kmErrors.invalidObject(schema, "Invalid date for 'expiration'", 'expiration');
  if (when.getTime() <= now.getTime()) {
    throw kmErrors.invalidObject(schema, "'expiration' is before current time", 'expiration');
  }
  return when.toISOString();
}

function checkContentParameters(
  contentType: string | undefined,
  encoding: string | undefined,
  schema: string,
): void {
  if (contentType === undefined) {
    throw kmErrors.invalidObject(
      schema,
      "If 'payload' is supplied, 'payload_content_type' must also be supplied.",
      'payload_content_type',
    );
  }
  if (!isSupported(contentType)) {
    throw kmErrors.invalidObject(
      schema,
      `payload_content_type is not one of ${pythonList(SUPPORTED)}`,
      'payload_content_type',
    );
  }
  if (!encodingAllowed(contentType, encoding)) {
    throw kmErrors.invalidObject(
      schema,
      `payload_content_encoding is not one of ${pythonList(supportedEncodings(contentType))}`,
      'payload_content_encoding',
    );
  }
}
