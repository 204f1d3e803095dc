// x509 key pairs (Nova's WinRM certificates, nova/crypto.py generate_winrm_x509_cert): a self-signed
// RSA-2048 client certificate for CN=<user id> with the user principal name <user id>@localhost, valid
// 3650 days; the certificate is the key pair's public key and a PKCS#12 bundle (empty password, base64)
// the private key. Node cannot write certificates, so this runs the openssl CLI, as Nova does.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { errors } from '../common/errors/codes.js';
import type { GeneratedKeyPair } from './ssh-keys.js';
import { fingerprintX509 } from './ssh-keys.js';

const run = promisify(execFile);

/** Nova's openssl config: client authentication and the UPN as a Microsoft otherName. */
function opensslConfig(upn: string): string {
  return [
    'distinguished_name  = req_distinguished_name',
    '[req_distinguished_name]',
    '[v3_req_client]',
    'extendedKeyUsage = clientAuth',
    `subjectAltName = otherName:1.3.6.1.4.1.311.20.2.3;UTF8:${upn}`,
    '',
  ].join('\n');
}

/** Keystone user ids are hex; anything else could not be a CN or UPN we write into a config file. */
const SAFE_USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export async function generateWinrmX509(userId: string, bits = 2048): Promise<GeneratedKeyPair> {
  if (!SAFE_USER_ID.test(userId)) throw errors.badRequest('Keypair data is invalid: unusable user id');
  const dir = await mkdtemp(join(tmpdir(), 'nuage-x509-'));
  try {
    const keyFile = join(dir, 'temp.key');
    const confFile = join(dir, 'temp.conf');
    await writeFile(confFile, opensslConfig(`${userId}@localhost`), { mode: 0o600 });
    const cert = await run('openssl', [
      'req',
      '-x509',
      '-nodes',
      '-days',
      '3650',
      '-config',
      confFile,
      '-newkey',
      `rsa:${bits}`,
      '-outform',
      'PEM',
      '-keyout',
      keyFile,
      '-subj',
      `/CN=${userId}`,
      '-extensions',
      'v3_req_client',
    ]);
    const certFile = join(dir, 'temp.crt');
    await writeFile(certFile, cert.stdout, { mode: 0o600 });
    const pkcs12 = await run(
      'openssl',
      ['pkcs12', '-export', '-inkey', keyFile, '-in', certFile, '-password', 'pass:'],
      { encoding: 'buffer' },
    );
    const certificate = cert.stdout;
    return {
      publicKey: certificate,
      privateKey: pkcs12.stdout.toString('base64'),
      fingerprint: fingerprintX509(certificate),
    };
  } catch (err) {
    throw errors.internal(err);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
