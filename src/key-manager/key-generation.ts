// What an order generates, as Barbican's simple_crypto plugin does: random bytes for the symmetric
// algorithms (64, 128, 192 or 256 bits; twice that for XTS), and RSA or DSA key pairs of 1024, 2048 or
// 4096 bits (PKCS#8 private key, SubjectPublicKeyInfo public key; PEM for RSA, DER for DSA).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { kmErrors } from './key-manager-errors.js';

export const SYMMETRIC_ALGORITHMS = [
  'aes',
  'des',
  '3des',
  'hmacsha1',
  'hmacsha256',
  'hmacsha384',
  'hmacsha512',
];
const SYMMETRIC_BITS = [64, 128, 192, 256];
export const ASYMMETRIC_ALGORITHMS = ['rsa', 'dsa'];
const ASYMMETRIC_BITS = [1024, 2048, 4096];

function generateNotSupported(): never {
  // No secret store supports the algorithm and length: Barbican's SecretGenerateSupportedPluginNotFound.
  throw kmErrors.issue(400, 'Secret generate supported plugin not found.');
}

/** A symmetric key for a key order. */
export function generateSymmetric(algorithm: string, bitLength: number, mode: string | undefined): Buffer {
  const alg = algorithm.toLowerCase();
  const factor = mode?.toLowerCase() === 'xts' ? 2 : 1;
  const supported =
    (SYMMETRIC_ALGORITHMS.includes(alg) && SYMMETRIC_BITS.includes(bitLength / factor)) ||
    (ASYMMETRIC_ALGORITHMS.includes(alg) && ASYMMETRIC_BITS.includes(bitLength));
  if (!supported) generateNotSupported();
  // A key order for rsa finds a generating plugin, which then refuses a symmetric generation.
  if (!SYMMETRIC_ALGORITHMS.includes(alg)) throw kmErrors.issue(400, 'Requested algorithm is not supported');
  return randomBytes(bitLength / 8);
}

export interface KeyPair {
  privateKey: Buffer;
  publicKey: Buffer;
}

/** A key pair for an asymmetric order; the private key is encrypted when a passphrase is given. */
export function generateAsymmetric(
  algorithm: string,
  bitLength: number,
  passphrase: string | undefined,
): KeyPair {
  const alg = algorithm.toLowerCase();
  if (!ASYMMETRIC_ALGORITHMS.includes(alg) || !ASYMMETRIC_BITS.includes(bitLength)) {
    if (SYMMETRIC_ALGORITHMS.includes(alg) && SYMMETRIC_BITS.includes(bitLength)) {
      throw kmErrors.issue(400, 'Requested algorithm is not supported');
    }
    generateNotSupported();
  }
  const encryption = passphrase ? { cipher: 'aes-256-cbc', passphrase } : {};
  const pair =
    alg === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: bitLength, publicExponent: 65537 })
      : generateKeyPairSync('dsa', {
          modulusLength: bitLength,
          divisorLength: bitLength >= 2048 ? 256 : 160,
        });
  if (alg === 'rsa') {
    return {
      privateKey: Buffer.from(pair.privateKey.export({ type: 'pkcs8', format: 'pem', ...encryption })),
      publicKey: Buffer.from(pair.publicKey.export({ type: 'spki', format: 'pem' })),
    };
  }
  return {
    privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'der', ...encryption }),
    publicKey: pair.publicKey.export({ type: 'spki', format: 'der' }),
  };
}
