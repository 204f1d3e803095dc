import { describe, expect, it } from 'vitest';
import { redactUrl } from './log-serializers.js';

describe('redactUrl', () => {
  it('masks signature and credential query values but keeps the rest', () => {
    expect(redactUrl('/b/k?X-Amz-Credential=AK%2F1&X-Amz-Signature=abc&x=1')).toBe(
      '/b/k?X-Amz-Credential=***&X-Amz-Signature=***&x=1',
    );
    expect(redactUrl('/v1/AUTH_x/c/o?temp_url_sig=deadbeef&temp_url_expires=1')).toBe(
      '/v1/AUTH_x/c/o?temp_url_sig=***&temp_url_expires=1',
    );
    expect(redactUrl('/v3/projects?name=a')).toBe('/v3/projects?name=a');
  });
});
