// Suites that boot guests on the Linux data plane need root. They fail, never skip, without it: a run
// that skipped them could go green without testing what ships.
import { beforeAll } from 'vitest';

export function requireRoot(suite: string): void {
  beforeAll(() => {
    if (process.getuid?.() !== 0) {
      throw new Error(`${suite} needs root (network namespaces, taps, nftables, QEMU): run as root`);
    }
  });
}
