// SSH key material for key pairs: parse and fingerprint an imported OpenSSH public key, and generate an
// ed25519 pair in OpenSSH formats (the public line and the `openssh-key-v1` private key). Pure over
// node:crypto; `randomBytes` is injected for the private key's check integers.
import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { errors } from '../common/errors/codes.js';

const SSH_KEY_TYPES = new Set([
  'ssh-rsa',
  'ssh-ed25519',
  'ssh-dss',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
]);

function sshString(data: Buffer | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** Nova's fingerprint of an SSH key: the MD5 of the key blob as colon-separated hex. */
function md5Colons(blob: Buffer): string {
  return (createHash('md5').update(blob).digest('hex').match(/../g) ?? []).join(':');
}

/**
 * Validates an OpenSSH public key line (`type base64 [comment]`) and returns its fingerprint.
 * Throws a 400 in Nova's words when the key cannot be parsed.
 */
export function fingerprintSshPublicKey(line: string): string {
  const invalid = () => errors.badRequest('Keypair data is invalid: failed to generate fingerprint');
  const [type, body] = line.trim().split(/\s+/);
  if (type === undefined || body === undefined || !SSH_KEY_TYPES.has(type)) throw invalid();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw invalid();
  const blob = Buffer.from(body, 'base64');
  if (blob.length < 4) throw invalid();
  const nameLength = blob.readUInt32BE(0);
  if (blob.subarray(4, 4 + nameLength).toString() !== type) throw invalid();
  return md5Colons(blob);
}

/** Validates a PEM X.509 certificate and returns Nova's fingerprint for it (SHA-1 of the DER, colons). */
export function fingerprintX509(pem: string): string {
  try {
    const cert = new X509Certificate(pem);
    return cert.fingerprint.toLowerCase();
  } catch {
    throw errors.badRequest('Keypair data is invalid: failed to generate X509 fingerprint');
  }
}

export interface GeneratedKeyPair {
  publicKey: string;
  privateKey: string;
  fingerprint: string;
}

/** A fresh ed25519 key pair: `ssh-ed25519 AAAA… comment` and an unencrypted OpenSSH private key. */
export function generateEd25519(comment: string, randomBytes: (n: number) => Buffer): GeneratedKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url');
  if (pub.length !== 32 || seed.length !== 32) throw errors.internal(new Error('ed25519 export failed'));
  const blob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = randomBytes(4).readUInt32BE(0);
  const section = Buffer.concat([
    uint32(check),
    uint32(check),
    sshString('ssh-ed25519'),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  const padLength = (8 - (section.length % 8)) % 8;
  const padding = Buffer.from(Array.from({ length: padLength }, (_, i) => i + 1));
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    uint32(1),
    sshString(blob),
    sshString(Buffer.concat([section, padding])),
  ]);
  const lines = body.toString('base64').match(/.{1,70}/g) ?? [];
  return {
    publicKey: `ssh-ed25519 ${blob.toString('base64')} ${comment}`,
    privateKey: [
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      ...lines,
      '-----END OPENSSH PRIVATE KEY-----',
      '',
    ].join('\n'),
    fingerprint: md5Colons(blob),
  };
}
