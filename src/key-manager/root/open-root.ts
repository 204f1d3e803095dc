// Chooses the configured root of trust: the key file in the data directory, or a PKCS#11 token.
import { resolve } from 'node:path';
import type { Config } from '../../config/schema.js';
import { openFileRoot } from './file-root.js';
import { openPkcs11Root } from './pkcs11-root.js';
import type { RootOfTrust } from './root-of-trust.js';

export function openRootOfTrust(config: Config): RootOfTrust {
  const km = config.keyManager;
  if (km.rootOfTrust === 'pkcs11') {
    return openPkcs11Root({
      modulePath: km.pkcs11Module,
      tokenLabel: km.pkcs11TokenLabel,
      keyLabel: km.pkcs11KeyLabel,
      pin: km.pkcs11Pin,
      pinFile: km.pkcs11PinFile,
    });
  }
  return openFileRoot(resolve(config.dataDir));
}
