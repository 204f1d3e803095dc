// Table interfaces of the key manager, matching migrations/2026-12-07-key-manager.ts. The app's `Database`
// (db/schema.ts) does not need to extend these: the stores use Kysely<KeyManagerTables>, so module tests
// can open a database with these tables alone.

export interface KekTable {
  id: string;
  project_id: string;
  status: string;
  root_id: string;
  wrapped_key: string | null;
  created_at: string;
  retired_at: string | null;
  destroyed_at: string | null;
}

export interface SecretTable {
  id: string;
  project_id: string;
  creator_id: string;
  name: string | null;
  secret_type: string;
  algorithm: string | null;
  bit_length: number | null;
  mode: string | null;
  expiration: string | null;
  status: string;
  content_type: string | null;
  kek_id: string | null;
  wrapped_dek: string | null;
  ciphertext: string | null;
  created_at: string;
  updated_at: string;
}

export interface ContainerTable {
  id: string;
  project_id: string;
  creator_id: string;
  name: string | null;
  type: string;
  status: string;
  created_at: string;
  updated_at: string;
}

export interface ContainerSecretTable {
  container_id: string;
  secret_id: string;
  name: string | null;
  position: number;
}

export interface OrderTable {
  id: string;
  project_id: string;
  creator_id: string;
  type: string;
  status: string;
  meta: string;
  secret_id: string | null;
  container_id: string | null;
  error_status_code: string | null;
  error_reason: string | null;
  sub_status: string | null;
  sub_status_message: string | null;
  created_at: string;
  updated_at: string;
}

export interface KeyManagerTables {
  key_manager_keks: KekTable;
  key_manager_secrets: SecretTable;
  key_manager_containers: ContainerTable;
  key_manager_container_secrets: ContainerSecretTable;
  key_manager_orders: OrderTable;
}
