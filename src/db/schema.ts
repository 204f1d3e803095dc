// Table row types: together with the *-store.ts files, the only place column names live.
// Conventions: ids are text; booleans are integers 0/1 (portable across SQLite and PostgreSQL);
// times are ISO-8601 UTC text with milliseconds, so they compare correctly as strings; JSON is text.
import type { ComputeTables } from '../compute/compute-tables.js';
import type { VolumeTables } from '../volume/volume-tables.js';
import type { LeaseTables } from '../common/tasks/lease-store.js';
import type { AgentCredentialTables } from '../host/agent-credential-store.js';

export interface RegionTable {
  id: string;
  description: string;
  parent_region_id: string | null;
  extra: string;
}

export interface ServiceTable {
  id: string;
  type: string;
  name: string;
  description: string;
  enabled: number;
  extra: string;
}

export interface EndpointTable {
  id: string;
  service_id: string;
  region_id: string | null;
  interface: string;
  url: string;
  enabled: number;
  extra: string;
}

export interface DomainTable {
  id: string;
  name: string;
  description: string;
  enabled: number;
  extra: string;
  created_at: string;
}

export interface ProjectTable {
  id: string;
  name: string;
  domain_id: string;
  parent_id: string | null;
  description: string;
  enabled: number;
  extra: string;
  created_at: string;
}

export interface ProjectTagTable {
  project_id: string;
  tag: string;
}

export interface UserTable {
  id: string;
  domain_id: string;
  name: string;
  enabled: number;
  default_project_id: string | null;
  password_hash: string | null;
  password_expires_at: string | null;
  /** Tokens issued before this instant are invalid (password change, revoke-all). */
  tokens_valid_after: string;
  failed_auth_count: number;
  last_failed_auth_at: string | null;
  extra: string;
  options: string;
  created_at: string;
}

/** Every password a user has had (Keystone security_compliance history and minimum age). */
export interface PasswordHistoryTable {
  id: string;
  user_id: string;
  password_hash: string;
  created_at: string;
}

export interface GroupTable {
  id: string;
  domain_id: string;
  name: string;
  description: string;
  extra: string;
}

export interface GroupMemberTable {
  group_id: string;
  user_id: string;
}

export interface RoleTable {
  id: string;
  name: string;
  /** Empty string for global roles (keeps the unique key portable). */
  domain_id: string;
  description: string;
  extra: string;
}

export interface ImpliedRoleTable {
  prior_role_id: string;
  implied_role_id: string;
}

/** One row per grant. target_id is a project id, a domain id, or 'system'. */
export interface RoleAssignmentTable {
  type: 'UserProject' | 'GroupProject' | 'UserDomain' | 'GroupDomain' | 'UserSystem' | 'GroupSystem';
  actor_id: string;
  target_id: string;
  role_id: string;
  inherited: number;
}

export interface ApplicationCredentialTable {
  id: string;
  name: string;
  user_id: string;
  project_id: string;
  secret_hash: string;
  description: string;
  expires_at: string | null;
  unrestricted: number;
  created_at: string;
}

export interface ApplicationCredentialRoleTable {
  application_credential_id: string;
  role_id: string;
}

export interface CredentialTable {
  id: string;
  user_id: string;
  project_id: string | null;
  type: string;
  /** The blob, sealed with the credential key (AES-256-GCM): never stored in clear. */
  encrypted_blob: string;
  extra: string;
  created_at: string;
}

export interface RevokedTokenTable {
  audit_id: string;
  expires_at: string;
}

export interface AuditEventTable {
  id: string;
  at: string;
  request_id: string;
  service: string;
  action: string;
  method: string;
  path: string;
  target_type: string;
  target_id: string | null;
  outcome: 'success' | 'failure';
  status: number;
  initiator_user_id: string | null;
  initiator_project_id: string | null;
  initiator_domain_id: string | null;
  source_address: string;
  /** The target's project when it is not the initiator's (a cloud admin reading another project's data). */
  target_project_id?: string | null;
  /** Place in the audit chain (null: written before the chain existed). */
  seq?: number | null;
  prev_hash?: string | null;
  hash?: string | null;
}

/** Marks on the chain: 'exported' (events up to seq exported), 'anchor' (pruned up to seq, MACed). */
export interface AuditMarkTable {
  name: 'exported' | 'anchor';
  seq: number;
  hash: string;
  at: string;
  key_id: string | null;
  mac: string | null;
}

/** The chain's head: the last event's place and hash (one row, id 'head'). */
export interface AuditChainTable {
  id: string;
  seq: number;
  hash: string;
}

/** The head as it was at a moment, with a MAC under a key kept outside the database. */
export interface AuditSealTable {
  seq: number;
  hash: string;
  at: string;
  key_id: string;
  mac: string;
}

/** Bookkeeping for idempotent bootstrap and other one-off facts. */
export interface SettingTable {
  key: string;
  value: string;
}

export interface OsAccountTable {
  project_id: string;
  /** JSON: user metadata, ACLs, temp URL keys, quotas (see object-store/model.ts). */
  metadata: string;
  container_count: number;
  object_count: number;
  bytes_used: number;
  created_at: string;
  put_timestamp: string;
}

export interface OsContainerTable {
  project_id: string;
  name: string;
  metadata: string;
  object_count: number;
  bytes_used: number;
  created_at: string;
  put_timestamp: string;
}

