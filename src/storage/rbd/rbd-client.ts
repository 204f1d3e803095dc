// A small RBD client over the `rbd` CLI and qemu-img (Node has no librbd binding): images, snapshots,
// clones, flatten, diff, import and export. Every mutating call is idempotent — creating what exists
// (with the same parent), removing what is gone, protecting what is protected all resolve — so a caller
// may repeat a step after a crash. Failures are RbdErrors with a code (rbd-errors.ts).
import type { Readable } from 'node:stream';
import { clientArgs, runTool, streamTool } from './rbd-cli.js';
import { isRbdError, RbdError } from './rbd-errors.js';
import {
  assertRbdName,
  imageSpec,
  qemuRbdFilename,
  type CephClientConfig,
  type RbdImageRef,
} from './rbd-names.js';

export interface RbdClientOptions extends CephClientConfig {
  rbdBinary?: string;
  qemuImgBinary?: string;
  /** Timeout of metadata calls (create, snap, clone…). Default 2 min. */
  metadataTimeoutMs?: number;
  /** Timeout of calls that move data (import, export, flatten, convert). Default 2 h. */
  dataTimeoutMs?: number;
}

export interface RbdImageInfo {
  sizeBytes: number;
  features: string[];
  snapshotCount: number;
  /** The snapshot this image is a copy-on-write clone of, until flattened. */
  parent?: RbdImageRef;
}

export interface RbdSnapshotInfo {
  name: string;
  sizeBytes: number;
  protected: boolean;
}

export interface RbdExtent {
  offset: number;
  length: number;
}

/** A disk for qemu-img: a file on this host, or an RBD image. */
export type ImageLocation = { file: string } | { rbd: RbdImageRef };

/** Features of new images: clones, live-lock handover, fast diffs (object map), flatten of snapshots. */
const FEATURES = 'layering,exclusive-lock,object-map,fast-diff,deep-flatten';

export class RbdClient {
  readonly client: CephClientConfig;
  private readonly rbdBinary: string;
  private readonly qemuImgBinary: string;
  private readonly metadataTimeoutMs: number;
  private readonly dataTimeoutMs: number;

  constructor(options: RbdClientOptions) {
    this.client = {
      confPath: options.confPath,
      user: options.user,
      ...(options.keyringPath !== undefined && { keyringPath: options.keyringPath }),
    };
    assertRbdName('image', options.user);
    this.rbdBinary = options.rbdBinary ?? 'rbd';
    this.qemuImgBinary = options.qemuImgBinary ?? 'qemu-img';
    this.metadataTimeoutMs = options.metadataTimeoutMs ?? 120_000;
    this.dataTimeoutMs = options.dataTimeoutMs ?? 2 * 3_600_000;
  }

  /** The image's size, features, snapshot count and parent; undefined when it does not exist. */
  async info(ref: RbdImageRef): Promise<RbdImageInfo | undefined> {
    let out: string;
    try {
      out = await this.rbd('rbd info', ['info', '--format', 'json', imageSpec(ref)]);
    } catch (err) {
      if (isRbdError(err, 'NotFound')) return undefined;
      throw err;
    }
    const raw = JSON.parse(out) as {
      size: number;
      features?: string[];
      snapshot_count?: number;
      parent?: { pool: string; image: string; snapshot: string };
    };
    const info: RbdImageInfo = {
      sizeBytes: raw.size,
      features: raw.features ?? [],
      snapshotCount: raw.snapshot_count ?? 0,
    };
    if (raw.parent !== undefined) {
      info.parent = { pool: raw.parent.pool, image: raw.parent.image, snapshot: raw.parent.snapshot };
    }
    return info;
  }

  /** The images of a pool. */
  async list(pool: string): Promise<string[]> {
    assertRbdName('pool', pool);
    return JSON.parse(await this.rbd('rbd ls', ['ls', '--format', 'json', pool])) as string[];
  }

  /** Creates a thin image; resolves false when one with that name exists already. */
  async create(ref: RbdImageRef, sizeBytes: number): Promise<boolean> {
    assertSize(sizeBytes);
    try {
      await this.rbd('rbd create', [
        'create',
        '--image-feature',
        FEATURES,
        '--size',
        `${sizeBytes}B`,
        imageSpec(ref),
      ]);
      return true;
    } catch (err) {
      if (isRbdError(err, 'Exists')) return false;
      throw err;
    }
  }

  /**
   * Removes an image; a missing one resolves. Rejects with HasSnapshots while it has snapshots and Busy
   * while a client (a guest) has it open.
   */
  async remove(ref: RbdImageRef): Promise<void> {
    await this.ignoring('NotFound', () => this.rbd('rbd rm', ['rm', '--no-progress', imageSpec(ref)]));
  }

