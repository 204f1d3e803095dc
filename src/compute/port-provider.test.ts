// The port provider maps Neutron port records to server ports, binds with Nova's device fields, and
// picks the `auto` network as Nova does without auto-allocation.
import { describe, expect, it } from 'vitest';
import type { AuthContext } from '../common/http/context.js';
import { createPortProvider, type NetworkPortOps } from './port-provider.js';

const auth = {} as AuthContext;

function ops(networks: Record<string, unknown>[], device?: { tapName: string; netns?: string }) {
  const calls: { op: string; body: Record<string, unknown> }[] = [];
  const port = (body: Record<string, unknown>) => ({
    id: 'port-1',
    network_id: 'net-1',
    mac_address: 'fa:16:3e:00:00:01',
    fixed_ips: [
      { subnet_id: 'sub-1', ip_address: '10.0.0.5' },
      { subnet_id: 'sub-6', ip_address: 'fd00::5' },
    ],
    ...body,
  });
  const o: NetworkPortOps = {
    getNetwork: async () => ({}),
    getPort: async () => ({ device_id: '' }),
    listNetworks: async () => networks,
    listSecurityGroups: async () => [],
    createPort: async (_project, body) => (calls.push({ op: 'create', body }), port(body)),
    updatePort: async (_id, body) => (calls.push({ op: 'update', body }), port(body)),
    deletePort: async () => undefined,
    networkName: async () => 'private',
    deviceOf: async () => device,
    floatingIpsOf: async () => new Map(),
    portsOfDevice: async () => [],
  };
  return { o, calls };
}

describe('createPortProvider', () => {
  it('creates bound ports and maps their addresses', async () => {
    const { o, calls } = ops([]);
    const provider = createPortProvider(o, 'host-1', 'nova');
    const p = await provider.createPort({ projectId: 'p', networkId: 'net-1', serverId: 'srv' });
    expect(p).toMatchObject({ portId: 'port-1', networkName: 'private', created: true });
    expect(p.fixedIps.map((ip) => ip.version)).toEqual([4, 6]);
    expect(calls[0]?.body).toMatchObject({
      device_id: 'srv',
      device_owner: 'compute:nova',
      'binding:host_id': 'host-1',
    });
  });

  it('chooses the auto network like Nova', async () => {
    const own = { id: 'mine', shared: false };
    const shared = { id: 'shared', shared: true };
    const external = { id: 'public', 'router:external': true };
    expect(await createPortProvider(ops([own, shared, external]).o, 'h', 'nova').autoNetwork(auth)).toBe(
      'mine',
    );
    expect(await createPortProvider(ops([shared, external]).o, 'h', 'nova').autoNetwork(auth)).toBe('shared');
    expect(await createPortProvider(ops([external]).o, 'h', 'nova').autoNetwork(auth)).toBeUndefined();
    await expect(
      createPortProvider(ops([own, { id: 'b' }]).o, 'h', 'nova').autoNetwork(auth),
    ).rejects.toThrow(/Multiple/);
  });

  it('plugs a tap when the data plane made a device, user networking otherwise', async () => {
    const port = {
      portId: 'port-1',
      networkId: 'n',
      networkName: 'x',
      macAddress: 'm',
      fixedIps: [],
      created: true,
    };
    expect(
      await createPortProvider(ops([], { tapName: 'tapport-1', netns: 'nuage-host' }).o, 'h', 'nova').plug(
        port,
        's',
      ),
    ).toEqual({ kind: 'tap', tapName: 'tapport-1', netns: 'nuage-host' });
    expect(await createPortProvider(ops([]).o, 'h', 'nova').plug(port, 's')).toEqual({ kind: 'user' });
  });
});
