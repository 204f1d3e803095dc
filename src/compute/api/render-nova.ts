// Nova's fault body: {"<faultName>": {"code": <status>, "message": "..."}}, with the fault name Nova's
// WSGI layer uses for each status (nova/api/openstack/wsgi.py Fault._fault_names).
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

export function novaFaultName(status: number): string {
  return FAULT_NAMES[status] ?? 'computeFault';
}

export function renderNovaError(err: ApiError, message: string): { body: unknown } {
  return { body: { [novaFaultName(err.status)]: { code: err.status, message } } };
}
