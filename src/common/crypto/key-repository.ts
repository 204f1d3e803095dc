// The Fernet-style repository of token keys: which key seals new tokens, which keys may still open old
// ones, and how keys rotate. Key 0 is staged, the highest id is primary, everything between is secondary.
import { createHash, randomBytes } from 'node:crypto';
import {
  ensureKeyDir,
  keyDirMtimeNs,
  KEY_BYTES,
  linkKeyFile,
  listKeyIds,
  readKeyFile,
  removeKeyFile,
  syncDir,
  writeKeyFile,
} from './key-files.js';

export interface TokenKey {
  readonly id: number;
  /** First 4 bytes of sha256(material); tokens carry it so the right key is found without trial decryption. */
  readonly fingerprint: Buffer;
  /** 32 bytes of key material. */
  readonly material: Buffer;
}

export interface KeyRepository {
  primary(): TokenKey;
  /** every key that may decrypt: primary first, then secondaries newest first, then staged */
  decryptionKeys(): readonly TokenKey[];
  findByFingerprint(fp: Buffer): TokenKey | undefined;
  /** re-read the directory if its mtime changed since the last read (cheap stat); called by the token layer at most once per second and whenever an unknown fingerprint is seen */
  refresh(): void;
}

const STAGED_ID = 0;
const MIN_ACTIVE_KEYS = 3;
// Directory timestamps are coarse (a kernel tick), so a change made in the same tick as our read would
// leave the mtime unchanged. A read whose mtime is this recent is therefore not trusted, and the next
// refresh reads again; the same trick git uses for its "racy" index entries.
const RACY_WINDOW_NS = 2_000_000_000n;

interface KeySet {
  readonly primary: TokenKey;
  readonly ordered: readonly TokenKey[];
  readonly byFingerprint: ReadonlyMap<number, TokenKey>;
}

function fingerprintOf(material: Buffer): Buffer {
  return Buffer.from(createHash('sha256').update(material).digest().subarray(0, 4));
}

/**
 * Reads and validates every key file. TokenKey objects whose material is unchanged are reused from
 * `previous`, so caches keyed by TokenKey (such as derived AES keys) survive a refresh.
 */
function loadKeySet(dir: string, previous: readonly TokenKey[]): KeySet {
  const known = new Map(previous.map((key) => [key.id, key]));
  const keys: TokenKey[] = [];
  for (const id of listKeyIds(dir)) {
    const material = readKeyFile(dir, id);
    if (material === undefined) continue;
    const old = known.get(id);
    keys.push(
      old !== undefined && old.material.equals(material)
        ? old
        : Object.freeze({ id, fingerprint: fingerprintOf(material), material }),
    );
  }
  const active = keys.filter((key) => key.id !== STAGED_ID).sort((a, b) => b.id - a.id);
  const primary = active[0];
  if (primary === undefined) {
    throw new Error(`token key directory ${dir} holds no primary key (no key file numbered 1 or higher)`);
  }
  const staged = keys.find((key) => key.id === STAGED_ID);
  const ordered = Object.freeze(staged === undefined ? active : [...active, staged]);
  // On the (astronomically unlikely) fingerprint collision the key earlier in decryption order wins.
  const byFingerprint = new Map<number, TokenKey>();
  for (const key of ordered) {
    const fp = key.fingerprint.readUInt32BE(0);
    if (!byFingerprint.has(fp)) byFingerprint.set(fp, key);
  }
  return { primary, ordered, byFingerprint };
}

class DirectoryKeyRepository implements KeyRepository {
  readonly #dir: string;
  #set: KeySet;
  #seenMtimeNs = -1n;
  #racy = true;

  constructor(dir: string) {
    this.#dir = dir;
    this.#set = this.#load([]);
  }

  primary(): TokenKey {
    return this.#set.primary;
  }

  decryptionKeys(): readonly TokenKey[] {
    return this.#set.ordered;
  }

  findByFingerprint(fp: Buffer): TokenKey | undefined {
    if (fp.length !== 4) return undefined;
    return this.#set.byFingerprint.get(fp.readUInt32BE(0));
  }