  /** Sets the size; a shrink must be asked for (it discards data). */
  async resize(ref: RbdImageRef, sizeBytes: number, options: { allowShrink?: boolean } = {}): Promise<void> {
    assertSize(sizeBytes);
    const args = ['resize', '--no-progress', '--size', `${sizeBytes}B`, imageSpec(ref)];
    if (options.allowShrink === true) args.push('--allow-shrink');
    await this.rbd('rbd resize', args);
  }

  /** Renames an image within its pool (atomic). */
  async rename(from: RbdImageRef, toImage: string): Promise<void> {
    await this.rbd('rbd rename', ['rename', imageSpec(from), imageSpec({ pool: from.pool, image: toImage })]);
  }

  async snapshots(ref: RbdImageRef): Promise<RbdSnapshotInfo[]> {
    const out = await this.rbd('rbd snap ls', ['snap', 'ls', '--format', 'json', imageSpec(imageOf(ref))]);
    const raw = JSON.parse(out) as { name: string; size: number; protected: string }[];
    return raw.map((s) => ({ name: s.name, sizeBytes: s.size, protected: s.protected === 'true' }));
  }

  /** Creates a snapshot (`ref.snapshot`); an existing one resolves. */
  async createSnapshot(snap: RbdImageRef): Promise<void> {
    await this.ignoring('Exists', () =>
      this.rbd('rbd snap create', ['snap', 'create', '--no-progress', snapSpec(snap)]),
    );
  }

  /** Protects a snapshot so that it can be cloned; a protected one resolves. */
  async protectSnapshot(snap: RbdImageRef): Promise<void> {
    try {
      await this.rbd('rbd snap protect', ['snap', 'protect', snapSpec(snap)]);
    } catch (err) {
      // rbd answers EBUSY when the snapshot is protected already.
      if (isRbdError(err, 'Busy') && (await this.isProtected(snap)) === true) return;
      throw err;
    }
  }

  /** Unprotects a snapshot; an unprotected one resolves. Busy while it has clones. */
  async unprotectSnapshot(snap: RbdImageRef): Promise<void> {
    try {
      await this.rbd('rbd snap unprotect', ['snap', 'unprotect', snapSpec(snap)]);
    } catch (err) {
      // rbd answers EINVAL when the snapshot is not protected.
      if (isRbdError(err, 'InvalidArgument') && (await this.isProtected(snap)) === false) return;
      throw err;
    }
  }

  /** Removes a snapshot; a missing one resolves. Busy while protected. */
  async removeSnapshot(snap: RbdImageRef): Promise<void> {
    await this.ignoring('NotFound', () =>
      this.rbd('rbd snap rm', ['snap', 'rm', '--no-progress', snapSpec(snap)]),
    );
  }

  /** The clones of a snapshot (in any pool the user may list). */
  async children(snap: RbdImageRef): Promise<RbdImageRef[]> {
    const out = await this.rbd('rbd children', ['children', '--format', 'json', snapSpec(snap)]);
    return (JSON.parse(out) as { pool: string; image: string }[]).map((c) => ({
      pool: c.pool,
      image: c.image,
    }));
  }

  /**
   * Makes `child` a copy-on-write clone of the protected snapshot `parent`. A child that exists as a
   * clone of that snapshot resolves (a repeated step); any other image of that name is Exists.
   */
  async clone(parent: RbdImageRef, child: RbdImageRef): Promise<void> {
    try {
      await this.rbd('rbd clone', ['clone', '--image-feature', FEATURES, snapSpec(parent), imageSpec(child)]);
    } catch (err) {
      if (!isRbdError(err, 'Exists')) throw err;
      const existing = (await this.info(child))?.parent;
      if (existing !== undefined && sameRef(existing, parent)) return;
      throw err;
    }
  }

  /** Copies the parent's data into a clone, which then stands alone; an image without parent resolves. */
  async flatten(ref: RbdImageRef): Promise<void> {
    if ((await this.info(ref))?.parent === undefined) return;
    await this.rbd('rbd flatten', ['flatten', '--no-progress', imageSpec(ref)], this.dataTimeoutMs);
  }

  /**
   * The extents that hold data (since `fromSnapshot` when given; a clone's parent data included),
   * merged where they touch. Reads the object map, so it costs no data reads.
   */
  async diff(ref: RbdImageRef, fromSnapshot?: string): Promise<RbdExtent[]> {
    const args = ['diff', '--format', 'json', imageSpec(ref)];
    if (fromSnapshot !== undefined) {
      assertRbdName('snapshot', fromSnapshot);
      args.push('--from-snap', fromSnapshot);
    }
    const raw = JSON.parse(await this.rbd('rbd diff', args, this.dataTimeoutMs)) as {
      offset: number;
      length: number;
      exists: string;
    }[];
    return mergeExtents(raw.filter((e) => e.exists === 'true'));
  }

