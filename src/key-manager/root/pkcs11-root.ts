// The PKCS#11 root of trust: an AES-256 key inside a token (tested with Debian's softhsm2), created there
// as sensitive and non-extractable, so that its bytes never leave the token. KEKs are wrapped by AES-GCM
// encryption inside the token (CKM_AES_GCM, 96-bit random iv, 128-bit tag). The PIN comes from a file or
// the environment (through the config), never from the command line, and is never logged.
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { IV_BYTES, TAG_BYTES } from '../aes-gcm.js';
import { kmErrors } from '../key-manager-errors.js';
import { acquirePkcs11, findTokenSlot, P11, releasePkcs11, type Pkcs11 } from './pkcs11-library.js';
import type { RootOfTrust } from './root-of-trust.js';

export interface Pkcs11RootOptions {
  modulePath: string;
  tokenLabel: string;
  keyLabel: string;
  /** The user PIN itself (from NUAGE_KEY_MANAGER_PKCS11_PIN); used only when pinFile is empty. */
  pin: string;
  pinFile: string;
}

const CKR_USER_ALREADY_LOGGED_IN = 0x100;

/** Opens a session on the token, logs in, and finds (or creates) the root key. */
export function openPkcs11Root(options: Pkcs11RootOptions): RootOfTrust {
  if (!options.tokenLabel) throw kmErrors.rootUnavailable('keyManager.pkcs11TokenLabel is not set');
  const pin = readPin(options);
  const lib = acquirePkcs11(options.modulePath);
  let session: Buffer | undefined;
  try {
    const slot = findTokenSlot(lib, options.tokenLabel);
    if (!slot)
      throw kmErrors.rootUnavailable(`no initialised PKCS#11 token labelled "${options.tokenLabel}"`);
    session = lib.C_OpenSession(slot, P11.CKF_SERIAL_SESSION | P11.CKF_RW_SESSION);
    login(lib, session, pin);
    const key = findKey(lib, session, options.keyLabel) ?? generateKey(lib, session, options.keyLabel);
    return pkcs11Root(lib, session, key, options);
  } catch (error) {
    if (session) lib.C_CloseSession(session);
    releasePkcs11(options.modulePath);
    throw error;
  }
}

function pkcs11Root(lib: Pkcs11, session: Buffer, key: Buffer, options: Pkcs11RootOptions): RootOfTrust {
  let open = true;
  const gcm = (iv: Buffer, aad: Buffer) => ({
    mechanism: P11.CKM_AES_GCM,
    parameter: { type: P11.CK_PARAMS_AES_GCM, iv, aad, ivBits: IV_BYTES * 8, tagBits: TAG_BYTES * 8 },
  });
  const usable = () => {
    if (!open) throw kmErrors.rootUnavailable('the PKCS#11 root was closed');
  };
  return {
    id: `pkcs11:${options.tokenLabel}/${options.keyLabel}`,
    wrap(plain, aad) {
      usable();
      const iv = randomBytes(IV_BYTES);
      try {
        // The calls are synchronous, so the one session is never used by two operations at once.
        lib.C_EncryptInit(session, gcm(iv, aad), key);
        const sealed = lib.C_Encrypt(session, plain, Buffer.alloc(plain.length + TAG_BYTES + 16));
        return Buffer.concat([iv, sealed]);
      } catch (cause) {
        throw kmErrors.rootUnavailable('the PKCS#11 token refused to wrap a key', cause);
      }
    },
    unwrap(wrapped, aad) {
      usable();
      if (wrapped.length < IV_BYTES + TAG_BYTES) throw kmErrors.unwrapFailed('the wrapped key is truncated');
      const iv = wrapped.subarray(0, IV_BYTES);
      try {
        lib.C_DecryptInit(session, gcm(Buffer.from(iv), aad), key);
        return lib.C_Decrypt(session, wrapped.subarray(IV_BYTES), Buffer.alloc(wrapped.length));
      } catch {
        // A tag that does not verify and a token that went away look alike from here; neither leaks data.
        throw kmErrors.unwrapFailed('the PKCS#11 token did not unwrap the key');
      }
    },
    close() {
      if (!open) return;
      open = false;
      try {
        // No C_Logout: login state belongs to the whole process, and closing its last session logs out.
        lib.C_CloseSession(session);
      } catch {
        // The token may already be gone; releasing the module below is all that is left to do.
      }
      releasePkcs11(options.modulePath);
    },
  };
}

function readPin(options: Pkcs11RootOptions): string {
  if (!options.pinFile) {
    if (!options.pin) throw kmErrors.rootUnavailable('no PKCS#11 PIN: set keyManager.pkcs11PinFile');
    return options.pin;
  }
  let fd: number;
  try {
    fd = openSync(options.pinFile, 'r');
  } catch (cause) {
    throw kmErrors.rootUnavailable(`cannot open the PKCS#11 PIN file ${options.pinFile}`, cause);
  }
  try {
    const stats = fstatSync(fd);
    if ((stats.mode & 0o077) !== 0) {
      throw kmErrors.rootUnavailable(
        `PIN file ${options.pinFile} is accessible by group or others; chmod it to 600`,
      );
    }
    // One line; the message never quotes it.
    const pin = readFileSync(fd, 'utf8').split(/\r?\n/)[0] ?? '';
    if (!pin) throw kmErrors.rootUnavailable(`PIN file ${options.pinFile} is empty`);
    return pin;
  } finally {
    closeSync(fd);
  }
}

function login(lib: Pkcs11, session: Buffer, pin: string): void {
  try {
    lib.C_Login(session, P11.CKU_USER, pin);
  } catch (error) {
    // Login state is per application: another session of this process may have logged in already.
    if ((error as { code?: number }).code === CKR_USER_ALREADY_LOGGED_IN) return;
    throw kmErrors.rootUnavailable('PKCS#11 login failed (wrong PIN?)', error);
  }
}

function findKey(lib: Pkcs11, session: Buffer, label: string): Buffer | undefined {
  lib.C_FindObjectsInit(session, [
    { type: P11.CKA_CLASS, value: P11.CKO_SECRET_KEY },
    { type: P11.CKA_KEY_TYPE, value: P11.CKK_AES },
    { type: P11.CKA_LABEL, value: label },
  ]);
  try {
    const found = lib.C_FindObjects(session, 2);
    if (found.length > 1)
      throw kmErrors.rootUnavailable(`several AES keys in the token are labelled "${label}"`);
    return found[0];
  } finally {
    lib.C_FindObjectsFinal(session);
  }
}

function generateKey(lib: Pkcs11, session: Buffer, label: string): Buffer {
  return lib.C_GenerateKey(session, { mechanism: P11.CKM_AES_KEY_GEN }, [
    { type: P11.CKA_CLASS, value: P11.CKO_SECRET_KEY },
    { type: P11.CKA_KEY_TYPE, value: P11.CKK_AES },
    { type: P11.CKA_VALUE_LEN, value: 32 },
    { type: P11.CKA_LABEL, value: label },
    { type: P11.CKA_TOKEN, value: true },
    { type: P11.CKA_PRIVATE, value: true },
    // Never leaves the token, in the clear or wrapped.
    { type: P11.CKA_SENSITIVE, value: true },
    { type: P11.CKA_EXTRACTABLE, value: false },
    { type: P11.CKA_ENCRYPT, value: true },
    { type: P11.CKA_DECRYPT, value: true },
    { type: P11.CKA_WRAP, value: false },
    { type: P11.CKA_UNWRAP, value: false },
  ]);
}
