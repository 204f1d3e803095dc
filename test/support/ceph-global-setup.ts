// Global setup of the `ceph` vitest project: starts the Ceph rig before any of its files and stops it
// after the last (scripts/test.sh runs this project as its own stage, so CI always starts the rig). A
// rig that cannot start (no root, no Ceph packages, unhealthy) fails the whole run: nothing is skipped.
import { startCephRig, type StartedCephRig } from './ceph-rig.js';

let rig: StartedCephRig | undefined;

export async function setup(): Promise<void> {
  rig = await startCephRig('vitest-ceph');
}

export async function teardown(): Promise<void> {
  await rig?.stop();
}