  /** The image's bytes (raw) as a stream; it errors if `rbd export` fails. */
  exportStream(ref: RbdImageRef): Readable {
    const args = [...clientArgs(this.client), 'export', '--no-progress', imageSpec(ref), '-'];
    return streamTool(this.rbdBinary, args, 'rbd export', this.dataTimeoutMs);
  }

  /** Writes a new image from a stream of raw bytes (zero runs stay unallocated). Exists if it is there. */
  async importStream(source: Readable, ref: RbdImageRef): Promise<void> {
    const args = ['import', '--no-progress', '--image-feature', FEATURES, '-', imageSpec(ref)];
    await this.rbd('rbd import', args, this.dataTimeoutMs, source);
  }

  /** The `rbd:` filename qemu-img and QEMU's -drive open this image by. */
  qemuFilename(ref: RbdImageRef): string {
    return qemuRbdFilename(ref, this.client);
  }

  /** The virtual size qemu-img reads from a file or an image in `format`. */
  async virtualSize(location: ImageLocation, format: 'raw' | 'qcow2'): Promise<number> {
    const out = await this.qemuImg('qemu-img info', [
      'info',
      '--output=json',
      '-f',
      format,
      this.qemuName(location),
    ]);
    const size = (JSON.parse(out) as { 'virtual-size'?: unknown })['virtual-size'];
    if (typeof size !== 'number' || !Number.isSafeInteger(size)) {
      throw new RbdError('Failed', 'qemu-img info', 'qemu-img info gave no virtual size');
    }
    return size;
  }

  /**
   * qemu-img convert between files and images. `targetExists`: write into an existing image of at least
   * the source's size (-n); `targetIsZero`: that image is new, so zero runs need not be written.
   */
  async convert(options: {
    from: ImageLocation;
    fromFormat: 'raw' | 'qcow2';
    to: ImageLocation;
    toFormat: 'raw' | 'qcow2';
    targetExists?: boolean;
    targetIsZero?: boolean;
  }): Promise<void> {
    const args = ['convert', '-q', '-f', options.fromFormat, '-O', options.toFormat];
    if (options.targetExists === true) args.push('-n');
    if (options.targetIsZero === true) args.push('--target-is-zero');
    // Zero runs of 4 KiB or more become holes in a file (rbd targets skip them by themselves).
    if ('file' in options.to) args.push('-S', '4k');
    args.push(this.qemuName(options.from), this.qemuName(options.to));
    await this.qemuImg('qemu-img convert', args, this.dataTimeoutMs);
  }

  private qemuName(location: ImageLocation): string {
    return 'file' in location ? location.file : this.qemuFilename(location.rbd);
  }

  private async isProtected(snap: RbdImageRef): Promise<boolean | undefined> {
    return (await this.snapshots(snap)).find((s) => s.name === snap.snapshot)?.protected;
  }

  private async ignoring(code: RbdError['code'], run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (err) {
      if (!isRbdError(err, code)) throw err;
    }
  }

  private rbd(
    operation: string,
    args: string[],
    timeoutMs = this.metadataTimeoutMs,
    input?: Readable,
  ): Promise<string> {
    return runTool(this.rbdBinary, [...clientArgs(this.client), ...args], operation, {
      timeoutMs,
      ...(input !== undefined && { input }),
    });
  }

  private qemuImg(operation: string, args: string[], timeoutMs = this.metadataTimeoutMs): Promise<string> {
    return runTool(this.qemuImgBinary, args, operation, { timeoutMs });
  }
}

function assertSize(sizeBytes: number): void {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) {
    throw new RbdError('InvalidArgument', 'rbd size', `invalid image size ${sizeBytes}`);
  }
}

function imageOf(ref: RbdImageRef): RbdImageRef {
  return { pool: ref.pool, image: ref.image };
}

function snapSpec(snap: RbdImageRef): string {
  if (snap.snapshot === undefined) {
    throw new RbdError('InvalidArgument', 'rbd name', `${imageSpec(snap)} names no snapshot`);
  }
  return imageSpec(snap);
}

function sameRef(a: RbdImageRef, b: RbdImageRef): boolean {
  return a.pool === b.pool && a.image === b.image && a.snapshot === b.snapshot;
}

/** Sorts extents and joins those that touch or overlap. */
export function mergeExtents(extents: readonly RbdExtent[]): RbdExtent[] {
  const sorted = [...extents].sort((a, b) => a.offset - b.offset);
  const out: RbdExtent[] = [];
  for (const e of sorted) {
    const last = out.at(-1);
    if (last !== undefined && e.offset <= last.offset + last.length) {
      last.length = Math.max(last.length, e.offset + e.length - last.offset);
    } else out.push({ offset: e.offset, length: e.length });
  }
  return out;
}
