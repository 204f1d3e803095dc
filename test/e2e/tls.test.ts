// TLS on every listener (issue 16): `nuage up --tls-cert --tls-key` with a self-signed certificate for
// 127.0.0.1, driven by Debian's openstack CLI through the clouds.yaml the server wrote (https, cacert),
// boto3 over https trusting that certificate, and raw sockets: plain HTTP and TLS 1.1 are refused on
// both the API and the S3 port. Fake compute and network drivers: no Linux data plane.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type ConnectionOptions } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runBoto3 } from '../support/boto3.js';
import { s3UrlOf, startNuage, type NuageServer } from '../support/nuage-server.js';
import { openstackJson, openstackOk, type CliOptions } from '../support/openstack-cli.js';

const run = promisify(execFile);

let nuage: NuageServer;
let admin: CliOptions;
let scratch: string;
let cert: string;
let s3Url: string;

interface CatalogEntry {
  Name: string;
  Type: string;
  Endpoints: { interface: string; url: string }[];
}

/** Completes a handshake with the listener at `url` and resolves the protocol version, or rejects. */
async function handshake(url: string, options: ConnectionOptions): Promise<string> {
  const ca = await readFile(cert);
  const port = Number(new URL(url).port);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca, ...options }, () => {
      const protocol = socket.getProtocol() ?? '';
      socket.end();
      resolve(protocol);
    });
    socket.once('error', reject);
  });
}

describe('TLS on the API and S3 listeners (nuage up --tls-cert/--tls-key)', () => {
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'nuage-tls-'));
    cert = join(scratch, 'cert.pem');
    const key = join(scratch, 'key.pem');
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert,
    ]); // prettier-ignore
    nuage = await startNuage({
      tls: { cert, key },
      env: { NUAGE_NETWORK_DRIVER: 'fake', NUAGE_COMPUTE_DRIVER: 'fake', NUAGE_CONSOLE_GUEST_IMAGE: '' },
    });
    admin = { cloudsYaml: nuage.cloudsYaml };
    s3Url = await s3UrlOf(nuage);
  });

  afterAll(async () => {
    await nuage?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('writes a clouds.yaml with an https auth URL and the self-signed certificate as cacert', async () => {
    expect(nuage.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(s3Url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const doc = parseYaml(await readFile(nuage.cloudsYaml, 'utf8')) as {
      clouds: { nuage: { auth: { auth_url: string }; cacert?: string } };
    };
    expect(doc.clouds.nuage.auth.auth_url).toBe(`${nuage.url}/identity/v3`);
    expect(doc.clouds.nuage.cacert).toBe(cert);
    const token = await openstackJson<{ id: string; project_id: string }>(['token', 'issue'], admin);
    expect(token.id.length).toBeGreaterThan(20);
  });

  it('advertises only https endpoints in the catalog, S3 included', async () => {
    const catalog = await openstackJson<CatalogEntry[]>(['catalog', 'list'], admin);
    const urls = catalog.flatMap((entry) => entry.Endpoints.map((e) => e.url));
    expect(urls.length).toBeGreaterThanOrEqual(30);
    for (const url of urls) expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+(\/|$)/);
    const s3 = catalog.find((entry) => entry.Type === 's3');
    expect(s3?.Endpoints.map((e) => e.url.replace(/\/+$/, ''))).toContain(s3Url);
    // Self links are derived from the request, which now arrives over TLS (curl trusts the certificate).
    const token = await openstackJson<{ id: string; project_id: string }>(['token', 'issue'], admin);
    const { stdout } = await run('curl', [
      '-sS', '--fail', '--cacert', cert, '-H', `X-Auth-Token: ${token.id}`,
      `${nuage.url}/identity/v3/projects/${token.project_id}`,
    ]); // prettier-ignore
    const body = JSON.parse(stdout) as { project: { links: { self: string } } };
    expect(body.project.links.self).toBe(`${nuage.url}/identity/v3/projects/${token.project_id}`);
  });

  it('serves S3 to boto3 over https when it trusts the certificate, and fails verification otherwise', async () => {
    const keys = await openstackJson<{ access: string; secret: string }>(
      ['ec2', 'credentials', 'create'],
      admin,
    );
    const code = `
      s3.create_bucket(Bucket='tls-bucket')
      s3.put_object(Bucket='tls-bucket', Key='hello.txt', Body=b'over tls')
      out(s3.get_object(Bucket='tls-bucket', Key='hello.txt')['Body'].read().decode())
    `;
    expect(await runBoto3(s3Url, keys, code, '', { caBundle: cert })).toBe('over tls');
    await expect(runBoto3(s3Url, keys, `out(len(s3.list_buckets()['Buckets']))`)).rejects.toThrow(
      /CERTIFICATE_VERIFY_FAILED|SSLError/,
    );
  });

  it('answers nothing to plain HTTP on the TLS ports', async () => {
    for (const url of [nuage.url, s3Url]) {
      const plain = url.replace(/^https:/, 'http:');
      await expect(fetch(`${plain}/`)).rejects.toThrow();
    }
  });

  it('refuses TLS 1.1 with a protocol_version alert and negotiates TLS 1.2 and 1.3', async () => {
    for (const url of [nuage.url, s3Url]) {
      // SECLEVEL=0 lets our OpenSSL offer TLS 1.1 at all, so that the refusal is the server's.
      await expect(
        handshake(url, { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }),
      ).rejects.toThrow(/protocol version/i);
      expect(await handshake(url, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' })).toBe('TLSv1.2');
      expect(await handshake(url, {})).toBe('TLSv1.3');
    }
  });

  it('hands out https noVNC and wss serial console URLs', async () => {
    const image = join(scratch, 'disk.raw');
    await writeFile(image, Buffer.alloc(1024 * 1024));
    await openstackOk(['image', 'create', '--file', image, '--disk-format', 'raw', 'img'], admin);
    await openstackOk(['network', 'create', 'n1'], admin);
    await openstackOk(['subnet', 'create', '--network', 'n1', '--subnet-range', '10.1.0.0/24', 's1'], admin);
    await openstackOk(
      ['server', 'create', '--image', 'img', '--flavor', 'm1.nano', '--network', 'n1', '--wait', 'vm'],
      admin,
    );
    const novnc = await openstackJson<{ url: string }>(['console', 'url', 'show', '--novnc', 'vm'], admin);
    expect(novnc.url).toMatch(new RegExp(`^${nuage.url}/console/novnc\\?token=`));
    const serial = await openstackJson<{ url: string }>(['console', 'url', 'show', '--serial', 'vm'], admin);
    expect(serial.url.startsWith(nuage.url.replace(/^https:/, 'wss:'))).toBe(true);
  });
});
