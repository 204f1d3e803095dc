// Short-lived console tokens, as Nova's os-remote-consoles API hands out: each names one server and one
// console kind and expires after a few minutes. They are sealed with an HMAC over keys kept in the data
// dir (the same Fernet-style repository as Keystone's token keys), so the proxy checks them without any
// server-side session store, and a key rotation invalidates them like any token.
import assert from 'node:assert';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../common/clock.js';
import type { KeyRepository, TokenKey } from '../common/crypto/key-repository.js';

export type ConsoleKind = 'serial' | 'vnc';

export interface ConsoleGrant {
  serverId: string;
  kind: ConsoleKind;
  expiresAtMs: number;
}

export interface ConsoleTokens {
  /** A token for `kind` on `serverId`, valid for the configured lifetime. */
  issue(serverId: string, kind: ConsoleKind): string;
  /** The grant a token carries, or undefined when it is malformed, forged or expired. */
  verify(token: string): ConsoleGrant | undefined;
}

const VERSION = 1;
const KINDS: readonly ConsoleKind[] = ['serial', 'vnc'];
const UUID_BYTES = 16;
const MAC_BYTES = 16;
// version(1) + server uuid(16) + kind(1) + expiry seconds(4) + key fingerprint(4), then the MAC.
const BODY_BYTES = 1 + UUID_BYTES + 1 + 4 + 4;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function uuidBytes(id: string): Buffer | undefined {
  return UUID.test(id) ? Buffer.from(id.replaceAll('-', ''), 'hex') : undefined;
}

function uuidText(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function mac(key: TokenKey, body: Buffer): Buffer {
  return createHmac('sha256', key.material)
    .update('nuage-console\0')
    .update(body)
    .digest()
    .subarray(0, MAC_BYTES);
}

export function createConsoleTokens(deps: {
  keys: KeyRepository;
  clock: Clock;
  ttlSeconds: number;
}): ConsoleTokens {
  const { keys, clock, ttlSeconds } = deps;
  return {
    issue(serverId, kind) {
      const id = uuidBytes(serverId);
      assert(id !== undefined, `console tokens name servers by UUID, not ${serverId}`);
      const key = keys.primary();
      const body = Buffer.alloc(BODY_BYTES);
      body.writeUInt8(VERSION, 0);
      id.copy(body, 1);
      body.writeUInt8(KINDS.indexOf(kind), 1 + UUID_BYTES);
      body.writeUInt32BE(Math.ceil(clock.now().getTime() / 1000) + ttlSeconds, 2 + UUID_BYTES);
      key.fingerprint.copy(body, 6 + UUID_BYTES);
      return Buffer.concat([body, mac(key, body)]).toString('base64url');
    },
    verify(token) {
      if (token.length > 128 || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
      const raw = Buffer.from(token, 'base64url');
      if (raw.length !== BODY_BYTES + MAC_BYTES || raw.readUInt8(0) !== VERSION) return undefined;
      const body = raw.subarray(0, BODY_BYTES);
      const fingerprint = body.subarray(6 + UUID_BYTES, BODY_BYTES);
      let key = keys.findByFingerprint(fingerprint);
      if (key === undefined) {
        keys.refresh();
        key = keys.findByFingerprint(fingerprint);
      }
      if (key === undefined || !timingSafeEqual(mac(key, body), raw.subarray(BODY_BYTES))) return undefined;
      const kind = KINDS[body.readUInt8(1 + UUID_BYTES)];
      const expiresAtMs = body.readUInt32BE(2 + UUID_BYTES) * 1000;
      if (kind === undefined || expiresAtMs <= clock.now().getTime()) return undefined;
      return { serverId: uuidText(body.subarray(1, 1 + UUID_BYTES)), kind, expiresAtMs };
    },
  };
}
