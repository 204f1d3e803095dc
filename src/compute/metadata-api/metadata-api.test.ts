// The metadata service's path tree and HTTP server against an in-memory source, and the store-backed
// source against in-memory reads: the documents must equal the config drive's for the same server.
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { request } from 'node:http';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { up as upCompute } from '../../db/migrations/2026-11-30-compute.js';
import { up as upNetwork } from '../../db/migrations/2026-11-30-network.js';
import { up as upComputeHosts } from '../../db/migrations/2026-12-01-compute-hosts.js';
import { up as upComputeResize } from '../../db/migrations/2026-12-02-compute-resize.js';
import type { Database } from '../../db/schema.js';
import { createNetworkStore } from '../../network/network-store.js';
import type { ComputeTables } from '../compute-tables.js';
import { buildConfigDriveFiles } from '../config-drive/metadata.js';
import { serverMetadataInput } from '../config-drive/server-metadata-input.js';
import { PowerState } from '../driver/driver.js';
import type { Server } from '../model.js';
import { createServerStore } from '../server-store.js';
import {
  createStoreMetadataSource,
  startMetadataServer,
  type MetadataServer,
  type MetadataSource,
} from './index.js';
import { metadataResponse } from './metadata-tree.js';

const SEED = 'c2VlZA==';
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH5 me@host';

function makeServer(overrides: Partial<Server> = {}): Server {
  return {
    id: '8f1c2a4e-0b5d-4c1e-9a7f-2d3b4c5d6e7f',
    name: 'VM One',
    description: null,
    projectId: 'proj-1',
    userId: 'user-1',
    flavorId: 'f1',
    flavor: {
      id: 'f1',
      name: 'm1.tiny',
      description: null,
      vcpus: 1,
      ramMiB: 256,
      diskGib: 1,
      ephemeralGib: 0,
      swapMiB: 0,
      rxtxFactor: 1,
      isPublic: true,
      disabled: false,
      extraSpecs: {},
      createdAt: '2026-11-30T00:00:00Z',
      updatedAt: '2026-11-30T00:00:00Z',
    },
    imageId: 'img-1',
    keyName: 'mykey',
    keyData: KEY,
    userData: Buffer.from('#!/bin/sh\necho hi\n').toString('base64'),
    metadata: { role: 'web' },
    networks: [{ kind: 'network', networkId: 'net-1' }],
    ports: [
      {
        portId: 'port-vm',
        networkId: 'net-1',
        networkName: 'private',
        macAddress: 'fa:16:3e:00:00:01',
        fixedIps: [{ address: '10.0.0.5', version: 4 }],
        created: true,
      },
    ],
    configDrive: false,
    availabilityZone: 'nova',
    host: 'host1',
    vmState: 'active',
    taskState: null,
    powerState: PowerState.Running,
    locked: false,
    lockedReason: null,
    stepsDone: [],
    attempts: 0,
    launchedAt: null,
    terminatedAt: null,
    deleted: false,
    version: 1,
    createdAt: '2026-11-30T00:00:00Z',
    updatedAt: '2026-11-30T00:00:00Z',
    fault: null,
    ...overrides,
  };
}

const server = makeServer();
const drive = buildConfigDriveFiles(serverMetadataInput(server, SEED));
const get = (p: string, instance = { server }) => metadataResponse(p, instance, SEED);
const textOf = (body: string | Uint8Array) =>
  typeof body === 'string' ? body : Buffer.from(body).toString();

