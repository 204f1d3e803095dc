// Real resources owned by the persona matrix's target project P, so that GET/PUT/DELETE rows hit ids
// that exist. Each kind has a factory: a destructive row gives each persona a fresh one.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestApp } from './app.js';
import { api, type Json, type World } from './personas.js';

export type Fixtures = Record<string, string>;
export type Factory = () => Promise<string>;

/** The id a 201/200/202 answer carries, or a thrown error naming the call. */
async function made(
  t: TestApp,
  token: string | undefined,
  method: string,
  path: string,
  body: unknown,
  pick: (b: Json) => string,
): Promise<string> {
  const res = await api(t, token, method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
  return pick(res.body);
}

const lastSegment = (ref: string) => ref.split('/').pop() as string;

async function waitFor(t: TestApp, path: string, key: string, status: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const res = await api(t, t.adminToken, 'GET', path);
    if (res.body[key]?.status === status) return;
    await t.volume.worker.idle();
    await t.compute.worker.idle();
  }
  throw new Error(
    `${path} never became ${status}: ${JSON.stringify((await api(t, t.adminToken, 'GET', path)).body)}`,
  );
}

function qcow2(): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'nuage-persona-'));
  try {
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'i.qcow2'), '16M']);
    return readFileSync(join(dir, 'i.qcow2'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Factories for every kind the matrix addresses by id, each creating one resource owned by P. */
export function factories(t: TestApp, w: World, fx: Fixtures): Record<string, Factory> {
  const m = w.tokens.member;
  const a = t.adminToken;
  const vol = `/volume/v3/${w.projectId}`;
  let n = 0;
  const name = (k: string) => `pm-${k}-${++n}`;
  const f: Record<string, Factory> = {
    network: () =>
      made(t, m, 'POST', '/network/v2.0/networks', { network: { name: name('net') } }, (b) => b.network.id),
    subnet: () =>
      made(
        t,
        m,
        'POST',
        '/network/v2.0/subnets',
        {
          subnet: { network_id: fx.network, ip_version: 4, cidr: `10.${++n % 250}.0.0/24` },
        },
        (b) => b.subnet.id,
      ),
    port: () =>
      made(t, m, 'POST', '/network/v2.0/ports', { port: { network_id: fx.network } }, (b) => b.port.id),
    router: () =>
      made(t, m, 'POST', '/network/v2.0/routers', { router: { name: name('r') } }, (b) => b.router.id),
    sg: () =>
      made(
        t,
        m,
        'POST',
        '/network/v2.0/security-groups',
        { security_group: { name: name('sg') } },
        (b) => b.security_group.id,
      ),
    rule: () =>
      made(
        t,
        m,
        'POST',
        '/network/v2.0/security-group-rules',
        {
          security_group_rule: {
            security_group_id: fx.sg,
            direction: 'ingress',
            protocol: 'tcp',
            port_range_min: 1000 + ++n,
            port_range_max: 1000 + n,
          },
        },
        (b) => b.security_group_rule.id,
      ),
    volume: async () => {
      const id = await made(
        t,
        m,
        'POST',
        `${vol}/volumes`,
        { volume: { size: 1, name: name('v') } },
        (b) => b.volume.id,
      );
      await waitFor(t, `${vol}/volumes/${id}`, 'volume', 'available');
      return id;
    },
    snapshot: async () => {
      const id = await made(
        t,
        m,
        'POST',
        `${vol}/snapshots`,
        { snapshot: { volume_id: fx.volume, name: name('s') } },
        (b) => b.snapshot.id,
      );
      await waitFor(t, `${vol}/snapshots/${id}`, 'snapshot', 'available');
      return id;
    },
    image: async () => {
      const id = await made(
        t,
        m,
        'POST',
        '/image/v2/images',
        { name: name('img'), disk_format: 'qcow2', container_format: 'bare' },
        (b) => b.id,
      );
      const res = await fetch(`${t.url}/image/v2/images/${id}/file`, {
        method: 'PUT',
        headers: { 'x-auth-token': m as string, 'content-type': 'application/octet-stream' },
        body: fx.imageBytes ? Buffer.from(fx.imageBytes, 'base64') : qcow2(),
      });
      if (res.status !== 204) throw new Error(`image upload → ${res.status}`);
      return id;
    },
    server: async () => {
      const id = await made(
        t,
        m,
        'POST',
        '/compute/v2.1/servers',
        {
          server: { name: name('srv'), imageRef: fx.image, flavorRef: fx.flavor, networks: 'none' },
        },
        (b) => b.server.id,
      );
      // A fresh server for a DELETE row need not finish building: deleting a BUILD server is allowed.
      if (!fx.server) await waitFor(t, `/compute/v2.1/servers/${id}`, 'server', 'ACTIVE');
      return id;
    },
    keypair: () =>
      made(
        t,
        m,
        'POST',
        '/compute/v2.1/os-keypairs',
        { keypair: { name: name('kp') } },
        (b) => b.keypair.name,
      ),
    flavor: () =>
      made(
        t,
        a,
        'POST',
        '/compute/v2.1/flavors',
        { flavor: { name: name('fl'), vcpus: 1, ram: 64, disk: 1 } },
        (b) => b.flavor.id,
      ),
    volumeType: () =>
      made(t, a, 'POST', `${vol}/types`, { volume_type: { name: name('vt') } }, (b) => b.volume_type.id),
    secret: () =>
      made(
        t,
        m,
        'POST',
        '/key-manager/v1/secrets/',
        { name: name('sec'), payload: 'p', payload_content_type: 'text/plain' },
        (b) => lastSegment(b.secret_ref),
      ),
    bcontainer: () =>
      made(
        t,
        m,
        'POST',
        '/key-manager/v1/containers/',
        { name: name('c'), type: 'generic', secret_refs: [] },
        (b) => lastSegment(b.container_ref),
      ),
    order: () =>
      made(
        t,
        m,
        'POST',
        '/key-manager/v1/orders/',
        {
          type: 'key',
          meta: {
            name: name('o'),
            algorithm: 'aes',
            bit_length: 256,
            mode: 'cbc',
            payload_content_type: 'application/octet-stream',
          },
        },
        (b) => lastSegment(b.order_ref),
      ),
    group: () =>
      made(
        t,
        a,
        'POST',
        '/identity/v3/groups',
        { group: { name: name('g'), domain_id: w.domainId } },
        (b) => b.group.id,
      ),
    user: () =>
      made(
        t,
        a,
        'POST',
        '/identity/v3/users',
        { user: { name: name('u'), domain_id: w.domainId, password: 'Xx-12345678' } },
        (b) => b.user.id,
      ),
    project: () =>
      made(
        t,
        a,
        'POST',
        '/identity/v3/projects',
        { project: { name: name('p'), domain_id: w.domainId } },
        (b) => b.project.id,
      ),
    domain: () =>
      made(
        t,
        a,
        'POST',
        '/identity/v3/domains',
        { domain: { name: name('d'), enabled: false } },
        (b) => b.domain.id,
      ),
    role: () => made(t, a, 'POST', '/identity/v3/roles', { role: { name: name('role') } }, (b) => b.role.id),
    region: () =>
      made(t, a, 'POST', '/identity/v3/regions', { region: { id: name('reg') } }, (b) => b.region.id),
    service: () =>
      made(t, a, 'POST', '/identity/v3/services', { service: { type: name('svc') } }, (b) => b.service.id),
    credential: () =>
      made(
        t,
        m,
        'POST',
        '/identity/v3/credentials',
        {
          credential: {
            type: 'ec2',
            user_id: w.memberUserId,
            project_id: w.projectId,
            blob: JSON.stringify({ access: name('ak'), secret: 's' }),
          },
        },
        (b) => b.credential.id,
      ),
    appcred: () =>
      made(
        t,
        m,
        'POST',
        `/identity/v3/users/${w.memberUserId}/application_credentials`,
        { application_credential: { name: name('ac') } },
        (b) => b.application_credential.id,
      ),
  };
  return f;
}

/** Creates one of each kind, in dependency order, into `fx`. */
export async function createFixtures(
  t: TestApp,
  w: World,
): Promise<{ fx: Fixtures; make: Record<string, Factory> }> {
  const fx: Fixtures = {};
  const make = factories(t, w, fx);
  const order = [
    'network',
    'subnet',
    'port',
    'router',
    'sg',
    'rule',
    'flavor',
    'image',
    'server',
    'volume',
    'snapshot',
    'keypair',
    'volumeType',
    'secret',
    'bcontainer',
    'order',
    'group',
    'user',
    'project',
    'role',
    'region',
    'service',
    'credential',
    'appcred',
  ];
  for (const kind of order) fx[kind] = await (make[kind] as Factory)();
  const endpoint = await api(t, t.adminToken, 'POST', '/identity/v3/endpoints', {
    endpoint: {
      service_id: fx.service,
      interface: 'public',
      url: 'http://127.0.0.1:1/x',
      region_id: fx.region,
    },
  });
  fx.endpoint = endpoint.body.endpoint?.id ?? '00000000-0000-4000-8000-000000000000';
  return { fx, make };
}

/** Metadata keys, tags and Swift objects the `:key`/`:tag`/`*` rows address; all named `k`/`tag1`. */
export async function decorate(t: TestApp, w: World, fx: Fixtures): Promise<void> {
  const a = t.adminToken;
  const vol = `/volume/v3/${w.projectId}`;
  const calls: [string, string, string, unknown][] = [
    [a, 'PUT', `/compute/v2.1/servers/${fx.server}/metadata/k`, { meta: { k: 'v' } }],
    [a, 'PUT', `/compute/v2.1/servers/${fx.server}/tags/tag1`, undefined],
    [a, 'POST', `/compute/v2.1/flavors/${fx.flavor}/os-extra_specs`, { extra_specs: { k: 'v' } }],
    [a, 'PUT', `${vol}/volumes/${fx.volume}/metadata/k`, { meta: { k: 'v' } }],
    [a, 'PUT', `${vol}/snapshots/${fx.snapshot}/metadata/k`, { meta: { k: 'v' } }],
    [a, 'POST', `${vol}/types/${fx.volumeType}/extra_specs`, { extra_specs: { k: 'v' } }],
    [a, 'PUT', `/image/v2/images/${fx.image}/tags/tag1`, undefined],
    [a, 'PUT', `/identity/v3/projects/${w.projectId}/tags/tag1`, undefined],
  ];
  for (const [token, method, path, body] of calls) {
    const res = await api(t, token, method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
  }
  for (const path of [`/object-store/v1/AUTH_${w.projectId}/c`, `/object-store/v1/AUTH_${w.projectId}/c/o`]) {
    const res = await fetch(`${t.url}${path}`, {
      method: 'PUT',
      headers: { 'x-auth-token': a },
      body: 'x',
    });
    if (res.status >= 300) throw new Error(`PUT ${path} → ${res.status}`);
  }
}
