// The wire shapes of Cinder v3 (cinder/api/v3/views/*.py), by microversion. Conversion from the domain
// records' camelCase to snake_case happens here only.
import type { Attachment, Backup, Snapshot, VolumeType } from '../model.js';
import type { ConnectionInfo } from '../attachment-service.js';
import type { VolumeView } from '../volume-service.js';
import { atLeast, type Microversion } from './microversion.js';

export interface ViewContext {
  /** e.g. http://host/volume */
  root: string;
  projectId: string;
  version: Microversion;
  admin: boolean;
}

/** Cinder prints times as `2017-06-15T16:26:30.000000` (no zone). */
export function cinderTime(iso: string | null): string | null {
  if (iso === null) return null;
  return iso.replace(/Z$/, '').replace(/\.(\d{3})$/, '.$1000');
}

function links(ctx: ViewContext, collection: string, id: string, projectId: string) {
  return [
    { href: `${ctx.root}/v3/${projectId}/${collection}/${id}`, rel: 'self' },
    { href: `${ctx.root}/${projectId}/${collection}/${id}`, rel: 'bookmark' },
  ];
}

export function volumeSummary(ctx: ViewContext, view: VolumeView) {
  const v = view.volume;
  return { id: v.id, links: links(ctx, 'volumes', v.id, v.projectId), name: v.name };
}

function volumeAttachments(view: VolumeView) {
  return view.attachments
    .filter((a) => a.status === 'attached')
    .map((a) => ({
      server_id: a.instanceId,
      attachment_id: a.id,
      attached_at: cinderTime(a.attachedAt),
      host_name: null,
      volume_id: a.volumeId,
      device: a.mountpoint,
      id: a.volumeId,
    }));
}

/** Admin metadata every caller sees in a volume's metadata (cinder/api/api_utils.py). */
const VISIBLE_ADMIN_METADATA = ['readonly', 'attached_mode'];

/**
 * Which detailed view: `created` answers a create (Cinder's plain detail), `updated` an update (plus the
 * visible admin metadata), `shown` a show or detailed list (plus the attributes Cinder's extensions add
 * to show and detail: tenant, host, migration and image metadata).
 */
export type VolumeViewKind = 'created' | 'updated' | 'shown';

function visibleMetadata(v: VolumeView['volume'], kind: VolumeViewKind): Record<string, string> {
  if (kind === 'created') return v.metadata;
  const admin = Object.entries(v.adminMetadata).filter(([k]) => VISIBLE_ADMIN_METADATA.includes(k));
  return { ...v.metadata, ...Object.fromEntries(admin) };
}

export function volumeDetail(ctx: ViewContext, view: VolumeView, kind: VolumeViewKind) {
  const v = view.volume;
  const mv = ctx.version;
  const shown = kind === 'shown';
  return {
    attachments: volumeAttachments(view),
    availability_zone: v.availabilityZone,
    bootable: String(v.bootable),
    consistencygroup_id: null,
    created_at: cinderTime(v.createdAt),
    // Cinder's updated_at stays null until the row first changes.
    updated_at: v.updatedAt === v.createdAt ? null : cinderTime(v.updatedAt),
    description: v.description,
    encrypted: false,
    id: v.id,
    links: links(ctx, 'volumes', v.id, v.projectId),
    metadata: visibleMetadata(v, kind),
    // Cinder shows migration_status to admins only.
    ...(ctx.admin && { migration_status: null }),
    multiattach: v.multiattach,
    name: v.name,
    replication_status: null,
    size: v.sizeGib,
    snapshot_id: v.snapshotId,
    source_volid: v.sourceVolumeId,
    status: v.status,
    user_id: v.userId,
    volume_type: view.type?.name ?? null,
    ...(shown && { 'os-vol-tenant-attr:tenant_id': v.projectId }),
    ...(shown &&
      ctx.admin && {
        'os-vol-host-attr:host': v.host,
        'os-vol-mig-status-attr:migstat': null,
        'os-vol-mig-status-attr:name_id': null,
      }),
    ...(shown && v.imageMetadata !== null && { volume_image_metadata: v.imageMetadata }),
    ...(atLeast(mv, 13) && { group_id: null }),
    ...(atLeast(mv, 21) && ctx.admin && { provider_id: null }),
    ...(atLeast(mv, 48) && { service_uuid: null, shared_targets: false }),
    ...(atLeast(mv, 61) && ctx.admin && { cluster_name: null }),
    ...(atLeast(mv, 63) && { volume_type_id: v.typeId }),
    ...(atLeast(mv, 65) && { consumes_quota: true }),
  };
}

