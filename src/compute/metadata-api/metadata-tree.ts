// The metadata service's path tree, as Nova's InstanceMetadata.lookup walks it
// (nova/api/metadata/base.py): `/openstack[/<version>[/<file>]]` and the EC2 tree `/<version>/…`
// (a path that names neither is EC2, `/` lists the EC2 versions). The documents are the config drive's
// (config-drive/metadata.ts), built from the same server row, so a guest reads the same thing either way.
import assert from 'node:assert';
import {
  OPENSTACK_METADATA_VERSIONS,
  buildConfigDriveFiles,
  buildEc2MetaData,
} from '../config-drive/metadata.js';
import { serverMetadataInput } from '../config-drive/server-metadata-input.js';
import type { MetadataInstance } from './metadata-source.js';

/** Nova's OpenStack metadata versions up to Rocky, oldest first (cloud-init knows these). */
export const OPENSTACK_VERSIONS = [
  '2012-08-10', // Folsom
  '2013-04-04', // Grizzly: random_seed, password
  '2013-10-17', // Havana: vendor_data.json
  '2015-10-15', // Liberty: project_id, network_data.json
  '2016-06-30', // Newton: devices
  '2016-10-06', // Newton: vendor_data2.json
  '2017-02-22', // Ocata
  '2018-08-27', // Rocky
] as const;

/** Nova's EC2 metadata versions, oldest first (nova/api/metadata/base.py VERSIONS). */
export const EC2_VERSIONS = [
  '1.0',
  '2007-01-19',
  '2007-03-01',
  '2007-08-29',
  '2007-10-10',
  '2007-12-15',
  '2008-02-01',
  '2008-09-01',
  '2009-04-04',
] as const;

const NEWEST_OPENSTACK = OPENSTACK_VERSIONS[OPENSTACK_VERSIONS.length - 1] as string;
const NEWEST_EC2 = EC2_VERSIONS[EC2_VERSIONS.length - 1] as string;
// The config drive's dated versions must be the newest ones served, so that their bytes are equal.
assert(OPENSTACK_METADATA_VERSIONS.every((v) => (OPENSTACK_VERSIONS as readonly string[]).includes(v)));
assert(OPENSTACK_METADATA_VERSIONS.every((v) => v >= '2018-08-27'));

export interface MetadataResponse {
  status: 200 | 404;
  contentType: 'application/json' | 'text/plain';
  body: string | Uint8Array;
}

const JSON_TYPE = 'application/json' as const;
const TEXT_TYPE = 'text/plain' as const;
const notFound = (): MetadataResponse => ({ status: 404, contentType: TEXT_TYPE, body: '404 Not Found\n' });
const text = (body: string | Uint8Array): MetadataResponse => ({ status: 200, contentType: TEXT_TYPE, body });

/** A file of a version directory, with the first version that has it (Nova's `_check_os_version`). */
const OPENSTACK_FILES: readonly { name: string; since: string; json: boolean }[] = [
  { name: 'meta_data.json', since: '2012-08-10', json: true },
  { name: 'user_data', since: '2012-08-10', json: false },
  { name: 'password', since: '2013-04-04', json: false },
  { name: 'vendor_data.json', since: '2013-10-17', json: true },
  { name: 'network_data.json', since: '2015-10-15', json: true },
  { name: 'vendor_data2.json', since: '2016-10-06', json: true },
];

/** meta_data.json keys that older versions lack; dedicated_cpus (Victoria) is newer than Rocky. */
const META_DATA_KEYS_SINCE: Readonly<Record<string, string>> = {
  random_seed: '2013-04-04',
  project_id: '2015-10-15',
  devices: '2016-06-30',
  dedicated_cpus: '2018-08-27',
};

/** EC2 meta-data keys that older versions lack (base.py get_ec2_metadata). */
const EC2_KEYS_SINCE: Readonly<Record<string, string>> = {
  'local-hostname': '2007-01-19',
  'public-hostname': '2007-01-19',
  'public-ipv4': '2007-01-19',
  'instance-type': '2007-08-29',
  'block-device-mapping': '2007-12-15',
  placement: '2008-02-01',
  'instance-action': '2008-09-01',
};

/** `posixpath.normpath("/" + path)` split into tokens, without empty ones. */
function pathTokens(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out;
}

/**
 * The response to a GET of `path` (no query string) for `instance`. `randomSeed` is the base64
 * `random_seed` of meta_data.json; Nova draws a new one for every request.
 */
export function metadataResponse(
  path: string,
  instance: MetadataInstance,
  randomSeed: string,
): MetadataResponse {
  const tokens = pathTokens(path);
  if (tokens[0] === 'openstack') {
    if (tokens.length === 1) return text([...OPENSTACK_VERSIONS, 'latest'].join('\n'));
    return openstackItem(tokens.slice(1), instance, randomSeed);
  }
  if (tokens[0] === 'ec2') tokens.shift();
  if (tokens.length === 0) return text([...EC2_VERSIONS, 'latest'].join('\n'));
  return ec2Item(tokens, instance, randomSeed);
}

