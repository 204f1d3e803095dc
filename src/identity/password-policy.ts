// Keystone's [security_compliance] password rules (keystone/identity/core.py): the password regex, the
// history of unique passwords, the minimum age between self-service changes, expiry, and the expiry at
// once of a password an administrator set (change upon first use). Error texts are Keystone's.
import type { Clock } from '../common/clock.js';
import { verifyPassword } from '../common/crypto/password-hash.js';
import { errors } from '../common/errors/codes.js';
import type { IdentityConfig } from '../config/schema.js';
import { optionIsSet } from './mfa/user-options.js';
import type { User } from './model.js';
import type { PasswordHistoryStore } from './password-history-store.js';

const DAY_MS = 86_400_000;

export interface PasswordPolicyDeps {
  history: PasswordHistoryStore;
  clock: Clock;
  config: IdentityConfig;
}

export function createPasswordPolicy(deps: PasswordPolicyDeps) {
  const { config } = deps;
  // An invalid regex stops start-up here rather than refusing every password later.
  const regex = config.passwordRegex === '' ? undefined : new RegExp(config.passwordRegex);

  /** Keystone's _validate_password_history: the last (count - 1) passwords, the current one included. */
  async function checkHistory(user: User, password: string): Promise<void> {
    const count = config.uniqueLastPasswordCount;
    if (count <= 1) return;
    const previous = (await deps.history.latest(user.id, count - 1)).map((r) => r.passwordHash);
    // Users whose password predates the history (the bootstrap admin) still have their current one.
    if (user.passwordHash !== null && !previous.includes(user.passwordHash))
      previous.unshift(user.passwordHash);
    for (const hash of previous.slice(0, count - 1)) {
      if (await verifyPassword(password, hash)) {
        throw errors.badRequest(
          'The new password cannot be identical to a previous password. The total number which ' +
            `includes the new password must be unique is ${count}.`,
        );
      }
    }
  }

  return {
    /** Regex and history; for every new password, whoever sets it. */
    async checkNew(user: User | undefined, password: string): Promise<void> {
      if (regex && !regex.test(password)) {
        const detail = config.passwordRegexDescription || 'The password does not match the required pattern';
        throw errors.badRequest(`The password does not match the requirements: ${detail}.`);
      }
      if (user) await checkHistory(user, password);
    },

    /** Keystone's minimum_password_age: only for the user's own change, not an administrator's reset. */
    async checkMinimumAge(user: User): Promise<void> {
      const minDays = config.minimumPasswordAgeDays;
      if (minDays <= 0) return;
      const [current] = await deps.history.latest(user.id, 1);
      if (!current) return;
      const readyAt = Date.parse(current.createdAt) + minDays * DAY_MS;
      const now = deps.clock.now().getTime();
      if (now >= readyAt) return;
      const daysLeft = Math.ceil((readyAt - now) / DAY_MS);
      throw errors.badRequest(
        'You cannot change your password at this time due to the minimum password age. Once you change ' +
          `your password, it must be used for ${minDays} day(s) before it can be changed. Please try again ` +
          `in ${daysLeft} day(s) or contact your administrator to reset your password.`,
      );
    },

    /** When a password set now expires: at once when an admin set it and first use must change it. */
    expiresAt(options: Record<string, unknown>, byAdmin: boolean): string | null {
      const now = deps.clock.now();
      if (byAdmin && config.changePasswordUponFirstUse) {
        if (!optionIsSet(options, 'ignore_change_password_upon_first_use')) return now.toISOString();
      }
      if (config.passwordExpiresDays <= 0 || optionIsSet(options, 'ignore_password_expiry')) return null;
      return new Date(now.getTime() + config.passwordExpiresDays * DAY_MS).toISOString();
    },

    record: (userId: string, passwordHash: string) =>
      deps.history.record(userId, passwordHash, deps.clock.now().toISOString()),

    isExpired(user: User): boolean {
      if (user.passwordExpiresAt === null || optionIsSet(user.options, 'ignore_password_expiry'))
        return false;
      return Date.parse(user.passwordExpiresAt) <= deps.clock.now().getTime();
    },
  };
}

export type PasswordPolicy = ReturnType<typeof createPasswordPolicy>;
