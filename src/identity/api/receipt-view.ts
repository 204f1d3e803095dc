// Keystone's receipt response (keystone/receipt/handlers.py): 401, the receipt id in the
// Openstack-Auth-Receipt header, and a body naming the methods proved and the rules still open.
// keystoneauth's MissingAuthMethods reads exactly receipt.methods, receipt.expires_at and
// required_auth_methods.
import type { ReceiptAnswer } from '../mfa/mfa-gate.js';
import { keystoneTime } from './token-views.js';

export function receiptView(answer: ReceiptAnswer) {
  const { receipt, user, domain } = answer;
  return {
    receipt: {
      methods: receipt.methods,
      user: { id: user.id, name: user.name, domain: { id: domain.id, name: domain.name } },
      expires_at: keystoneTime(new Date(receipt.expiresAt)),
      issued_at: keystoneTime(new Date(receipt.issuedAt)),
    },
    required_auth_methods: answer.requiredAuthMethods,
  };
}
