// Kysely queries of the image service: the only place its column names live.
import type { ImageUsageHook } from '../metering/hooks/image.js';
import type { Kysely, Selectable } from 'kysely';
import type { Database, ImageTable } from '../db/schema.js';
import type { Image, ImageMember, ImageStatus, MemberStatus, Visibility } from './model.js';

/** Hard cap on the rows one listing reads; listings filter and sort within it. */
export const LIST_SCAN_LIMIT = 10_000;

function toImage(row: Selectable<ImageTable>, tags: string[]): Image {
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    status: row.status as ImageStatus,
    visibility: row.visibility as Visibility,
    protected: row.protected === 1,
    osHidden: row.os_hidden === 1,
    diskFormat: row.disk_format,
    containerFormat: row.container_format,
    minDisk: row.min_disk,
    minRam: row.min_ram,
    sizeBytes: row.size === null ? null : Number(row.size),
    virtualSizeBytes: row.virtual_size === null ? null : Number(row.virtual_size),
    checksum: row.checksum,
    osHashAlgo: row.os_hash_algo,
    osHashValue: row.os_hash_value,
    properties: JSON.parse(row.properties) as Record<string, string>,
    tags,
    dataObject: row.data_object,
    stagedObject: row.staged_object,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toRow(i: Image): ImageTable {
  return {
    id: i.id,
    name: i.name,
    owner: i.owner,
    status: i.status,
    visibility: i.visibility,
    protected: i.protected ? 1 : 0,
    os_hidden: i.osHidden ? 1 : 0,
    disk_format: i.diskFormat,
    container_format: i.containerFormat,
    min_disk: i.minDisk,
    min_ram: i.minRam,
    size: i.sizeBytes,
    virtual_size: i.virtualSizeBytes,
    checksum: i.checksum,
    os_hash_algo: i.osHashAlgo,
    os_hash_value: i.osHashValue,
    properties: JSON.stringify(i.properties),
    data_object: i.dataObject,
    staged_object: i.stagedObject,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
  };
}

export function createImageStore(db: Kysely<Database>, usage?: ImageUsageHook) {
  async function tagsOf(ids: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (ids.length === 0) return out;
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await db
        .selectFrom('image_tags')
        .select(['image_id', 'tag'])
        .where('image_id', 'in', ids.slice(i, i + 500))
        .orderBy('tag')
        .execute();
      for (const r of rows) out.set(r.image_id, [...(out.get(r.image_id) ?? []), r.tag]);
    }
    return out;
  }

  async function withTags(rows: Array<Selectable<ImageTable>>): Promise<Image[]> {
    const tags = await tagsOf(rows.map((r) => r.id));
    return rows.map((r) => toImage(r, tags.get(r.id) ?? []));
  }

  return {
    async get(id: string): Promise<Image | undefined> {
      const row = await db.selectFrom('images').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? (await withTags([row]))[0] : undefined;
    },

    async insert(image: Image): Promise<void> {
      await db.insertInto('images').values(toRow(image)).execute();
      await this.setTags(image.id, image.tags);
    },

    /** Writes every column; with `expectStatus`, only if the row still has that status. */
    async save(image: Image, expectStatus?: ImageStatus): Promise<boolean> {
      // With metering, the usage record changes in the same transaction as the record it bills.
      if (usage && !db.isTransaction) {
        return db.transaction().execute((trx) => createImageStore(trx, usage).save(image, expectStatus));
      }
      const { id: _id, ...values } = toRow(image);
      let q = db.updateTable('images').set(values).where('id', '=', image.id);
      if (expectStatus) q = q.where('status', '=', expectStatus);
      const result = await q.executeTakeFirst();
      const saved = Number(result.numUpdatedRows) > 0;
      if (usage && saved) await usage.saved(db, image);
      return saved;
    },

    async setTags(id: string, tags: string[]): Promise<void> {
      await db.deleteFrom('image_tags').where('image_id', '=', id).execute();
      if (tags.length > 0)
        await db
          .insertInto('image_tags')
          .values(tags.map((tag) => ({ image_id: id, tag })))
          .execute();
    },

    async remove(id: string): Promise<void> {
      if (usage && !db.isTransaction) {
        return db.transaction().execute((trx) => createImageStore(trx, usage).remove(id));
      }
      await usage?.removed(db, id);
      await db.deleteFrom('image_tags').where('image_id', '=', id).execute();
      await db.deleteFrom('image_members').where('image_id', '=', id).execute();
      await db.deleteFrom('images').where('id', '=', id).execute();
    },

    /** Every image the project may list: owned, public, community, or shared with it. */
    async listCandidates(projectId: string | undefined, all: boolean): Promise<Image[]> {
      let q = db.selectFrom('images').selectAll();
      if (!all) {
        const shared = db
          .selectFrom('image_members')
          .select('image_id')
          .where('member_id', '=', projectId ?? '');
        q = q.where((eb) =>
          eb.or([
            eb('owner', '=', projectId ?? ''),
            eb('visibility', 'in', ['public', 'community']),
            eb('id', 'in', shared),
          ]),
        );
      }
      return withTags(await q.orderBy('created_at', 'desc').limit(LIST_SCAN_LIMIT).execute());
    },

    async killInterrupted(at: string): Promise<number> {
      const result = await db
        .updateTable('images')
        .set({ status: 'killed', updated_at: at })
        .where('status', 'in', ['saving', 'importing'])
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async usage(owner: string): Promise<{ count: number; bytes: number }> {
      const row = await db
        .selectFrom('images')
        .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.sum<number>('size').as('bytes')])
        .where('owner', '=', owner)
        .executeTakeFirst();
      return { count: Number(row?.count ?? 0), bytes: Number(row?.bytes ?? 0) };
    },

    async members(imageId: string): Promise<ImageMember[]> {
      const rows = await db
        .selectFrom('image_members')
        .selectAll()
        .where('image_id', '=', imageId)
        .orderBy('created_at')
        .execute();
      return rows.map((r) => ({
        imageId: r.image_id,
        memberId: r.member_id,
        status: r.status as MemberStatus,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }));
    },

    async membershipsOf(memberId: string): Promise<Map<string, MemberStatus>> {
      const rows = await db
        .selectFrom('image_members')
        .select(['image_id', 'status'])
        .where('member_id', '=', memberId)
        .execute();
      return new Map(rows.map((r) => [r.image_id, r.status as MemberStatus]));
    },

    async addMember(m: ImageMember): Promise<void> {
      await db
        .insertInto('image_members')
        .values({
          image_id: m.imageId,
          member_id: m.memberId,
          status: m.status,
          created_at: m.createdAt,
          updated_at: m.updatedAt,
        })
        .execute();
    },

    async setMemberStatus(imageId: string, memberId: string, status: MemberStatus, at: string) {
      await db
        .updateTable('image_members')
        .set({ status, updated_at: at })
        .where('image_id', '=', imageId)
        .where('member_id', '=', memberId)
        .execute();
    },

    async removeMember(imageId: string, memberId: string): Promise<void> {
      await db
        .deleteFrom('image_members')
        .where('image_id', '=', imageId)
        .where('member_id', '=', memberId)
        .execute();
    },
  };
}

export type ImageStore = ReturnType<typeof createImageStore>;
