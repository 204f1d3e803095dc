// Every route that takes a JSON body declares its schema, and the schema is enforced before the handler,
// in the API family's own error shape: a body with an unknown top-level field, a required field of the
// wrong type, or without a required field is a 400 — never a 500, never accepted. Bodies are built from
// each route's own declared schema (Fastify's `schema.body`, or the versioned schemas the compute and
// block-storage routes declare in their config, at the latest microversion), so a route is covered the
// day it is added.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegisteredRoute } from '../../src/app.js';
import { sampleOf, wrongTypeFor, type JsonSchema } from '../support/schema-sample.js';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
const UNKNOWN = 'nuage_unknown_field';

/** One body shape a route accepts: its schema, and how to wrap a body in it (action routes). */
interface BodyCase {
  label: string;
  schema: JsonSchema;
  wrap: (body: unknown) => unknown;
  headers: Record<string, string>;
}

type Versioned =
  JsonSchema | readonly { min?: number; max?: number; from?: number; to?: number; schema: JsonSchema }[];

/** The schema of the newest microversion (the entry without an upper bound). */
function latest(part: Versioned | undefined): JsonSchema | undefined {
  if (part === undefined) return undefined;
  if (!Array.isArray(part)) return part as JsonSchema;
  return part.find((p) => p.max === undefined && p.to === undefined)?.schema;
}

const plain = (body: unknown) => body;

type Declared = BodyCase[] | 'none' | 'raw' | undefined;

function bodyCases(route: RegisteredRoute): Declared {
  const config = (route.config ?? {}) as { nova?: any; cinder?: any; declaredBody?: unknown };
  const declared = route.bodySchema ?? config.declaredBody;
  if (declared === 'none' || declared === 'raw') return declared;
  if (declared !== undefined) {
    return [{ label: 'body', schema: declared as JsonSchema, wrap: plain, headers: {} }];
  }
  const family = config.nova ?? config.cinder;
  if (family === undefined) return undefined;
  const headers = config.nova
    ? { 'openstack-api-version': 'compute latest' }
    : { 'openstack-api-version': 'volume latest' };
  const cases: BodyCase[] = [];
  const body = latest(family.body);
  if (body) cases.push({ label: 'body', schema: body, wrap: plain, headers });
  for (const [action, declared] of Object.entries(family.actions ?? {})) {
    const schema = latest((declared as any)?.schema ?? declared);
    if (!schema) continue;
    // An action's schema is the whole body ({"<action>": …}) in Nova and Cinder alike.
    cases.push({ label: `action ${action}`, schema, wrap: plain, headers });
  }
  return cases.length > 0 ? cases : undefined;
}

/** The real API looks the path's resource up before the body (Barbican's container secrets). */
function pathFirst(route: RegisteredRoute): boolean {
  return (route.config as { pathFirst?: boolean } | undefined)?.pathFirst === true;
}

/** The error shape of each API family (ARCHITECTURE.md, Errors). */
function familyShape(url: string, json: any): boolean {
  if (url.startsWith('/identity')) {
    return typeof json?.error?.message === 'string' && typeof json?.error?.code === 'number';
  }
  if (url.startsWith('/network')) return typeof json?.NeutronError?.message === 'string';
  if (url.startsWith('/image')) return typeof json?.message === 'string' || typeof json?.code === 'number';
  if (url.startsWith('/key-manager'))
    return typeof json?.title === 'string' || typeof json?.description === 'string';
  // CloudKitty's v1 API (WSME): {"faultcode": "Client", "faultstring": "...", "debuginfo": null}.
  if (url.startsWith('/rating')) return typeof json?.faultstring === 'string';
  const inner = Object.values(json ?? {})[0] as any;
  return typeof inner?.message === 'string' && typeof inner?.code === 'number';
}

async function send(route: RegisteredRoute, body: unknown, headers: Record<string, string>) {
  const url = route.url.replace(/:[A-Za-z_]+/g, NO_SUCH_ID);
  const contentType =
    route.method === 'PATCH' && route.url.startsWith('/image/')
      ? 'application/openstack-images-v2.1-json-patch'
      : 'application/json';
  const res = await fetch(`${t.url}${url}`, {
    method: route.method,
    headers: { 'x-auth-token': t.adminToken, 'content-type': contentType, ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/** The field may be anything (Nova's bodiless actions: `{"os-start": null}`): no type to get wrong. */
function constrained(schema: JsonSchema | undefined): boolean {
  return (
    schema !== undefined &&
    (schema.type !== undefined || schema.enum !== undefined || schema.const !== undefined)
  );
}

/**
 * The broken variants of a valid body: an unknown top-level field (unless the schema admits other
 * fields by design, as Glance's custom properties or Cinder's metadata bodies do: then it must be of
 * the admitted type, so a boolean is refused where strings are admitted), each required field missing
 * or of the wrong type.
 */
function brokenBodies(schema: JsonSchema): [string, unknown][] {
  const valid = sampleOf(schema) as Record<string, unknown>;
  const out: [string, unknown][] = [];
  if (schema.additionalProperties !== true)
    out.push(['unknown top-level field', { ...valid, [UNKNOWN]: true }]);
  for (const name of schema.required ?? []) {
    const rest = { ...valid };
    delete rest[name];
    out.push([`missing ${name}`, rest]);
    const property = schema.properties?.[name];
    if (constrained(property))
      out.push([`wrong type for ${name}`, { ...valid, [name]: wrongTypeFor(property) }]);
  }
  return out;
}

function jsonWrites(): RegisteredRoute[] {
  return t.routes.filter(
    (r) => ['POST', 'PUT', 'PATCH'].includes(r.method) && !r.url.startsWith('/object-store'),
  );
}

describe('declared input schemas', () => {
  it('every JSON route declares its body schema', () => {
    const routes = jsonWrites();
    expect(routes.length).toBeGreaterThan(100);
    const undeclared = routes.filter((r) => bodyCases(r) === undefined).map((r) => `${r.method} ${r.url}`);
    expect(undeclared).toEqual([]);
  });

  it('answers a body sent to a route that takes none as it answers an empty one', async () => {
    const bodiless = jsonWrites().filter((r) => bodyCases(r) === 'none');
    expect(bodiless.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const route of bodiless) {
      const empty = await send(route, {}, {});
      const some = await send(route, { [UNKNOWN]: true }, {});
      if (some.status !== empty.status || some.status >= 500) {
        problems.push(`${route.method} ${route.url}: {} → ${empty.status}, a body → ${some.status}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('refuses unknown fields, wrong types and missing required fields with a 400 in the family shape', async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const route of jsonWrites()) {
      const declared = bodyCases(route);
      if (!Array.isArray(declared)) continue;
      for (const c of declared) {
        if (c.schema.type !== 'object') continue;
        for (const [what, body] of brokenBodies(c.schema)) {
          checked++;
          const r = await send(route, c.wrap(body), c.headers);
          const refused = r.status === 400 || (pathFirst(route) && r.status === 404);
          if (!refused || !familyShape(route.url, r.json)) {
            problems.push(
              `${route.method} ${route.url} ${c.label} (${what}) → ${r.status} ${r.text.slice(0, 120)}`,
            );
          }
        }
      }
    }
    console.log(`input schemas: ${checked} broken bodies sent`);
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(300);
  });
});