  /** On a malformed directory this throws and keeps the previous keys, so tokens keep working meanwhile. */
  refresh(): void {
    const mtime = keyDirMtimeNs(this.#dir);
    if (mtime === this.#seenMtimeNs && !this.#racy) return;
    this.#set = this.#load(this.#set.ordered);
  }

  #load(previous: readonly TokenKey[]): KeySet {
    // The stat comes before the read: a change during the read then shows up as a newer mtime next time.
    const mtime = keyDirMtimeNs(this.#dir);
    const set = loadKeySet(this.#dir, previous);
    this.#seenMtimeNs = mtime;
    this.#racy = BigInt(Date.now()) * 1_000_000n - mtime < RACY_WINDOW_NS;
    return set;
  }
}

/**
 * Opens the key directory, creating it with a staged key 0 and a primary key 1 when it is missing or
 * empty. A missing staged key is recreated too: it never sealed anything, so a fresh one is equivalent.
 */
export function openKeyRepository(dir: string): KeyRepository {
  ensureKeyDir(dir);
  const ids = listKeyIds(dir);
  // Exclusive creation makes this safe against a concurrent rotation or a second server starting.
  if (!ids.some((id) => id !== STAGED_ID)) writeKeyFile(dir, 1, newMaterial(), 'exclusive');
  if (!ids.includes(STAGED_ID)) writeKeyFile(dir, STAGED_ID, newMaterial(), 'exclusive');
  return new DirectoryKeyRepository(dir);
}

function newMaterial(): Buffer {
  return randomBytes(KEY_BYTES);
}

/**
 * Promotes the staged key to primary, stages a fresh key and prunes the oldest secondaries so that at most
 * `maxActiveKeys` keys remain. Every step is a single atomic link, rename or unlink, and a rotation
 * interrupted by a crash is completed (not repeated) by the next call.
 */
export function rotateKeys(
  dir: string,
  options: { maxActiveKeys: number },
): { primaryId: number; removedIds: number[] } {
  const { maxActiveKeys } = options;
  if (!Number.isSafeInteger(maxActiveKeys) || maxActiveKeys < MIN_ACTIVE_KEYS) {
    throw new RangeError(
      `maxActiveKeys must be an integer of at least ${MIN_ACTIVE_KEYS}, got ${maxActiveKeys}`,
    );
  }
  // Loading validates every file first, so a damaged repository stops the rotation before it changes anything.
  const before = loadKeySet(dir, []);
  const staged = before.ordered.find((key) => key.id === STAGED_ID);
  let primaryId = before.primary.id;
  if (staged === undefined) {
    // Only an operator (or a crash while first creating the directory) removes key 0. Promoting a key no
    // server has seen yet would be wrong, so this run just restores a staged key.
    writeKeyFile(dir, STAGED_ID, newMaterial(), 'exclusive');
  } else if (staged.material.equals(before.primary.material)) {
    // A previous rotation linked key 0 to its new id and then stopped before replacing key 0: finish it.
    writeKeyFile(dir, STAGED_ID, newMaterial(), 'replace');
  } else {
    primaryId = before.primary.id + 1;
    // link() refuses to overwrite, so a concurrent rotation that got here first cannot be clobbered.
    if (!linkKeyFile(dir, STAGED_ID, primaryId)) {
      throw new Error(
        `token key ${primaryId} appeared during rotation of ${dir}; is another rotation running?`,
      );
    }
    // Key 0 is never absent: rename swaps the fresh staged key in atomically.
    writeKeyFile(dir, STAGED_ID, newMaterial(), 'replace');
  }
  return { primaryId, removedIds: pruneKeys(dir, maxActiveKeys) };
}

// Deletes the oldest secondaries until at most maxActiveKeys remain; staged and primary are never deleted.
function pruneKeys(dir: string, maxActiveKeys: number): number[] {
  const ids = listKeyIds(dir);
  const primaryId = ids[ids.length - 1] ?? STAGED_ID;
  const secondaries = ids.filter((id) => id !== STAGED_ID && id !== primaryId);
  const removedIds = secondaries.slice(0, Math.max(0, ids.length - maxActiveKeys));
  for (const id of removedIds) removeKeyFile(dir, id);
  if (removedIds.length > 0) syncDir(dir);
  return removedIds;
}
