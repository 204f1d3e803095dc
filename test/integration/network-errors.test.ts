// Bad input to the network API always gets a Neutron-shaped 4xx, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { caller, tenant } from './network-helpers.js';

let t: TestApp;
let user: ReturnType<typeof caller>;
let netId: string;

beforeAll(async () => {
  t = await startTestApp();
  user = caller(t, (await tenant(t, 'net-errors')).token);
  netId = (await user('POST', '/network/v2.0/networks', { network: { name: 'e' } })).body.network.id;
  await user('POST', '/network/v2.0/subnets', {
    subnet: { network_id: netId, cidr: '10.9.0.0/24', ip_version: 4 },
  });
});
afterAll(async () => {
  await t?.close();
});

const BAD: [string, string, unknown][] = [
  ['POST', '/network/v2.0/networks', { nope: {} }],
  ['POST', '/network/v2.0/networks', { network: { mtu: 'big' } }],
  ['POST', '/network/v2.0/networks', { network: { shared: true } }],
  ['POST', '/network/v2.0/subnets', { subnet: { cidr: '10.0.0.0/24' } }],
  ['POST', '/network/v2.0/subnets', { subnet: { network_id: 'nope', cidr: '10.0.0.0/24' } }],
  ['POST', '/network/v2.0/subnets', { subnet: { network_id: '__NET__', cidr: 42 } }],
  [
    'POST',
    '/network/v2.0/subnets',
    { subnet: { network_id: '__NET__', cidr: '10.8.0.0/24', ip_version: 6 } },
  ],
  [
    'POST',
    '/network/v2.0/subnets',
    { subnet: { network_id: '__NET__', cidr: '10.8.0.0/24', allocation_pools: [1] } },
  ],
  [
    'POST',
    '/network/v2.0/subnets',
    {
      subnet: {
        network_id: '__NET__',
        cidr: '10.8.0.0/24',
        allocation_pools: [{ start: '10.8.0.1', end: '10.8.0.9' }],
      },
    },
  ],
  ['POST', '/network/v2.0/ports', { port: { network_id: '__NET__', fixed_ips: 'x' } }],
  [
    'POST',
    '/network/v2.0/ports',
    { port: { network_id: '__NET__', fixed_ips: [{ ip_address: 'not-an-ip' }] } },
  ],
  ['POST', '/network/v2.0/ports', { port: { network_id: '__NET__', mac_address: 'zz' } }],
  ['POST', '/network/v2.0/ports', { port: { network_id: '__NET__', security_groups: ['missing'] } }],
  ['POST', '/network/v2.0/ports', { port: { network_id: '__NET__', allowed_address_pairs: [{}] } }],
  ['POST', '/network/v2.0/ports', { port: { network_id: '__NET__', 'binding:profile': { netns: 'x' } } }],
  [
    'POST',
    '/network/v2.0/security-group-rules',
    { security_group_rule: { security_group_id: 'missing', direction: 'ingress' } },
  ],
  ['POST', '/network/v2.0/floatingips', { floatingip: { floating_network_id: '__NET__' } }],
  ['POST', '/network/v2.0/floatingips', { floatingip: {} }],
  ['PUT', '/network/v2.0/routers/missing/add_router_interface', { subnet_id: 'x' }],
  ['GET', '/network/v2.0/ports?limit=abc', undefined],
  ['GET', '/network/v2.0/ports?marker=missing&limit=1', undefined],
  ['DELETE', '/network/v2.0/networks/missing', undefined],
  ['GET', '/network/v2.0/nothing-here', undefined],
];

describe('bad input', () => {
  it.each(BAD)('%s %s answers a NeutronError 4xx', async (method, path, body) => {
    const json =
      body === undefined ? undefined : JSON.parse(JSON.stringify(body).replaceAll('__NET__', netId));
    const r = await user(method, path, json);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.body.NeutronError).toMatchObject({
      type: expect.any(String),
      message: expect.any(String),
      detail: '',
    });
  });

  it('answers 400 to malformed JSON', async () => {
    const res = await fetch(`${t.url}/network/v2.0/networks`, {
      method: 'POST',
      headers: { 'x-auth-token': t.adminToken, 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { NeutronError?: unknown }).NeutronError).toBeDefined();
  });
});
