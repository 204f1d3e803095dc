// The network service decides through the policy engine: Neutron's rules with the operator's
// override file (`policy.file`), attribute rules, network-owner rules on shared networks, and an
// override file with unknown keys stopping start-up.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { caller, tenant, type Reply } from './network-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nuage-policy-'));
const policyFile = join(dir, 'policy.yaml');
// Operators keep network creation to the cloud admin.
writeFileSync(policyFile, 'network:\n  create_network: "rule:admin_only"\n');

let t: TestApp;
let admin: ReturnType<typeof caller>;
let member: ReturnType<typeof caller>;
let other: ReturnType<typeof caller>;
let memberProject: string;
let sharedNet: string;
let sharedSubnet: string;

const denied = (r: Reply, message: string) => {
  expect(r.status, JSON.stringify(r.body)).toBe(403);
  expect(r.body.NeutronError).toEqual({ type: 'PolicyNotAuthorized', message, detail: '' });
};

beforeAll(async () => {
  t = await startTestApp({ config: { 'policy.file': policyFile } });
  admin = caller(t, t.adminToken);
  const owner = await tenant(t, 'pol-owner');
  memberProject = owner.projectId;
  member = caller(t, owner.token);
  other = caller(t, (await tenant(t, 'pol-other')).token);
  const net = await admin('POST', '/network/v2.0/networks', {
    network: { name: 'pol-shared', shared: true, project_id: memberProject },
  });
  sharedNet = net.body.network.id;
  const subnet = await admin('POST', '/network/v2.0/subnets', {
    subnet: { network_id: sharedNet, cidr: '10.70.0.0/24', ip_version: 4, project_id: memberProject },
  });
  sharedSubnet = subnet.body.subnet.id;
});
afterAll(async () => t?.close());

describe('operator override file', () => {
  it('applies an overridden rule: only the cloud admin creates networks', async () => {
    denied(
      await member('POST', '/network/v2.0/networks', { network: { name: 'x' } }),
      'rule:create_network is disallowed by policy',
    );
    const r = await admin('POST', '/network/v2.0/networks', { network: { name: 'x' } });
    expect(r.status).toBe(201);
  });

  it('keeps every rule it does not name at its default (routers for members)', async () => {
    const r = await member('POST', '/network/v2.0/routers', { router: { name: 'r' } });
    expect(r.status).toBe(201);
  });

  it('stops start-up on an unknown rule, naming it', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'network:\n  create_netwrk: "rule:admin_only"\nvolume:\n  x: "@"\n');
    const err = await startTestApp({ config: { 'policy.file': bad }, sqlite: true }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toContain('network:create_netwrk: unknown rule');
    expect(err?.message).toContain('volume: unknown service');
  });
});

describe('attribute and owner rules', () => {
  it('refuses what an attribute rule keeps to the admin, naming both rules', async () => {
    const r = await member('PUT', `/network/v2.0/networks/${sharedNet}`, { network: { shared: false } });
    denied(r, '(rule:update_network and rule:update_network:shared) is disallowed by policy');
  });

  it("lets another project's member create a port on a shared network, not choose its address", async () => {
    const ok = await other('POST', '/network/v2.0/ports', { port: { network_id: sharedNet } });
    expect(ok.status).toBe(201);
    const pick = await other('POST', '/network/v2.0/ports', {
      port: { network_id: sharedNet, fixed_ips: [{ subnet_id: sharedSubnet, ip_address: '10.70.0.50' }] },
    });
    denied(pick, '(rule:create_port and rule:create_port:fixed_ips:ip_address) is disallowed by policy');
    // The network's owner (a member) may, by rule:network_owner.
    const mine = await member('POST', '/network/v2.0/ports', {
      port: { network_id: sharedNet, fixed_ips: [{ subnet_id: sharedSubnet, ip_address: '10.70.0.51' }] },
    });
    expect(mine.status).toBe(201);
  });

  it("lets the network's owner see and delete another project's port on it (Neutron's network owner)", async () => {
    const port = await other('POST', '/network/v2.0/ports', { port: { network_id: sharedNet } });
    expect((await member('GET', `/network/v2.0/ports/${port.body.port.id}`)).status).toBe(200);
    expect((await member('DELETE', `/network/v2.0/ports/${port.body.port.id}`)).status).toBe(204);
  });

  it("hides another project's resources with a 404, not a 403", async () => {
    const router = await member('POST', '/network/v2.0/routers', { router: { name: 'hidden' } });
    const id = router.body.router.id;
    for (const [method, body] of [['GET'], ['PUT', { router: { name: 'y' } }], ['DELETE']] as const) {
      const r = await other(method, `/network/v2.0/routers/${id}`, body);
      expect(r.status, method).toBe(404);
      expect(r.body.NeutronError.type).toBe('RouterNotFound');
    }
  });
});
