import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../common/errors/api-error.js';
import { parseSwiftPath } from './swift-path.js';

const status = (fn: () => unknown) => {
  try {
    fn();
    return 0;
  } catch (e) {
    return e instanceof ApiError ? e.status : -1;
  }
};

describe('parseSwiftPath', () => {
  it('splits account, container and an object name that keeps slashes and dots', () => {
    expect(parseSwiftPath('AUTH_p1/c/a/../b')).toEqual({
      account: 'AUTH_p1',
      projectId: 'p1',
      container: 'c',
      object: 'a/../b',
    });
    expect(parseSwiftPath('AUTH_p1/c/a%2Fb')).toMatchObject({ object: 'a/b' });
    expect(parseSwiftPath('AUTH_p1/c')).toMatchObject({ container: 'c', object: undefined });
    expect(parseSwiftPath('AUTH_p1')).toMatchObject({ container: undefined });
    expect(parseSwiftPath('AUTH_p1/%E6%97%A5/%F0%9F%98%80')).toMatchObject({ container: '日', object: '😀' });
  });

  it('rejects NUL and invalid UTF-8 with 412, long names with 400, foreign accounts with 404', () => {
    expect(status(() => parseSwiftPath('AUTH_p/c/a%00b'))).toBe(412);
    expect(status(() => parseSwiftPath('AUTH_p/c/%FF'))).toBe(412);
    expect(status(() => parseSwiftPath(`AUTH_p/c/${'x'.repeat(1025)}`))).toBe(400);
    expect(status(() => parseSwiftPath(`AUTH_p/c/${'x'.repeat(1024)}`))).toBe(0);
    expect(status(() => parseSwiftPath('AUTH_p/c/%zz'))).toBe(400);
    expect(status(() => parseSwiftPath('nope/c'))).toBe(404);
  });
});
