// The default root of trust: 32 random bytes in <dataDir>/keys/key-manager/root, created at first start
// with mode 0600 inside a 0700 directory, never logged and never passed on a command line. A database dump
// without this file decrypts nothing.
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { kmErrors } from '../key-manager-errors.js';
import { gcmOpen, gcmSeal, KEY_BYTES } from '../aes-gcm.js';
import type { RootOfTrust } from './root-of-trust.js';

const KEY_TEXT = /^[A-Za-z0-9_-]{43}\n?$/;
const MAX_FILE_BYTES = 64;

/** Where the root key file lives for a data directory. */
export function rootKeyPath(dataDir: string): string {
  return join(dataDir, 'keys', 'key-manager', 'root');
}

/** Opens the root key file of `dataDir`, creating it (race-safe) when it does not exist yet. */
export function openFileRoot(dataDir: string): RootOfTrust {
  const path = rootKeyPath(dataDir);
  const dir = join(dataDir, 'keys', 'key-manager');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let key = readRootKey(path);
  if (key === undefined) {
    createRootKey(dir, path);
    key = readRootKey(path);
  }
  if (key === undefined) throw kmErrors.rootUnavailable(`root key file ${path} vanished after creation`);
  return fileRoot(key);
}

function fileRoot(key: Buffer): RootOfTrust {
  // A fingerprint, not the key: it only tells which root wrapped a KEK.
  const fingerprint = createHash('sha256').update('nuage-key-manager-root-id').update(key).digest('hex');
  let open = true;
  return {
    id: `file:${fingerprint.slice(0, 16)}`,
    wrap(plain, aad) {
      if (!open) throw kmErrors.rootUnavailable('the root key was closed');
      return gcmSeal(key, plain, aad);
    },
    unwrap(wrapped, aad) {
      if (!open) throw kmErrors.rootUnavailable('the root key was closed');
      const plain = gcmOpen(key, wrapped, aad);
      if (plain === undefined)
        throw kmErrors.unwrapFailed('a wrapped key does not verify under the root key');
      return plain;
    },
    close() {
      open = false;
      key.fill(0);
    },
  };
}

function readRootKey(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw kmErrors.rootUnavailable(`cannot open root key file ${path}`, error);
  }
  try {
    // Checked on the open descriptor, so they describe exactly the bytes read.
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw kmErrors.rootUnavailable(`root key file ${path} is not a regular file`);
    if ((stats.mode & 0o077) !== 0) {
      const mode = (stats.mode & 0o777).toString(8);
      throw kmErrors.rootUnavailable(
        `root key file ${path} is accessible by group or others (mode ${mode}); chmod it to 600`,
      );
    }
    const text = stats.size <= MAX_FILE_BYTES ? readFileSync(fd, 'latin1') : '';
    // The message never quotes the content: it may be a real key with a typo.
    if (!KEY_TEXT.test(text)) throw kmErrors.rootUnavailable(`root key file ${path} is malformed`);
    return Buffer.from(text.slice(0, 43), 'base64url');
  } finally {
    closeSync(fd);
  }
}

// Written under a temporary name, fsynced, then linked: the key file is either absent or complete, and of
// two processes starting at once only one key wins (the other links onto an existing name and reads it).
function createRootKey(dir: string, path: string): void {
  const temp = join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  const material = randomBytes(KEY_BYTES);
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      fchmodSync(fd, 0o600);
      writeSync(fd, `${material.toString('base64url')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(temp, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  } finally {
    material.fill(0);
    try {
      unlinkSync(temp);
    } catch {
      // Already gone.
    }
  }
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
