// Parser tests: what oslo.policy's _parser.py builds for each form, printed back fully parenthesised,
// and a clear error naming the rule for what it cannot parse.
import { describe, expect, it } from 'vitest';
import { formatCheck, parseRule, PolicyParseError } from './parser.js';

describe('parseRule', () => {
  it.each([
    ['@', '@'],
    ['!', '!'],
    ['', '@'],
    ['   ', '@'],
    ['role:admin', 'role:admin'],
    ['rule:admin_or_owner', 'rule:admin_or_owner'],
    ['role:member and project_id:%(project_id)s', '(role:member and project_id:%(project_id)s)'],
    ['a:1 or b:2 and c:3', '(a:1 or (b:2 and c:3))'],
    ['a:1 and b:2 or c:3', '((a:1 and b:2) or c:3)'],
    ['a:1 and b:2 and c:3 or d:4 or e:5', '((a:1 and b:2 and c:3) or d:4 or e:5)'],
    ['(a:1 or b:2) and c:3', '((a:1 or b:2) and c:3)'],
    ['not role:reader', 'not role:reader'],
    ['not a:1 and b:2', '(not a:1 and b:2)'],
    ['not (a:1 or b:2)', 'not (a:1 or b:2)'],
    ['a:1 OR NOT b:2', '(a:1 or not b:2)'],
    ['((role:admin))', 'role:admin'],
    [
      '(rule:admin_only) or (role:member and project_id:%(project_id)s)',
      '(rule:admin_only or (role:member and project_id:%(project_id)s))',
    ],
    ['is_admin:True', 'is_admin:True'],
    ['system_scope:all', 'system_scope:all'],
    ['domain_id:%(target.domain_id)s', 'domain_id:%(target.domain_id)s'],
    ['project_id:%(network:project_id)s', 'project_id:%(network:project_id)s'],
    ["'member':%(role.name)s", "'member':%(role.name)s"],
    ['field:networks:router:external=True', 'field:networks:router:external=True'],
    ['field:port:device_owner=~^network:', 'field:port:device_owner=~^network:'],
    ['user_id:100%%', 'user_id:100%%'],
  ])('%j parses to %s', (input, printed) => {
    expect(formatCheck(parseRule('r', input))).toBe(printed);
  });

  it('keeps the structure of a generic check', () => {
    expect(parseRule('r', "'member':%(role.name)s")).toEqual({
      kind: 'generic',
      left: "'member'",
      literal: 'member',
      path: ["'member'"],
      match: [{ key: 'role.name' }],
    });
    expect(parseRule('r', 'token.roles.name:x-%(id)s')).toMatchObject({
      path: ['token', 'roles', 'name'],
      match: [{ text: 'x-' }, { key: 'id' }],
    });
  });

  it.each([
    ['role:member and', 'expected a check, found the end of the rule'],
    ['and role:member', 'expected a check, found "and"'],
    ['role:member role:reader', 'unexpected "role:reader" after a complete expression'],
    ['(role:member', 'missing ")"'],
    ['role:member)', 'unexpected ")" after a complete expression'],
    ['admin', '"admin" is not a check'],
    ['not', 'expected a check, found the end of the rule'],
    ['rule:', 'names no rule'],
    [':x', 'nothing before ":"'],
    ["'quoted'", 'is a quoted string, not a check'],
    ['project_id:%(project_id)d', 'has a "%" that is not'],
    ['field:networks', 'is not "field:resource:name=value"'],
    ['field:port:x=~(', 'invalid regular expression'],
    ['http://example.com/check', 'remote http checks are not supported'],
  ])('%j is refused: %s', (input, reason) => {
    let error: unknown;
    try {
      parseRule('create_network', input);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PolicyParseError);
    expect((error as Error).message).toContain('policy rule "create_network"');
    expect((error as Error).message).toContain(reason);
  });
});
