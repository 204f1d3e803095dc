// The MFA stage of authentication: TOTP passcodes checked against the user's totp credentials, the
// receipt of an earlier attempt merged in, and the user's multi_factor_auth_rules (plus the operator's
// mfaRequiredRoles) enforced. An unsatisfied rule is not an error but a receipt: the route answers 401
// with the Openstack-Auth-Receipt header and Keystone's receipt body.
import type { Clock } from '../../common/clock.js';
import type { TokenCipher } from '../../common/crypto/token-cipher.js';
import { errors } from '../../common/errors/codes.js';
import type { IdentityConfig } from '../../config/schema.js';
import type { CredentialStore } from '../credential-store.js';
import type { User } from '../model.js';
import type { ResourceStore } from '../resource-store.js';
import type { RoleStore } from '../role-store.js';
import type { UserStore } from '../user-store.js';
import { type Receipt, type ReceiptSealer, unsatisfiedRules } from './receipts.js';
import { verifyTotp } from './totp.js';
import { mfaRulesOf } from './user-options.js';

/** The methods POST /v3/auth/tokens offers; MFA rules naming anything else are ignored (Keystone). */
export const OFFERED_METHODS: ReadonlySet<string> = new Set([
  'password',
  'totp',
  'token',
  'application_credential',
]);
const ROLE_RULE = ['password', 'totp'];

export interface MfaGateDeps {
  credentials: CredentialStore;
  users: UserStore;
  roles: RoleStore;
  resources: ResourceStore;
  /** Opens credential blobs (the credential service's sealer). */
  sealer: TokenCipher;
  receipts: ReceiptSealer;
  clock: Clock;
  config: IdentityConfig;
}

export interface ReceiptAnswer {
  id: string;
  receipt: Receipt;
  user: User;
  domain: { id: string; name: string };
  requiredAuthMethods: string[][];
}

const unauthorized = () => errors.unauthorized('The request you have made requires authentication.');

export function createMfaGate(deps: MfaGateDeps) {
  /** True when the user holds (directly or through a group) an assignment of one of mfaRequiredRoles. */
  async function roleRequiresMfa(user: User): Promise<boolean> {
    const names = deps.config.mfaRequiredRoles;
    if (names.length === 0) return false;
    const actorIds = [user.id, ...(await deps.users.groupIdsOfUser(user.id))];
    const assignments = await deps.roles.listAssignments({ actorIds });
    for (const roleId of new Set(assignments.map((a) => a.roleId))) {
      const role = await deps.roles.getRole(roleId);
      if (role && names.includes(role.name)) return true;
    }
    return false;
  }

  /** The rules this user's methods must satisfy: their own, and password+totp when a role demands it. */
  async function missingRules(user: User, methods: string[]): Promise<string[][] | undefined> {
    const own = unsatisfiedRules(mfaRulesOf(user.options), methods, OFFERED_METHODS);
    if (own) return own;
    if (methods.includes('totp') || !(await roleRequiresMfa(user))) return undefined;
    return [ROLE_RULE];
  }

  return {
    /** Keystone's totp plugin: the passcode must match one of the user's totp credentials. */
    async verifyPasscode(user: User, passcode: string): Promise<void> {
      const now = deps.clock.now();
      const stored = await deps.credentials.listCredentials({ userId: user.id, type: 'totp' });
      const ok = stored.some((c) => {
        const blob = deps.sealer.open(c.encryptedBlob);
        if (!blob) return false;
        const secret = Buffer.from(blob).toString('utf8');
        return verifyTotp(secret, passcode, now.getTime(), deps.config.totpIncludedPreviousWindows);
      });
      if (!ok) {
        if (deps.config.lockoutFailureAttempts > 0)
          await deps.users.recordAuthFailure(user.id, now.toISOString());
        throw unauthorized();
      }
      if (!user.enabled) throw unauthorized();
    },

    /** The methods a receipt header proves for this user; a foreign, forged or expired receipt is a 401. */
    receiptMethods(receiptId: string | undefined, user: User): string[] {
      if (receiptId === undefined) return [];
      const receipt = deps.receipts.open(receiptId, deps.clock.now().getTime());
      if (!receipt || receipt.userId !== user.id) throw unauthorized();
      return receipt.methods;
    },

    /** undefined when the methods satisfy the user's rules, else the receipt to answer with. */
    async check(user: User, methods: string[]): Promise<ReceiptAnswer | undefined> {
      // Keystone: application credentials are meant for automation and bypass MFA rules.
      if (methods.includes('application_credential')) return undefined;
      const required = await missingRules(user, methods);
      if (!required) return undefined;
      const { id, receipt } = deps.receipts.issue(user.id, methods, deps.clock.now().getTime());
      const domain = await deps.resources.getDomain(user.domainId);
      return {
        id,
        receipt,
        user,
        domain: { id: user.domainId, name: domain?.name ?? '' },
        requiredAuthMethods: required,
      };
    },
  };
}

export type MfaGate = ReturnType<typeof createMfaGate>;
