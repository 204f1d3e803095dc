// Tests that boot real guests leave them running when they fail half-way (guests outlive `nuage up` by
// design). This kills every QEMU whose command line names a path under `dataDir`, so a failed run does
// not slow down the rest of the suite.
import { readdirSync, readFileSync } from 'node:fs';

export function killGuestsUnder(dataDir: string): number {
  let killed = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const args = cmdline.split('\0');
    if (!args[0]?.includes('qemu-system') || !args.some((a) => a.includes(`${dataDir}/`))) continue;
    try {
      process.kill(Number(entry), 'SIGKILL');
      killed++;
    } catch {
      // Already gone.
    }
  }
  return killed;
}
