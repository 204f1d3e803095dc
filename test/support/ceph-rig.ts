// The Ceph cluster of the RBD tests (scripts/ceph-rig.sh): one rig directory under /tmp, started once per
// run by the `ceph` vitest project's global setup (test/support/ceph-global-setup.ts) and shared by its
// files. The setup takes a lease when it starts the rig and drops it when it stops it, so the daemons
// stop only after the last runner that uses them (a second start reuses the cluster in seconds).
// Root and the Ceph packages are required: the run fails, never skips, without them.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { RbdClient } from '../../src/storage/rbd/rbd-client.js';
import type { CephClientConfig } from '../../src/storage/rbd/rbd-names.js';

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, '../..');
const script = path.join(repoRoot, 'scripts/ceph-rig.sh');

/** The rig directory (TEST_CEPH_RIG_DIR overrides it). */
export const CEPH_RIG_DIR = process.env.TEST_CEPH_RIG_DIR ?? '/tmp/nuage-test-ceph';

export interface CephRig {
  dir: string;
  client: CephClientConfig;
  rbd: RbdClient;
}

export interface StartedCephRig extends CephRig {
  /** What the script printed (the start time among it). */
  startLog: string;
  stop(): Promise<void>;
}

/** Starts (or joins) the rig; rejects without root or without Ceph. */
export async function startCephRig(suite: string): Promise<StartedCephRig> {
  if (process.getuid?.() !== 0) {
    throw new Error(`${suite} needs root (Ceph's OSDs on files, librbd in QEMU): run as root`);
  }
  const lease = `${suite.replace(/[^A-Za-z0-9_.-]/g, '_')}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const env = { ...process.env, CEPH_RIG_LEASE: lease };
  const { stdout } = await run('bash', [script, 'start', CEPH_RIG_DIR], { env, timeout: 600_000 }).catch(
    (err: unknown) => {
      const stderr = (err as { stderr?: string }).stderr ?? '';
      throw new Error(`${suite}: the Ceph rig did not start (scripts/ceph-rig.sh start): ${stderr}`, {
        cause: err,
      });
    },
  );
  process.stdout.write(stdout);
  return {
    ...cephRig(),
    startLog: stdout,
    async stop() {
      const out = await run('bash', [script, 'stop', CEPH_RIG_DIR], { env, timeout: 120_000 });
      process.stdout.write(out.stdout);
    },
  };
}

/** The rig the global setup started, as a test file reaches it. */
export function cephRig(): CephRig {
  const client: CephClientConfig = { confPath: path.join(CEPH_RIG_DIR, 'ceph.conf'), user: 'nuage' };
  return { dir: CEPH_RIG_DIR, client, rbd: new RbdClient(client) };
}

/** A name no other test (or earlier run) uses, for images in the shared pools. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}
