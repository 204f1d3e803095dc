// The image service's domain objects and the fixed vocabularies Glance v2 validates against.

export type ImageStatus =
  'queued' | 'saving' | 'uploading' | 'importing' | 'active' | 'deactivated' | 'killed' | 'deleted';

export type Visibility = 'public' | 'private' | 'shared' | 'community';

export type MemberStatus = 'pending' | 'accepted' | 'rejected';

export const DISK_FORMATS = [
  'ami',
  'ari',
  'aki',
  'vhd',
  'vhdx',
  'vmdk',
  'raw',
  'qcow2',
  'vdi',
  'iso',
  'ploop',
] as const;

export const CONTAINER_FORMATS = ['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed'] as const;

export const VISIBILITIES: readonly Visibility[] = ['public', 'private', 'shared', 'community'];

export const MEMBER_STATUSES: readonly MemberStatus[] = ['pending', 'accepted', 'rejected'];

export interface Image {
  id: string;
  name: string | null;
  owner: string;
  status: ImageStatus;
  visibility: Visibility;
  protected: boolean;
  osHidden: boolean;
  diskFormat: string | null;
  containerFormat: string | null;
  minDisk: number;
  minRam: number;
  sizeBytes: number | null;
  virtualSizeBytes: number | null;
  checksum: string | null;
  osHashAlgo: string | null;
  osHashValue: string | null;
  /** Custom (additional) properties: string values only. */
  properties: Record<string, string>;
  tags: string[];
  dataObject: string | null;
  stagedObject: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ImageMember {
  imageId: string;
  memberId: string;
  status: MemberStatus;
  createdAt: string;
  updatedAt: string;
}

/** Attributes the server owns: a client may never set or change them. */
export const READ_ONLY_PROPERTIES = new Set([
  'id',
  'status',
  'owner_specified_status',
  'size',
  'virtual_size',
  'checksum',
  'os_hash_algo',
  'os_hash_value',
  'created_at',
  'updated_at',
  'file',
  'schema',
  'self',
  'direct_url',
  'locations',
  'stores',
]);

/** Properties Glance reserves: rejected on create and patch (403 in Glance). */
export const RESERVED_PROPERTIES = new Set(['deleted', 'deleted_at', 'location', 'os_glance_import_task']);

/** Core attributes a client may set on create and change with PATCH. */
export const CORE_WRITABLE = [
  'name',
  'visibility',
  'protected',
  'os_hidden',
  'disk_format',
  'container_format',
  'min_disk',
  'min_ram',
  'tags',
  'owner',
] as const;

export const LIMITS = {
  maxPropertyValueLength: 65535,
  maxPropertyKeyLength: 255,
  maxNameLength: 255,
  maxTagLength: 255,
  maxTagsPerImage: 128,
  maxPropertiesPerImage: 128,
  maxMembersPerImage: 128,
  listDefaultLimit: 25,
  listMaxLimit: 1000,
} as const;

/** The reserved container, in the owner's object-store account, that holds image data. */
export const IMAGE_CONTAINER = 'glance_images';
