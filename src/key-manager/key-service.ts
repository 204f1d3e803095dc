// Per-project key-encryption keys (KEKs) and the data keys they wrap: the in-process interface that the
// key manager's secrets use, and that the object store, images and volumes can use to encrypt their data.
// A KEK is 32 random bytes, stored only wrapped by the root of trust; a data key is 32 random bytes,
// handed to the caller in the clear together with its wrapped form, which the caller stores.
import assert from 'node:assert';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../common/clock.js';
import { gcmOpen, gcmSeal, IV_BYTES, KEY_BYTES, TAG_BYTES } from './aes-gcm.js';
import type { KekRow, KekStore } from './kek-store.js';
import { kmErrors } from './key-manager-errors.js';
import type { RootOfTrust } from './root/root-of-trust.js';

export interface DataKey {
  /** 32 random bytes for AES-256; the caller should zero it (`fill(0)`) once done. */
  plaintext: Buffer;
  /** What the caller stores: opaque, names its KEK, unwrappable only by unwrapDataKey. */
  wrapped: Buffer;
  kekId: string;
}

/**
 * Example: `const { plaintext, wrapped } = await keys.createDataKey(projectId)` — encrypt with
 * `plaintext`, store `wrapped`; later `await keys.unwrapDataKey(projectId, wrapped)` gives it back.
 */
export interface KeyService {
  /** A fresh data key under the project's active KEK (created at first use). */
  createDataKey(projectId: string): Promise<DataKey>;
  /**
   * The data key inside `wrapped`. Throws KeyDestroyed (500) after destroyProjectKeys, forever, and
   * InternalError for a wrapped key that is not this project's or was altered.
   */
  unwrapDataKey(projectId: string, wrapped: Buffer): Promise<Buffer>;
  /** The same data key wrapped under the project's active KEK (after a rotation). */
  rewrapDataKey(projectId: string, wrapped: Buffer): Promise<{ wrapped: Buffer; kekId: string }>;
  /** Makes a new KEK active; the previous ones are retired and still unwrap until re-wrapped. */
  rotateProjectKey(projectId: string): Promise<{ kekId: string; retired: string[] }>;
  /** Crypto-erase: every KEK of the project is destroyed, so nothing wrapped under them opens again. */
  destroyProjectKeys(projectId: string): Promise<{ destroyed: string[] }>;
  /** The id of the project's active KEK, if it has one. */
  activeKekId(projectId: string): Promise<string | undefined>;
}

const WRAPPED_VERSION = 0x01;
const UUID_BYTES = 16;
const WRAPPED_DATA_KEY_BYTES = 1 + UUID_BYTES + IV_BYTES + KEY_BYTES + TAG_BYTES;
// Unwrapped KEKs kept in memory, each checked against its row (status and wrapped bytes) on every use.
const KEK_CACHE_ENTRIES = 256;

/** The additional data that binds a wrapped KEK (or data key) to its project and KEK id. */
export function keyAad(kind: 'kek' | 'dek', projectId: string, kekId: string): Buffer {
  return Buffer.from(`nuage-key-manager/${kind}/v1\0${projectId}\0${kekId}`, 'utf8');
}

function uuidBytes(id: string): Buffer {
  return Buffer.from(id.replaceAll('-', ''), 'hex');
}

