// Picks the hypervisor driver from the configuration: QEMU for real guests, or the in-memory fake that
// tests ask for explicitly. Without QEMU installed, servers go to ERROR with the reason; nothing pretends.
import { join, resolve } from 'node:path';
import type { Config } from '../../config/schema.js';
import type { ComputeDriver } from './driver.js';
import { FakeDriver } from './fake/fake-driver.js';
import { QemuDriver } from './qemu/qemu-driver.js';
import { cephClientOf } from '../../storage/rbd/ceph-config.js';

export function chooseComputeDriver(config: Config): ComputeDriver {
  if (config.compute.driver === 'fake')
    return new FakeDriver({ consoleDir: join(resolve(config.dataDir), 'compute', 'consoles') });
  // Instance directories hold the QMP unix sockets, whose paths must stay short and absolute.
  const ceph = cephClientOf(config.ceph);
  // With a Ceph config, guests open RBD roots and volumes through librbd as this host's cephx user.
  return new QemuDriver({
    root: join(resolve(config.dataDir), 'compute'),
    ...(ceph !== undefined && { ceph }),
  });
}
