// Keystone v3 end to end: the started `nuage up` binary driven by Debian's real `openstack` CLI, plus
// raw fetch calls where a check needs exact HTTP statuses. One server per file; tests that build on
// the domain fixture (domain D, project P1, user U1) run in order and say which step they need.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, keystoneGet, validateToken } from '../support/keystone-http.js';
import { startNuage, type NuageServer } from '../support/nuage-server.js';
import {
  describeRun,
  openstack,
  openstackJson,
  openstackOk,
  readCloud,
  writeCloudsYaml,
  type CliOptions,
  type Credentials,
} from '../support/openstack-cli.js';

interface TokenView {
  id: string;
  expires: string;
  project_id?: string;
  domain_id?: string;
  user_id: string;
}
interface ProjectView {
  id: string;
  name: string;
  description: string;
  domain_id: string;
  enabled: boolean;
}
interface ListRow {
  ID: string;
  Name: string;
}

const D = 'e2e-domain';
const P1 = 'e2e-project-1';
const U1 = 'e2e-user-1';
const U1_PASSWORD = 'u1-secret-Passw0rd';
const READER = 'e2e-reader';
const READER_PASSWORD = 'reader-secret-Passw0rd';

let nuage: NuageServer;
let admin: CliOptions;
let adminCreds: Credentials;
/** Ids created by the domain fixture tests, filled in order. */
const ids: { domain?: string; p1?: string; u1?: string } = {};

function u1Creds(): Credentials {
  return {
    authUrl: nuage.authUrl,
    username: U1,
    password: U1_PASSWORD,
    userDomainName: D,
    projectName: P1,
    projectDomainName: D,
  };
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`fixture missing: ${what} (an earlier test in this file failed)`);
  return value;
}

beforeAll(async () => {
  nuage = await startNuage();
  admin = { cloudsYaml: nuage.cloudsYaml };
  adminCreds = await readCloud(nuage.cloudsYaml);
});

afterAll(async () => {
  await nuage?.stop();
});