export interface OsObjectTable {
  project_id: string;
  container: string;
  name: string;
  /** Swift's X-Timestamp, fixed width (0000000000.00000), so it compares as text. */
  timestamp: string;
  size: number;
  etag: string;
  content_type: string;
  last_modified: string;
  metadata: string;
  blob_id: string | null;
  /** Seconds since the epoch (X-Delete-At). */
  delete_at: number | null;
}

export interface OsBlobGarbageTable {
  blob_id: string;
  queued_at: string;
}

/** Compute's and volume's tables are declared beside their stores (compute-tables.ts, volume-tables.ts). */
export interface Database extends ComputeTables, VolumeTables, LeaseTables, AgentCredentialTables {
  regions: RegionTable;
  services: ServiceTable;
  endpoints: EndpointTable;
  domains: DomainTable;
  projects: ProjectTable;
  project_tags: ProjectTagTable;
  users: UserTable;
  password_history: PasswordHistoryTable;
  groups: GroupTable;
  group_members: GroupMemberTable;
  roles: RoleTable;
  implied_roles: ImpliedRoleTable;
  role_assignments: RoleAssignmentTable;
  application_credentials: ApplicationCredentialTable;
  application_credential_roles: ApplicationCredentialRoleTable;
  credentials: CredentialTable;
  revoked_tokens: RevokedTokenTable;
  audit_events: AuditEventTable;
  audit_chain: AuditChainTable;
  audit_seals: AuditSealTable;
  audit_marks: AuditMarkTable;
  settings: SettingTable;
  os_accounts: OsAccountTable;
  os_containers: OsContainerTable;
  os_objects: OsObjectTable;
  os_blob_garbage: OsBlobGarbageTable;
  s3_bucket_names: S3BucketNameTable;
  s3_bucket_configs: S3BucketConfigTable;
  s3_multipart_uploads: S3MultipartUploadTable;
  s3_multipart_parts: S3MultipartPartTable;
  images: ImageTable;
  image_tags: ImageTagTable;
  image_members: ImageMemberTable;
  net_resources: NetResourceTable;
  net_ip_allocations: NetIpAllocationTable;
  net_quotas: NetQuotaTable;
}

/** Bucket names created through S3: one project per name, so anonymous requests find the bucket. */
export interface S3BucketNameTable {
  name: string;
  project_id: string;
  created_at: string;
}

/** S3 bucket configuration documents (kind 'cors' or 'policy'), JSON, for one life of the container. */
export interface S3BucketConfigTable {
  project_id: string;
  bucket: string;
  kind: string;
  document: string;
  /** The container's put_timestamp when the document was stored. */
  container_put_timestamp: string;
  updated_at: string;
}

export interface S3MultipartUploadTable {
  upload_id: string;
  project_id: string;
  bucket: string;
  object_key: string;
  container_put_timestamp: string;
  initiated_at: string;
  initiator_user_id: string;
  content_type: string;
  /** JSON StoredMetadata for the object the upload will make. */
  metadata: string;
  checksum_algorithm: string | null;
  checksum_type: string | null;
  /** 'open', or 'completing' while CompleteMultipartUpload assembles the object. */
  state: string;
  claimed_at: string | null;
}

export interface S3MultipartPartTable {
  upload_id: string;
  part_number: number;
  blob_id: string;
  size: number;
  /** Hex MD5 of the part. */
  etag: string;
  /** Base64 x-amz-checksum-* value of the part, in the upload's algorithm. */
  checksum: string | null;
  last_modified: string;
}

/** Glance images: core attributes as columns, custom properties as a JSON object of strings. */
export interface ImageTable {
  id: string;
  name: string | null;
  owner: string;
  status: string;
  visibility: string;
  protected: number;
  os_hidden: number;
  disk_format: string | null;
  container_format: string | null;
  min_disk: number;
  min_ram: number;
  size: number | null;
  virtual_size: number | null;
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  properties: string;
  /** Object name of the image data in the owner's reserved container, once uploaded. */
  data_object: string | null;
  /** Object name of staged data (interoperable import), until imported. */
  staged_object: string | null;
  created_at: string;
  updated_at: string;
}

export interface ImageTagTable {
  image_id: string;
  tag: string;
}

/** Projects an image is shared with; status pending | accepted | rejected. */
export interface ImageMemberTable {
  image_id: string;
  member_id: string;
  status: string;
  created_at: string;
  updated_at: string;
}

/** One Neutron resource; `kind` is network | subnet | port | security_group | security_group_rule | router | floatingip. */
export interface NetResourceTable {
  id: string;
  kind: string;
  project_id: string;
  /** network_id (subnet, port), security_group_id (rule), floating_network_id (floating IP), or ''. */
  parent_id: string;
  /** A port's device_id, or ''. */
  device_id: string;
  /** JSON: the resource's Neutron wire record. */
  body: string;
  created_at: string;
}

/** An IP address taken on a network by a port; the primary key makes a duplicate a conflict. */
export interface NetIpAllocationTable {
  network_id: string;
  ip_address: string;
  subnet_id: string;
  port_id: string;
}

/** A project's Neutron quota overrides, JSON { resource: limit }. */
export interface NetQuotaTable {
  project_id: string;
  body: string;
}
