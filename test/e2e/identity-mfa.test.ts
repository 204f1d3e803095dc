// MFA and password rules through Debian's real `openstack` CLI against `nuage up`: TOTP enrolment
// (credential create --type totp), MFA rules (user set --enable-multi-factor-auth), password alone
// refused with keystoneauth's "Not all required auth rules were satisfied", password + TOTP accepted
// with auth type v3multifactor, and the password history.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import { decodeBase32, totpAt, totpStep } from '../../src/identity/mfa/totp.js';
import { startNuage, type NuageServer } from '../support/nuage-server.js';
import { openstack, openstackJson, openstackOk } from '../support/openstack-cli.js';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
let nuage: NuageServer;

beforeAll(async () => {
  nuage = await startNuage({ env: { NUAGE_IDENTITY_UNIQUE_LAST_PASSWORD_COUNT: '3' } });
});
afterAll(async () => nuage?.stop());

/** A clouds.yaml for dave: `password` or keystoneauth's v3multifactor (auth_methods must be a list). */
async function daveCloud(multifactor: boolean): Promise<string> {
  const auth: Record<string, unknown> = {
    auth_url: nuage.authUrl,
    username: 'dave',
    password: 'pw-dave-1',
    project_name: 'admin',
    user_domain_name: 'Default',
    project_domain_name: 'Default',
  };
  if (multifactor) auth.auth_methods = ['v3password', 'v3totp'];
  const cloud = { auth_type: multifactor ? 'v3multifactor' : 'password', auth, identity_api_version: 3 };
  const path = join(nuage.dataDir, `dave-${multifactor}.yaml`);
  await writeFile(path, stringifyYaml({ clouds: { dave: cloud } }), { mode: 0o600 });
  return path;
}

describe('MFA with the openstack CLI', () => {
  it('enrols TOTP, refuses password alone and accepts password + passcode', async () => {
    const admin = { cloudsYaml: nuage.cloudsYaml };
    await openstackOk(['user', 'create', '--password', 'pw-dave-1', '--project', 'admin', 'dave'], admin);
    await openstackOk(['role', 'add', '--user', 'dave', '--project', 'admin', 'member'], admin);
    const cred = await openstackJson<{ type: string }>(
      ['credential', 'create', '--type', 'totp', 'dave', SECRET],
      admin,
    );
    expect(cred.type).toBe('totp');
    await openstackOk(
      ['user', 'set', '--enable-multi-factor-auth', '--multi-factor-auth-rule', 'password,totp', 'dave'],
      admin,
    );
    const refused = await openstack(['--os-cloud', 'dave', 'token', 'issue'], {
      cloudsYaml: await daveCloud(false),
    });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("Not all required auth rules were satisfied: [['password', 'totp']]");
    // Clear of the end of a 30 s step, so the passcode is still current when the server checks it.
    if (Date.now() % 30_000 > 25_000) await new Promise((r) => setTimeout(r, 6_000));
    const passcode = totpAt(decodeBase32(SECRET) as Buffer, totpStep(Date.now()));
    const token = await openstackJson<{ user_id: string }>(
      ['--os-cloud', 'dave', '--os-passcode', passcode, 'token', 'issue'],
      { cloudsYaml: await daveCloud(true) },
    );
    expect(token.user_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('enforces the password history on an administrator reset', async () => {
    const admin = { cloudsYaml: nuage.cloudsYaml };
    await openstackOk(['user', 'create', '--password', 'hist-pw-1', 'hank'], admin);
    await openstackOk(['user', 'set', '--password', 'hist-pw-2', 'hank'], admin);
    const reused = await openstack(['user', 'set', '--password', 'hist-pw-1', 'hank'], admin);
    expect(reused.code).not.toBe(0);
    expect(reused.stderr).toContain('The new password cannot be identical to a previous password');
  });
});
