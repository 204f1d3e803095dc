// Undo at every step (common/tasks/saga-test-support.ts) for the volume sagas: create from an image,
// a snapshot and a backup, extend, backup and restore, each failed before and after every step over the
// real file backend (qemu-img) and the module's stores, on both dialects. After each undo no volume
// file, scratch file, backup object or lease may remain.
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../common/clock.js';
import type { SagaJournal, SagaStep } from '../common/tasks/saga.js';
import { undoAtEveryStep } from '../common/tasks/saga-test-support.js';
import { createFileBackend } from './backend/file-backend.js';
import { createBackupEngine } from './backup-engine.js';
import type { Backup, Volume } from './model.js';
import {
  backupJournal,
  backupSteps,
  createSteps,
  extendSteps,
  restoreSteps,
  volumeJournal,
  type SagaDeps,
} from './volume-sagas.js';
import {
  DIALECTS,
  IMAGE_ID,
  cinder,
  settled,
  startVolume,
  type VolumeHarness,
} from './volume-test-support.js';

const CHUNK_BYTES = 1024 * 1024;

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe.each(DIALECTS)('volume sagas undo at every step ($name)', (dialect) => {
  let h: VolumeHarness;
  let deps: SagaDeps;
  let source: Volume;
  let backup: Backup;
  let snapshotId: string;
  /** Files and backup objects that exist before a scenario (the sources); a leak is anything more. */
  let baseline: { files: string[]; objects: string[] };

  const snapshotOf = async () => ({
    files: await files(join(h.dataDir, 'volumes')),
    objects: [...h.objects.data.keys()],
  });

  beforeAll(async () => {
    h = await startVolume({ chunkBytes: CHUNK_BYTES, open: dialect.open });
    const backend = createFileBackend({ root: join(h.dataDir, 'volumes') });
    deps = {
      stores: h.module.stores,
      clock: systemClock,
      backend,
      engine: createBackupEngine(h.objects, CHUNK_BYTES),
      images: {
        describe: async () => undefined as never,
        localCopy: async () => join(h.dataDir, 'image.qcow2'),
      },
      host: h.host,
      readingVolume: (_id, copy) => copy(false),
      attachedServer: async () => undefined,
    };
    const made = await cinder(h, 'user', 'POST', '/volumes', { volume: { size: 1, imageRef: IMAGE_ID } });
    expect((await settled(h, 'user', made.body.volume.id)).body.volume.status).toBe('available');
    source = (await h.module.stores.volumes.get(made.body.volume.id))!;
    const snap = await cinder(h, 'user', 'POST', '/snapshots', { snapshot: { volume_id: source.id } });
    snapshotId = snap.body.snapshot.id as string;
    expect((await settled(h, 'user', snapshotId, 'snapshots')).body.snapshot.status).toBe('available');
    const b = await cinder(h, 'user', 'POST', '/backups', { backup: { volume_id: source.id } });
    expect((await settled(h, 'user', b.body.backup.id, 'backups')).body.backup.status).toBe('available');
    backup = (await h.module.stores.backups.get(b.body.backup.id))!;
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A new volume row with no task (so the worker leaves it alone) for the saga under test. */
  async function newVolume(patch: Partial<Volume>): Promise<Volume> {
    const v: Volume = {
      ...source,
      id: randomUUID(),
      status: 'creating',
      task: null,
      taskArgs: {},
      providerLocation: null,
      imageId: null,
      snapshotId: null,
      sourceVolumeId: null,
      backupId: null,
      version: 1,
      ...patch,
    };
    await h.module.stores.volumes.insert(v);
    return (await h.module.stores.volumes.get(v.id))!;
  }

  async function leaks(): Promise<string[]> {
    const now = await snapshotOf();
    return [
      ...now.files.filter((f) => !baseline.files.includes(f)).map((f) => `file ${f}`),
      ...now.objects.filter((o) => !baseline.objects.includes(o)).map((o) => `object ${o}`),
      ...[...h.host.plugged.keys()].map((id) => `attachment ${id}`),
    ];
  }

  async function check<R, P>(
    steps: (resource: R) => Promise<readonly SagaStep<R, P>[]>,
    journal: SagaJournal<R, P>,
    resource: () => Promise<R>,
    expectedSteps: string[],
  ): Promise<void> {
    baseline = await snapshotOf();
    const first = await resource();
    const built = await steps(first);
    expect(built.map((s) => s.name)).toEqual(expectedSteps);
    // Each scenario builds its own steps: they keep what they made (scratch paths) in their closure.
    const results = await undoAtEveryStep<R, P>({
      steps: built,
      async begin() {
        const r = await resource();
        return { resource: r, journal, steps: await steps(r) };
      },
      leaks,
    });
    expect(results).toHaveLength(expectedSteps.length * 2);
    for (const result of results) {
      expect(result, `${result.step} ${result.when}`).toMatchObject({ undone: true, leaks: [] });
    }
  }

  it('create from an image', async () => {
    await check(
      (v) => createSteps(deps, v),
      volumeJournal(deps),
      () => newVolume({ imageId: IMAGE_ID }),
      ['fetch-image', 'copy-image'],
    );
  });

  it('create from a snapshot', async () => {
    await check(
      (v) => createSteps(deps, v),
      volumeJournal(deps),
      () => newVolume({ snapshotId }),
      ['clone-snapshot'],
    );
  });

  it('create from a backup', async () => {
    await check(
      (v) => createSteps(deps, v),
      volumeJournal(deps),
      () => newVolume({ backupId: backup.id }),
      ['allocate', 'assemble-backup', 'import-backup', 'drop-scratch'],
    );
  });

  it('extend', async () => {
    const target = await newVolume({});
    const location = await deps.backend.create(target.id, 1);
    await deps.stores.volumes.update(target.id, target.version, { providerLocation: location }, '2026-01-01');
    await check(
      async (v) => extendSteps(deps, v),
      volumeJournal(deps),
      async () => {
        const v = (await deps.stores.volumes.get(target.id))!;
        return { ...v, taskArgs: { newSizeGib: 2 } };
      },
      ['grow'],
    );
  });

  it('backup', async () => {
    await check(
      (b) => backupSteps(deps, b),
      backupJournal(deps),
      async () => {
        const b: Backup = {
          ...backup,
          id: randomUUID(),
          status: 'creating',
          task: null,
          taskArgs: {},
          objectCount: 0,
          version: 1,
        };
        await deps.stores.backups.insert(b);
        return (await deps.stores.backups.get(b.id))!;
      },
      ['export', 'upload', 'drop-export'],
    );
  });

  it('restore into an existing volume', async () => {
    const target = await newVolume({});
    const location = await deps.backend.create(target.id, 1);
    await check(
      async (b) => restoreSteps<Backup, object>(deps, b, () => ({ location, sizeGib: 1 })),
      backupJournal(deps) as SagaJournal<Backup, object>,
      // The journal of the previous scenario is on the row: each scenario starts from none.
      async () => ({ ...(await deps.stores.backups.get(backup.id))!, taskArgs: {} }),
      ['assemble-backup', 'import-backup', 'drop-scratch'],
    );
  });
});
