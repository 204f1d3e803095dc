// Swift's transaction ids: "tx" + 21 hex digits of a random UUID + "-" + the Unix time in 10 hex digits
// (proxy/server.py). Clients match this shape (Tempest checks it on every response), and Swift also
// returns the same value as X-Openstack-Request-Id, so requests under /object-store use it as their id.
import { randomUUID } from 'node:crypto';

export const SWIFT_PATH_PREFIX = '/object-store/';

export function newTransId(now: Date): string {
  const random = randomUUID().replaceAll('-', '').slice(0, 21);
  const seconds = Math.floor(now.getTime() / 1000)
    .toString(16)
    .padStart(10, '0');
  return `tx${random}-${seconds}`;
}

/** The request id for a request to this URL: Swift's form under /object-store, else `fallback()`. */
export function requestIdFor(url: string | undefined, now: () => Date, fallback: () => string): string {
  return url !== undefined && url.startsWith(SWIFT_PATH_PREFIX) ? newTransId(now()) : fallback();
}
