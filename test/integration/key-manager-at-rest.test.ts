// What a dump of the database file reveals: nothing. The app runs on the embedded SQLite file (always,
// since the point is to read that file); after storing a known plaintext, the database file and its
// write-ahead log hold neither the plaintext nor any unwrapped key (data key, KEK, root key), in any
// usual encoding; after a crypto-erase, not even the wrapped KEK is left.
import { readFileSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gcmOpen } from '../../src/key-manager/aes-gcm.js';
import { keyAad } from '../../src/key-manager/key-service.js';
import { rootKeyPath } from '../../src/key-manager/root/file-root.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { idOf, keyManagerProject, km, type TestProject } from './key-manager-helpers.js';

let app: TestApp;
let p: TestProject;

beforeAll(async () => {
  app = await startTestApp({ sqlite: true });
  p = await keyManagerProject(app, 'km-at-rest');
});
afterAll(async () => app?.close());

/** The database as an attacker with a copy of the files would have it. */
function databaseBytes(): Buffer {
  const parts = ['db.sqlite', 'db.sqlite-wal'].map((name) => {
    try {
      return readFileSync(join(app.dataDir, name));
    } catch {
      return Buffer.alloc(0);
    }
  });
  return Buffer.concat(parts);
}

/** Every usual spelling of `bytes`: raw, base64, base64url, hex (both cases). */
function spellings(bytes: Buffer): Buffer[] {
  return [
    bytes,
    Buffer.from(bytes.toString('base64')),
    Buffer.from(bytes.toString('base64url')),
    Buffer.from(bytes.toString('hex')),
    Buffer.from(bytes.toString('hex').toUpperCase()),
  ];
}

function expectAbsent(haystack: Buffer, secret: Buffer, what: string): void {
  for (const form of spellings(secret))
    expect(haystack.includes(form), `${what} found in the database`).toBe(false);
}

function row<T>(query: string, ...params: string[]): T {
  const db = new SqliteDatabase(join(app.dataDir, 'db.sqlite'), { readonly: true });
  try {
    return db.prepare(query).get(...params) as T;
  } finally {
    db.close();
  }
}

describe('a database dump', () => {
  it('holds neither the plaintext of a secret nor any unwrapped key', async () => {
    const plaintext = `nuage-plaintext-${randomBytes(12).toString('hex')}`;
    const created = await km(app, p.member, 'POST', '/v1/secrets', {
      payload: plaintext,
      payload_content_type: 'text/plain',
    });
    expect(created.status).toBe(201);
    const id = idOf(created.body.secret_ref);
    // Read back through the API first: the plaintext does exist, encrypted.
    const payload = await km(app, p.member, 'GET', `/v1/secrets/${id}/payload`, undefined, {
      accept: 'text/plain',
    });
    expect(payload.text).toBe(plaintext);

    const secret = row<{ wrapped_dek: string; kek_id: string; ciphertext: string }>(
      'SELECT wrapped_dek, kek_id, ciphertext FROM key_manager_secrets WHERE id = ?',
      id,
    );
    const kek = row<{ wrapped_key: string; root_id: string }>(
      'SELECT wrapped_key, root_id FROM key_manager_keks WHERE id = ?',
      secret.kek_id,
    );
    expect(kek.root_id).toMatch(/^file:[0-9a-f]{16}$/);
    const dataKey = await app.keyManager.services.keys.unwrapDataKey(
      p.projectId,
      Buffer.from(secret.wrapped_dek, 'base64'),
    );
    const rootKey = Buffer.from(readFileSync(rootKeyPath(app.dataDir), 'latin1').trim(), 'base64url');
    const kekPlain = gcmOpen(
      rootKey,
      Buffer.from(kek.wrapped_key, 'base64'),
      keyAad('kek', p.projectId, secret.kek_id),
    );
    expect(kekPlain).toHaveLength(32);

    const dump = databaseBytes();
    expect(dump.length).toBeGreaterThan(0);
    // The ciphertext is there (so the scan does see the rows), the secrets are not.
    expect(dump.includes(Buffer.from(secret.ciphertext))).toBe(true);
    expectAbsent(dump, Buffer.from(plaintext), 'the plaintext');
    expectAbsent(dump, dataKey, 'the data key');
    expectAbsent(dump, kekPlain as Buffer, 'the KEK');
    expectAbsent(dump, rootKey, 'the root key');
  });

  it('keeps the root key in a private file outside the database', () => {
    const path = rootKeyPath(app.dataDir);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(app.dataDir, 'keys', 'key-manager')).mode & 0o777).toBe(0o700);
  });

  it('loses even the wrapped KEK after a crypto-erase', async () => {
    const erased = await keyManagerProject(app, 'km-at-rest-erased');
    const created = await km(app, erased.member, 'POST', '/v1/secrets', {
      payload: 'gone soon',
      payload_content_type: 'text/plain',
    });
    const kekId = row<{ kek_id: string }>(
      'SELECT kek_id FROM key_manager_secrets WHERE id = ?',
      idOf(created.body.secret_ref),
    ).kek_id;
    const wrapped = row<{ wrapped_key: string }>(
      'SELECT wrapped_key FROM key_manager_keks WHERE id = ?',
      kekId,
    ).wrapped_key;
    expect(databaseBytes().includes(Buffer.from(wrapped))).toBe(true);
    await app.keyManager.services.keys.destroyProjectKeys(erased.projectId);
    expect(databaseBytes().includes(Buffer.from(wrapped))).toBe(false);
    expect(databaseBytes().includes(Buffer.from(wrapped, 'base64'))).toBe(false);
  });
});
