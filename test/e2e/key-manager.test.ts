// The key manager through Debian's real `openstack` CLI (python3-barbicanclient, unmodified) against the
// started binary, with the user network driver and the fake compute driver: secrets (text and binary),
// containers, key orders, errors, and secrets that survive a restart. The tests run in order.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNuage, type NuageServer } from '../support/nuage-server.js';
import {
  describeRun,
  openstack,
  openstackJson,
  openstackOk,
  type CliOptions,
} from '../support/openstack-cli.js';

let nuage: NuageServer;
let admin: CliOptions;
let work: string;
let textRef: string;

type Row = Record<string, unknown>;

beforeAll(async () => {
  nuage = await startNuage({ env: { NUAGE_COMPUTE_DRIVER: 'fake' } });
  admin = { cloudsYaml: nuage.cloudsYaml };
  work = await mkdtemp(join(tmpdir(), 'nuage-os-kms-'));
});
afterAll(async () => {
  await nuage?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('openstack secret', () => {
  it('stores a text secret, lists it, and reads its metadata and payload', async () => {
    const stored = await openstackJson<Row>(
      ['secret', 'store', '--name', 'e2e-text', '--payload', 'hello barbican'],
      admin,
    );
    textRef = stored['Secret href'] as string;
    expect(textRef).toMatch(new RegExp(`^${nuage.url}/key-manager/v1/secrets/[0-9a-f-]{36}$`));
    const listed = await openstackJson<Row[]>(['secret', 'list', '--name', 'e2e-text'], admin);
    expect(listed.map((r) => r['Secret href'])).toEqual([textRef]);
    const shown = await openstackJson<Row>(['secret', 'get', textRef], admin);
    expect(shown).toMatchObject({
      Name: 'e2e-text',
      Status: 'ACTIVE',
      'Secret type': 'opaque',
      Algorithm: 'aes',
    });
    expect(shown['Content types']).toEqual({ default: 'application/octet-stream' });
    const payload = await openstackJson<Row>(['secret', 'get', textRef, '--payload'], admin);
    expect(payload).toEqual({ Payload: 'hello barbican' });
  });

  it('stores a binary file and gives the same bytes back', async () => {
    const bytes = randomBytes(200);
    const input = join(work, 'in.bin');
    const output = join(work, 'out.bin');
    await writeFile(input, bytes);
    const stored = await openstackJson<Row>(['secret', 'store', '--name', 'e2e-bin', '--file', input], admin);
    const ref = stored['Secret href'] as string;
    await openstackOk(
      ['secret', 'get', ref, '--file', output, '--payload_content_type', 'application/octet-stream'],
      admin,
    );
    expect((await readFile(output)).equals(bytes)).toBe(true);
  });

  it('groups secrets in a container, and lists, shows and deletes it', async () => {
    const created = await openstackJson<Row>(
      [
        'secret',
        'container',
        'create',
        '--name',
        'e2e-box',
        '--type',
        'generic',
        '--secret',
        `one=${textRef}`,
      ],
      admin,
    );
    const ref = created['Container href'] as string;
    expect(ref).toContain('/key-manager/v1/containers/');
    const shown = await openstackJson<Row>(['secret', 'container', 'get', ref], admin);
    expect(shown).toMatchObject({
      Name: 'e2e-box',
      Type: 'generic',
      Status: 'ACTIVE',
      Secrets: `one=${textRef}`,
    });
    const listed = await openstackJson<Row[]>(['secret', 'container', 'list'], admin);
    expect(listed.map((r) => r['Container href'])).toContain(ref);
    await openstackOk(['secret', 'container', 'delete', ref], admin);
    const gone = await openstack(['secret', 'container', 'get', ref], admin);
    expect(gone.code, describeRun(gone)).not.toBe(0);
    expect(gone.stderr).toContain('Secrets container not found.');
  });

  it('orders an AES-256 key, which is ACTIVE with a 32-byte secret, then deletes the order', async () => {
    const created = await openstackJson<Row>(
      [
        'secret',
        'order',
        'create',
        'key',
        '--algorithm',
        'aes',
        '--bit-length',
        '256',
        '--mode',
        'cbc',
        '--name',
        'e2e-key',
      ],
      admin,
    );
    const ref = created['Order href'] as string;
    const shown = await openstackJson<Row>(['secret', 'order', 'get', ref], admin);
    expect(shown).toMatchObject({ Type: 'Key', Status: 'ACTIVE', 'Error code': null });
    const secret = shown['Secret href'] as string;
    expect(await openstackJson<Row>(['secret', 'get', secret], admin)).toMatchObject({
      Name: 'e2e-key',
      'Secret type': 'symmetric',
      'Bit length': 256,
      Mode: 'cbc',
    });
    const output = join(work, 'key.bin');
    await openstackOk(
      ['secret', 'get', secret, '--file', output, '--payload_content_type', 'application/octet-stream'],
      admin,
    );
    expect(await readFile(output)).toHaveLength(32);
    const listed = await openstackJson<Row[]>(['secret', 'order', 'list'], admin);
    expect(listed.map((r) => r['Order href'])).toContain(ref);
    await openstackOk(['secret', 'order', 'delete', ref], admin);
    const gone = await openstack(['secret', 'order', 'get', ref], admin);
    expect(gone.stderr).toContain('Order not found.');
  });

  it('reports an unsupported order as ERROR with Barbican reason', async () => {
    const created = await openstackJson<Row>(
      ['secret', 'order', 'create', 'key', '--algorithm', 'aes', '--bit-length', '512'],
      admin,
    );
    const shown = await openstackJson<Row>(
      ['secret', 'order', 'get', created['Order href'] as string],
      admin,
    );
    expect(shown).toMatchObject({
      Status: 'ERROR',
      'Error code': '400',
      'Error message': 'Process TypeOrder issue seen - Secret generate supported plugin not found..',
    });
  });

  it('still decrypts after a restart (the root key is in the data directory), then deletes', async () => {
    await nuage.restart();
    const payload = await openstackJson<Row>(['secret', 'get', textRef, '--payload'], admin);
    expect(payload).toEqual({ Payload: 'hello barbican' });
    await openstackOk(['secret', 'delete', textRef], admin);
    const gone = await openstack(['secret', 'get', textRef], admin);
    expect(gone.code, describeRun(gone)).not.toBe(0);
    expect(gone.stderr).toContain('Not Found: Secret not found.');
  });
});
