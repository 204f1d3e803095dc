// This host's Ceph client from the configuration (`ceph.conf`, `ceph.user`, `ceph.keyring`): paths and a
// user name only, so that nothing which reaches a command line or a QEMU option carries a key.
import type { CephConfig } from '../../config/schema.js';
import type { CephClientConfig } from './rbd-names.js';

/** The client, or undefined when no Ceph config file is configured (a host without Ceph). */
export function cephClientOf(config: CephConfig): CephClientConfig | undefined {
  if (config.conf === '') return undefined;
  return {
    confPath: config.conf,
    user: config.user,
    ...(config.keyring !== '' && { keyringPath: config.keyring }),
  };
}
