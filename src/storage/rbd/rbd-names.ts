// Names of RBD images and how each tool spells them: `pool/image@snap` for the rbd CLI, the `rbd:`
// pseudo-filename for qemu-img, and the blockdev options QEMU's rbd driver takes. None of them carries a
// key: the client is named by its cephx user and a config file, and the key stays in a keyring file.
import { RbdError } from './rbd-errors.js';

/** An RBD image, or one of its snapshots. */
export interface RbdImageRef {
  pool: string;
  image: string;
  snapshot?: string;
}

/** How a process reaches the cluster: a config file (mon host, keyring path) and a cephx user. */
export interface CephClientConfig {
  /** A ceph.conf naming the monitors; for QEMU it must also name the keyring (`keyring = …`). */
  confPath: string;
  /** The cephx user without `client.`, e.g. `nuage`. */
  user: string;
  /** A keyring file, when the config does not name one. Passed as a path, never read here. */
  keyringPath?: string;
}

// Ceph allows more, but these characters are what every tool below can spell without escaping: no
// `/` or `@` (the rbd CLI's separators), `:` (qemu-img's), `,` (QEMU options) or spaces.
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function assertRbdName(kind: 'pool' | 'image' | 'snapshot', name: string): void {
  if (!NAME.test(name)) {
    throw new RbdError('InvalidArgument', 'rbd name', `invalid RBD ${kind} name: ${JSON.stringify(name)}`);
  }
}

export function assertRef(ref: RbdImageRef): void {
  assertRbdName('pool', ref.pool);
  assertRbdName('image', ref.image);
  if (ref.snapshot !== undefined) assertRbdName('snapshot', ref.snapshot);
}

/** `pool/image` or `pool/image@snap`, as the rbd CLI reads it. */
export function imageSpec(ref: RbdImageRef): string {
  assertRef(ref);
  return ref.snapshot === undefined ? `${ref.pool}/${ref.image}` : `${ref.pool}/${ref.image}@${ref.snapshot}`;
}

/** Parses `pool/image[@snap]`; InvalidArgument when it is not one. */
export function parseImageSpec(spec: string): RbdImageRef {
  const match = /^([^/@]+)\/([^/@]+)(?:@([^/@]+))?$/.exec(spec);
  if (match === null) throw new RbdError('InvalidArgument', 'rbd name', `not an RBD image spec: ${spec}`);
  const [, pool = '', image = '', snapshot] = match;
  const ref: RbdImageRef = snapshot === undefined ? { pool, image } : { pool, image, snapshot };
  assertRef(ref);
  return ref;
}

/** qemu-img's pseudo-filename values escape `\` and `:` with a backslash. */
function escapeQemuRbdValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll(':', '\\:');
}

/**
 * The `rbd:pool/image[@snap]:conf=…:id=…` filename qemu-img opens (format raw). Example:
 * `rbd:volumes/volume-1:conf=/etc/ceph/ceph.conf:id=nuage`.
 */
export function qemuRbdFilename(ref: RbdImageRef, client: CephClientConfig): string {
  const parts = [`rbd:${imageSpec(ref)}`, `conf=${escapeQemuRbdValue(client.confPath)}`];
  assertRbdName('image', client.user);
  parts.push(`id=${client.user}`);
  if (client.keyringPath !== undefined) parts.push(`keyring=${escapeQemuRbdValue(client.keyringPath)}`);
  return parts.join(':');
}

/** QEMU's rbd protocol node (qapi BlockdevOptionsRbd, the subset we set). */
export interface RbdBlockdevOptions {
  driver: 'rbd';
  'node-name': string;
  pool: string;
  image: string;
  snapshot?: string;
  conf: string;
  user: string;
  'read-only': boolean;
  discard: 'unmap' | 'ignore';
}

/**
 * The options of a QEMU `rbd` protocol node (QMP blockdev-add, or `-blockdev` as JSON). The keyring
 * comes from the config file: the rbd driver's only other way is a secret object holding the key.
 */
export function rbdBlockdevOptions(
  ref: RbdImageRef,
  client: CephClientConfig,
  nodeName: string,
  readOnly: boolean,
): RbdBlockdevOptions {
  assertRef(ref);
  assertRbdName('image', client.user);
  return {
    driver: 'rbd',
    'node-name': nodeName,
    pool: ref.pool,
    image: ref.image,
    ...(ref.snapshot !== undefined && { snapshot: ref.snapshot }),
    conf: client.confPath,
    user: client.user,
    // A snapshot is read-only by nature; QEMU refuses to open one writable.
    'read-only': readOnly || ref.snapshot !== undefined,
    // Guests' discards free RBD objects, so thin volumes stay thin.
    discard: 'unmap',
  };
}