describe('metadata path tree', () => {
  it('lists versions as Nova does', () => {
    expect(get('/openstack').body).toBe(
      '2012-08-10\n2013-04-04\n2013-10-17\n2015-10-15\n2016-06-30\n2016-10-06\n2017-02-22\n2018-08-27\nlatest',
    );
    expect(get('/openstack/').body).toBe(get('/openstack').body);
    expect(get('/').body).toBe(
      '1.0\n2007-01-19\n2007-03-01\n2007-08-29\n2007-10-10\n2007-12-15\n2008-02-01\n2008-09-01\n2009-04-04\nlatest',
    );
    expect(get('/openstack/latest').body).toBe(
      'meta_data.json\nuser_data\npassword\nvendor_data.json\nnetwork_data.json\nvendor_data2.json',
    );
    expect(get('/openstack/2012-08-10/').body).toBe('meta_data.json\nuser_data');
    expect(get('/openstack/2013-10-17').body).toBe('meta_data.json\nuser_data\npassword\nvendor_data.json');
    const noUserData = { server: makeServer({ userData: null }) };
    expect(get('/openstack/latest', noUserData).body).not.toContain('user_data');
    expect(get('/openstack/latest/user_data', noUserData).status).toBe(404);
    expect(get('/latest/', noUserData).body).toBe('meta-data/');
  });

  it('serves the config drive documents byte for byte', () => {
    for (const version of ['latest', '2018-08-27']) {
      for (const file of ['meta_data.json', 'network_data.json', 'vendor_data.json', 'vendor_data2.json']) {
        const answer = get(`/openstack/${version}/${file}`);
        expect(answer).toMatchObject({ status: 200, contentType: 'application/json' });
        expect(answer.body).toBe(drive.get(`openstack/${version}/${file}`));
      }
    }
    expect(textOf(get('/openstack/latest/user_data').body)).toBe('#!/bin/sh\necho hi\n');
    expect(get('/openstack/latest/user_data').contentType).toBe('text/plain');
    expect(get('/openstack/latest/password')).toEqual({ status: 200, contentType: 'text/plain', body: '' });
    const meta = JSON.parse(textOf(get('/openstack/latest/meta_data.json').body)) as Record<string, unknown>;
    expect(meta).toMatchObject({ uuid: server.id, hostname: 'vm-one', public_keys: { mykey: KEY } });
  });

  it('drops meta_data.json keys older versions lack, and files they do not have', () => {
    const folsom = JSON.parse(textOf(get('/openstack/2012-08-10/meta_data.json').body)) as Record<
      string,
      unknown
    >;
    expect(folsom).not.toHaveProperty('random_seed');
    expect(folsom).not.toHaveProperty('project_id');
    expect(folsom).toHaveProperty('uuid', server.id);
    const liberty = JSON.parse(textOf(get('/openstack/2015-10-15/meta_data.json').body)) as Record<
      string,
      unknown
    >;
    expect(liberty).toHaveProperty('project_id', 'proj-1');
    expect(liberty).not.toHaveProperty('devices');
    expect(get('/openstack/2012-08-10/password').status).toBe(404);
    expect(get('/openstack/2015-10-15/vendor_data2.json').status).toBe(404);
    expect(get('/openstack/2016-10-06/vendor_data2.json').status).toBe(200);
    expect(get('/openstack/2011-01-01/meta_data.json').status).toBe(404);
    expect(get('/openstack/latest/nope.json').status).toBe(404);
    expect(get('/openstack/content/0000').status).toBe(404);
  });

  it('serves the EC2 tree', () => {
    const listing = textOf(get('/latest/meta-data/').body).split('\n');
    expect(listing).toEqual([
      'ami-id',
      'ami-launch-index',
      'ami-manifest-path',
      'block-device-mapping/',
      'hostname',
      'instance-action',
      'instance-id',
      'instance-type',
      'local-hostname',
      'local-ipv4',
      'placement/',
      'public-hostname',
      'public-ipv4',
      'public-keys/',
      'reservation-id',
      'security-groups',
    ]);
    expect(get('/latest').body).toBe('meta-data/\nuser-data');
    expect(get('/latest/meta-data/instance-id').body).toBe('i-8f1c2a4e');
    expect(get('/latest/meta-data/hostname').body).toBe('vm-one');
    expect(get('/latest/meta-data/local-ipv4').body).toBe('10.0.0.5');
    expect(get('/latest/meta-data/public-ipv4').body).toBe('');
    expect(get('/latest/meta-data/public-ipv4', { server, publicIpv4: '172.24.4.20' } as never).body).toBe(
      '172.24.4.20',
    );
    expect(get('/latest/meta-data/placement/availability-zone').body).toBe('nova');
    expect(get('/latest/meta-data/public-keys/').body).toBe('0=mykey');
    expect(get('/latest/meta-data/public-keys/0').body).toBe('openssh-key');
    expect(get('/latest/meta-data/public-keys/0/openssh-key').body).toBe(KEY);
    expect(get('/latest/meta-data/ami-launch-index').body).toBe('0');
    expect(textOf(get('/latest/user-data').body)).toBe('#!/bin/sh\necho hi\n');
    expect(get('/2009-04-04/meta-data/instance-id').body).toBe('i-8f1c2a4e');
    expect(get('/ec2/latest/meta-data/hostname').body).toBe('vm-one');
    const ec2 = JSON.parse(textOf(drive.get('ec2/latest/meta-data.json') ?? '')) as Record<string, unknown>;
    for (const key of ['instance-id', 'hostname', 'local-ipv4', 'ami-id', 'instance-type'])
      expect(get(`/latest/meta-data/${key}`).body).toBe(String(ec2[key]));
    // Version gates and misses.
    expect(get('/1.0/meta-data/').body).not.toContain('placement/');
    expect(get('/1.0/meta-data/local-hostname').status).toBe(404);
    expect(get('/2008-02-01/meta-data/placement/availability-zone').body).toBe('nova');
    expect(get('/2010-01-01/meta-data/').status).toBe(404);
    expect(get('/latest/meta-data/nope').status).toBe(404);
    expect(get('/latest/meta-data/hostname/more').status).toBe(404);
    expect(get('/latest/meta-data/public-keys/0/_name').status).toBe(404);
    const keyless = { server: makeServer({ keyName: null, keyData: null }) };
    expect(get('/latest/meta-data/', keyless).body).not.toContain('public-keys');
  });
});

