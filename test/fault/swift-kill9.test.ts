// Durability of Swift object writes across a crash: 50 concurrent uploads of random 1–4 MiB objects,
// `kill -9` of the server once about 20 have been acknowledged, restart on the same data dir. Every
// acknowledged (201) object must read back with its MD5, no listed object may be partial, the temporary
// directory must be empty and the container's counters must match its listing.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../support/keystone-http.js';
import { startNuage, type NuageServer } from '../support/nuage-server.js';
import { readCloud, type Credentials } from '../support/openstack-cli.js';

const UPLOADS = 50;
const KILL_AFTER = 20;
const MiB = 1024 * 1024;
const CHUNK_BYTES = 256 * 1024;
/** Pause between body chunks, so that many uploads are mid-body when the server dies. */
const CHUNK_PAUSE_MS = 10;

let nuage: NuageServer;
let creds: Credentials;

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One request on a fresh connection; `body` is written in paced chunks. Rejects on a connection error. */
function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (!body) {
      req.end();
      return;
    }
    void (async () => {
      for (let offset = 0; offset < body.length && !req.destroyed; offset += CHUNK_BYTES) {
        if (!req.write(body.subarray(offset, offset + CHUNK_BYTES)))
          await new Promise((r) => req.once('drain', r));
        await new Promise((r) => setTimeout(r, CHUNK_PAUSE_MS));
      }
      req.end();
    })();
  });
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

async function session(): Promise<{ token: string; account: string }> {
  const issued = await issueToken(creds);
  const projectId = (issued.body as { token: { project: { id: string } } }).token.project.id;
  return { token: issued.token, account: `${nuage.url}/object-store/v1/AUTH_${projectId}` };
}

beforeAll(async () => {
  nuage = await startNuage();
  creds = await readCloud(nuage.cloudsYaml);
});
afterAll(async () => {
  await nuage?.stop();
});

describe('swift kill -9 during uploads', () => {
  it('keeps every acknowledged object, no partial ones, no temporary files, exact counters', async () => {
    const { token, account } = await session();
    expect((await send(`${account}/crash`, 'PUT', { 'x-auth-token': token })).status).toBe(201);

    const bodies = Array.from({ length: UPLOADS }, () => randomBytes(randomInt(1 * MiB, 4 * MiB + 1)));
    /** Name → MD5 of what we sent and the Etag the server answered, for every 201. */
    const acknowledged = new Map<string, { md5: string; etag: string | undefined }>();
    let settled = 0;
    let killed: Promise<void> | undefined;
    let tmpFilesAtKill = -1;
    let inFlightAtKill = -1;
    const tmpDir = join(nuage.dataDir, 'objects', 'tmp');
    const uploads = bodies.map(async (body, i) => {
      const name = `object-${String(i).padStart(2, '0')}`;
      try {
        const r = await send(
          `${account}/crash/${name}`,
          'PUT',
          {
            'x-auth-token': token,
            'content-length': String(body.length),
            'content-type': 'application/octet-stream',
          },
          body,
        );
        if (r.status === 201) acknowledged.set(name, { md5: md5(body), etag: r.headers.etag });
      } catch {
        // The server died under this upload: it was never acknowledged.
      } finally {
        settled += 1;
        // Kill the moment the KILL_AFTER-th upload settles (synchronously, so no burst of completions
        // can slip in first), noting how many uploads were still running and mid-write.
        if (settled === KILL_AFTER) {
          tmpFilesAtKill = readdirSync(tmpDir).length;
          inFlightAtKill = UPLOADS - settled;
          killed = nuage.kill9();
        }
      }
    });
    await Promise.all(uploads);
    await killed;
    // The crash must have hit uploads in flight, or this test proves nothing.
    expect(inFlightAtKill).toBeGreaterThan(0);
    expect(acknowledged.size).toBeGreaterThanOrEqual(KILL_AFTER - 5);
    if (nuage.databaseUrl === undefined) {
      // On SQLite the crash catches bodies being written and uploads that never finish. On PostgreSQL
      // the commits queue on the container's row lock and then land in a burst, so by the time the
      // client has seen KILL_AFTER answers every body is on disk and most rows may be committed.
      expect(tmpFilesAtKill).toBeGreaterThan(0);
      expect(acknowledged.size).toBeLessThan(UPLOADS);
    }
    for (const [name, ack] of acknowledged) expect(ack.etag, name).toBe(ack.md5);

    await nuage.restart();
    expect(readdirSync(tmpDir)).toEqual([]);
    const after = await session();
    const auth = { 'x-auth-token': after.token };

    const listing = await send(`${after.account}/crash?format=json`, 'GET', auth);
    expect(listing.status).toBe(200);
    const listed = JSON.parse(listing.body.toString()) as Array<{
      name: string;
      bytes: number;
      hash: string;
    }>;
    const listedNames = new Set(listed.map((o) => o.name));
    for (const name of acknowledged.keys())
      expect(listedNames.has(name), `${name} was acknowledged`).toBe(true);

    for (const entry of listed) {
      const got = await send(`${after.account}/crash/${entry.name}`, 'GET', auth);
      expect(got.status, entry.name).toBe(200);
      expect(got.body.length, `${entry.name} bytes`).toBe(entry.bytes);
      expect(md5(got.body), `${entry.name} content`).toBe(entry.hash);
      const index = Number(entry.name.slice('object-'.length));
      expect(got.body.equals(bodies[index] as Buffer), `${entry.name} is the uploaded object`).toBe(true);
      const ack = acknowledged.get(entry.name);
      if (ack) expect(entry.hash).toBe(ack.md5);
    }

    const head = await send(`${after.account}/crash`, 'HEAD', auth);
    expect(head.headers['x-container-object-count']).toBe(String(listed.length));
    expect(head.headers['x-container-bytes-used']).toBe(String(listed.reduce((n, o) => n + o.bytes, 0)));
    const accountHead = await send(after.account, 'HEAD', auth);
    expect(accountHead.headers['x-account-object-count']).toBe(String(listed.length));
    expect(accountHead.headers['x-account-bytes-used']).toBe(String(listed.reduce((n, o) => n + o.bytes, 0)));
  });
});
