// Kysely queries for compute_volume_attachments: Nova's record of the volumes attached to a server
// (device, tag, delete_on_termination). Rows are inserted before the block-storage attachment exists
// (they reserve the device name) and deleted once the volume is detached.
import type { Kysely, Selectable } from 'kysely';
import type { ComputeTables, VolumeAttachmentTable } from './compute-tables.js';

/** A volume attached to a server, as compute records it. */
export interface ServerVolume {
  id: string;
  serverId: string;
  volumeId: string;
  /** The block-storage attachment; null for a moment while it is being made. */
  attachmentId: string | null;
  device: string;
  tag: string | null;
  deleteOnTermination: boolean;
  createdAt: string;
}

/** The most volumes one server holds (virtio-blk devices /dev/vdb … /dev/vdz). */
export const MAX_VOLUMES_PER_SERVER = 25;

function toServerVolume(row: Selectable<VolumeAttachmentTable>): ServerVolume {
  return {
    id: row.id,
    serverId: row.server_id,
    volumeId: row.volume_id,
    attachmentId: row.attachment_id,
    device: row.device,
    tag: row.tag,
    deleteOnTermination: row.delete_on_termination === 1,
    createdAt: row.created_at,
  };
}

export function createVolumeAttachmentStore(db: Kysely<ComputeTables>) {
  return {
    /** The volumes of these servers, oldest first, by server id. */
    async ofServers(serverIds: readonly string[]): Promise<Map<string, ServerVolume[]>> {
      const out = new Map<string, ServerVolume[]>();
      if (serverIds.length === 0) return out;
      const rows = await db
        .selectFrom('compute_volume_attachments')
        .selectAll()
        .where('server_id', 'in', serverIds)
        .orderBy('created_at')
        .orderBy('device')
        .limit(serverIds.length * MAX_VOLUMES_PER_SERVER)
        .execute();
      for (const row of rows) {
        const list = out.get(row.server_id) ?? [];
        list.push(toServerVolume(row));
        out.set(row.server_id, list);
      }
      return out;
    },

    async find(serverId: string, volumeId: string): Promise<ServerVolume | undefined> {
      const row = await db
        .selectFrom('compute_volume_attachments')
        .selectAll()
        .where('server_id', '=', serverId)
        .where('volume_id', '=', volumeId)
        .executeTakeFirst();
      return row ? toServerVolume(row) : undefined;
    },

    /** Inserts the row; a volume or device already recorded for the server is a unique violation (409). */
    async insert(v: ServerVolume): Promise<void> {
      await db
        .insertInto('compute_volume_attachments')
        .values({
          id: v.id,
          server_id: v.serverId,
          volume_id: v.volumeId,
          attachment_id: v.attachmentId,
          device: v.device,
          tag: v.tag,
          delete_on_termination: v.deleteOnTermination ? 1 : 0,
          created_at: v.createdAt,
        })
        .execute();
    },

    async setAttachment(id: string, attachmentId: string): Promise<void> {
      await db
        .updateTable('compute_volume_attachments')
        .set({ attachment_id: attachmentId })
        .where('id', '=', id)
        .execute();
    },

    async remove(id: string): Promise<void> {
      await db.deleteFrom('compute_volume_attachments').where('id', '=', id).execute();
    },
  };
}

export type VolumeAttachmentStore = ReturnType<typeof createVolumeAttachmentStore>;
