// identity.adminProjectName from every config source, and the is_admin_project rule it makes.
import { describe, expect, it } from 'vitest';
import { parseServerArgs } from '../cli/args.js';
import { loadConfig } from '../config/load.js';
import { adminProjectRule, bootstrapProjectName } from './admin-project.js';

const scope = (projectName: string, domainId = 'default') => ({
  kind: 'project' as const,
  projectId: 'p',
  projectName,
  domainId,
  domainName: 'Default',
});

describe('identity.adminProjectName', () => {
  it('defaults to admin and may be emptied by env or flag', () => {
    expect(loadConfig({}).identity.adminProjectName).toBe('admin');
    expect(loadConfig({ env: { NUAGE_IDENTITY_ADMIN_PROJECT_NAME: '' } }).identity.adminProjectName).toBe('');
    const { overrides } = parseServerArgs(['--admin-project-name', 'ops']);
    expect(loadConfig({ overrides }).identity.adminProjectName).toBe('ops');
  });

  it('matches the named project of the Default domain only', () => {
    const rule = adminProjectRule('admin');
    expect(rule(scope('admin'))).toBe(true);
    expect(rule(scope('admin', 'other-domain'))).toBe(false);
    expect(rule(scope('ops'))).toBe(false);
  });

  it('makes every project the admin project when empty, and still bootstraps a project', () => {
    const rule = adminProjectRule('');
    expect(rule(scope('ops'))).toBe(true);
    expect(bootstrapProjectName('')).toBe('admin');
    expect(bootstrapProjectName('ops')).toBe('ops');
  });
});
