// Which objects were written with an SSE-C (customer-provided) key, as recorded in their system metadata:
// the algorithm, the key's MD5 (echoed to clients, as S3 does) and a salted HMAC of the key to check the
// key a read presents. The key itself is never stored. Swift never shows x-object-sysmeta-* headers.
import type { StoredMetadata, StoredObject } from './model.js';

export const CUSTOMER_KEY_SYSMETA = {
  algorithm: 'x-object-sysmeta-ssec-algorithm',
  keyMd5: 'x-object-sysmeta-ssec-key-md5',
  keyHmac: 'x-object-sysmeta-ssec-key-hmac',
} as const;

/** Whether the object's bytes open only with a customer-provided key. */
export function isCustomerKeyed(object: { metadata: StoredMetadata }): boolean {
  return object.metadata.headers[CUSTOMER_KEY_SYSMETA.algorithm] !== undefined;
}

/** Whether `metadata` names the same customer key as `source` (a copy that keeps sharing its blob). */
export function sameCustomerKey(source: StoredObject, metadata: StoredMetadata): boolean {
  const name = CUSTOMER_KEY_SYSMETA.keyHmac;
  return source.metadata.headers[name] === metadata.headers[name];
}