function openstackItem(tokens: string[], instance: MetadataInstance, randomSeed: string): MetadataResponse {
  const [requested, ...rest] = tokens as [string, ...string[]];
  const version = requested === 'latest' ? NEWEST_OPENSTACK : requested;
  // `openstack/content/NNNN` holds injected files, which Nuage does not support.
  if (!(OPENSTACK_VERSIONS as readonly string[]).includes(version)) return notFound();
  const hasUserData = instance.server.userData !== null;
  const files = OPENSTACK_FILES.filter((f) => f.since <= version && (f.name !== 'user_data' || hasUserData));
  if (rest.length === 0) return text(files.map((f) => f.name).join('\n'));
  const file = files.find((f) => f.name === rest.join('/'));
  if (file === undefined) return notFound();
  // The password a guest may post (Nova's password handler) is not stored; reading it gives "".
  if (file.name === 'password') return text('');
  const drive = buildConfigDriveFiles(serverMetadataInput(instance.server, randomSeed));
  // The config drive's own bytes for the versions it carries (`latest` and the newest dated ones).
  const driveVersion = requested === 'latest' ? 'latest' : version;
  let body =
    drive.get(`openstack/${driveVersion}/${file.name}`) ?? drive.get(`openstack/latest/${file.name}`);
  if (body === undefined) return notFound();
  if (file.name === 'meta_data.json' && !drive.has(`openstack/${driveVersion}/meta_data.json`))
    body = olderMetaData(body, version);
  return { status: 200, contentType: file.json ? JSON_TYPE : TEXT_TYPE, body };
}

function olderMetaData(latest: string | Uint8Array, version: string): string {
  const document = JSON.parse(
    typeof latest === 'string' ? latest : Buffer.from(latest).toString('utf8'),
  ) as Record<string, unknown>;
  for (const [key, since] of Object.entries(META_DATA_KEYS_SINCE)) if (version < since) delete document[key];
  return JSON.stringify(document);
}

type Ec2Tree = { [key: string]: Ec2Tree | string | number | Uint8Array | readonly string[] };

function ec2Data(instance: MetadataInstance, randomSeed: string, version: string): Ec2Tree {
  const input = serverMetadataInput(instance.server, randomSeed);
  const metaData = buildEc2MetaData(input) as Ec2Tree;
  for (const [key, since] of Object.entries(EC2_KEYS_SINCE)) if (version < since) delete metaData[key];
  if (instance.publicIpv4 !== undefined && 'public-ipv4' in metaData)
    metaData['public-ipv4'] = instance.publicIpv4;
  // Nova lists a key as `<index>=<name>` and serves the tree only when the server has a key.
  const publicKeys: Ec2Tree = {};
  input.keyPairs.forEach((key, index) => {
    publicKeys[String(index)] = { _name: `${index}=${key.name}`, 'openssh-key': key.publicKey };
  });
  if (input.keyPairs.length > 0) metaData['public-keys'] = publicKeys;
  else delete metaData['public-keys'];
  const data: Ec2Tree = { 'meta-data': metaData };
  if (input.userData !== undefined) data['user-data'] = input.userData;
  return data;
}

function ec2Item(tokens: string[], instance: MetadataInstance, randomSeed: string): MetadataResponse {
  const [requested, ...rest] = tokens as [string, ...string[]];
  const version = requested === 'latest' ? NEWEST_EC2 : requested;
  if (!(EC2_VERSIONS as readonly string[]).includes(version)) return notFound();
  let node: Ec2Tree[string] = ec2Data(instance, randomSeed, version);
  for (const token of rest) {
    if (!isTree(node) || token === '_name' || !Object.hasOwn(node, token)) return notFound();
    node = node[token] as Ec2Tree[string];
  }
  return text(ec2Print(node));
}

const isTree = (node: unknown): node is Ec2Tree =>
  typeof node === 'object' && node !== null && !Array.isArray(node) && !(node instanceof Uint8Array);

/** Nova's `ec2_md_print`: a directory lists its keys (`key/` for a subtree, or its `_name`). */
function ec2Print(node: Ec2Tree[string]): string | Uint8Array {
  if (isTree(node)) {
    const lines: string[] = [];
    for (const key of Object.keys(node).sort()) {
      if (key === '_name') continue;
      const child = node[key];
      if (isTree(child)) lines.push(typeof child._name === 'string' ? child._name : `${key}/`);
      else lines.push(key);
    }
    return lines.join('\n');
  }
  if (Array.isArray(node)) return node.join('\n');
  if (node instanceof Uint8Array || typeof node === 'string') return node;
  return String(node);
}
