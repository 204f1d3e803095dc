import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeConfigDriveIso } from './config-drive-iso.js';
import {
  buildConfigDriveFiles,
  buildEc2MetaData,
  buildMetaData,
  buildNetworkData,
  type InstanceMetadataInput,
} from './metadata.js';

const input: InstanceMetadataInput = {
  uuid: '8f1c2a4e-0b5d-4c1e-9a7f-2d3b4c5d6e7f',
  name: 'vm1',
  hostname: 'vm1.novalocal',
  projectId: 'f00d',
  availabilityZone: 'nova',
  launchIndex: 0,
  keyPairs: [{ name: 'mykey', type: 'ssh', publicKey: 'ssh-ed25519 AAAA test' }],
  meta: { role: 'web' },
  randomSeed: 'c2VlZA==',
  ports: [
    {
      portId: '3c6a2f1e-aaaa-bbbb-cccc-000000000001',
      networkId: 'net-1',
      macAddress: 'fa:16:3e:00:00:01',
      mtu: 1450,
      fixedIps: [{ version: 4, address: '10.0.0.5', netmask: '255.255.255.0', gateway: '10.0.0.1' }],
    },
    {
      portId: '3c6a2f1e-aaaa-bbbb-cccc-000000000002',
      networkId: 'net-2',
      macAddress: 'fa:16:3e:00:00:02',
      fixedIps: [{ version: 4, address: '10.1.0.5', netmask: '255.255.255.0', dhcp: true }],
    },
  ],
  dnsServers: ['10.0.0.2'],
  userData: '#!/bin/sh\necho hi\n',
};

describe('metadata builders', () => {
  it('builds meta_data.json with the keys Nova emits', () => {
    expect(buildMetaData(input)).toEqual({
      uuid: input.uuid,
      meta: { role: 'web' },
      public_keys: { mykey: 'ssh-ed25519 AAAA test' },
      keys: [{ name: 'mykey', type: 'ssh', data: 'ssh-ed25519 AAAA test' }],
      hostname: 'vm1.novalocal',
      name: 'vm1',
      launch_index: 0,
      availability_zone: 'nova',
      random_seed: 'c2VlZA==',
      project_id: 'f00d',
      devices: [],
      dedicated_cpus: [],
    });
  });

  it('builds network_data.json links, static and DHCP networks, and DNS services', () => {
    const data = buildNetworkData(input.ports, input.dnsServers);
    expect(data.links).toEqual([
      {
        id: 'tap3c6a2f1e-aa',
        vif_id: '3c6a2f1e-aaaa-bbbb-cccc-000000000001',
        type: 'bridge',
        mtu: 1450,
        ethernet_mac_address: 'fa:16:3e:00:00:01',
      },
      {
        id: 'tap3c6a2f1e-aaaa-bbbb-cccc-000000000002',
        vif_id: '3c6a2f1e-aaaa-bbbb-cccc-000000000002',
        type: 'bridge',
        mtu: null,
        ethernet_mac_address: 'fa:16:3e:00:00:02',
      },
    ]);
    expect(data.networks[0]).toEqual({
      id: 'network0',
      type: 'ipv4',
      link: 'tap3c6a2f1e-aa',
      ip_address: '10.0.0.5',
      netmask: '255.255.255.0',
      routes: [{ network: '0.0.0.0', netmask: '0.0.0.0', gateway: '10.0.0.1' }],
      network_id: 'net-1',
      services: [{ type: 'dns', address: '10.0.0.2' }],
    });
    expect(data.networks[1]).toEqual({
      id: 'network1',
      type: 'ipv4_dhcp',
      link: 'tap3c6a2f1e-aaaa-bbbb-cccc-000000000002',
      network_id: 'net-2',
    });
    expect(data.services).toEqual([{ type: 'dns', address: '10.0.0.2' }]);
  });

  it('builds the EC2 meta-data document', () => {
    const ec2 = buildEc2MetaData(input);
    expect(ec2['instance-id']).toBe('i-8f1c2a4e');
    expect(ec2['local-ipv4']).toBe('10.0.0.5');
    expect(ec2['public-keys']).toEqual({ '0': { 'openssh-key': 'ssh-ed25519 AAAA test' } });
    expect(ec2.placement).toEqual({ 'availability-zone': 'nova' });
  });

  it('lays out latest, the dated version and the EC2 tree', () => {
    const files = buildConfigDriveFiles(input);
    expect([...files.keys()].sort()).toEqual([
      'ec2/latest/meta-data.json',
      'ec2/latest/user-data',
      'openstack/2018-08-27/meta_data.json',
      'openstack/2018-08-27/network_data.json',
      'openstack/2018-08-27/user_data',
      'openstack/2018-08-27/vendor_data.json',
      'openstack/2018-08-27/vendor_data2.json',
      'openstack/latest/meta_data.json',
      'openstack/latest/network_data.json',
      'openstack/latest/user_data',
      'openstack/latest/vendor_data.json',
      'openstack/latest/vendor_data2.json',
    ]);
    expect(files.get('openstack/latest/vendor_data.json')).toBe('{}');
    const { userData: _ignored, ...withoutUserData } = input;
    expect([...buildConfigDriveFiles(withoutUserData).keys()].some((k) => k.includes('user'))).toBe(false);
  });
});

describe('writeConfigDriveIso', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'nuage-config-drive-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a config-2 ISO with Rock Ridge names', async () => {
    const iso = path.join(dir, 'disk.config');
    await writeConfigDriveIso(buildConfigDriveFiles(input), iso, { scratchDir: dir });
    const bytes = await readFile(iso);
    // The primary volume descriptor is sector 16; its volume identifier starts at byte 40.
    expect(bytes.subarray(16 * 2048 + 40, 16 * 2048 + 48).toString('ascii')).toBe('config-2');
    const run = promisify(execFile);
    const listing = (await run('isoinfo', ['-R', '-f', '-i', iso])).stdout;
    expect(listing).toContain('/openstack/latest/meta_data.json');
    expect(listing).toContain('/ec2/latest/meta-data.json');
    const extracted = (await run('isoinfo', ['-R', '-i', iso, '-x', '/openstack/latest/meta_data.json']))
      .stdout;
    expect(JSON.parse(extracted)).toMatchObject({ uuid: input.uuid, hostname: 'vm1.novalocal' });
  });

  it('refuses paths that escape the drive and leaves no ISO', async () => {
    const iso = path.join(dir, 'bad.iso');
    await expect(writeConfigDriveIso(new Map([['../evil', 'x']]), iso, { scratchDir: dir })).rejects.toThrow(
      /escapes/,
    );
    await expect(readFile(iso)).rejects.toThrow();
  });
});
