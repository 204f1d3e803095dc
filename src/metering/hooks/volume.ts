// Block storage's usage hooks: called by the volume, snapshot and backup stores in the transaction of
// every row update. A volume, snapshot or backup is billed per GB (GiB) from the update that makes it
// exist on the backend (first status past `creating`) until the one that marks it deleted; an extend
// (new size) or a change of project splits the record. `creating` and `error` leave the usage as it
// is: a create that fails never opened one, an error later on (failed extend) still holds the data.
import type { Kysely } from 'kysely';
import type { Backup, Snapshot, Volume } from '../../volume/model.js';
import type { VolumeTables } from '../../volume/volume-tables.js';
import { meters } from '../model.js';
import type { UsageRecorder, UsageStart } from '../usage-recorder.js';
import { syncUsage } from './sync-usage.js';

type Db = Kysely<VolumeTables>;

/** What the volume stores call after each successful row update (in the update's transaction). */
export interface VolumeUsageHook {
  volume(trx: Db, volume: Volume, deleted: boolean, at: string): Promise<void>;
  snapshot(trx: Db, snapshot: Snapshot, deleted: boolean, at: string): Promise<void>;
  backup(trx: Db, backup: Backup, deleted: boolean, at: string): Promise<void>;
}

const UNCHANGED = new Set(['creating', 'error']);

async function typeName(trx: Db, typeId: string): Promise<string> {
  const row = await trx.selectFrom('volume_types').select('name').where('id', '=', typeId).executeTakeFirst();
  return row?.name ?? typeId;
}

async function typeOfVolume(trx: Db, volumeId: string): Promise<string> {
  const row = await trx
    .selectFrom('volumes')
    .leftJoin('volume_types', 'volume_types.id', 'volumes.type_id')
    .select(['volumes.type_id as typeId', 'volume_types.name as name'])
    .where('volumes.id', '=', volumeId)
    .executeTakeFirst();
  return row?.name ?? row?.typeId ?? 'unknown';
}

export function createVolumeUsageHook(recorder: UsageRecorder): VolumeUsageHook {
  async function sync(
    trx: Db,
    row: { id: string; projectId: string; sizeGib: number; status: string; name: string | null },
    resourceType: 'volume' | 'snapshot' | 'backup',
    deleted: boolean,
    at: string,
    meter: () => Promise<string>,
  ): Promise<void> {
    if (!deleted && UNCHANGED.has(row.status)) return;
    const ref = { resourceType, resourceId: row.id };
    const desired: UsageStart | null = deleted
      ? null
      : {
          ...ref,
          projectId: row.projectId,
          meter: await meter(),
          quantity: row.sizeGib,
          attributes: { name: row.name, sizeGb: row.sizeGib },
        };
    await syncUsage(recorder, trx, ref, desired, new Date(at));
  }
  return {
    volume: (trx, v, deleted, at) =>
      sync(trx, v, 'volume', deleted, at, async () => meters.volume(await typeName(trx, v.typeId))),
    snapshot: (trx, s, deleted, at) =>
      sync(trx, s, 'snapshot', deleted, at, async () => meters.snapshot(await typeOfVolume(trx, s.volumeId))),
    backup: (trx, b, deleted, at) => sync(trx, b, 'backup', deleted, at, async () => meters.backup()),
  };
}
