// Keystone's auth receipts (keystone/receipt): when the methods given satisfy none of the user's MFA
// rules, authentication answers 401 with an Openstack-Auth-Receipt header carrying the methods already
// proved, so the client can send only the missing ones next. Receipts are sealed with their own key
// repository (keys/receipts), so a receipt can never pass for a token and the reverse.
import type { TokenCipher } from '../../common/crypto/token-cipher.js';

export const RECEIPT_HEADER = 'openstack-auth-receipt';

export interface Receipt {
  userId: string;
  methods: string[];
  issuedAt: number;
  expiresAt: number;
}

interface Wire {
  k: 'receipt';
  u: string;
  m: string[];
  i: number;
  e: number;
}

export function createReceiptSealer(cipher: TokenCipher, lifetimeSeconds: number) {
  return {
    issue(userId: string, methods: string[], nowMs: number): { id: string; receipt: Receipt } {
      const receipt = { userId, methods, issuedAt: nowMs, expiresAt: nowMs + lifetimeSeconds * 1000 };
      const wire: Wire = { k: 'receipt', u: userId, m: methods, i: nowMs, e: receipt.expiresAt };
      return { id: cipher.seal(Buffer.from(JSON.stringify(wire))), receipt };
    },
    /** The receipt, or undefined when it is not one of ours or has expired. */
    open(id: string, nowMs: number): Receipt | undefined {
      const bytes = cipher.open(id);
      if (!bytes) return undefined;
      let wire: Partial<Wire>;
      try {
        wire = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<Wire>;
      } catch {
        return undefined;
      }
      if (wire.k !== 'receipt' || typeof wire.u !== 'string' || !Array.isArray(wire.m)) return undefined;
      if (typeof wire.e !== 'number' || typeof wire.i !== 'number' || wire.e <= nowMs) return undefined;
      return { userId: wire.u, methods: wire.m.map(String), issuedAt: wire.i, expiresAt: wire.e };
    },
  };
}

export type ReceiptSealer = ReturnType<typeof createReceiptSealer>;

/**
 * Keystone's check (auth/core.py UserMFARulesValidator): rules naming a method this cloud does not offer
 * are ignored; with no usable rule left, anything passes. Otherwise one rule must be wholly covered by the
 * methods proved. Returns the usable rules when none is satisfied, else undefined.
 */
export function unsatisfiedRules(
  rules: string[][],
  methods: readonly string[],
  offered: ReadonlySet<string>,
): string[][] | undefined {
  const usable = rules.filter((rule) => rule.every((m) => offered.has(m)));
  if (usable.length === 0) return undefined;
  const proved = new Set(methods);
  return usable.some((rule) => rule.every((m) => proved.has(m))) ? undefined : usable;
}
