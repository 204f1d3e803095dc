// The volume backend contract: where a volume's bytes live and the operations on them. The doc comment
// on each method is the contract; every method is idempotent, so the worker may repeat a step after a
// crash. Implementations: file-backend.ts (qcow2 files on this host), rbd-backend.ts (RBD images in a
// Ceph pool). Backends import neither db/ nor other services.

/** An opaque location the backend returns for a volume or snapshot; stored in `provider_location`. */
export type Location = string;

/**
 * Where a hypervisor opens a volume or snapshot. It carries no secret, and for RBD no host path either:
 * the host that opens it adds its own Ceph config and keyring.
 */
export type VolumeTarget =
  | { kind: 'file'; path: string; format: 'qcow2' | 'raw' }
  | { kind: 'rbd'; pool: string; image: string; snapshot?: string };

export interface VolumeBackend {
  /** The backend's name (Cinder's `volume_backend_name`), e.g. `file`. */
  readonly name: string;
  /**
   * Where the volume with this id lives (or will live) on this backend: every create, clone and
   * restore of that volume uses it, so an undo can remove what a half-done create left.
   */
  volumeLocation(volumeId: string): Location;
  /** Creates an empty thin volume; an existing complete volume with this id is returned as is. */
  create(volumeId: string, sizeGib: number): Promise<Location>;
  /**
   * Creates a volume holding a copy of a local disk file (an image's bytes), grown to sizeGib. Rejects
   * with BackendError('TooSmall') if the file's virtual size exceeds sizeGib; nothing is left behind.
   */
  createFromFile(
    volumeId: string,
    sourcePath: string,
    format: 'qcow2' | 'raw',
    sizeGib: number,
  ): Promise<Location>;
  /** Creates a standalone copy of a volume or snapshot, grown to sizeGib (`inUse`: see snapshot). */
  clone(volumeId: string, source: Location, sizeGib: number, inUse: boolean): Promise<Location>;
  /**
   * Takes a point-in-time copy of a volume. `inUse`: the volume is attached to a running guest, whose
   * hypervisor holds the image lock; the copy is then read with a shared lock (crash-consistent at best).
   */
  snapshot(snapshotId: string, volume: Location, inUse: boolean): Promise<Location>;
  /** Grows an unattached volume; a volume already at least that large is left alone. */
  extend(location: Location, newSizeGib: number): Promise<void>;
  /** Removes a volume or snapshot; a missing one resolves. */
  delete(location: Location): Promise<void>;
  /** What a hypervisor opens: a file on this host and its format, or an RBD image (always raw). */
  attachTarget(location: Location): VolumeTarget;
  /**
   * Writes the guest-visible bytes of a volume (or snapshot) to a new file in `format` (raw is sparse)
   * and returns its path; the caller removes it with `removeExport`.
   */
  exportTo(location: Location, format: 'raw' | 'qcow2', inUse: boolean): Promise<string>;
  removeExport(path: string): Promise<void>;
  /**
   * The byte ranges of a raw export that may hold data (the rest reads as zeroes), so that a reader can
   * skip the holes of a thin volume without reading them.
   */
  dataRanges(rawPath: string): Promise<{ start: number; length: number }[]>;
  /** Replaces a volume's content by a raw file's bytes (restore); the volume keeps at least sizeGib. */
  importRaw(location: Location, rawPath: string, sizeGib: number): Promise<void>;
  /** A scratch path for a raw file of this backend (restore assembles chunks there). */
  scratchPath(purpose: string): Promise<string>;
}

export type BackendErrorCode = 'TooSmall' | 'NotFound' | 'Failed';

export class BackendError extends Error {
  readonly code: BackendErrorCode;
  constructor(code: BackendErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'BackendError';
    this.code = code;
  }
}
