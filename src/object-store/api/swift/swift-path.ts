// Parses /v1/<account>[/<container>[/<object>]] from the raw request URL. Names are percent-decoded to
// bytes and must be valid UTF-8 without NUL (Swift answers 412 otherwise); object names keep every
// slash, dot and dot-dot as ordinary characters, since they never become file paths.
import { errors } from '../../../common/errors/codes.js';
import { LIMITS } from '../../model.js';

export interface SwiftPath {
  account: string;
  projectId: string;
  container?: string | undefined;
  object?: string | undefined;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

export function decodeName(raw: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i += 1) {
    const c = raw.charCodeAt(i);
    if (c === 0x25 /* % */) {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw errors.badRequest('Invalid percent-encoding in the path.');
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c < 0x80) {
      bytes.push(c);
    } else {
      bytes.push(...Buffer.from(raw[i] as string, 'utf8'));
    }
  }
  let text: string;
  try {
    text = decoder.decode(Uint8Array.from(bytes));
  } catch {
    throw errors.preconditionFailed('Invalid UTF8 or contains NULL');
  }
  if (text.includes('\0')) throw errors.preconditionFailed('Invalid UTF8 or contains NULL');
  return text;
}

/** `rawPath` is what follows /object-store/v1/ (no query string). */
export function parseSwiftPath(rawPath: string): SwiftPath {
  const first = rawPath.indexOf('/');
  const account = decodeName(first < 0 ? rawPath : rawPath.slice(0, first));
  if (!account.startsWith('AUTH_') || account.length <= 5)
    throw errors.notFound('account', account.slice(0, 64));
  const rest = first < 0 ? '' : rawPath.slice(first + 1);
  const second = rest.indexOf('/');
  const containerRaw = second < 0 ? rest : rest.slice(0, second);
  const objectRaw = second < 0 ? undefined : rest.slice(second + 1);
  const container = containerRaw === '' ? undefined : decodeName(containerRaw);
  if (container !== undefined && Buffer.byteLength(container) > LIMITS.maxContainerNameBytes) {
    throw errors.badRequest(
      `Container name length of ${Buffer.byteLength(container)} longer than ${LIMITS.maxContainerNameBytes}`,
    );
  }
  let object = objectRaw === undefined || objectRaw === '' ? undefined : decodeName(objectRaw);
  if (object !== undefined && Buffer.byteLength(object) > LIMITS.maxObjectNameBytes) {
    throw errors.badRequest(
      `Object name length of ${Buffer.byteLength(object)} longer than ${LIMITS.maxObjectNameBytes}`,
    );
  }
  if (container === undefined && objectRaw !== undefined) object = undefined;
  return { account, projectId: account.slice(5), container, object };
}
