// The unprivileged data plane: under QEMU user networking (slirp) each instance gets its own NAT and
// DHCP from QEMU, so there is nothing to build on the host. The API still stores everything, and the
// capabilities say what is not enforced.
import type { NetworkDriver } from '../driver.js';

export function createUserNetworkDriver(): NetworkDriver {
  return {
    capabilities: {
      name: 'user',
      notEnforced: [
        'security groups (QEMU user networking allows all egress and only forwarded ingress)',
        'fixed IPs (QEMU assigns 10.0.2.15 by its own DHCP)',
        'routers, SNAT and floating IPs (QEMU NATs every instance)',
        'isolation between networks',
      ],
    },
    async sync() {},
    portDevice: () => undefined,
    async plugPort(port) {
      return { device: `user:${port.id}` };
    },
    async unplugPort() {},
    async close() {},
  };
}