describe('identity through the openstack CLI', () => {
  it('writes a clouds.yaml whose nuage cloud points at the server', () => {
    expect(adminCreds.authUrl).toBe(`${nuage.url}/identity/v3`);
    expect(adminCreds.username).toBe('admin');
    expect(adminCreds.projectName).toBe('admin');
  });

  it('token issue returns a project-scoped admin token', async () => {
    const token = await openstackJson<TokenView>(['token', 'issue'], admin);
    expect(token.id).toMatch(/\S{20,}/);
    expect(Date.parse(token.expires)).toBeGreaterThan(Date.now());
    const project = await openstackJson<ProjectView>(['project', 'show', 'admin'], admin);
    expect(token.project_id).toBe(project.id);
    const user = await openstackJson<{ id: string; name: string }>(['user', 'show', 'admin'], admin);
    expect(token.user_id).toBe(user.id);
  });

  it('catalog list contains the identity service at the server URL', async () => {
    const catalog = await openstackJson<Array<{ Name: string; Type: string; Endpoints: unknown }>>(
      ['catalog', 'list'],
      admin,
    );
    const identity = catalog.find((entry) => entry.Type === 'identity');
    expect(identity, JSON.stringify(catalog)).toBeDefined();
    expect(JSON.stringify(identity?.Endpoints)).toContain(nuage.url);
  });

  it('project create, list, show, set, disable, enable and delete', async () => {
    const name = 'e2e-lifecycle';
    const created = await openstackJson<ProjectView>(
      ['project', 'create', '--description', 'first words', name],
      admin,
    );
    expect(created).toMatchObject({ name, description: 'first words', enabled: true, domain_id: 'default' });
    expect(created.id).toMatch(/^[0-9a-f]{32}$/);

    const list = await openstackJson<ListRow[]>(['project', 'list'], admin);
    expect(list).toContainEqual({ ID: created.id, Name: name });

    expect(await openstackJson<ProjectView>(['project', 'show', name], admin)).toMatchObject({
      id: created.id,
    });
    expect(await openstackJson<ProjectView>(['project', 'show', created.id], admin)).toMatchObject({ name });

    await openstackOk(['project', 'set', '--description', 'second words', name], admin);
    expect(await openstackJson<ProjectView>(['project', 'show', name], admin)).toMatchObject({
      description: 'second words',
    });

    await openstackOk(['project', 'set', '--disable', name], admin);
    expect(await openstackJson<ProjectView>(['project', 'show', created.id], admin)).toMatchObject({
      enabled: false,
    });
    await openstackOk(['project', 'set', '--enable', name], admin);
    expect(await openstackJson<ProjectView>(['project', 'show', created.id], admin)).toMatchObject({
      enabled: true,
    });

    await openstackOk(['project', 'delete', name], admin);
    const gone = await openstack(['project', 'show', created.id], admin);
    expect(gone.code, describeRun(gone)).not.toBe(0);
    expect(gone.stderr, describeRun(gone)).toMatch(/No project with a name or ID|404/i);
    const after = await openstackJson<ListRow[]>(['project', 'list'], admin);
    expect(after.map((p) => p.ID)).not.toContain(created.id);
  });

  it('token revoke makes the token unusable for the CLI and for validation', async () => {
    const { token } = await issueToken(adminCreds);
    const { token: checker } = await issueToken(adminCreds);
    expect((await validateToken(nuage.authUrl, checker, token)).status).toBe(200);

    await openstackOk(['token', 'revoke', token], admin);

    const validated = await validateToken(nuage.authUrl, checker, token);
    expect(validated.status, validated.text).toBe(404);

    const reuse = await openstack(['project', 'show', 'admin'], {
      as: {
        authUrl: nuage.authUrl,
        authType: 'token',
        token,
        projectName: 'admin',
        projectDomainName: 'Default',
      },
    });
    expect(reuse.code, describeRun(reuse)).not.toBe(0);
    expect(reuse.stderr, describeRun(reuse)).toMatch(/HTTP 401/);

    const direct = await keystoneGet(nuage.authUrl, '/projects', token);
    expect(direct.status, direct.text).toBe(401);
    expect(direct.body).toMatchObject({ error: { code: 401 } });
  });

  describe('domain D with project P1 and user U1', () => {
    it('domain create D, project create --domain D P1, user create --domain D U1', async () => {
      const domain = await openstackJson<{ id: string; name: string; enabled: boolean }>(
        ['domain', 'create', '--description', 'e2e domain', D],
        admin,
      );
      expect(domain).toMatchObject({ name: D, enabled: true });

      const project = await openstackJson<ProjectView>(['project', 'create', '--domain', D, P1], admin);
      expect(project).toMatchObject({ name: P1, domain_id: domain.id, enabled: true });

      const user = await openstackJson<{ id: string; name: string; domain_id: string; enabled: boolean }>(
        ['user', 'create', '--domain', D, '--password', U1_PASSWORD, U1],
        admin,
      );
      expect(user).toMatchObject({ name: U1, domain_id: domain.id, enabled: true });
      expect(JSON.stringify(user)).not.toContain(U1_PASSWORD);

      const users = await openstackJson<ListRow[]>(['user', 'list', '--domain', D], admin);
      expect(users).toContainEqual({ ID: user.id, Name: U1 });
      Object.assign(ids, { domain: domain.id, p1: project.id, u1: user.id });
    });

    it('role add member on P1 shows up in role assignment list --names', async () => {
      need(ids.u1, 'user U1');
      await openstackOk(
        ['role', 'add', '--project', P1, '--project-domain', D, '--user', U1, '--user-domain', D, 'member'],
        admin,
      );
      const rows = await openstackJson<Array<Record<string, unknown>>>(
        ['role', 'assignment', 'list', '--names', '--project', P1, '--project-domain', D],
        admin,
      );
      expect(rows).toContainEqual(
        expect.objectContaining({ Role: 'member', User: `${U1}@${D}`, Project: `${P1}@${D}` }),
      );
    });

    it('U1 authenticates with its own password and gets a token scoped to P1', async () => {
      const p1 = need(ids.p1, 'project P1');
      const u1 = need(ids.u1, 'user U1');
      const token = await openstackJson<TokenView>(['token', 'issue'], { as: u1Creds() });
      expect(token).toMatchObject({ project_id: p1, user_id: u1 });

      const wrong = await openstack(['token', 'issue'], {
        as: { ...u1Creds(), password: 'not-the-password' },
      });
      expect(wrong.code, describeRun(wrong)).not.toBe(0);
      expect(wrong.stderr, describeRun(wrong)).toMatch(/HTTP 401/);
    });

    it('a domain reader can list projects of D but project create is refused with 403', async () => {
      const p1 = need(ids.p1, 'project P1');
      await openstackOk(['user', 'create', '--domain', D, '--password', READER_PASSWORD, READER], admin);
      await openstackOk(
        ['role', 'add', '--domain', D, '--user', READER, '--user-domain', D, 'reader'],
        admin,
      );
      // The reader goes through a generated clouds.yaml (the other users use explicit --os-* flags).
      const cloudsYaml = await writeCloudsYaml(join(nuage.dataDir, 'e2e-clouds.yaml'), {
        'domain-reader': {
          authUrl: nuage.authUrl,
          username: READER,
          password: READER_PASSWORD,
          userDomainName: D,
          domainName: D,
        },
        'u1-on-p1': u1Creds(),
      });
      const reader: CliOptions = { cloudsYaml, cloud: 'domain-reader' };
      const u1Token = await openstackJson<TokenView>(['token', 'issue'], { cloudsYaml, cloud: 'u1-on-p1' });
      expect(u1Token.project_id).toBe(p1);

      const token = await openstackJson<TokenView>(['token', 'issue'], reader);
      expect(token.domain_id).toBe(ids.domain);
      expect(token.project_id).toBeUndefined();

      const projects = await openstackJson<ListRow[]>(['project', 'list'], reader);
      expect(projects).toContainEqual({ ID: p1, Name: P1 });

      const refused = await openstack(['project', 'create', '--domain', D, 'e2e-reader-made'], reader);
      expect(refused.code, describeRun(refused)).not.toBe(0);
      expect(refused.stderr, describeRun(refused)).toMatch(/HTTP 403/);
      const absent = await openstack(['project', 'show', '--domain', D, 'e2e-reader-made'], admin);
      expect(absent.code, describeRun(absent)).not.toBe(0);
    });

    it('U1 creates an application credential and authenticates with it', async () => {
      const p1 = need(ids.p1, 'project P1');
      const u1 = need(ids.u1, 'user U1');
      const credential = await openstackJson<{
        id: string;
        name: string;
        secret: string;
        project_id: string;
      }>(['application', 'credential', 'create', 'e2e-ac'], { as: u1Creds() });
      expect(credential).toMatchObject({ name: 'e2e-ac', project_id: p1 });
      expect(credential.secret).toBeTruthy();

      const listed = await openstackJson<ListRow[]>(['application', 'credential', 'list'], { as: u1Creds() });
      expect(listed.map((c) => c.ID)).toContain(credential.id);

      const token = await openstackJson<TokenView>(['token', 'issue'], {
        as: {
          authUrl: nuage.authUrl,
          authType: 'v3applicationcredential',
          applicationCredentialId: credential.id,
          applicationCredentialSecret: credential.secret,
        },
      });
      expect(token).toMatchObject({ project_id: p1, user_id: u1 });

      const badSecret = await openstack(['token', 'issue'], {
        as: {
          authUrl: nuage.authUrl,
          authType: 'v3applicationcredential',
          applicationCredentialId: credential.id,
          applicationCredentialSecret: 'wrong-secret',
        },
      });
      expect(badSecret.code, describeRun(badSecret)).not.toBe(0);
      expect(badSecret.stderr, describeRun(badSecret)).toMatch(/HTTP 401/);
    });

    it('ec2 credentials create and list, as admin and as U1', async () => {
      const p1 = need(ids.p1, 'project P1');
      const u1 = need(ids.u1, 'user U1');
      type Ec2 = { access: string; secret: string; project_id: string; user_id: string };
      type Ec2Row = { Access: string; Secret: string; 'Project ID': string; 'User ID': string };

      const adminToken = await openstackJson<TokenView>(['token', 'issue'], admin);
      const adminEc2 = await openstackJson<Ec2>(['ec2', 'credentials', 'create'], admin);
      expect(adminEc2).toMatchObject({ project_id: adminToken.project_id, user_id: adminToken.user_id });
      expect(adminEc2.access).toMatch(/^\S{16,}$/);
      expect(adminEc2.secret).toMatch(/^\S{16,}$/);

      const u1Ec2 = await openstackJson<Ec2>(['ec2', 'credentials', 'create'], { as: u1Creds() });
      expect(u1Ec2).toMatchObject({ project_id: p1, user_id: u1 });

      const adminList = await openstackJson<Ec2Row[]>(['ec2', 'credentials', 'list'], admin);
      expect(adminList.map((r) => r.Access)).toContain(adminEc2.access);
      expect(adminList.map((r) => r.Access)).not.toContain(u1Ec2.access);

      const u1List = await openstackJson<Ec2Row[]>(['ec2', 'credentials', 'list'], { as: u1Creds() });
      expect(u1List).toContainEqual(
        expect.objectContaining({ Access: u1Ec2.access, 'Project ID': p1, 'User ID': u1 }),
      );
      expect(u1List.map((r) => r.Access)).not.toContain(adminEc2.access);

      const shown = await openstackJson<Ec2>(['ec2', 'credentials', 'show', u1Ec2.access], { as: u1Creds() });
      expect(shown).toMatchObject({ access: u1Ec2.access, project_id: p1 });
    });

    // Last: it disables U1, which the tests above use.
    it('user set --disable U1 invalidates the token U1 already holds', async () => {
      const u1 = need(ids.u1, 'user U1');
      const { token: u1Token } = await issueToken(u1Creds());
      const { token: adminToken } = await issueToken(adminCreds);
      const before = await validateToken(nuage.authUrl, adminToken, u1Token);
      expect(before.status, before.text).toBe(200);

      await openstackOk(['user', 'set', '--disable', '--domain', D, U1], admin);
      const user = await openstackJson<{ id: string; enabled: boolean }>(['user', 'show', u1], admin);
      expect(user.enabled).toBe(false);

      const validated = await validateToken(nuage.authUrl, adminToken, u1Token);
      expect(validated.status, validated.text).toBe(404);

      const used = await validateToken(nuage.authUrl, u1Token, u1Token);
      expect(used.status, used.text).toBe(401);

      const again = await openstack(['token', 'issue'], { as: u1Creds() });
      expect(again.code, describeRun(again)).not.toBe(0);
      expect(again.stderr, describeRun(again)).toMatch(/HTTP 401/);
    });
  });
});
