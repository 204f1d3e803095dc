// The identity service across the life of the `nuage up` process: the clouds.yaml it writes, state
// and tokens surviving a restart, clouds.yaml following a new port, live token-key rotation, and a
// clean exit on SIGINT/SIGTERM. Driven through the real CLI, fetch and `nuage` subcommands only.
import { readFile, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { issueToken, validateToken } from '../support/keystone-http.js';
import { runNuageCommand, startNuage, type NuageServer } from '../support/nuage-server.js';
import { openstackJson, openstackOk, readCloud, type Credentials } from '../support/openstack-cli.js';

let nuage: NuageServer;

async function adminCreds(): Promise<Credentials> {
  return readCloud(nuage.cloudsYaml);
}

beforeAll(async () => {
  nuage = await startNuage();
});

afterAll(async () => {
  await nuage?.stop();
});

describe('nuage up lifecycle', () => {
  it('writes clouds.yaml with mode 0600 and the documented nuage cloud', async () => {
    const info = await stat(nuage.cloudsYaml);
    expect(info.mode & 0o777).toBe(0o600);
    const parsed = parseYaml(await readFile(nuage.cloudsYaml, 'utf8')) as {
      clouds: Record<
        string,
        { auth: Record<string, string>; region_name?: string; identity_api_version?: unknown }
      >;
    };
    const cloud = parsed.clouds.nuage;
    expect(cloud).toBeDefined();
    expect(cloud?.auth).toMatchObject({
      auth_url: `${nuage.url}/identity/v3`,
      username: 'admin',
      project_name: 'admin',
    });
    expect(cloud?.region_name).toBe('RegionOne');
    expect(String(cloud?.identity_api_version)).toBe('3');
    expect(nuage.logs()).toContain(nuage.cloudsYaml);
  });

  it('keeps projects and issued tokens across a SIGTERM restart', async () => {
    const project = await openstackJson<{ id: string }>(['project', 'create', 'e2e-survivor'], {
      cloudsYaml: nuage.cloudsYaml,
    });
    const { token } = await issueToken(await adminCreds());
    const first = nuage.process;

    await nuage.restart();
    expect(first.exitCode, 'exit code of the first process after SIGTERM').toBe(0);

    const shown = await openstackJson<{ id: string; name: string }>(['project', 'show', 'e2e-survivor'], {
      cloudsYaml: nuage.cloudsYaml,
    });
    expect(shown).toMatchObject({ id: project.id, name: 'e2e-survivor' });
    const { token: checker } = await issueToken(await adminCreds());
    const validated = await validateToken(nuage.authUrl, checker, token);
    expect(validated.status, validated.text).toBe(200);
  });

  it('rewrites clouds.yaml when a restart lands on another port', async () => {
    const oldUrl = nuage.url;
    await nuage.restart({ newPort: true });
    expect(nuage.url).not.toBe(oldUrl);
    expect((await adminCreds()).authUrl).toBe(`${nuage.url}/identity/v3`);
    await openstackOk(['token', 'issue'], { cloudsYaml: nuage.cloudsYaml });
  });

  it('nuage keys rotate while running: old tokens stay valid, new tokens work', async () => {
    const { token: before } = await issueToken(await adminCreds());
    const rotated = await runNuageCommand(['keys', 'rotate', '--data-dir', nuage.dataDir]);
    expect(rotated.code, `${rotated.stdout}\n${rotated.stderr}`).toBe(0);

    const { token: after } = await issueToken(await adminCreds());
    expect(after).not.toBe(before);
    expect((await validateToken(nuage.authUrl, after, before)).status).toBe(200);
    expect((await validateToken(nuage.authUrl, before, after)).status).toBe(200);
    await openstackOk(['project', 'list'], { cloudsYaml: nuage.cloudsYaml });
  });

  it('nuage doctor prints host facts and exits 0', async () => {
    const doctor = await runNuageCommand(['doctor']);
    expect(doctor.code, `${doctor.stdout}\n${doctor.stderr}`).toBe(0);
    expect(doctor.stdout.trim().length).toBeGreaterThan(0);
  });

  it('exits with code 0 on SIGINT', async () => {
    expect(await nuage.stop('SIGINT')).toBe(0);
  });
});
