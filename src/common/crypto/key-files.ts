// The on-disk format of token keys: one file per key in a private directory, named by a plain integer,
// holding 32 random bytes as base64url plus a newline. Every write here is crash-safe: a key file is either
// absent or complete, because it is written to a temporary name, fsynced, and only then linked or renamed.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export const KEY_BYTES = 32;

// Canonical decimal names only, so "01" or "1.bak" left behind by an operator are ignored rather than
// being mistaken for key 1. Fifteen digits keeps every id a safe integer.
const KEY_NAME = /^(?:0|[1-9][0-9]{0,14})$/;
// 32 bytes are 43 base64url characters. A single "=" is tolerated so that padded keys copied from a
// Keystone fernet repository still load.
const KEY_TEXT = /^[A-Za-z0-9_-]{43}=?\r?\n?$/;
// Anything bigger than this cannot be a key file, so it is refused before being read into memory.
const MAX_KEY_FILE_BYTES = 64;
// Temporary files start with a dot, which KEY_NAME never matches, so a reader never sees a partial key.
const TEMP_PREFIX = '.tmp-';

export function errorCode(error: unknown): string | undefined {
  return error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
}

/** Creates the key directory (and missing parents) readable by the owner only. */
export function ensureKeyDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** The directory's modification time in nanoseconds; it changes whenever a key file is added, renamed or removed. */
export function keyDirMtimeNs(dir: string): bigint {
  return statSync(dir, { bigint: true }).mtimeNs;
}

/** Every key id present in the directory, ascending. */
export function listKeyIds(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') throw new Error(`token key directory ${dir} does not exist`);
    throw error;
  }
  return names
    .filter((name) => KEY_NAME.test(name))
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * Reads and validates one key file. Returns undefined when the file vanished since the directory was
 * listed, which happens legitimately while another process prunes old keys.
 */
export function readKeyFile(dir: string, id: number): Buffer | undefined {
  const path = join(dir, String(id));
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    // The checks use the opened descriptor, so they describe exactly the file whose bytes are read.
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new Error(`token key file ${path} is not a regular file`);
    if ((stats.mode & 0o077) !== 0) {
      const mode = (stats.mode & 0o777).toString(8);
      throw new Error(
        `token key file ${path} is accessible by group or others (mode ${mode}); chmod it to 600`,
      );
    }
    if (stats.size > MAX_KEY_FILE_BYTES) throw malformed(path);
    const text = readFileSync(fd, 'latin1');
    if (!KEY_TEXT.test(text)) throw malformed(path);
    const material = Buffer.from(text.slice(0, 43), 'base64url');
    if (material.length !== KEY_BYTES) throw malformed(path);
    return material;
  } finally {
    closeSync(fd);
  }
}

// The message names the file but never quotes its content, which may be a real key with a typo.
function malformed(path: string): Error {
  return new Error(`token key file ${path} is malformed: expected ${KEY_BYTES} bytes encoded as base64url`);
}

/**
 * Writes a key file atomically. With 'exclusive' the file is created only if no key of that id exists
 * (returns false otherwise), which lets two processes race to create a key without either overwriting
 * the other. With 'replace' an existing file is swapped out atomically by rename.
 */
export function writeKeyFile(
  dir: string,
  id: number,
  material: Buffer,
  how: 'exclusive' | 'replace',
): boolean {
  const temp = join(dir, `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
  const target = join(dir, String(id));
  let created = true;
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      // The umask can only remove bits from 0600, but fchmod makes the result independent of it.
      fchmodSync(fd, 0o600);
      writeSync(fd, `${material.toString('base64url')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (how === 'replace') {
      renameSync(temp, target);
    } else {
      created = linkExclusive(temp, target);
    }
  } finally {
    unlinkQuietly(temp);
  }
  syncDir(dir);
  return created;
}

/** Gives key `fromId` the additional name `toId`; false if `toId` already exists. */
export function linkKeyFile(dir: string, fromId: number, toId: number): boolean {
  const linked = linkExclusive(join(dir, String(fromId)), join(dir, String(toId)));
  syncDir(dir);
  return linked;
}

/** Removes a key file; a file already removed by a concurrent process is not an error. */
export function removeKeyFile(dir: string, id: number): void {
  unlinkQuietly(join(dir, String(id)));
}

// Renames and links are only durable once the directory entry itself has been flushed.
export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function linkExclusive(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}
