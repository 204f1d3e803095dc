// Every route, sent the header and body variants that real clients use for the same request
// (openstacksdk/keystoneauth add `; charset=UTF-8`, gophercloud sends `Accept: application/json`, curl
// `*/*`, Tempest an empty JSON body on PUT and DELETE, browsers HEAD): the answer must not depend on the
// variant, and none may be a 5xx or a 415. Each route is called with a real admin token, so the
// answers come from the handlers, not the auth hook.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

function concrete(url: string): string {
  return url.replace(/:[A-Za-z_]+/g, NO_SUCH_ID).replace(/\*$/, 'nuage-no-such-container/o');
}

/** Routes whose requests the OpenStack JSON variants do not apply to (bodies are bytes, XML or forms). */
function takesJson(url: string): boolean {
  return !url.startsWith('/object-store/') && !/\/file$|\/stage$/.test(url);
}

/** The JSON media type a route takes: Glance's PATCH takes JSON Patch under its own type. */
function jsonType(route: { method: string; url: string }): string {
  return route.method === 'PATCH' && route.url.startsWith('/image/')
    ? 'application/openstack-images-v2.1-json-patch'
    : 'application/json';
}

async function status(method: string, url: string, headers: Record<string, string>, body?: string) {
  const res = await fetch(`${t.url}${url}`, {
    method,
    headers: { 'x-auth-token': t.adminToken, ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, length: text.length };
}

function bad(s: number): boolean {
  return s >= 500 || s === 415;
}

describe('request variants on every route', () => {
  const routes = () =>
    t.routes.filter((r) => r.method !== 'OPTIONS' && r.method !== 'HEAD' && takesJson(r.url));

  it('answers JSON bodies the same with or without a charset, never 5xx/415', async () => {
    const writes = routes().filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method));
    expect(writes.length).toBeGreaterThan(50);
    const problems: string[] = [];
    for (const route of writes) {
      const url = concrete(route.url);
      const type = jsonType(route);
      const body = type === 'application/json' ? '{}' : '[]';
      const plain = await status(route.method, url, { 'content-type': type }, body);
      for (const contentType of [`${type}; charset=UTF-8`, `${type};charset=utf-8`]) {
        const variant = await status(route.method, url, { 'content-type': contentType }, body);
        if (variant.status !== plain.status || bad(variant.status)) {
          problems.push(
            `${route.method} ${route.url}: ${contentType} → ${variant.status}, plain → ${plain.status}`,
          );
        }
      }
      if (bad(plain.status)) problems.push(`${route.method} ${route.url}: {} → ${plain.status}`);
    }
    expect(problems).toEqual([]);
  });

  it('treats an empty JSON body as no body, never 5xx/415', async () => {
    const problems: string[] = [];
    for (const route of routes().filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method))) {
      const r = await status(route.method, concrete(route.url), { 'content-type': jsonType(route) }, '');
      if (bad(r.status)) problems.push(`${route.method} ${route.url} → ${r.status}`);
    }
    expect(problems).toEqual([]);
  });

  it('answers GET the same whatever Accept says, and HEAD like GET without a body', async () => {
    const reads = routes().filter((r) => r.method === 'GET');
    expect(reads.length).toBeGreaterThan(50);
    const problems: string[] = [];
    for (const route of reads) {
      const url = concrete(route.url);
      const plain = await status('GET', url, {});
      for (const accept of ['application/json', '*/*', 'application/json, text/plain, */*']) {
        const variant = await status('GET', url, { accept });
        if (variant.status !== plain.status || bad(variant.status)) {
          problems.push(`GET ${route.url}: Accept ${accept} → ${variant.status}, none → ${plain.status}`);
        }
      }
      const head = await status('HEAD', url, {});
      if (head.status !== plain.status || head.length !== 0) {
        problems.push(`HEAD ${route.url} → ${head.status} (${head.length} bytes), GET → ${plain.status}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
