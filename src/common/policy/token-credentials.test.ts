// Keystone v3 token bodies → policy credentials, for each scope a token can carry.
import { describe, expect, it } from 'vitest';
import { PolicyError } from './registry.js';
import { credentialsFromToken } from './token-credentials.js';

const USER = { id: 'u1', domain: { id: 'default' } };

describe('credentialsFromToken', () => {
  it.each([
    [
      'project',
      {
        token: {
          user: USER,
          project: { id: 'p1', domain: { id: 'd1' } },
          roles: [{ id: 'r', name: 'member' }],
        },
      },
      { userId: 'u1', userDomainId: 'default', projectId: 'p1', projectDomainId: 'd1', roles: ['member'] },
    ],
    [
      'domain',
      { token: { user: USER, domain: { id: 'd1' }, roles: [{ name: 'admin' }] } },
      { domainId: 'd1' },
    ],
    [
      'system',
      { token: { user: USER, system: { all: true }, roles: [{ name: 'reader' }] } },
      { systemScope: 'all' },
    ],
    [
      'inner object',
      { user: USER, roles: [], is_admin_project: false },
      { roles: [], isAdminProject: false },
    ],
  ])('reads a %s token', (_scope, body, expected) => {
    expect(credentialsFromToken(body)).toMatchObject(expected);
  });

  it.each([[{}], [{ token: { roles: 'admin' } }], [{ token: { roles: [{ id: 'r' }] } }], [null]])(
    'refuses %j',
    (body) => {
      expect(() => credentialsFromToken(body)).toThrow(PolicyError);
    },
  );
});