describe('metadata server on a unix socket', () => {
  let dir: string;
  let metadata: MetadataServer;
  const asked: { routerId: string; ip: string }[] = [];
  const source: MetadataSource = {
    async findInstance(routerId, ip) {
      asked.push({ routerId, ip });
      return routerId === 'router-1' && ip === '10.0.0.5' ? { server } : undefined;
    },
  };
  const silent = { debug: () => undefined, info: () => undefined, error: () => undefined };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'nuage-metadata-'));
    metadata = await startMetadataServer({
      socketPath: path.join(dir, 'compute', 'metadata.sock'),
      source,
      log: silent as never,
      randomSeed: () => SEED,
    });
  });
  afterAll(async () => {
    await metadata.close();
    await rm(dir, { recursive: true, force: true });
  });

  function call(urlPath: string, headers: Record<string, string>, method = 'GET') {
    return new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = request({ socketPath: metadata.socketPath, path: urlPath, method, headers }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
        );
      });
      req.on('error', reject);
      req.end();
    });
  }
  const origin = { 'x-forwarded-for': '10.0.0.5', 'x-nuage-router-id': 'router-1' };

  it('answers the instance found from the forwarded address and router', async () => {
    expect((await stat(metadata.socketPath)).mode & 0o777).toBe(0o600);
    const answer = await call('/openstack/latest/meta_data.json?x=1', origin);
    expect(answer).toMatchObject({ status: 200, type: 'application/json; charset=UTF-8' });
    expect(answer.body).toBe(drive.get('openstack/latest/meta_data.json'));
    expect(asked.at(-1)).toEqual({ routerId: 'router-1', ip: '10.0.0.5' });
  });

  it('refuses requests without an origin, from unknown instances, and writes', async () => {
    expect((await call('/openstack', {})).status).toBe(400);
    expect((await call('/openstack', { ...origin, 'x-forwarded-for': 'not-an-ip' })).status).toBe(400);
    expect((await call('/openstack', { ...origin, 'x-forwarded-for': '10.0.0.6' })).status).toBe(404);
    expect((await call('/openstack/latest/password', origin, 'POST')).status).toBe(405);
  });
});

