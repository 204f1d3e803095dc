// Glance's JSON-patch dialect (application/openstack-images-v2.1-json-patch): a list of add, replace and
// remove operations on top-level attributes. Anything else in the document is a 400.
import { errors } from '../common/errors/codes.js';
import { CORE_WRITABLE } from './model.js';

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  /** The attribute name, unescaped from the JSON pointer. */
  key: string;
  value?: unknown;
}

const MAX_OPERATIONS = 256;
const CORE = new Set<string>(CORE_WRITABLE);

function pointerKey(path: unknown): string {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw errors.badRequest(`Invalid JSON pointer '${String(path)}': it must start with '/'.`);
  }
  const parts = path.slice(1).split('/');
  if (parts.length !== 1 || parts[0] === '') {
    throw errors.badRequest(`Invalid JSON pointer '${path}': nested paths are not allowed.`);
  }
  return (parts[0] as string).replaceAll('~1', '/').replaceAll('~0', '~');
}

/** Parses and checks a patch document; throws 400 for anything malformed. */
export function parsePatch(body: unknown): PatchOperation[] {
  if (!Array.isArray(body)) throw errors.badRequest('Request body must be a JSON array of operations.');
  if (body.length > MAX_OPERATIONS) throw errors.badRequest('Too many patch operations.');
  return body.map((raw: unknown) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw errors.badRequest('Operations must be JSON objects.');
    }
    const o = raw as Record<string, unknown>;
    const op = o.op;
    if (op !== 'add' && op !== 'replace' && op !== 'remove') {
      throw errors.badRequest(`Operation "${String(op)}" is not supported: use add, replace or remove.`);
    }
    const key = pointerKey(o.path);
    if (op === 'remove') {
      if ('value' in o) throw errors.badRequest('Operation "remove" takes no value.');
      if (CORE.has(key) && key !== 'name') throw errors.forbidden(`Cannot remove base attribute '${key}'.`);
      return { op, key };
    }
    if (!('value' in o)) throw errors.badRequest(`Operation "${op}" requires a member named "value".`);
    return { op, key, value: o.value };
  });
}
