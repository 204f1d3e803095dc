// Agent credentials: a random secret per host, minted by `nuage agent enroll` on an API node, stored as a
// scrypt hash; the agent keeps the secret in a 0600 file. Requests carry
// `Authorization: Nuage-Agent <host>:<secret>` in both directions.
import { join, resolve } from 'node:path';
import { openKeyRepository } from '../common/crypto/key-repository.js';
import { createTokenCipher, type TokenCipher } from '../common/crypto/token-cipher.js';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { hashPassword, verifyPassword } from '../common/crypto/password-hash.js';

export const AGENT_AUTH_SCHEME = 'Nuage-Agent';
/** Host names as Nova accepts them: letters, digits, dot, dash, underscore. */
export const HOST_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$';
const HOST_NAME = new RegExp(HOST_NAME_PATTERN);

export interface AgentCredentialFile {
  host: string;
  secret: string;
}

export function isHostName(name: string): boolean {
  return HOST_NAME.test(name);
}

/** 32 random bytes, base64url: what an agent (or the control plane, per agent start) presents. */
export function newAgentSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashAgentSecret(secret: string): Promise<string> {
  return hashPassword(secret);
}

export function verifyAgentSecret(secret: string, stored: string): Promise<boolean> {
  return verifyPassword(secret, stored);
}

/** Constant-time comparison of two secrets of any length (both are hashed first). */
export function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

export function authorizationOf(host: string, secret: string): string {
  return `${AGENT_AUTH_SCHEME} ${host}:${secret}`;
}

/** The host and secret of an `Authorization: Nuage-Agent host:secret` header, or undefined. */
export function parseAgentAuthorization(header: string | undefined): AgentCredentialFile | undefined {
  if (header === undefined || header.length > 512) return undefined;
  const match = /^Nuage-Agent ([^:\s]+):(\S+)$/.exec(header.trim());
  if (match === null) return undefined;
  const [, host, secret] = match;
  if (host === undefined || secret === undefined || !isHostName(host)) return undefined;
  return { host, secret };
}

/** Writes the credential file with mode 0600 (created so, never world-readable in between). */
export async function writeCredentialFile(path: string, credential: AgentCredentialFile): Promise<void> {
  await writeFile(path, `${JSON.stringify(credential)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
}

export async function readCredentialFile(path: string): Promise<AgentCredentialFile> {
  const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<AgentCredentialFile>;
  if (typeof parsed.host !== 'string' || !isHostName(parsed.host) || typeof parsed.secret !== 'string') {
    throw new Error(`${path} is not an agent credential file (nuage agent enroll writes one)`);
  }
  return { host: parsed.host, secret: parsed.secret };
}

/**
 * The cipher that seals agents' control secrets before they are stored (keys in <dataDir>/keys/agents,
 * shared by the API nodes as the token keys are): a database dump alone cannot call any agent.
 */
export function agentSecretCipher(dataDir: string): TokenCipher {
  return createTokenCipher(openKeyRepository(join(resolve(dataDir), 'keys', 'agents')));
}
