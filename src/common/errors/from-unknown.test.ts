import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { toApiError } from './from-unknown.js';

function framework(statusCode: number, code = 'FST_SOMETHING_NEW'): Error {
  return Object.assign(new Error('framework said no'), { statusCode, code });
}

describe('toApiError', () => {
  it('passes our own errors through', () => {
    const own = new ApiError(409, 'Conflict', 'taken');
    expect(toApiError(own)).toBe(own);
  });

  it('gives a framework 4xx the code that matches its status', () => {
    expect([413, 415, 405, 416].map((s) => [s, toApiError(framework(s)).code])).toEqual([
      [413, 'PayloadTooLarge'],
      [415, 'UnsupportedMediaType'],
      [405, 'MethodNotAllowed'],
      [416, 'RangeNotSatisfiable'],
    ]);
  });

  it('keeps a framework status it has no code for, under BadRequest', () => {
    const e = toApiError(framework(414));
    expect([e.status, e.code]).toEqual([414, 'BadRequest']);
  });

  it('maps the named framework errors and database conflicts', () => {
    expect(toApiError(framework(400, 'FST_ERR_CTP_INVALID_JSON_BODY')).code).toBe('MalformedBody');
    expect(toApiError(Object.assign(new Error('dup'), { code: '23505' })).status).toBe(409);
    expect(toApiError(Object.assign(new Error('fk'), { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' })).status).toBe(
      409,
    );
  });

  it('hides anything else behind a 500', () => {
    const e = toApiError(new Error('secret detail'));
    expect([e.status, e.code]).toEqual([500, 'InternalError']);
    expect(e.message).not.toContain('secret detail');
  });
});
