// Writes DIR/clouds.yaml (mode 0600) for the admin, so that `openstack --os-cloud nuage` works at once.
// The admin password exists only on the first start; later starts keep the one already in the file.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';

export interface CloudsYamlInput {
  dataDir: string;
  authUrl: string;
  region: string;
  adminProjectName: string;
  /** Undefined on later starts: the password already in the file is kept. */
  newAdminPassword?: string | undefined;
  /** CA file clients must trust (the listeners' self-signed certificate); omitted when undefined. */
  cacert?: string | undefined;
}

export function cloudsYamlPath(dataDir: string): string {
  return join(dataDir, 'clouds.yaml');
}

function existingPassword(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const doc = YAML.parse(readFileSync(path, 'utf8')) as {
    clouds?: { nuage?: { auth?: { password?: unknown } } };
  } | null;
  const password = doc?.clouds?.nuage?.auth?.password;
  return typeof password === 'string' ? password : undefined;
}

/** Returns false when there is no password to write (the file was lost after the first start). */
export function writeCloudsYaml(input: CloudsYamlInput): boolean {
  const path = cloudsYamlPath(input.dataDir);
  const password = input.newAdminPassword ?? existingPassword(path);
  if (!password) return false;
  const doc = {
    clouds: {
      nuage: {
        auth: {
          auth_url: input.authUrl,
          username: 'admin',
          password,
          project_name: input.adminProjectName,
          user_domain_name: 'Default',
          project_domain_name: 'Default',
        },
        region_name: input.region,
        interface: 'public',
        identity_api_version: 3,
        ...(input.cacert !== undefined && { cacert: input.cacert }),
      },
    },
  };
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, YAML.stringify(doc), { mode: 0o600 });
  renameSync(tmp, path);
  return true;
}
