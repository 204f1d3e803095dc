// Integration harness for the Swift API: the real application (buildApp) on a loopback port with the
// object store's start-up recovery and its expiry reaper running (on a short interval), the data dir
// exposed for on-disk checks, and helpers to make Keystone projects and users and to send raw HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../src/app.js';
import { systemClock } from '../../src/common/clock.js';
import { loadConfig } from '../../src/config/load.js';
import { migrateToLatest, openDatabase } from '../../src/db/kysely.js';
import { bootstrapIdentity, syncCatalog } from '../../src/identity/bootstrap.js';
import { issueToken, passwordAuth } from './app.js';
import { createScratchDatabase, type ScratchDatabase } from './postgres.js';

export interface SwiftTestApp {
  url: string;
  identityUrl: string;
  adminToken: string;
  /** The admin project's id: `${swiftUrl(adminProjectId)}` is the admin's own account. */
  adminProjectId: string;
  dataDir: string;
  /** Errors the expiry reaper reported (tests assert this stays empty). */
  reaperErrors: unknown[];
  /** `${url}/object-store/v1/AUTH_${projectId}`. */
  swiftUrl(projectId: string): string;
  close(): Promise<void>;
}

export interface SwiftTestAppOptions {
  /** How often the reaper deletes expired objects; default 1 s so X-Delete-After tests stay short. */
  expirerIntervalSeconds?: number;
}

/** Starts the app; with TEST_PG_URL set it runs on a fresh PostgreSQL database, else on SQLite. */
export async function startSwiftTestApp(options: SwiftTestAppOptions = {}): Promise<SwiftTestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nuage-swift-it-'));
  const pgBase = process.env.TEST_PG_URL;
  let scratch: ScratchDatabase | undefined;
  if (pgBase) scratch = await createScratchDatabase(pgBase, 'nuage_swift_it');
  const config = loadConfig({
    overrides: {
      dataDir,
      listen: '127.0.0.1:0',
      databaseUrl: scratch?.url ?? '',
      logLevel: 'silent',
      'objectStore.expirerIntervalSeconds': options.expirerIntervalSeconds ?? 1,
    },
  });
  const handle = openDatabase({ url: config.databaseUrl, dataDir });
  await migrateToLatest(handle.db);
  const { app, identity, objectStore, served } = await buildApp({
    config,
    db: handle.db,
    dialect: handle.dialect,
    clock: systemClock,
    logger: false,
  });
  const boot = await bootstrapIdentity(identity.stores, {
    clock: systemClock,
    region: config.region,
    adminProjectName: 'admin',
  });
  await objectStore.recover();
  const reaperErrors: unknown[] = [];
  objectStore.startReaper((err) => reaperErrors.push(err));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  await syncCatalog(identity.stores, { region: config.region, publicUrl: url, served });
  const identityUrl = `${url}/identity`;
  const adminToken = await issueToken(
    identityUrl,
    passwordAuth('admin', boot.newAdminPassword as string, 'admin'),
  );
  return {
    url,
    identityUrl,
    adminToken,
    adminProjectId: boot.adminProjectId,
    dataDir,
    reaperErrors,
    swiftUrl: (projectId) => `${url}/object-store/v1/AUTH_${projectId}`,
    async close() {
      objectStore.stop();
      // A client may still hold a keep-alive connection whose streamed response just ended; close()
      // would wait for it to go idle, so cut every connection first.
      app.server.closeAllConnections();
      await app.close();
      await handle.close();
      await scratch?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ProjectUser {
  projectId: string;
  userId: string;
  userName: string;
  password: string;
  /** A token scoped to the project. */
  token: string;
}

async function keystone(app: SwiftTestApp, method: string, path: string, body?: unknown) {
  const res = await fetch(`${app.identityUrl}${path}`, {
    method,
    headers: {
      'x-auth-token': app.adminToken,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, any>) : {};
}

/** Creates a project (unless `projectId` names an existing one) and a user holding `role` on it. */
export async function createProjectUser(
  app: SwiftTestApp,
  opts: {
    userName: string;
    role: 'member' | 'reader' | 'admin' | 'ResellerAdmin';
    projectName?: string;
    projectId?: string;
  },
): Promise<ProjectUser> {
  let projectId = opts.projectId;
  if (!projectId) {
    const created = await keystone(app, 'POST', '/v3/projects', {
      project: { name: opts.projectName ?? `${opts.userName}-project`, domain_id: 'default' },
    });
    projectId = created.project.id as string;
  }
  const project = await keystone(app, 'GET', `/v3/projects/${projectId}`);
  const password = `pw-${opts.userName}-Secret1`;
  const user = await keystone(app, 'POST', '/v3/users', {
    user: { name: opts.userName, password, domain_id: 'default' },
  });
  const roles = await keystone(app, 'GET', `/v3/roles?name=${opts.role}`);
  const roleId = roles.roles[0].id as string;
  await keystone(app, 'PUT', `/v3/projects/${projectId}/users/${user.user.id}/roles/${roleId}`);
  const token = await issueToken(
    app.identityUrl,
    passwordAuth(opts.userName, password, project.project.name as string),
  );
  return { projectId, userId: user.user.id as string, userName: opts.userName, password, token };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One request with node:http and the path sent byte for byte (no `..` collapsing, no re-encoding), so
 * names like `../../etc/x` reach the server as written. `body` may be a Buffer or an async generator.
 */
export function rawRequest(
  baseUrl: string,
  opts: {
    method: string;
    path: string;
    headers?: Record<string, string | number>;
    body?: Buffer | string | AsyncIterable<Buffer>;
  },
): Promise<RawResponse> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method: opts.method,
        path: opts.path,
        headers: opts.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    const body = opts.body;
    if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) {
      req.end(body);
      return;
    }
    void (async () => {
      try {
        for await (const chunk of body) {
          if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        }
        req.end();
      } catch (err) {
        req.destroy(err as Error);
      }
    })();
  });
}

/** Polls `check` every `intervalMs` until it returns true; throws after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  { timeoutMs = 10_000, intervalMs = 100 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface OpenSocket {
  socket: net.Socket;
  /** Everything the server sent until the connection closed (or `timeoutMs` passed). */
  response: Promise<string>;
}

/**
 * A raw TCP connection for requests node:http would refuse to send (a body shorter than its
 * Content-Length, no length at all, a connection dropped mid-body). Writes `head` (request line and
 * headers, without the blank line) and `body`; the caller decides how the connection ends.
 */
export function openSocket(baseUrl: string, head: string, body: Buffer, timeoutMs = 10_000): OpenSocket {
  const base = new URL(baseUrl);
  const socket = net.connect({ host: base.hostname, port: Number(base.port) });
  const response = new Promise<string>((resolve) => {
    let text = '';
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
  socket.write(`${head}\r\n\r\n`);
  if (body.length > 0) socket.write(body);
  return { socket, response };
}
