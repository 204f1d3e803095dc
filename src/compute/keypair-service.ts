// Key pairs: import an OpenSSH (or x509) public key, or generate an ed25519 pair (or, for type x509, a
// WinRM client certificate as Nova does) and hand the private key back once. Key pairs belong to the
// calling user; an admin may act for another user (2.10).
import { errors } from '../common/errors/codes.js';
import type { Clock } from '../common/clock.js';
import type { AuthContext } from '../common/http/context.js';
import { isAdmin } from './compute-policy.js';
import type { KeyPairStore } from './keypair-store.js';
import type { KeyPair, KeyPairType } from './model.js';
import { fingerprintSshPublicKey, fingerprintX509, generateEd25519 } from './ssh-keys.js';
import { generateWinrmX509 } from './x509-keys.js';

const NAME = /^[a-zA-Z0-9 _.@-]{1,255}$/;

export interface KeyPairCreateInput {
  name: string;
  type?: KeyPairType;
  publicKey?: string;
  userId?: string;
}

export interface KeyPairServiceDeps {
  store: KeyPairStore;
  clock: Clock;
  randomBytes: (n: number) => Buffer;
  /** Per-user key pair quota (Nova's key_pairs, default 100). */
  maxPerUser: number;
}

function ownerOf(auth: AuthContext, userId: string | undefined): string {
  if (userId === undefined || userId === auth.userId) return auth.userId;
  if (!isAdmin(auth)) throw errors.forbidden();
  return userId;
}

export function createKeyPairService(deps: KeyPairServiceDeps) {
  const { store, clock } = deps;

  /** Creates (or imports) a key pair; `privateKey` is present only when Nuage generated the pair. */
  async function create(
    auth: AuthContext,
    input: KeyPairCreateInput,
  ): Promise<KeyPair & { privateKey?: string }> {
    const userId = ownerOf(auth, input.userId);
    if (!NAME.test(input.name)) {
      throw errors.badRequest('Keypair data is invalid: Keypair name contains unsafe characters');
    }
    if ((await store.count(userId)) >= deps.maxPerUser) {
      throw errors.forbidden('Quota exceeded, too many key pairs.');
    }
    const type = input.type ?? 'ssh';
    let generated: { privateKey: string } | undefined;
    let publicKey = input.publicKey;
    let fingerprint: string;
    if (publicKey === undefined) {
      const pair =
        type === 'x509' ? await generateWinrmX509(userId) : generateEd25519(input.name, deps.randomBytes);
      generated = { privateKey: pair.privateKey };
      publicKey = pair.publicKey;
      fingerprint = pair.fingerprint;
    } else {
      fingerprint = type === 'x509' ? fingerprintX509(publicKey) : fingerprintSshPublicKey(publicKey);
    }
    const keyPair: KeyPair = {
      userId,
      name: input.name,
      type,
      publicKey,
      fingerprint,
      createdAt: clock.now().toISOString(),
    };
    if (!(await store.insert(keyPair))) {
      throw errors.conflict(`Key pair '${input.name}' already exists.`);
    }
    return generated ? { ...keyPair, ...generated } : keyPair;
  }

  async function get(auth: AuthContext, name: string, userId?: string): Promise<KeyPair> {
    const owner = ownerOf(auth, userId);
    const keyPair = await store.get(owner, name);
    if (!keyPair) throw errors.notFound('keypair', name);
    return keyPair;
  }

  async function list(auth: AuthContext, options: { userId?: string; limit?: number; marker?: string }) {
    const owner = ownerOf(auth, options.userId);
    if (options.marker !== undefined && !(await store.get(owner, options.marker))) {
      throw errors.badRequest(`marker [${options.marker}] not found`);
    }
    return store.list(owner, options.limit ?? 1000, options.marker);
  }

  async function remove(auth: AuthContext, name: string, userId?: string): Promise<void> {
    const owner = ownerOf(auth, userId);
    if (!(await store.remove(owner, name))) throw errors.notFound('keypair', name);
  }

  return { create, get, list, remove };
}

export type KeyPairService = ReturnType<typeof createKeyPairService>;
