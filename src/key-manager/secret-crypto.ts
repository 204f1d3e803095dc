// How a secret's payload is stored: AES-256-GCM under a data key of its own, the data key wrapped by the
// project's KEK. The additional data names the project and the secret, so a ciphertext copied onto
// another secret's row (or another project's) does not open.
import { gcmOpen, gcmSeal } from './aes-gcm.js';
import type { KeyService } from './key-service.js';
import { kmErrors } from './key-manager-errors.js';

export interface SealedPayload {
  kekId: string;
  /** base64 of the wrapped data key. */
  wrappedDek: string;
  /** base64 of iv | ciphertext | tag. */
  ciphertext: string;
}

function aad(projectId: string, secretId: string): Buffer {
  return Buffer.from(`nuage-key-manager/secret/v1\0${projectId}\0${secretId}`, 'utf8');
}

export async function sealPayload(
  keys: KeyService,
  projectId: string,
  secretId: string,
  payload: Buffer,
): Promise<SealedPayload> {
  const dataKey = await keys.createDataKey(projectId);
  try {
    const sealed = gcmSeal(dataKey.plaintext, payload, aad(projectId, secretId));
    return {
      kekId: dataKey.kekId,
      wrappedDek: dataKey.wrapped.toString('base64'),
      ciphertext: sealed.toString('base64'),
    };
  } finally {
    dataKey.plaintext.fill(0);
  }
}

export async function openPayload(
  keys: KeyService,
  projectId: string,
  secretId: string,
  stored: { wrappedDek: string; ciphertext: string },
): Promise<Buffer> {
  const dataKey = await keys.unwrapDataKey(projectId, Buffer.from(stored.wrappedDek, 'base64'));
  try {
    const plain = gcmOpen(dataKey, Buffer.from(stored.ciphertext, 'base64'), aad(projectId, secretId));
    if (!plain) throw kmErrors.unwrapFailed(`the payload of secret ${secretId} does not verify`);
    return plain;
  } finally {
    dataKey.fill(0);
  }
}
