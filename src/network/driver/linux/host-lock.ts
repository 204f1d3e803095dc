// One linux data plane per host: its namespaces and bridges have fixed names, so two processes would
// each remove the other's objects as unowned. A pid file under /run guards it; a stale one (dead pid)
// is taken over.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const LOCK_DIR = '/run/nuage';
const LOCK_FILE = `${LOCK_DIR}/network.lock`;

function holder(): number | undefined {
  if (!existsSync(LOCK_FILE)) return undefined;
  const pid = Number(readFileSync(LOCK_FILE, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !existsSync(`/proc/${pid}`)) return undefined;
  return pid;
}

/** Takes the host's data plane lock, or throws naming the process that holds it. */
export function acquireHostLock(): void {
  mkdirSync(LOCK_DIR, { recursive: true });
  const pid = holder();
  if (pid !== undefined && pid !== process.pid)
    throw new Error(`the linux network data plane is already run by process ${pid} (${LOCK_FILE})`);
  writeFileSync(LOCK_FILE, String(process.pid));
}

export function releaseHostLock(): void {
  if (holder() === process.pid) rmSync(LOCK_FILE, { force: true });
}
