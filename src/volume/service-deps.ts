// What the block-storage services share: the stores, a transaction over them, the clock, the quota
// defaults, the collaborators, and the worker's kick.
import type { Clock } from '../common/clock.js';
import type { BackupStore } from './backup-store.js';
import type { ImageUploader, VolumeHost, VolumeImages } from './collaborators.js';
import type { VolumeQuota } from './model.js';
import type { SnapshotStore } from './snapshot-store.js';
import type { TypeStore } from './type-store.js';
import type { VolumeStore } from './volume-store.js';

export interface VolumeStores {
  volumes: VolumeStore;
  snapshots: SnapshotStore;
  backups: BackupStore;
  types: TypeStore;
}

export type WorkKind = 'volume' | 'snapshot' | 'backup' | 'attachment';

export interface ServiceDeps {
  stores: VolumeStores;
  /** Runs fn in one database transaction (quota checks and inserts together). */
  transaction<T>(fn: (stores: VolumeStores) => Promise<T>): Promise<T>;
  clock: Clock;
  quota: VolumeQuota;
  images: VolumeImages;
  uploader: ImageUploader;
  host: VolumeHost;
  availabilityZone: string;
  /** This host's name (Cinder's `os-vol-host-attr:host` is host@backend#pool). */
  hostName: string;
  backendName: string;
  /** Tells the worker a row has work. */
  kick(kind: WorkKind, id: string): void;
}
