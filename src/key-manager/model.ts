// The key manager's records as the services see them (camelCase); views.ts turns them into Barbican's
// wire format. Times are ISO-8601 UTC strings with milliseconds.

export const SECRET_TYPES = [
  'symmetric',
  'passphrase',
  'private',
  'public',
  'certificate',
  'opaque',
] as const;
export const CONTAINER_TYPES = ['generic', 'rsa', 'certificate'] as const;

export interface SecretRecord {
  id: string;
  projectId: string;
  creatorId: string;
  name: string | null;
  secretType: string;
  algorithm: string | null;
  bitLength: number | null;
  mode: string | null;
  expiration: string | null;
  status: string;
  /** Normalised media type; null while the secret has no payload. */
  contentType: string | null;
  kekId: string | null;
  wrappedDek: string | null;
  ciphertext: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ContainerSecretRef {
  name: string | null;
  secretId: string;
}

export interface ContainerRecord {
  id: string;
  projectId: string;
  creatorId: string;
  name: string | null;
  type: string;
  status: string;
  secretRefs: ContainerSecretRef[];
  createdAt: string;
  updatedAt: string;
}

export interface OrderRecord {
  id: string;
  projectId: string;
  creatorId: string;
  type: string;
  status: string;
  meta: Record<string, unknown>;
  secretId: string | null;
  containerId: string | null;
  errorStatusCode: string | null;
  errorReason: string | null;
  subStatus: string | null;
  subStatusMessage: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Barbican's paging: offset and limit as cleaned, and the total before paging. */
export interface Page<T> {
  items: T[];
  offset: number;
  limit: number;
  total: number;
}

/** One comparison of a date filter (`gt:2020-01-01T00:00:00`), with the instant as stored text. */
export interface DateFilter {
  op: '<' | '<=' | '>' | '>=' | '=';
  value: string;
}

export interface SortKey {
  key: string;
  direction: 'asc' | 'desc';
}