function uuidText(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Clear KEKs kept in memory (bounded, zeroed on eviction) so each unwrap does not go to the root. */
function kekCache(root: RootOfTrust) {
  const cache = new Map<string, { wrapped: string; key: Buffer }>();

  function remember(id: string, wrapped: string, key: Buffer): void {
    if (cache.size >= KEK_CACHE_ENTRIES) {
      const oldest = cache.keys().next().value as string;
      forget(oldest);
    }
    cache.set(id, { wrapped, key });
  }

  function forget(id: string): void {
    cache.get(id)?.key.fill(0);
    cache.delete(id);
  }

  /** The clear KEK of a row that may still unwrap (active or retired). */
  function openKek(row: KekRow): Buffer {
    if (row.status === 'destroyed' || row.wrapped_key === null) {
      forget(row.id);
      throw kmErrors.keyDestroyed(row.project_id, row.id);
    }
    const cached = cache.get(row.id);
    if (cached && cached.wrapped === row.wrapped_key) return cached.key;
    const key = root.unwrap(Buffer.from(row.wrapped_key, 'base64'), keyAad('kek', row.project_id, row.id));
    remember(row.id, row.wrapped_key, key);
    return key;
  }

  return { remember, forget, openKek };
}

export function createKeyService(deps: { keks: KekStore; root: RootOfTrust; clock: Clock }): KeyService {
  const { keks, root, clock } = deps;
  const { remember, forget, openKek } = kekCache(root);

  function newKekRow(projectId: string): KekRow {
    const id = randomUUID();
    const key = randomBytes(KEY_BYTES);
    const wrapped = root.wrap(key, keyAad('kek', projectId, id));
    remember(id, wrapped.toString('base64'), key);
    return {
      id,
      project_id: projectId,
      status: 'active',
      root_id: root.id,
      wrapped_key: wrapped.toString('base64'),
      created_at: clock.now().toISOString(),
      retired_at: null,
      destroyed_at: null,
    };
  }

  async function activeKek(projectId: string): Promise<KekRow> {
    const found = await keks.active(projectId);
    if (found) return found;
    const row = newKekRow(projectId);
    try {
      await keks.insert(row);
      return row;
    } catch (error) {
      // Another request (or API node) created the project's first KEK at the same moment: use theirs.
      forget(row.id);
      const winner = await keks.active(projectId);
      if (winner) return winner;
      throw error;
    }
  }

  function wrapUnder(kek: KekRow, projectId: string, dataKey: Buffer): Buffer {
    const sealed = gcmSeal(openKek(kek), dataKey, keyAad('dek', projectId, kek.id));
    const out = Buffer.concat([Buffer.from([WRAPPED_VERSION]), uuidBytes(kek.id), sealed]);
    assert(out.length === WRAPPED_DATA_KEY_BYTES);
    return out;
  }

  async function unwrapDataKey(projectId: string, wrapped: Buffer): Promise<Buffer> {
    if (wrapped.length !== WRAPPED_DATA_KEY_BYTES || wrapped[0] !== WRAPPED_VERSION) {
      throw kmErrors.unwrapFailed('not a wrapped data key of this key manager');
    }
    const kekId = uuidText(wrapped.subarray(1, 1 + UUID_BYTES));
    const row = await keks.get(kekId);
    if (!row || row.project_id !== projectId) throw kmErrors.unwrapFailed('no such key for this project');
    const plain = gcmOpen(openKek(row), wrapped.subarray(1 + UUID_BYTES), keyAad('dek', projectId, kekId));
    if (!plain) throw kmErrors.unwrapFailed('the wrapped data key does not verify');
    return plain;
  }

  return {
    async createDataKey(projectId) {
      const kek = await activeKek(projectId);
      const plaintext = randomBytes(KEY_BYTES);
      return { plaintext, wrapped: wrapUnder(kek, projectId, plaintext), kekId: kek.id };
    },
    unwrapDataKey,
    async rewrapDataKey(projectId, wrapped) {
      const dataKey = await unwrapDataKey(projectId, wrapped);
      try {
        const kek = await activeKek(projectId);
        return { wrapped: wrapUnder(kek, projectId, dataKey), kekId: kek.id };
      } finally {
        dataKey.fill(0);
      }
    },
    async rotateProjectKey(projectId) {
      const next = newKekRow(projectId);
      const retired = await keks.rotate(next);
      return { kekId: next.id, retired };
    },
    async destroyProjectKeys(projectId) {
      const destroyed = await keks.destroyAll(projectId, clock.now().toISOString());
      for (const row of await keks.listByProject(projectId)) forget(row.id);
      return { destroyed };
    },
    async activeKekId(projectId) {
      return (await keks.active(projectId))?.id;
    },
  };
}
