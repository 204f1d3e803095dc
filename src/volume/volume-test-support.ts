// Test support for the block-storage module before it is wired into app.ts: an in-memory SQLite
// database with the volume migration, a token validator that knows fixed callers, the real file
// backend under a temporary directory (real qemu-img), and in-memory image, object-store and host
// collaborators. Used by the volume tests only.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { systemClock } from '../common/clock.js';
import { errors } from '../common/errors/codes.js';
import type { AuthContext, TokenValidator } from '../common/http/context.js';
import { up } from '../db/migrations/2026-12-01-volume.js';
import { up as upAdminMetadata } from '../db/migrations/2026-12-07-volume-admin-metadata.js';
import { up as upWorkLeases } from '../db/migrations/2026-12-07-work-leases.js';
import { createFileBackend } from './backend/file-backend.js';
import {
  BackupObjectMissing,
  type BackupObjects,
  type ImageUploader,
  type VolumeHost,
  type VolumeImages,
} from './collaborators.js';
import { createVolumeModule, type VolumeModule } from './index.js';
import type { VolumeQuota } from './model.js';
import type { VolumeTables } from './volume-tables.js';

const execFileAsync = promisify(execFile);

export const IMAGE_ID = '33333333-3333-4333-8333-333333333333';
export const SERVER_ID = '44444444-4444-4444-8444-444444444444';

export function caller(token: string): AuthContext {
  const admin = token === 'admin';
  const project = admin ? 'p-admin' : token === 'other' ? 'p-other' : 'p-user';
  return {
    userId: `u-${token}`,
    userName: token,
    userDomainId: 'default',
    userDomainName: 'Default',
    scope: {
      kind: 'project',
      projectId: project,
      projectName: project,
      domainId: 'default',
      domainName: 'Default',
    },
    roles: [{ id: admin ? 'r-admin' : 'r-member', name: admin ? 'admin' : 'member' }],
    roleNames: new Set(admin ? ['admin', 'member', 'reader'] : ['member', 'reader']),
    isAdminProject: admin,
    methods: ['password'],
    auditIds: ['a'],
    issuedAt: new Date(),
    expiresAt: new Date(Date.now() + 3_600_000),
  };
}

const validator: TokenValidator = {
  async validate(token) {
    if (!['admin', 'user', 'other'].includes(token)) throw errors.unauthorized();
    return caller(token);
  },
};

/** Backup objects in memory, keyed by project/container/name. */
export function memoryObjects(): BackupObjects & { data: Map<string, Buffer>; failPutsAfter?: number } {
  const data = new Map<string, Buffer>();
  const key = (p: string, c: string, n: string) => `${p}/${c}/${n}`;
  const objects = {
    data,
    /** When set: that many more puts succeed, then every put fails (fault injection). */
    failPutsAfter: undefined as number | undefined,
    ensureContainer: async () => undefined,
    async put(p: string, c: string, n: string, body: Buffer) {
      if (objects.failPutsAfter !== undefined && objects.failPutsAfter-- <= 0)
        throw new Error('injected put failure');
      data.set(key(p, c, n), Buffer.from(body));
    },
    async get(p: string, c: string, n: string) {
      const b = data.get(key(p, c, n));
      if (!b) throw new BackupObjectMissing(n);
      return b;
    },
    delete: async (p: string, c: string, n: string) => void data.delete(key(p, c, n)),
  };
  return objects;
}

/** A host whose servers are a set; attach/detach calls are recorded. */
export function fakeHost(): VolumeHost & {
  plugged: Map<string, string>;
  calls: string[];
  failNext?: boolean;
} {
  const plugged = new Map<string, string>();
  const calls: string[] = [];
  const host = {
    plugged,
    calls,
    failNext: false as boolean | undefined,
    async checkServer(_auth: AuthContext, serverId: string) {
      if (serverId !== SERVER_ID) throw errors.notFound('server', serverId);
    },
    async attach(serverId: string, disk: { volumeId: string } & ({ path: string } | { image: string })) {
      calls.push(`attach ${serverId} ${disk.volumeId}`);
      if (host.failNext) {
        host.failNext = false;
        throw new Error('injected attach failure');
      }
      plugged.set(disk.volumeId, 'path' in disk ? disk.path : disk.image);
    },
    async detach(serverId: string, volumeId: string) {
      calls.push(`detach ${serverId} ${volumeId}`);
      plugged.delete(volumeId);
    },
    async extend(serverId: string, volumeId: string, bytes: number) {
      calls.push(`extend ${serverId} ${volumeId} ${bytes}`);
    },
    async quiesced<T>(serverId: string, work: () => Promise<T>): Promise<T> {
      calls.push(`freeze ${serverId}`);
      try {
        return await work();
      } finally {
        calls.push(`thaw ${serverId}`);
      }
    },
  };
  return host;
}

export interface VolumeHarness {
  app: FastifyInstance;
  /** http://127.0.0.1:port/volume */
  root: string;
  module: VolumeModule;
  host: ReturnType<typeof fakeHost>;
  objects: ReturnType<typeof memoryObjects>;
  uploads: Map<string, { path: string; sizeBytes: number }>;
  dataDir: string;
  /** The image's raw bytes (1 MiB of random data, served as a qcow2 file). */
  imageBytes: Buffer;
  /** `METHOD targetType targetId` of every request that set an audit target. */
  audited: string[];
  close(): Promise<void>;
}

