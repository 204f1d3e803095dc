// Cinder's fault body, the same shape as Nova's: {"<faultName>": {"code": <status>, "message": "..."}}
// (cinder/api/openstack/wsgi.py Fault), with `retryAfter` on 413/429 when the error carries Retry-After.
import type { ApiError } from '../../common/errors/api-error.js';

const FAULT_NAMES: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  406: 'notAcceptable',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

export function cinderFaultName(status: number): string {
  return FAULT_NAMES[status] ?? 'computeFault';
}

/** What Cinder says for bodies it cannot parse (wsgi.py: MalformedRequestBody → "Malformed request body"). */
const MALFORMED = new Set(['MalformedBody']);

export function renderCinderError(err: ApiError, message: string): { body: unknown } {
  const retryAfter = err.headers?.['Retry-After'];
  const text = MALFORMED.has(err.code) ? 'Malformed request body' : message;
  const fault: Record<string, unknown> = { code: err.status, message: text };
  if ((err.status === 413 || err.status === 429) && retryAfter !== undefined) fault.retryAfter = retryAfter;
  return { body: { [cinderFaultName(err.status)]: fault } };
}
