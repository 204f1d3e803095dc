// Override file tests: overrides replace defaults; every unknown service or rule, non-string value,
// unparsable check, undefined reference and cycle is reported, each by its key, in one error.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOverrideFile, parseOverrides } from './override-file.js';
import { PolicyError, PolicyRegistry } from './registry.js';

function registry(): PolicyRegistry {
  const r = new PolicyRegistry();
  r.registerDefaults('network', [
    { name: 'admin_only', check: 'role:admin', description: 'admin' },
    {
      name: 'create_network',
      check: 'rule:admin_only or role:member',
      description: 'create',
      scopeTypes: ['project'],
    },
    { name: 'get_network', check: 'role:reader', description: 'get', scopeTypes: ['project'] },
  ]);
  return r;
}

function problemsOf(yamlText: string): string {
  try {
    registry().resolve(parseOverrides(yamlText, 'policy.yaml'));
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return (err as Error).message;
  }
  throw new PolicyError('expected the policy to be refused');
}

describe('policy override file', () => {
  it('merges overrides over the defaults and marks their source', () => {
    const enforcer = registry()
      .resolve(parseOverrides('network:\n  create_network: "rule:admin_only"\n', 'policy.yaml'))
      .get('network')!;
    expect(enforcer.rules.get('create_network')).toMatchObject({
      check: 'rule:admin_only',
      source: 'override',
    });
    expect(enforcer.rules.get('get_network')).toMatchObject({ check: 'role:reader', source: 'default' });
    const member = { projectId: 'p1', roles: ['member'] };
    expect(enforcer.enforce('create_network', member, {}).allowed).toBe(false);
  });

  it.each([
    ['', {}],
    ['# nothing overridden\n', {}],
    ['network: {}\n', { network: {} }],
  ])('accepts %j', (text, expected) => {
    expect(parseOverrides(text, 'policy.yaml')).toEqual(expected);
  });

  it.each([
    ['network:\n  creat_network: "@"\n', ['network:creat_network: unknown rule']],
    ['compute:\n  x: "@"\n', ['compute: unknown service']],
    ['network:\n  get_network: "role:reader and"\n', ['network:get_network: cannot parse "role:reader and"']],
    ['network:\n  get_network: "rule:nosuch"\n', ['network:get_network: refers to undefined rule "nosuch"']],
    [
      'network:\n  admin_only: "rule:get_network"\n  get_network: "rule:admin_only"\n',
      ['network:admin_only: cycle admin_only -> get_network -> admin_only'],
    ],
    [
      'network:\n  a: "@"\n  b: "@"\n  get_network: "(role:reader"\n',
      [
        'network:a: unknown rule',
        'network:b: unknown rule',
        'network:get_network: cannot parse "(role:reader": missing ")"',
      ],
    ],
  ])('refuses %j', (text, expected) => {
    const message = problemsOf(text);
    expect(message).toMatch(/^invalid policy \(\d+ problem\(s\)\):/);
    for (const line of expected) expect(message).toContain(line);
  });

  it.each([
    ['network:\n  get_network: 3\n', 'network:get_network: the check must be a string, not 3'],
    ['network:\n  get_network: [a, b]\n', 'network:get_network: the check must be a string'],
    ['network: "@"\n', 'network: expected a mapping of rule name to check string'],
    ['- network\n', 'expected a mapping of service name to rules'],
    ['network: [unclosed\n', 'not valid YAML'],
  ])('refuses the shape of %j', (text, expected) => {
    expect(() => parseOverrides(text, 'policy.yaml')).toThrow(expected);
  });

  it('names the file it read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nuage-policy-'));
    const path = join(dir, 'policy.yaml');
    writeFileSync(path, 'network:\n  get_network: 3\n');
    expect(() => loadOverrideFile(path)).toThrow(`${path}: invalid policy file`);
  });
});
