// CloudKitty's API through Debian's real `openstack` CLI (python3-cloudkittyclient, unmodified) against
// the started binary (fake compute driver, no data plane): hashmap services, fields and mappings created,
// listed and deleted; then an object stored and downloaded, priced by hashmap mappings, shows in
// `rating summary get` and `rating dataframes get`. The tests run in order.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNuage, type NuageServer } from '../support/nuage-server.js';
import { openstack, openstackJson, openstackOk, type CliOptions } from '../support/openstack-cli.js';

let nuage: NuageServer;
let admin: CliOptions;
let work: string;

type Row = Record<string, unknown>;

beforeAll(async () => {
  nuage = await startNuage({ env: { NUAGE_COMPUTE_DRIVER: 'fake' } });
  admin = { cloudsYaml: nuage.cloudsYaml };
  work = await mkdtemp(join(tmpdir(), 'nuage-os-rating-'));
});
afterAll(async () => {
  await nuage?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A lister's one created row (the hashmap create commands are listers). */
async function created(args: string[]): Promise<Row> {
  const rows = await openstackJson<Row[]>(args, admin);
  expect(rows).toHaveLength(1);
  return rows[0] as Row;
}

describe('openstack rating hashmap', () => {
  it('creates, lists and deletes services, fields and mappings', async () => {
    const service = await created(['rating', 'hashmap', 'service', 'create', 'instance']);
    const serviceId = service['Service ID'] as string;
    expect(service.Name).toBe('instance');
    const services = await openstackJson<Row[]>(['rating', 'hashmap', 'service', 'list'], admin);
    expect(services.map((s) => s.Name)).toContain('instance');

    const field = await created(['rating', 'hashmap', 'field', 'create', serviceId, 'flavor_id']);
    const fieldId = field['Field ID'] as string;
    expect(field).toMatchObject({ Name: 'flavor_id', 'Service ID': serviceId });
    const fields = await openstackJson<Row[]>(['rating', 'hashmap', 'field', 'list', serviceId], admin);
    expect(fields.map((f) => f['Field ID'])).toEqual([fieldId]);

    const mapping = await created([
      'rating',
      'hashmap',
      'mapping',
      'create',
      '--field-id',
      fieldId,
      '--value',
      'm1.small',
      '0.05',
    ]);
    expect(mapping).toMatchObject({ Value: 'm1.small', Cost: '0.05', Type: 'flat', 'Field ID': fieldId });
    const mappings = await openstackJson<Row[]>(
      ['rating', 'hashmap', 'mapping', 'list', '--field-id', fieldId],
      admin,
    );
    expect(mappings.map((m) => m['Mapping ID'])).toEqual([mapping['Mapping ID']]);

    await openstackOk(['rating', 'hashmap', 'mapping', 'delete', mapping['Mapping ID'] as string], admin);
    expect(
      await openstackJson<Row[]>(['rating', 'hashmap', 'mapping', 'list', '--field-id', fieldId], admin),
    ).toEqual([]);
    await openstackOk(['rating', 'hashmap', 'field', 'delete', fieldId], admin);
    await openstackOk(['rating', 'hashmap', 'service', 'delete', serviceId], admin);
    const after = await openstackJson<Row[]>(['rating', 'hashmap', 'service', 'list'], admin);
    expect(after.map((s) => s.Name)).not.toContain('instance');
  });

  it("refuses a mapping for a service that does not exist, in CloudKitty's error shape", async () => {
    const run = await openstack(
      ['rating', 'hashmap', 'mapping', 'create', '--service-id', '00000000-0000-4000-8000-000000000000', '1'],
      admin,
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/faultstring|not found|could not be found/i);
  });
});

describe('openstack rating summary and dataframes', () => {
  it('prices bytes sent out of the object store by a hashmap mapping', async () => {
    // €1024 per GB out: one MiB downloaded costs exactly €1.00.
    const service = await created([
      'rating',
      'hashmap',
      'service',
      'create',
      'storage.objects.outgoing.bytes',
    ]);
    await created([
      'rating',
      'hashmap',
      'mapping',
      'create',
      '--service-id',
      service['Service ID'] as string,
      '1024',
    ]);
    const file = join(work, 'mib.bin');
    await writeFile(file, Buffer.alloc(1024 * 1024, 1));
    await openstackOk(['container', 'create', 'rated'], admin);
    await openstackOk(['object', 'create', 'rated', file, '--name', 'mib'], admin);
    await openstackOk(['object', 'save', 'rated', 'mib', '--file', join(work, 'back.bin')], admin);
    // Traffic is summed in memory and flushed every minute and at shutdown: a restart writes it.
    await nuage.restart();

    const summary = await openstackJson<Row[]>(['rating', 'summary', 'get', '-g', 'res_type'], admin);
    expect(summary.find((r) => r['Resource Type'] === 'object-store')?.Rate).toBe('1.00');
    const frames = await openstackJson<Row[]>(['rating', 'dataframes', 'get'], admin);
    const resources = frames.flatMap((f) => f.Resources as Row[]);
    const egress = resources.find((r) => (r.desc as Row).meter === 'object:egress:bytes');
    expect(egress).toMatchObject({ service: 'object-store', rating: '1.00' });
  });
});
