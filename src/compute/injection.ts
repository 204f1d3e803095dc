// What a create or rebuild hands to the guest's next spawn without storing it (Nova's InjectionInfo):
// the admin password (adminPass; generated as nova.utils.generate_password does when the request gives
// none, returned once in the response) and the personality files (before 2.57). The libvirt driver
// writes both into the config drive only: meta_data.json `admin_pass` (extra_md) and `files` with
// their contents under openstack/content/; the metadata service serves neither. Like Nova, which
// hands them to the compute host in the RPC message and never stores them, they live in this process's
// memory until the worker has spawned the guest: a restart before that boots the guest without them.
import { randomInt } from 'node:crypto';

/** Nova's DEFAULT_PASSWORD_SYMBOLS: no 0/1, I/O or l, which read alike. */
const SYMBOL_GROUPS = ['23456789', 'ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz'] as const;

/** Nova's default password_length. */
export const PASSWORD_LENGTH = 12;

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

const pick = (symbols: string) => symbols[randomInt(symbols.length)] as string;

/** At least one character of each group, the rest from all groups, shuffled (cryptographic RNG). */
export function generatePassword(length = PASSWORD_LENGTH): string {
  const chars = shuffle(SYMBOL_GROUPS.map(pick)).slice(0, length);
  const all = SYMBOL_GROUPS.join('');
  while (chars.length < length) chars.push(pick(all));
  return shuffle(chars).join('');
}

/** A personality file: the guest path and the decoded contents. */
export interface InjectedFile {
  path: string;
  contents: Buffer;
}

export interface Injection {
  adminPass?: string;
  files?: InjectedFile[];
}

/** Injections waiting for their server's next spawn, by server id. */
export interface PendingInjections {
  /** `version`: the row's version when the injection was given (before the task that uses it). */
  set(serverId: string, injection: Injection, version: number): void;
  get(serverId: string): Injection | undefined;
  /**
   * The worker found the row idle at `version`, or gone (undefined): an injection given at an older
   * version has served its spawn (or never will) and is dropped. One given at this very version is
   * kept: its task was written after the worker read the row.
   */
  settled(serverId: string, version?: number): void;
}

export function createPendingInjections(): PendingInjections {
  const pending = new Map<string, { injection: Injection; version: number }>();
  return {
    set: (serverId, injection, version) => void pending.set(serverId, { injection, version }),
    get: (serverId) => pending.get(serverId)?.injection,
    settled(serverId, version) {
      const entry = pending.get(serverId);
      if (entry && (version === undefined || version > entry.version)) pending.delete(serverId);
    },
  };
}
