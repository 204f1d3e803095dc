// Reads the `tls` section's certificate and key files into what an HTTPS listener needs. Only paths are
// ever named in messages: the PEM content (above all the key) never reaches a log or an error.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createSecureContext, type SecureVersion } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { ConfigError } from './load.js';

/** TLS 1.0 and 1.1 are refused on every listener (ANSSI and RFC 8996). */
export const TLS_MIN_VERSION = 'TLSv1.2' satisfies SecureVersion;

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  minVersion: typeof TLS_MIN_VERSION;
  /** Absolute path of the certificate file (clouds.yaml's cacert when self-signed). */
  certPath: string;
  /** The first certificate is its own issuer: clients must be told to trust it explicitly. */
  selfSigned: boolean;
}

function readPem(path: string, key: 'tls.cert' | 'tls.key'): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(
      `cannot read ${key} file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
}

/** Undefined when TLS is not configured; throws ConfigError when half-configured or unusable. */
export function readTlsMaterial(tls: { cert: string; key: string }): TlsMaterial | undefined {
  if (!tls.cert && !tls.key) return undefined;
  if (!tls.cert || !tls.key) throw new ConfigError('tls.cert and tls.key must be set together (or neither)');
  const certPath = resolve(tls.cert);
  const cert = readPem(certPath, 'tls.cert');
  const key = readPem(resolve(tls.key), 'tls.key');
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch {
    throw new ConfigError(`tls.cert file ${certPath} holds no PEM certificate`);
  }
  try {
    // Fails when the key is not PEM or is not the certificate's key; the OpenSSL message holds no key bytes.
    createSecureContext({ cert, key, minVersion: TLS_MIN_VERSION });
  } catch (err) {
    throw new ConfigError(`tls.key does not fit tls.cert ${certPath}: ${(err as Error).message}`);
  }
  const selfSigned = leaf.checkIssued(leaf) && leaf.verify(leaf.publicKey);
  return { cert, key, minVersion: TLS_MIN_VERSION, certPath, selfSigned };
}
