// Host processes of guests: start QEMU outside our process group, and look at or signal a pid only
// after checking (via /proc) that it is the QEMU of the instance we mean.
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/**
 * Start `binary args…` detached (own session and process group, stdio to `logPath`, not waited on by
 * our event loop), so that a control-plane exit or kill -9 does not take the guest with it.
 */
export function spawnDetached(binary: string, args: readonly string[], logPath: string): Promise<number> {
  const logFd = openSync(logPath, 'a', 0o600);
  try {
    const child = spawn(binary, args, { detached: true, stdio: ['ignore', logFd, logFd] });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => {
        child.unref();
        // Node still reaps the child when it exits (no zombie) while this process lives.
        child.on('error', () => {});
        if (child.pid === undefined) reject(new Error(`${binary} started without a pid`));
        else resolve(child.pid);
      });
    });
  } finally {
    closeSync(logFd);
  }
}

/** True if `pid` exists and is not a zombie. */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the parenthesised command name, which may itself contain ')'.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** True if `pid` is alive and its command line contains `needle` as (part of) one argument. */
export async function isOurProcess(pid: number, needle: string): Promise<boolean> {
  if (!(await isAlive(pid))) return false;
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.split('\0').some((arg) => arg.includes(needle));
  } catch {
    return false;
  }
}

/** Poll until `pid` is gone; resolves false if it still lives after timeoutMs. */
export async function waitUntilDead(pid: number, timeoutMs: number, pollMs = 50): Promise<boolean> {
  const attempts = Math.max(1, Math.ceil(timeoutMs / pollMs));
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (!(await isAlive(pid))) return true;
    await sleep(pollMs);
  }
  return !(await isAlive(pid));
}

/** SIGKILL `pid` if (and only if) it is the process whose command line holds `needle`. */
export async function killVerified(pid: number, needle: string): Promise<void> {
  if (!(await isOurProcess(pid, needle))) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Exited between the check and the signal.
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
