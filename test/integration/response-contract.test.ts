// The response-contract harness itself: route matching, Tempest's validator accepting a conforming
// response and rejecting one validated against the wrong schema, and the coverage check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { matchRoute, responseContract, type ContractTable } from '../support/response-contract.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('response contract harness', () => {
  it('matches a concrete path to its route, static segments first', () => {
    expect(matchRoute(t.routes, 'GET', '/compute/v2.1/flavors/detail')).toBe(
      'GET /compute/v2.1/flavors/detail',
    );
    expect(matchRoute(t.routes, 'GET', '/compute/v2.1/flavors/42')).toBe('GET /compute/v2.1/flavors/:id');
    expect(matchRoute(t.routes, 'GET', '/compute/v2.1/flavors/42?x=1')).toBe('GET /compute/v2.1/flavors/:id');
  });

  it('validates with Tempest: a conforming response passes, the wrong schema fails', async () => {
    const good: ContractTable = {
      'GET /compute/v2.1/flavors': { client: 'compute.flavors_client.FlavorsClient', schema: 'list_flavors' },
    };
    const contract = responseContract(t.url, t.routes, good);
    const r = await contract.call('GET', '/compute/v2.1/flavors', { token: t.adminToken });
    expect(r.status).toBe(200);
    contract.close();

    const wrong: ContractTable = {
      'GET /compute/v2.1/flavors': { module: 'compute.v2_1.keypairs', schema: 'list_keypairs' },
    };
    const broken = responseContract(t.url, t.routes, wrong);
    await expect(broken.call('GET', '/compute/v2.1/flavors', { token: t.adminToken })).rejects.toThrow(
      /breaks its schema/,
    );
    broken.close();
  });

  it('fails coverage for a route missing from the table or never validated', () => {
    const contract = responseContract(t.url, t.routes, {
      'GET /compute/v2.1/flavors': { client: 'compute.flavors_client.FlavorsClient', schema: 'list_flavors' },
    });
    expect(() => contract.assertCoverage('/compute/v2.1/flavors')).toThrow(/missing from the contract table/);
    contract.close();
  });
});
