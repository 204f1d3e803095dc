// Glance's JSON-patch dialects (glance/api/v2/images.py RequestDeserializer.update): a list of add,
// replace and remove operations on top-level attributes, written as draft 10 JSON patch
// (application/openstack-images-v2.1-json-patch: {"op": "replace", "path": "/name", "value": …}) or as
// Glance's older draft 4 form (application/openstack-images-v2.0-json-patch: {"replace": "/name",
// "value": …}). Messages are Glance's.
import { errors } from '../common/errors/codes.js';
import { CORE_WRITABLE } from './model.js';

export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  /** The attribute name, unescaped from the JSON pointer. */
  key: string;
  value?: unknown;
}

/** The patch media types and the JSON-schema draft each speaks. */
export const PATCH_MEDIA_TYPES: Readonly<Record<string, 4 | 10>> = {
  'application/openstack-images-v2.0-json-patch': 4,
  'application/openstack-images-v2.1-json-patch': 10,
};

const MAX_OPERATIONS = 256;
const CORE = new Set<string>(CORE_WRITABLE);
const OPERATIONS = ['add', 'remove', 'replace'] as const;
type Op = (typeof OPERATIONS)[number];

function operationD10(o: Record<string, unknown>): Op {
  const op = o.op;
  const available = OPERATIONS.join(', ');
  if (op === undefined || op === null)
    throw errors.badRequest(
      `Unable to find \`op\` in JSON Schema change. It must be one of the following: ${available}.`,
    );
  if (!OPERATIONS.includes(op as Op))
    throw errors.badRequest(
      `Invalid operation: \`${String(op)}\`. It must be one of the following: ${available}.`,
    );
  return op as Op;
}

function operationD4(o: Record<string, unknown>): Op {
  const present = OPERATIONS.filter((key) => key in o);
  if (present.length > 1)
    throw errors.badRequest(
      'Operation objects must contain only one member named "add", "remove", or "replace".',
    );
  const op = present[0];
  if (op === undefined)
    throw errors.badRequest(
      'Operation objects must contain exactly one member named "add", "remove", or "replace".',
    );
  return op;
}

/** Glance's _validate_json_pointer and _decode_json_pointer, and one level of depth only. */
function pointerKey(pointer: unknown): string {
  if (typeof pointer !== 'string' || !pointer.startsWith('/'))
    throw errors.badRequest(`Pointer \`${String(pointer)}\` does not start with "/".`);
  if (/\/\s*?\//.test(pointer.slice(1)))
    throw errors.badRequest(`Pointer \`${pointer}\` contains adjacent "/".`);
  if (pointer.length > 1 && pointer.endsWith('/'))
    throw errors.badRequest(`Pointer \`${pointer}\` end with "/".`);
  if (/~[^01]/.test(pointer) || pointer.endsWith('~'))
    throw errors.badRequest(`Pointer \`${pointer}\` contains "~" not part of a recognized escape sequence.`);
  const parts = pointer
    .replace(/^\/+/, '')
    .split('/')
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~').trim());
  if (parts.length !== 1)
    throw errors.badRequest(`Invalid JSON pointer for this resource: '/${parts.join('/')}'`);
  return parts[0] as string;
}

/** Parses and checks a patch document of the given draft; throws Glance's 400 (403 for base removal). */
export function parsePatch(body: unknown, draft: 4 | 10 = 10): PatchOperation[] {
  if (!Array.isArray(body))
    throw errors.badRequest('Request body must be a JSON array of operation objects.');
  if (body.length > MAX_OPERATIONS) throw errors.badRequest('Too many patch operations.');
  return body.map((raw: unknown) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw errors.badRequest('Operations must be JSON objects.');
    }
    const o = raw as Record<string, unknown>;
    const op = draft === 10 ? operationD10(o) : operationD4(o);
    if (draft === 10 && !('path' in o))
      throw errors.badRequest("Unable to find 'path' in JSON Schema change");
    const key = pointerKey(draft === 10 ? o.path : o[op]);
    // A remove ignores any other member (RFC 6902, as Glance does).
    if (op === 'remove') {
      if (CORE.has(key) && key !== 'name') throw errors.forbidden(`Cannot remove base attribute '${key}'.`);
      return { op, key };
    }
    if (!('value' in o)) throw errors.badRequest(`Operation "${op}" requires a member named "value".`);
    return { op, key, value: o.value };
  });
}
