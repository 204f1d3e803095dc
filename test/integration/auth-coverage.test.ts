// Every route that is not explicitly public answers 401 to an anonymous caller, whatever the body or
// path parameters: a route added without authentication fails this test (STYLE.md 3.8).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

/** A concrete path for a route pattern: parameters and wildcards get harmless values. */
function concrete(url: string): string {
  return url
    .replace(/:[A-Za-z_]+/g, '00000000-0000-4000-8000-000000000000')
    .replace(/\*$/, 'AUTH_nobody/c/o');
}

describe('auth coverage', () => {
  it('answers 401 without a token on every non-public route', async () => {
    // HEAD mirrors GET; OPTIONS is CORS preflight, anonymous by design; /object-store/v1 with no account
    // names nothing and answers 404 to everyone.
    const guarded = t.routes.filter(
      (r) => !r.public && r.method !== 'HEAD' && r.method !== 'OPTIONS' && r.url !== '/object-store/v1',
    );
    expect(guarded.length).toBeGreaterThan(100);
    const unguarded: string[] = [];
    for (const route of guarded) {
      const hasBody = !['GET', 'DELETE'].includes(route.method);
      const res = await fetch(`${t.url}${concrete(route.url)}`, {
        method: route.method,
        headers: hasBody ? { 'content-type': 'application/json' } : {},
        body: hasBody ? '{}' : undefined,
      });
      await res.arrayBuffer();
      if (res.status !== 401) unguarded.push(`${route.method} ${route.url} → ${res.status}`);
    }
    expect(unguarded).toEqual([]);
  });
});
