// Picks the volume backend from the configuration: `file` (qcow2 files under <dataDir>/volumes, the
// all-in-one default) or `rbd` (RBD images in `volume.rbdPool`, reached through `ceph.conf`). An rbd
// backend without a Ceph config is a configuration error at start, not a failure at the first volume.
import { join, resolve } from 'node:path';
import { ConfigError } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { cephClientOf } from '../../storage/rbd/ceph-config.js';
import { RbdClient } from '../../storage/rbd/rbd-client.js';
import type { VolumeBackend } from './backend.js';
import { createFileBackend } from './file-backend.js';
import { createRbdBackend } from './rbd-backend.js';

export function chooseVolumeBackend(config: Pick<Config, 'dataDir' | 'volume' | 'ceph'>): VolumeBackend {
  const dataDir = resolve(config.dataDir);
  if (config.volume.backend === 'file') return createFileBackend({ root: join(dataDir, 'volumes') });
  const client = cephClientOf(config.ceph);
  if (client === undefined) {
    throw new ConfigError('volume.backend = rbd needs ceph.conf (a Ceph config file naming the monitors)');
  }
  return createRbdBackend({
    rbd: new RbdClient(client),
    pool: config.volume.rbdPool,
    // Backup and upload exports, restores: local scratch files, never in the pool.
    scratchDir: join(dataDir, 'volumes-scratch'),
  });
}
