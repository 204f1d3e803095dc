// Caches validated tokens so that validation does not rebuild the caller from a dozen queries each time.
// Correctness comes from the identity epoch: a value in the settings table that every identity write
// replaces before its response is sent. A cached entry is used only while the epoch it was computed
// under is still current (one indexed read per validation, shared by every API node on PostgreSQL), and
// never past the token's or its application credential's expiry. With the embedded SQLite database only
// this process can write, so the epoch is kept in memory and the read is skipped.
import type { Clock } from '../common/clock.js';
import { newUuid } from '../common/ids.js';
import type { CredentialStore } from './credential-store.js';
import type { ValidatedToken } from './token-service.js';

export const EPOCH_SETTING = 'identity.epoch';
const MAX_ENTRIES = 10_000;

interface Entry {
  validated: ValidatedToken;
  epoch: string;
  validUntil: number;
}

export function createValidationCache(deps: {
  credentials: CredentialStore;
  clock: Clock;
  /** True when other processes share the database (PostgreSQL), so the epoch must be read from it. */
  sharedDatabase: boolean;
}) {
  const entries = new Map<string, Entry>();
  let localEpoch = newUuid();

  async function currentEpoch(): Promise<string> {
    if (!deps.sharedDatabase) return localEpoch;
    return (await deps.credentials.getSetting(EPOCH_SETTING)) ?? '';
  }

  return {
    currentEpoch,
    async get(token: string): Promise<{ hit?: ValidatedToken; epoch: string }> {
      const epoch = await currentEpoch();
      const entry = entries.get(token);
      if (!entry) return { epoch };
      if (entry.epoch !== epoch || entry.validUntil <= deps.clock.now().getTime()) {
        entries.delete(token);
        return { epoch };
      }
      return { hit: entry.validated, epoch };
    },
    put(token: string, validated: ValidatedToken, epoch: string): void {
      if (entries.size >= MAX_ENTRIES) entries.clear();
      const appCredExpiry = validated.applicationCredential?.expiresAt;
      const validUntil = Math.min(
        validated.payload.expiresAt,
        appCredExpiry ? Date.parse(appCredExpiry) : Number.POSITIVE_INFINITY,
      );
      entries.set(token, { validated, epoch, validUntil });
    },
    /** Marks every cached validation stale, on this node and (through the database) on all others. */
    async bump(): Promise<void> {
      entries.clear();
      localEpoch = newUuid();
      if (deps.sharedDatabase) await deps.credentials.putSetting(EPOCH_SETTING, localEpoch);
    },
  };
}

export type ValidationCache = ReturnType<typeof createValidationCache>;
