// The root of trust wraps every project's key-encryption key (KEK). It lives outside the database — a key
// file in the data directory or a non-extractable key inside a PKCS#11 token — so that a database dump
// alone decrypts nothing.

/**
 * Wraps and unwraps KEKs with AES-256-GCM under a root key the database never sees.
 * Example: `const wrapped = root.wrap(kek, aad); root.unwrap(wrapped, aad).equals(kek) === true`.
 */
export interface RootOfTrust {
  /** Stable name of the root key, stored beside each wrapped KEK (file:<fingerprint>, pkcs11:<token>/<label>). */
  readonly id: string;
  /** Encrypts `key` and returns iv (12 bytes) | ciphertext | tag (16 bytes); `aad` binds it to its owner. */
  wrap(key: Buffer, aad: Buffer): Buffer;
  /** The inverse of wrap; throws an ApiError when the tag does not verify or the root cannot be used. */
  unwrap(wrapped: Buffer, aad: Buffer): Buffer;
  /** Releases the root (logs out of the token); the object is unusable afterwards. */
  close(): void;
}
