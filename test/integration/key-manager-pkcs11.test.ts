// SoftHSM2 as the root of trust: the KEKs are wrapped inside a throw-away token by a root key that is
// created there non-extractable, the PIN comes from a 0600 file, and secrets round-trip over HTTP.
// Runs on SQLite, or PostgreSQL with TEST_PG_URL.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acquirePkcs11,
  findTokenSlot,
  P11,
  releasePkcs11,
} from '../../src/key-manager/root/pkcs11-library.js';
import { openPkcs11Root } from '../../src/key-manager/root/pkcs11-root.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { idOf, keyManagerProject, km } from './key-manager-helpers.js';
import { initToken, SOFTHSM_MODULE, useSoftHsmDirectory, type TestToken } from './key-manager-softhsm.js';

const KEY_LABEL = 'nuage-key-manager-root';
let token: TestToken;
let app: TestApp;

const rootOptions = (pinFile: string) => ({
  modulePath: SOFTHSM_MODULE,
  tokenLabel: token.label,
  keyLabel: KEY_LABEL,
  pin: '',
  pinFile,
});

beforeAll(() => {
  token = initToken(useSoftHsmDirectory(), 'nuage-it-kms');
});
afterAll(async () => {
  await app?.close();
  token?.remove();
});

describe('the PKCS#11 root of trust', () => {
  it('refuses a wrong PIN and a PIN file readable by others', () => {
    const wrong = join(token.dir, 'wrong.pin');
    writeFileSync(wrong, 'not-the-pin\n', { mode: 0o600 });
    expect(() => openPkcs11Root(rootOptions(wrong))).toThrow(/login failed/);
    const open = join(token.dir, 'open.pin');
    writeFileSync(open, `${token.pin}\n`, { mode: 0o644 });
    expect(() => openPkcs11Root(rootOptions(open))).toThrow(/accessible by group or others/);
    expect(() => openPkcs11Root({ ...rootOptions(token.pinFile), tokenLabel: 'no-such-token' })).toThrow(
      /no initialised PKCS#11 token/,
    );
  });

  it('wraps the KEKs of an app whose secrets round-trip over HTTP', async () => {
    app = await startTestApp({
      keyManager: { rootOfTrust: 'pkcs11', pkcs11TokenLabel: token.label, pkcs11PinFile: token.pinFile },
    });
    expect(app.keyManager.rootId).toBe(`pkcs11:${token.label}/${KEY_LABEL}`);
    // No key file: the root key lives only in the token.
    expect(existsSync(join(app.dataDir, 'keys', 'key-manager', 'root'))).toBe(false);
    const p = await keyManagerProject(app, 'km-hsm');
    const created = await km(app, p.member, 'POST', '/v1/secrets', {
      payload: 'in the HSM',
      payload_content_type: 'text/plain',
    });
    expect(created.status).toBe(201);
    const payload = await km(
      app,
      p.member,
      'GET',
      `/v1/secrets/${idOf(created.body.secret_ref)}/payload`,
      undefined,
      {
        accept: 'text/plain',
      },
    );
    expect(payload.text).toBe('in the HSM');
  });

  it('keeps one sensitive, non-extractable root key that a second session finds and uses', () => {
    const lib = acquirePkcs11(SOFTHSM_MODULE);
    try {
      const slot = findTokenSlot(lib, token.label) as Buffer;
      const session = lib.C_OpenSession(slot, P11.CKF_SERIAL_SESSION);
      lib.C_FindObjectsInit(session, [{ type: P11.CKA_LABEL, value: KEY_LABEL }]);
      const found = lib.C_FindObjects(session, 10);
      lib.C_FindObjectsFinal(session);
      expect(found).toHaveLength(1);
      const [extractable, sensitive] = lib.C_GetAttributeValue(session, found[0] as Buffer, [
        { type: P11.CKA_EXTRACTABLE },
        { type: P11.CKA_SENSITIVE },
      ]);
      expect(extractable?.value).toEqual(Buffer.from([0]));
      expect(sensitive?.value).toEqual(Buffer.from([1]));
      expect(() => lib.C_GetAttributeValue(session, found[0] as Buffer, [{ type: P11.CKA_VALUE }])).toThrow(
        /CKR_ATTRIBUTE_SENSITIVE/,
      );
      lib.C_CloseSession(session);
    } finally {
      releasePkcs11(SOFTHSM_MODULE);
    }
    const again = openPkcs11Root(rootOptions(token.pinFile));
    try {
      const aad = Buffer.from('aad');
      const wrapped = again.wrap(Buffer.alloc(32, 7), aad);
      expect(again.unwrap(wrapped, aad)).toEqual(Buffer.alloc(32, 7));
      expect(() => again.unwrap(wrapped, Buffer.from('other'))).toThrow(/could not be unwrapped/);
    } finally {
      again.close();
    }
  });
});
