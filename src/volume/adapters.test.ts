// The adapters against the real neighbours: the VolumeHost over compute's FakeDriver, and the backup
// objects over the real object service (in-memory SQLite with the object-store migration, blobs on disk).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../common/clock.js';
import { FakeDriver } from '../compute/driver/fake/fake-driver.js';
import { PowerState } from '../compute/driver/driver.js';
import { up as objectStoreUp } from '../db/migrations/2026-11-29-object-store.js';
import type { Database } from '../db/schema.js';
import { createBlobStore } from '../object-store/blob/blob-store.js';
import { createObjectService } from '../object-store/object-service.js';
import { createObjectStoreStore } from '../object-store/object-store-store.js';
import { createBackupObjects, createVolumeHost, unavailableImageUploader } from './adapters.js';
import { BackupObjectMissing } from './collaborators.js';
import { caller } from './volume-test-support.js';
import { DIALECTS } from '../../test/support/dialects.js';
import { createLeaseStore, type LeaseTables } from '../common/tasks/lease-store.js';
import { createResourceLocks } from '../common/tasks/resource-lock.js';

const SERVER = '55555555-5555-4555-8555-555555555555';

describe('VolumeHost over the compute driver', () => {
  it('hot-plugs into a running guest, tolerates repeats, records disks of stopped guests', async () => {
    const driver = new FakeDriver({ delays: { spawnMs: 1, volumeMs: 1, stopMs: 1 } });
    const seen: string[] = [];
    const db = await DIALECTS[0]!.open();
    const leases = createLeaseStore(db.db as unknown as Kysely<LeaseTables>, systemClock);
    const host = createVolumeHost({
      locks: createResourceLocks({ leases, holder: 'volume-test' }),
      driver,
      servers: {
        async visible(_auth, id) {
          seen.push(id);
        },
      },
    });
    await driver.spawn({
      id: SERVER,
      name: 'vm',
      vcpus: 1,
      memoryMiB: 64,
      rootDisk: { baseImagePath: '/nonexistent' },
      networkInterfaces: [],
    });
    await host.checkServer(caller('user'), SERVER);
    expect(seen).toEqual([SERVER]);
    const disk = {
      kind: 'file' as const,
      volumeId: 'vol-1',
      path: '/tmp/vol-1.qcow2',
      format: 'qcow2' as const,
      readOnly: false,
    };
    // Concurrent calls for one server wait for each other (the fake refuses overlapping operations).
    const other = { ...disk, volumeId: 'vol-0', path: '/tmp/vol-0.qcow2' };
    await Promise.all([host.attach(SERVER, disk), host.attach(SERVER, disk), host.attach(SERVER, other)]);
    await host.detach(SERVER, 'vol-0');
    expect(driver.volumesOf(SERVER).map((v) => v.volumeId)).toEqual(['vol-1']);
    await host.detach(SERVER, 'vol-1');
    await host.detach(SERVER, 'vol-1');
    expect(driver.volumesOf(SERVER)).toEqual([]);
    // A copy of an attached disk runs with the vCPUs frozen, and the guest runs again afterwards.
    const during = await host.quiesced(SERVER, async () => (await driver.status(SERVER)).powerState);
    expect(during).toBe(PowerState.Paused);
    expect((await driver.status(SERVER)).powerState).toBe(PowerState.Running);
    await expect(host.quiesced(SERVER, () => Promise.reject(new Error('copy failed')))).rejects.toThrow(
      'copy failed',
    );
    expect((await driver.status(SERVER)).powerState).toBe(PowerState.Running);
    await driver.stop(SERVER, { soft: false, timeoutMs: 0 });
    // A stopped guest is left as it is.
    expect(await host.quiesced(SERVER, async () => (await driver.status(SERVER)).powerState)).toBe(
      PowerState.Shutdown,
    );
    // A stopped guest gets the disk at its next start.
    await host.attach(SERVER, disk);
    expect(driver.volumesOf(SERVER).map((v) => v.volumeId)).toEqual(['vol-1']);
    await host.extend(SERVER, 'vol-1', 2 ** 31);
    expect(driver.volumeSizeOf('vol-1')).toBe(2 ** 31);
    await expect(host.extend(SERVER, 'vol-2', 2 ** 31)).rejects.toThrow(/not attached/);
    await expect(host.attach('66666666-6666-4666-8666-666666666666', disk)).rejects.toThrow(/not/);
    await driver.close();
    // Every call released the guest's lock.
    expect(await leases.heldBy('volume-test')).toEqual([]);
    await db.close();
  });
});

describe('backup objects over the object service', () => {
  let dir: string;
  let db: Kysely<Database>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nuage-volume-objects-'));
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }) });
    await objectStoreUp(db);
  });
  afterAll(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the container once, puts, gets, deletes, and reports missing objects', async () => {
    const objects = createObjectService({
      store: createObjectStoreStore(db),
      transaction: (fn) => db.transaction().execute((trx) => fn(createObjectStoreStore(trx))),
      blobs: createBlobStore(join(dir, 'objects')),
      clock: systemClock,
      maxObjectBytes: 1 << 30,
    });
    const backups = createBackupObjects(objects);
    await backups.ensureContainer('p-user', 'volumebackups');
    await backups.ensureContainer('p-user', 'volumebackups');
    const body = Buffer.from('chunk bytes');
    await backups.put('p-user', 'volumebackups', 'backup_x/chunk_000000', body);
    expect((await backups.get('p-user', 'volumebackups', 'backup_x/chunk_000000')).equals(body)).toBe(true);
    await backups.delete('p-user', 'volumebackups', 'backup_x/chunk_000000');
    await backups.delete('p-user', 'volumebackups', 'backup_x/chunk_000000');
    await expect(backups.get('p-user', 'volumebackups', 'backup_x/chunk_000000')).rejects.toBeInstanceOf(
      BackupObjectMissing,
    );
  });
});

describe('unavailable image uploader', () => {
  it('refuses at request time with 501', async () => {
    await expect(
      unavailableImageUploader.createImage(caller('user'), {
        name: 'x',
        diskFormat: 'raw',
        containerFormat: 'bare',
        visibility: 'private',
        protected: false,
        minDiskGib: 1,
      }),
    ).rejects.toMatchObject({ status: 501 });
  });
});
