// The response contract: every JSON response a contract test receives is validated against the schema
// the real service's conformance suite uses (Tempest's response schemas, with Tempest's own validator:
// scripts/conformance/validate-responses.py on Debian's tempest package), chosen by route and by the
// microversion the server echoed. A route table maps each registered route to its schema, or says why
// none exists; `assertCoverage()` fails when a route is missing from the table or was never validated.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { RegisteredRoute } from '../../src/app.js';

const VALIDATOR = path.resolve(import.meta.dirname, '../../scripts/conformance/validate-responses.py');
const OUR_SCHEMAS = path.resolve(import.meta.dirname, '../contract/schemas');

/**
 * A schema of Tempest's: `client` picks the module per microversion as Tempest does; `module` is fixed.
 * For the APIs Tempest has no schemas for (Keystone, Glance, Neutron), `file` names one of ours under
 * test/contract/schemas/, written from the service's api-ref in Tempest's shape
 * (`{"status_code": [200], "response_body": {...}}`) and checked by the same validator.
 */
export type SchemaRef =
  | { client: string; schema: string; file?: never }
  | { module: string; schema: string; file?: never }
  | { file: string };

/** Why a route has no Tempest schema (e.g. "Tempest has no schema for os-services PUT"). */
export interface NoSchema {
  none: string;
  file?: never;
}

/** Keyed by "METHOD /route/pattern/:param", exactly as Fastify registered it. */
export type ContractTable = Record<string, SchemaRef | NoSchema>;

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as `OpenStack-API-Version: <service> <version>`; the echoed version picks the schema. */
  microversion?: { service: 'compute' | 'volume'; version: string };
}

export interface ContractResponse {
  status: number;
  headers: Headers;
  json: any;
  text: string;
}

interface Pending {
  resolve: (r: { ok: boolean; error?: string }) => void;
}

/** Tempest's JSON schema validator as a child process, one JSON line per response. */
class TempestValidator {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, Pending>();
  private next = 1;
  private exitError: string | undefined;

  constructor() {
    this.child = spawn('/usr/bin/python3', [VALIDATOR], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    this.child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    this.child.on('exit', (code) => {
      this.exitError = `the Tempest validator exited (${code}): ${stderr.slice(-2000)}`;
      for (const p of this.pending.values()) p.resolve({ ok: false, error: this.exitError });
      this.pending.clear();
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const out = JSON.parse(line) as { id: number; ok: boolean; error?: string };
      this.pending.get(out.id)?.resolve(out);
      this.pending.delete(out.id);
    });
  }

  validate(record: Record<string, unknown>): Promise<{ ok: boolean; error?: string }> {
    if (this.exitError) return Promise.resolve({ ok: false, error: this.exitError });
    const id = this.next++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve });
      this.child.stdin.write(`${JSON.stringify({ ...record, id })}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
  }
}

/** The registered route a concrete path hits: static segments beat parameters, as in Fastify. */
export function matchRoute(routes: RegisteredRoute[], method: string, url: string): string | undefined {
  const segments = new URL(url, 'http://x').pathname.split('/');
  let best: { key: string; score: number } | undefined;
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.url.split('/');
    if (pattern.length !== segments.length && !route.url.endsWith('*')) continue;
    let score = 0;
    let ok = true;
    for (let i = 0; i < pattern.length && ok; i++) {
      const p = pattern[i] as string;
      if (p === '*') break;
      if (p.startsWith(':')) continue;
      if (p === segments[i]) score++;
      else ok = false;
    }
    if (ok && (!best || score > best.score)) best = { key: `${method} ${route.url}`, score };
  }
  return best?.key;
}

/** Shortens Tempest's message to its first line, the failing keyword and the failing instance path. */
function shorten(error: string): string {
  const lines = error.split('\n');
  const keep = lines.filter(
    (l, i) => i < 2 || l.startsWith('Failed validating') || l.startsWith('On instance'),
  );
  return keep.join('\n').slice(0, 1500);
}

export interface ResponseContract {
  /** Sends a request; a 2xx/3xx answer is validated against its route's schema (throws if it fails). */
  call(method: string, url: string, options?: CallOptions): Promise<ContractResponse>;
  /** Every route under `prefix` is in the table; every route with a schema was validated at least once. */
  assertCoverage(prefix: string): { routes: number; validated: number; withoutSchema: number };
  close(): void;
}

export function responseContract(
  baseUrl: string,
  routes: RegisteredRoute[],
  table: ContractTable,
): ResponseContract {
  const validator = new TempestValidator();
  const validated = new Set<string>();

  async function call(method: string, url: string, options: CallOptions = {}): Promise<ContractResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.token) headers['x-auth-token'] = options.token;
    if (options.microversion) {
      headers['openstack-api-version'] = `${options.microversion.service} ${options.microversion.version}`;
    }
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${baseUrl}${url}`, { method, headers, body });
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    const response = { status: res.status, headers: res.headers, json, text };
    if (res.status >= 400) return response;
    const key = matchRoute(routes, method, url);
    if (!key) throw new Error(`${method} ${url} matches no registered route`);
    const ref = table[key];
    if (!ref) throw new Error(`${key} is not in the contract table`);
    if ('none' in ref) return response;
    const echoed = res.headers.get('openstack-api-version')?.split(' ')[1];
    const result = await validator.validate({
      ...(typeof ref.file === 'string' ? { file: path.join(OUR_SCHEMAS, ref.file) } : ref),
      microversion: echoed ?? null,
      status: res.status,
      headers: Object.fromEntries(res.headers.entries()),
      body: json,
    });
    if (!result.ok)
      throw new Error(`${method} ${url} (${key}) breaks its schema:\n${shorten(result.error ?? '')}`);
    validated.add(key);
    return response;
  }

  function assertCoverage(prefix: string) {
    const keys = routes
      .filter((r) => r.url.startsWith(prefix) && r.method !== 'HEAD' && r.method !== 'OPTIONS')
      .map((r) => `${r.method} ${r.url}`);
    const missing = keys.filter((k) => !(k in table));
    if (missing.length) throw new Error(`routes missing from the contract table:\n${missing.join('\n')}`);
    const withSchema = keys.filter((k) => !('none' in (table[k] as object)));
    const unvalidated = withSchema.filter((k) => !validated.has(k));
    if (unvalidated.length) throw new Error(`routes never validated:\n${unvalidated.join('\n')}`);
    return {
      routes: keys.length,
      validated: withSchema.length,
      withoutSchema: keys.length - withSchema.length,
    };
  }

  return { call, assertCoverage, close: () => validator.close() };
}
