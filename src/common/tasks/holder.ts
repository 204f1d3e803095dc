// The identity a process uses when it takes leases: host, pid and a random suffix, so that a restarted
// process (same host, maybe the same pid) never mistakes its predecessor's leases for its own.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export function newLeaseHolder(role: string): string {
  return `${role}@${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}
