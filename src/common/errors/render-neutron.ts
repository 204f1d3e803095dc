// Neutron's error body: {"NeutronError": {"type": "NetworkNotFound", "message": "...", "detail": ""}}.
// The type is the Neutron exception name when the error carries one (internalContext.neutronType),
// else derived from the resource kind for 404s, else from the status.
import type { ApiError } from './api-error.js';

const BY_STATUS: Record<number, string> = {
  400: 'BadRequest',
  401: 'NotAuthorized',
  403: 'PolicyNotAuthorized',
  404: 'NotFound',
  405: 'HTTPMethodNotAllowed',
  409: 'Conflict',
  413: 'OverQuota',
  500: 'InternalServerError',
  501: 'NotImplemented',
  503: 'ServiceUnavailable',
};

function pascal(kind: string): string {
  return kind
    .split(/[_\s-]+/)
    .map((w) => (w === 'ip' ? 'IP' : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('');
}

export function neutronErrorType(err: ApiError): string {
  const ctx = err.internalContext ?? {};
  if (typeof ctx.neutronType === 'string') return ctx.neutronType;
  if (err.status === 404 && typeof ctx.kind === 'string') return `${pascal(ctx.kind)}NotFound`;
  return BY_STATUS[err.status] ?? 'NeutronError';
}

export function renderNeutronError(err: ApiError, message: string): { body: unknown } {
  return { body: { NeutronError: { type: neutronErrorType(err), message, detail: '' } } };
}