export interface TestDatabase {
  db: Kysely<VolumeTables>;
  close(): Promise<void>;
}

async function sqlite(): Promise<TestDatabase> {
  const db = new Kysely<VolumeTables>({
    dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }),
  });
  return { db, close: () => db.destroy() };
}

/**
 * A throw-away database on the server of `baseUrl` (the role needs CREATEDB, as
 * scripts/start-postgres.sh grants). Written here rather than imported from test/support so that this
 * file stays inside the build's rootDir.
 */
async function postgres(baseUrl: string): Promise<TestDatabase> {
  const name = `nuage_volume_${randomBytes(6).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const db = new Kysely<VolumeTables>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString(), max: 8 }) }),
  });
  return {
    db,
    async close() {
      await db.destroy();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** The dialects to run on: SQLite always, PostgreSQL too when TEST_PG_URL is set (STYLE 3.6). */
export const DIALECTS: { name: string; open: () => Promise<TestDatabase> }[] = [
  { name: 'sqlite', open: sqlite },
];
// eslint-disable-next-line no-restricted-properties -- store tests run on PostgreSQL when CI sets TEST_PG_URL (STYLE 3.6).
const pgUrl = process.env.TEST_PG_URL;
if (pgUrl) DIALECTS.push({ name: 'postgres', open: () => postgres(pgUrl) });

export async function startVolume(
  options: { quota?: Partial<VolumeQuota>; chunkBytes?: number; open?: () => Promise<TestDatabase> } = {},
): Promise<VolumeHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'nuage-volume-'));
  const database = await (options.open ?? sqlite)();
  const db = database.db;
  await up(db);
  await upAdminMetadata(db);
  // The worker drives rows under leases (common/tasks/work-queue.ts).
  await upWorkLeases(db);
  const imageBytes = randomBytes(1024 * 1024);
  await writeFile(join(dataDir, 'image.raw'), imageBytes);
  await execFileAsync('qemu-img', [
    'convert',
    '-q',
    '-f',
    'raw',
    '-O',
    'qcow2',
    join(dataDir, 'image.raw'),
    join(dataDir, 'image.qcow2'),
  ]);
  const images: VolumeImages = {
    async describe(_auth, id) {
      if (id !== IMAGE_ID) throw errors.notFound('image', id);
      return {
        id,
        name: 'cirros',
        status: 'active',
        minDiskGib: 0,
        sizeBytes: imageBytes.length,
        diskFormat: 'qcow2',
        containerFormat: 'bare',
      };
    },
    localCopy: async () => join(dataDir, 'image.qcow2'),
  };
  const uploads = new Map<string, { path: string; sizeBytes: number }>();
  let nextImage = 1;
  const uploader: ImageUploader = {
    createImage: async () => ({ id: `image-${nextImage++}`, status: 'queued' }),
    async upload(imageId, body, sizeBytes) {
      const path = join(dataDir, `upload-${imageId}`);
      await pipeline(body, createWriteStream(path));
      uploads.set(imageId, { path, sizeBytes });
    },
    abandon: async (imageId) => void uploads.delete(imageId),
  };
  const host = fakeHost();
  const objects = memoryObjects();
  const silent = { info: () => undefined, error: () => undefined };
  const module = createVolumeModule({
    db,
    clock: systemClock,
    validator,
    backend: createFileBackend({ root: join(dataDir, 'volumes') }),
    images,
    uploader,
    objects,
    host,
    log: silent,
    publicUrl: '',
    hostName: 'host-1',
    quota: options.quota,
    backupChunkBytes: options.chunkBytes ?? 1024 * 1024,
  });
  const app = Fastify();
  app.decorateRequest('auth', undefined);
  app.decorateRequest('auditTarget', undefined);
  const audited: string[] = [];
  app.addHook('onResponse', async (request) => {
    const t = request.auditTarget;
    if (t?.targetType !== undefined) audited.push(`${request.method} ${t.targetType} ${t.targetId ?? ''}`);
  });
  await app.register(module.plugin, { prefix: '/volume' });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    root: `${url}/volume`,
    module,
    host,
    objects,
    uploads,
    dataDir,
    imageBytes,
    audited,
    async close() {
      await module.worker.stop();
      await app.close();
      await database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Wire JSON under test: assertions walk it freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the responses are checked by the tests
export type Json = any;

/** One JSON call under /volume/v3/<caller's project> (or an absolute path starting with `//`). */
export async function cinder(
  h: VolumeHarness,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  version = '3.71',
) {
  const project =
    caller(token).scope.kind === 'project' ? (caller(token).scope as { projectId: string }).projectId : '';
  const url = path.startsWith('//') ? `${h.root}${path.slice(1)}` : `${h.root}/v3/${project}${path}`;
  const res = await fetch(url, {
    method,
    headers: {
      'x-auth-token': token,
      'openstack-api-version': `volume ${version}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : undefined };
}

/** Waits for the worker, then shows the volume. */
export async function settled(h: VolumeHarness, token: string, id: string, kind = 'volumes') {
  await h.module.worker.idle();
  return cinder(h, token, 'GET', `/${kind}/${id}`);
}
