// Neutron's error body and how its type is chosen.
import { describe, expect, it } from 'vitest';
import { errors } from './codes.js';
import { renderNeutronError } from './render-neutron.js';

describe('renderNeutronError', () => {
  it('names 404s after the resource kind', () => {
    const err = errors.notFound('network', 'x');
    expect(renderNeutronError(err, err.publicMessage).body).toEqual({
      NeutronError: { type: 'NetworkNotFound', message: 'Could not find network: x.', detail: '' },
    });
    expect(renderNeutronError(errors.notFound('security_group', 'y'), '').body).toMatchObject({
      NeutronError: { type: 'SecurityGroupNotFound' },
    });
  });

  it('uses the Neutron exception name when the error carries one, else the status', () => {
    const taken = errors.conflict('taken', { internalContext: { neutronType: 'IpAddressAlreadyAllocated' } });
    expect(renderNeutronError(taken, 'taken').body).toMatchObject({
      NeutronError: { type: 'IpAddressAlreadyAllocated' },
    });
    expect(renderNeutronError(errors.forbidden(), 'no').body).toMatchObject({
      NeutronError: { type: 'PolicyNotAuthorized' },
    });
  });
});
