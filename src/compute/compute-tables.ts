// The compute service's table interfaces, matching its migrations (db/migrations/*-compute*.ts). The app's
// `Database` (db/schema.ts) extends ComputeTables; the stores are typed over `Kysely<ComputeTables>` so
// that module tests can open a database with the compute tables alone.
export interface FlavorTable {
  id: string;
  name: string;
  description: string | null;
  vcpus: number;
  ram_mib: number;
  disk_gib: number;
  ephemeral_gib: number;
  swap_mib: number;
  rxtx_factor: number;
  is_public: number;
  disabled: number;
  created_at: string;
  updated_at: string;
}

export interface FlavorProjectTable {
  flavor_id: string;
  project_id: string;
}

export interface FlavorExtraSpecTable {
  flavor_id: string;
  key: string;
  value: string;
}

export interface KeyPairTable {
  user_id: string;
  name: string;
  type: string;
  public_key: string;
  fingerprint: string;
  created_at: string;
}

export interface ServerTable {
  id: string;
  name: string;
  description: string | null;
  project_id: string;
  user_id: string;
  flavor_id: string;
  /** JSON of the Flavor at boot. */
  flavor: string;
  image_id: string | null;
  key_name: string | null;
  key_data: string | null;
  user_data: string | null;
  /** JSON object of string → string. */
  metadata: string;
  /** JSON of the requested networks (RequestedNetwork[]). */
  networks: string;
  /** JSON of the ports the boot created or was given (ServerPort[]). */
  ports: string;
  config_drive: number;
  availability_zone: string;
  host: string | null;
  vm_state: string;
  task_state: string | null;
  power_state: number;
  locked: number;
  locked_reason: string | null;
  /** JSON array of the boot saga's completed step names, in order (for undo and resume). */
  steps_done: string;
  attempts: number;
  launched_at: string | null;
  terminated_at: string | null;
  deleted: number;
  /** Bumped on every write; the worker's compare-and-set guard. */
  version: number;
  /**
   * Added by 2026-12-02-compute-resize (optional here so that rows insert without them): JSON of the
   * flavor kept for a revert until a resize is confirmed (Nova's old_flavor), JSON of the flavor a
   * resize in flight goes to (new_flavor), and the image a snapshot in flight writes into.
   */
  old_flavor?: string | null;
  new_flavor?: string | null;
  snapshot_image_id?: string | null;
  /** JSON of the root volume of a volume-backed server (RootVolume), 2026-12-03-compute-root-volume. */
  root_volume?: string | null;
  /** 2026-12-07-compute-access-ips: accessIPv4/accessIPv6, OS-DCF:diskConfig AUTO (1), RequestSpec (JSON). */
  access_ip_v4?: string | null;
  access_ip_v6?: string | null;
  auto_disk_config?: number;
  request_spec?: string | null;
  created_at: string;
  updated_at: string;
  /** What the server claims on its host (2026-12-01-compute-hosts): flavor vCPUs, RAM, root+ephemeral+swap. */
  vcpus: number;
  memory_mib: number;
  disk_gib: number;
  /** One id shared by the servers of one create request (min_count/max_count), and the index within it. */
  reservation_id: string | null;
  launch_index: number;
}

export interface InstanceFaultTable {
  server_id: string;
  code: number;
  message: string;
  details: string | null;
  created_at: string;
}

export interface InstanceActionTable {
  request_id: string;
  server_id: string;
  action: string;
  project_id: string;
  user_id: string;
  message: string | null;
  start_time: string;
  finish_time: string | null;
  result: string | null;
}

/** A compute host (Nova's compute node plus its nova-compute service), see 2026-12-01-compute-hosts. */
export interface HostTable {
  id: string;
  service_id: string;
  number: number;
  name: string;
  availability_zone: string;
  host_ip: string;
  vcpus: number;
  memory_mib: number;
  memory_reserved_mib: number;
  disk_gib: number;
  cpu_allocation_ratio: number;
  ram_allocation_ratio: number;
  disk_allocation_ratio: number;
  hypervisor_type: string;
  hypervisor_version: number;
  /** JSON object: arch, model, vendor, topology, features. */
  cpu_info: string;
  disabled: number;
  disabled_reason: string | null;
  forced_down: number;
  heartbeat_at: string;
  created_at: string;
  updated_at: string;
}

/** A per-project quota override (absent: the configured default). */
export interface QuotaTable {
  project_id: string;
  resource: string;
  hard_limit: number;
}

export interface ServerTagTable {
  server_id: string;
  tag: string;
}

/** Nova's side of a volume attached through os-volume_attachments (see server-volumes.ts). */
export interface VolumeAttachmentTable {
  id: string;
  server_id: string;
  volume_id: string;
  /** The block-storage attachment's id, once it exists. */
  attachment_id: string | null;
  device: string;
  tag: string | null;
  delete_on_termination: number;
  created_at: string;
}

export interface ComputeTables {
  compute_flavors: FlavorTable;
  compute_flavor_projects: FlavorProjectTable;
  compute_flavor_extra_specs: FlavorExtraSpecTable;
  compute_key_pairs: KeyPairTable;
  compute_servers: ServerTable;
  compute_instance_faults: InstanceFaultTable;
  compute_instance_actions: InstanceActionTable;
  compute_hosts: HostTable;
  compute_quotas: QuotaTable;
  compute_server_tags: ServerTagTable;
  compute_volume_attachments: VolumeAttachmentTable;
}
