// The persona matrix (issue 16): every route of the OpenStack listener, called by each of ten personas
// on real resources of one target project, must answer what test/support/persona-table.ts says. A
// route missing from the table, or a row for a route that no longer exists, fails. The table itself is
// checked against secure-RBAC invariants (readers never write, other projects get 404 not 403, …);
// known deviations are listed in BUGS there, each with why.
// HEAD mirrors GET and OPTIONS is anonymous CORS preflight, so both are left out (as in auth-coverage);
// so are the web console's built files (the same bytes for everyone, and only there after a build).
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createFixtures, decorate, type Factory, type Fixtures } from '../support/persona-fixtures.js';
import { concretePath, targetKind } from '../support/persona-paths.js';
import { BUGS, TABLE, invariantProblems } from '../support/persona-table.js';
import { PERSONAS, createWorld, type Persona, type World } from '../support/personas.js';

let t: TestApp;
let w: World;
let fx: Fixtures;
let make: Record<string, Factory>;

beforeAll(async () => {
  t = await startTestApp();
  w = await createWorld(t);
  ({ fx, make } = await createFixtures(t, w));
  await decorate(t, w, fx);
}, 120_000);
afterAll(async () => t?.close());

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'COPY']);

/** The outcome as the table spells it: `ok` for 2xx/3xx, else the status code. */
function outcome(status: number): string {
  return status < 400 ? 'ok' : String(status);
}

/** Sends one request; JSON `{}` on writes (Glance's PATCH takes a JSON Patch `[]`), nothing on Swift. */
async function send(persona: Persona, method: string, url: string, path: string): Promise<string> {
  const token = w.tokens[persona];
  const swift = url.startsWith('/object-store/');
  const patch = method === 'PATCH' && url.startsWith('/image/');
  const hasBody = WRITES.has(method) && method !== 'DELETE' && !swift;
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: {
      // Microversions every route answers at: server tags need 2.26, Nova's image proxy ends after 2.35.
      'openstack-api-version': 'compute 2.35, volume 3.71',
      ...(token ? { 'x-auth-token': token } : {}),
      ...(hasBody
        ? { 'content-type': patch ? 'application/openstack-images-v2.1-json-patch' : 'application/json' }
        : {}),
    },
    body: hasBody ? (patch ? '[]' : '{}') : swift && method !== 'GET' && method !== 'DELETE' ? '' : undefined,
  });
  await res.arrayBuffer();
  return outcome(res.status);
}

/** Puts back what a DELETE of the shared target removed: a new fixture of its kind, or keys and tags. */
async function restore(url: string): Promise<void> {
  const kind = targetKind(url);
  const factory = kind ? make[kind] : undefined;
  if (factory && kind) fx[kind] = await factory();
  await decorate(t, w, fx);
  const res = await fetch(`${t.url}${concretePath(url, w, fx)}`, {
    method: 'PUT',
    headers: { 'x-auth-token': t.adminToken },
  });
  await res.arrayBuffer();
}

/**
 * A DELETE row gives each persona the table does not refuse a fresh resource of its own when the route
 * names one; refused personas are sent to the shared target, restored after any persona removed it.
 */
async function pathFor(method: string, url: string, expected: string | undefined): Promise<string> {
  const kind = targetKind(url);
  const factory = kind ? make[kind] : undefined;
  const refused = expected === '401' || expected === '403' || expected === '404';
  if (method !== 'DELETE' || refused || !factory || !kind) return concretePath(url, w, fx);
  return concretePath(url, w, { ...fx, [kind]: await factory() });
}

function routeKeys(): string[] {
  return t.routes
    .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && !r.staticFile)
    .map((r) => `${r.method} ${r.url}`);
}

describe('persona matrix', () => {
  it('has one row per route, and none for a route that is gone', () => {
    const keys = routeKeys();
    expect(keys.filter((k) => !(k in TABLE))).toEqual([]);
    expect(Object.keys(TABLE).filter((k) => !keys.includes(k))).toEqual([]);
    expect(Object.keys(BUGS).filter((k) => !(k in TABLE))).toEqual([]);
  });

  it('keeps the table to the secure-RBAC invariants, except the listed bugs', () => {
    expect(invariantProblems(t.routes)).toEqual([]);
  });

  it('answers every route as the table says, for every persona', async () => {
    const keys = routeKeys();
    // Destructive rows last, so what they delete is never missed by a later read.
    keys.sort((a, b) => Number(a.startsWith('DELETE ')) - Number(b.startsWith('DELETE ')));
    const observed: Record<string, string> = {};
    const mismatches: string[] = [];
    const write = () =>
      process.env.PERSONA_MATRIX_WRITE &&
      writeFileSync(process.env.PERSONA_MATRIX_WRITE, JSON.stringify(observed, null, 1));
    for (const key of keys) {
      write();
      const [method, url] = key.split(' ') as [string, string];
      const got: string[] = [];
      const expected = TABLE[key]?.split(' ');
      for (const [i, persona] of PERSONAS.entries()) {
        const path = await pathFor(method, url, expected?.[i]);
        got.push(await send(persona, method, url, path));
        if (method === 'DELETE' && got.at(-1) === 'ok' && path === concretePath(url, w, fx))
          await restore(url);
      }
      observed[key] = got.join(' ');
      if (TABLE[key] !== observed[key]) {
        mismatches.push(`${key}\n    table    ${TABLE[key]}\n    observed ${observed[key]}`);
      }
    }
    write();
    console.log(
      `persona matrix: ${keys.length} routes × ${PERSONAS.length} personas = ${keys.length * PERSONAS.length} checks`,
    );
    expect(mismatches).toEqual([]);
  }, 300_000);
});
