// The compute service's table interfaces, matching db/migrations/2026-11-30-compute.ts. They belong in
// db/schema.ts (`interface Database` gains the entries of ComputeTables); until that wiring lands the
// stores are typed over `Kysely<ComputeTables>` and index.ts narrows the app's database to it.
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
  created_at: string;
  updated_at: string;
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

export interface ComputeTables {
  compute_flavors: FlavorTable;
  compute_flavor_projects: FlavorProjectTable;
  compute_flavor_extra_specs: FlavorExtraSpecTable;
  compute_key_pairs: KeyPairTable;
  compute_servers: ServerTable;
  compute_instance_faults: InstanceFaultTable;
  compute_instance_actions: InstanceActionTable;
}
