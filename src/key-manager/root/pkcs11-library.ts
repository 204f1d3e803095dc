// One loaded PKCS#11 module per path and process. A module may be initialised only once per process
// (C_Initialize twice fails with CKR_CRYPTOKI_ALREADY_INITIALIZED), so every user — the root of trust,
// and the tests that prepare a throw-away token — shares it through acquire/release.
import pkcs11js from 'pkcs11js';
import { kmErrors } from '../key-manager-errors.js';

export type Pkcs11 = InstanceType<typeof pkcs11js.PKCS11>;
export const P11 = pkcs11js;

const loaded = new Map<string, { lib: Pkcs11; users: number }>();

/** Loads and initialises the module at `path` (once), counting users. */
export function acquirePkcs11(path: string): Pkcs11 {
  const entry = loaded.get(path);
  if (entry) {
    entry.users += 1;
    return entry.lib;
  }
  const lib = new pkcs11js.PKCS11();
  try {
    lib.load(path);
    lib.C_Initialize();
  } catch (cause) {
    throw kmErrors.rootUnavailable(`cannot load PKCS#11 module ${path}`, cause);
  }
  loaded.set(path, { lib, users: 1 });
  return lib;
}

/** Releases one user of the module at `path`; the last one finalises it. */
export function releasePkcs11(path: string): void {
  const entry = loaded.get(path);
  if (!entry) return;
  entry.users -= 1;
  if (entry.users > 0) return;
  loaded.delete(path);
  try {
    entry.lib.C_Finalize();
  } catch {
    // Finalising a module whose token vanished can fail; there is nothing left to release.
  }
}

/** A token label as PKCS#11 stores it: 32 bytes padded with spaces (some modules pad with NULs). */
export function normaliseLabel(label: string): string {
  return label.replace(/[\s\0]+$/, '');
}

/** The slot whose initialised token carries `label`, or undefined. */
export function findTokenSlot(lib: Pkcs11, label: string): Buffer | undefined {
  for (const slot of lib.C_GetSlotList(true)) {
    const info = lib.C_GetTokenInfo(slot);
    if ((info.flags & P11.CKF_TOKEN_INITIALIZED) === 0) continue;
    if (normaliseLabel(info.label) === label) return slot;
  }
  return undefined;
}