describe('store metadata source', () => {
  const ports = [
    {
      id: 'rif-1',
      project_id: 'proj-1',
      network_id: 'net-1',
      device_id: 'router-1',
      device_owner: 'network:router_interface',
      fixed_ips: [{ ip_address: '10.0.0.1' }],
    },
    {
      id: 'port-vm',
      project_id: 'proj-1',
      network_id: 'net-1',
      device_id: server.id,
      device_owner: 'compute:nova',
      fixed_ips: [{ ip_address: '10.0.0.5' }],
    },
    // Same address on a network the router is not attached to.
    {
      id: 'port-other',
      project_id: 'proj-2',
      network_id: 'net-2',
      device_id: 'other-server',
      device_owner: 'compute:nova',
      fixed_ips: [{ ip_address: '10.0.0.5' }],
    },
    {
      id: 'dhcp',
      project_id: 'proj-1',
      network_id: 'net-1',
      device_id: 'dhcp-x',
      device_owner: 'network:dhcp',
      fixed_ips: [{ ip_address: '10.0.0.2' }],
    },
  ];
  const fips = [
    {
      id: 'fip',
      project_id: 'proj-1',
      port_id: 'port-vm',
      fixed_ip_address: '10.0.0.5',
      floating_ip_address: '172.24.4.20',
    },
  ];
  let rows = new Map<string, Server>([[server.id, server]]);
  const source = createStoreMetadataSource(
    { list: async (kind) => (kind === 'port' ? ports : kind === 'floatingip' ? fips : []) },
    { get: async (id) => rows.get(id) },
  );

  it('finds the server through the router, the address and the compute port', async () => {
    expect(await source.findInstance('router-1', '10.0.0.5')).toEqual({ server, publicIpv4: '172.24.4.20' });
    expect(await source.findInstance('router-2', '10.0.0.5')).toBeUndefined();
    expect(await source.findInstance('router-1', '10.0.0.2')).toBeUndefined();
    expect(await source.findInstance('router-1', '10.0.0.9')).toBeUndefined();
  });

  it('refuses deleted servers, other projects and ports the server does not list', async () => {
    rows = new Map([[server.id, makeServer({ deleted: true, vmState: 'deleted' })]]);
    expect(await source.findInstance('router-1', '10.0.0.5')).toBeUndefined();
    rows = new Map([[server.id, makeServer({ projectId: 'proj-9' })]]);
    expect(await source.findInstance('router-1', '10.0.0.5')).toBeUndefined();
    rows = new Map([[server.id, makeServer({ ports: [] })]]);
    expect(await source.findInstance('router-1', '10.0.0.5')).toBeUndefined();
    rows = new Map();
    expect(await source.findInstance('router-1', '10.0.0.5')).toBeUndefined();
  });
});

describe('store metadata source over the real stores (SQLite)', () => {
  it('resolves router → network → compute port → server row', async () => {
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }),
    });
    // The migrations these stores need (as compute-test-support.ts applies them; use migrateToLatest
    // once every compute migration is registered in db/migrations/index.ts).
    for (const up of [upNetwork, upCompute, upComputeHosts, upComputeResize]) await up(db);
    const net = createNetworkStore(db);
    const servers = createServerStore(db as unknown as Kysely<ComputeTables>);
    const at = '2026-11-30T00:00:00Z';
    const port = (id: string, deviceId: string, owner: string, ip: string) => ({
      id,
      project_id: 'proj-1',
      network_id: 'net-1',
      device_id: deviceId,
      device_owner: owner,
      mac_address: 'fa:16:3e:00:00:01',
      fixed_ips: [{ subnet_id: 'sub-1', ip_address: ip }],
    });
    await net.insert(
      'port',
      port('rif-1', 'router-1', 'network:router_interface', '10.0.0.1'),
      { parentId: 'net-1', deviceId: 'router-1' },
      at,
    );
    await net.insert(
      'port',
      port('port-vm', server.id, 'compute:nova', '10.0.0.5'),
      { parentId: 'net-1', deviceId: server.id },
      at,
    );
    await servers.insert(server);
    const source = createStoreMetadataSource(net, servers);
    const found = await source.findInstance('router-1', '10.0.0.5');
    expect(found?.server.id).toBe(server.id);
    expect(found?.server.keyData).toBe(KEY);
    expect(found?.publicIpv4).toBeUndefined();
    expect(await source.findInstance('router-1', '10.0.0.1')).toBeUndefined();
    await db.destroy();
  });
});
