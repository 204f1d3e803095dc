// A throw-away SoftHSM2 token for tests: its own configuration and token directory in a temp dir
// (SOFTHSM2_CONF, set for this process before the module is first initialised), initialised through
// PKCS#11 itself so that no PIN ever appears on a command line, and a PIN file of mode 0600.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  acquirePkcs11,
  findTokenSlot,
  P11,
  releasePkcs11,
} from '../../src/key-manager/root/pkcs11-library.js';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

export interface TestToken {
  label: string;
  pin: string;
  pinFile: string;
  dir: string;
  remove(): void;
}

/** Points this process at a fresh SoftHSM2 token directory; call before any PKCS#11 use. */
export function useSoftHsmDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nuage-softhsm-'));
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  process.env.SOFTHSM2_CONF = conf;
  return dir;
}

/** Initialises a new token labelled `label` with a random user PIN. */
export function initToken(dir: string, label: string): TestToken {
  const lib = acquirePkcs11(SOFTHSM_MODULE);
  const pin = `pin-${Math.random().toString(36).slice(2, 10)}`;
  const soPin = `so-${Math.random().toString(36).slice(2, 10)}`;
  try {
    const free = lib
      .C_GetSlotList(false)
      .find((slot) => (lib.C_GetTokenInfo(slot).flags & P11.CKF_TOKEN_INITIALIZED) === 0);
    if (!free) throw new Error('SoftHSM offers no free slot');
    lib.C_InitToken(free, soPin, label.padEnd(32, ' '));
    const slot = findTokenSlot(lib, label);
    if (!slot) throw new Error(`token ${label} not found after initialisation`);
    const session = lib.C_OpenSession(slot, P11.CKF_SERIAL_SESSION | P11.CKF_RW_SESSION);
    lib.C_Login(session, P11.CKU_SO, soPin);
    lib.C_InitPIN(session, pin);
    lib.C_Logout(session);
    lib.C_CloseSession(session);
  } finally {
    releasePkcs11(SOFTHSM_MODULE);
  }
  const pinFile = join(dir, `${label}.pin`);
  writeFileSync(pinFile, `${pin}\n`, { mode: 0o600 });
  return { label, pin, pinFile, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