export function nextLink(
  ctx: ViewContext,
  collection: string,
  items: { id: string }[],
  limit: number | undefined,
) {
  const last = items[items.length - 1];
  if (limit === undefined || items.length < limit || last === undefined) return undefined;
  return [
    { href: `${ctx.root}/v3/${ctx.projectId}/${collection}?limit=${limit}&marker=${last.id}`, rel: 'next' },
  ];
}

/**
 * A snapshot: `summary` in plain lists (Cinder's v2 summary), `detail` in create and update answers (plus
 * the microversion's fields), `shown` in show and detailed lists (plus the extended attributes).
 */
export function snapshotView(ctx: ViewContext, s: Snapshot, kind: 'summary' | 'detail' | 'shown') {
  const mv = ctx.version;
  const detail = kind !== 'summary';
  return {
    id: s.id,
    created_at: cinderTime(s.createdAt),
    updated_at: s.updatedAt === s.createdAt ? null : cinderTime(s.updatedAt),
    name: s.name,
    description: s.description,
    volume_id: s.volumeId,
    status: s.status,
    size: s.sizeGib,
    metadata: s.metadata,
    ...(kind === 'shown' && {
      'os-extended-snapshot-attributes:progress': s.status === 'available' ? '100%' : '0%',
      'os-extended-snapshot-attributes:project_id': s.projectId,
    }),
    ...(detail && atLeast(mv, 14) && { group_snapshot_id: null }),
    ...(detail && atLeast(mv, 41) && { user_id: s.userId }),
    ...(detail && atLeast(mv, 65) && { consumes_quota: true }),
  };
}

export function backupSummary(ctx: ViewContext, b: Backup) {
  return { id: b.id, links: links(ctx, 'backups', b.id, b.projectId), name: b.name };
}

export function backupDetail(ctx: ViewContext, b: Backup, hasDependents: boolean) {
  const mv = ctx.version;
  return {
    id: b.id,
    status: b.status,
    size: b.sizeGib,
    object_count: b.objectCount,
    availability_zone: b.availabilityZone,
    container: b.container,
    created_at: cinderTime(b.createdAt),
    updated_at: cinderTime(b.updatedAt),
    name: b.name,
    description: b.description,
    fail_reason: b.failReason,
    volume_id: b.volumeId,
    links: links(ctx, 'backups', b.id, b.projectId),
    is_incremental: b.isIncremental,
    has_dependent_backups: hasDependents,
    snapshot_id: b.snapshotId,
    data_timestamp: cinderTime(b.dataTimestamp),
    ...(atLeast(mv, 18) && ctx.admin && { 'os-backup-project-attr:project_id': b.projectId }),
    ...(atLeast(mv, 43) && { metadata: b.metadata }),
    ...(atLeast(mv, 56) && { user_id: b.userId }),
    ...(atLeast(mv, 64) && { encryption_key_id: null }),
  };
}

/** Extra specs Cinder shows to users who are not admins (cinder/volume/volume_types.py). */
const USER_VISIBLE_SPECS = new Set(['RESKEY:availability_zones', 'multiattach', 'replication_enabled']);

export function typeView(t: VolumeType, admin: boolean) {
  const specs = admin
    ? t.extraSpecs
    : Object.fromEntries(Object.entries(t.extraSpecs).filter(([k]) => USER_VISIBLE_SPECS.has(k)));
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    is_public: t.isPublic,
    'os-volume-type-access:is_public': t.isPublic,
    extra_specs: specs,
    qos_specs_id: null,
  };
}

export function attachmentView(a: Attachment, connectionInfo: ConnectionInfo | null) {
  return {
    id: a.id,
    status: a.status,
    instance: a.instanceId,
    volume_id: a.volumeId,
    // Cinder's attachment view prints an unset time as an empty string.
    attached_at: cinderTime(a.attachedAt) ?? '',
    detached_at: cinderTime(a.detachedAt) ?? '',
    attach_mode: a.attachMode,
    connection_info: connectionInfo,
  };
}

export function attachmentSummary(a: Attachment) {
  return { id: a.id, status: a.status, instance: a.instanceId, volume_id: a.volumeId };
}
