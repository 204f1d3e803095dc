// RBD disks as QEMU opens them through librbd (qemu-block-extra): `-blockdev` pairs (rbd protocol node +
// raw format node) for the command line, the protocol node for QMP hot-plug, and the `rbd:` filename
// qemu-img reads. Targets carry pool and image only; this host's Ceph config (mon host, keyring path) and
// cephx user are added here, so a spec or a volume record never holds a secret or a host path.
import {
  qemuRbdFilename,
  rbdBlockdevOptions,
  type CephClientConfig,
} from '../../../storage/rbd/rbd-names.js';
import {
  DriverError,
  type DiskTarget,
  type InstanceSpec,
  type RbdDiskTarget,
  type ResizeTarget,
  type RootDisk,
} from '../driver.js';
import * as disks from './disk-ops.js';
import * as files from './instance-files.js';

/** The host's Ceph client config, or HypervisorError when this host has none. */
export function requireCeph(ceph: CephClientConfig | undefined, instanceId: string): CephClientConfig {
  if (ceph === undefined) {
    throw new DriverError('HypervisorError', 'an RBD disk needs a Ceph client config on this host', {
      instanceId,
    });
  }
  return ceph;
}

/** QMP blockdev-add arguments of the rbd protocol node. */
export function rbdProtocolNode(
  target: Omit<RbdDiskTarget, 'kind'>,
  ceph: CephClientConfig,
  nodeName: string,
  readOnly: boolean,
) {
  const ref = {
    pool: target.pool,
    image: target.image,
    ...(target.snapshot !== undefined && { snapshot: target.snapshot }),
  };
  return rbdBlockdevOptions(ref, ceph, nodeName, readOnly);
}

/**
 * Two `-blockdev` options (JSON, so no value needs QEMU's comma escaping): the rbd node and a raw node
 * over it named `formatNode`, which the virtio-blk device names as its drive.
 */
export function rbdBlockdevArgs(
  target: Omit<RbdDiskTarget, 'kind'>,
  ceph: CephClientConfig,
  names: { protocolNode: string; formatNode: string },
  readOnly: boolean,
): string[] {
  const protocol = rbdProtocolNode(target, ceph, names.protocolNode, readOnly);
  const format = {
    driver: 'raw',
    'node-name': names.formatNode,
    file: names.protocolNode,
    'read-only': protocol['read-only'],
  };
  return ['-blockdev', JSON.stringify(protocol), '-blockdev', JSON.stringify(format)];
}

/** The filename qemu-img opens an RBD disk by (format raw). */
export function rbdQemuImgName(target: Omit<RbdDiskTarget, 'kind'>, ceph: CephClientConfig): string {
  return qemuRbdFilename(
    {
      pool: target.pool,
      image: target.image,
      ...(target.snapshot !== undefined && { snapshot: target.snapshot }),
    },
    ceph,
  );
}

/** How qemu-img opens an attached disk: its file and format, or the RBD image (raw) through librbd. */
export function qemuImgDisk(
  disk: DiskTarget,
  ceph: CephClientConfig | undefined,
  instanceId: string,
): { name: string; format: 'qcow2' | 'raw' } {
  if (disk.kind === 'rbd')
    return { name: rbdQemuImgName(disk, requireCeph(ceph, instanceId)), format: 'raw' };
  return { name: disk.path, format: disk.format };
}

/** How qemu-img opens the root disk: the RBD image of an RBD root, else the instance's qcow2 overlay. */
export function rootQemuImgDisk(
  root: RootDisk | undefined,
  overlayPath: string,
  ceph: CephClientConfig | undefined,
  instanceId: string,
): { name: string; format: 'qcow2' | 'raw' } {
  if (root?.kind === 'rbd') return qemuImgDisk(root, ceph, instanceId);
  return { name: overlayPath, format: 'qcow2' };
}

/**
 * Resize of a stopped guest whose root is an RBD image (not a volume): the image grows in place through
 * librbd and only the spec is kept as the revert point, so a revert gives back the flavor while the disk
 * stays grown (harmless to the guest; Nova's RBD backend rolls back to a snapshot instead).
 */
export async function resizeRbdRoot(
  qemuImg: string,
  ceph: CephClientConfig | undefined,
  spec: InstanceSpec,
  target: ResizeTarget,
  paths: files.InstancePaths,
): Promise<void> {
  const point = disks.revertPointOf(paths);
  if (!(await files.exists(point.spec))) await files.writeFileAtomic(point.spec, JSON.stringify(spec));
  const { name } = rootQemuImgDisk(spec.rootDisk, paths.disk, ceph, spec.id);
  const diskBytes = await disks.virtualSizeBytes(qemuImg, name, spec.id, 'raw');
  const next = disks.resizedSpec(spec, target, diskBytes);
  if ((next.rootDisk.sizeBytes ?? 0) > diskBytes) {
    await disks.qemuImg(
      qemuImg,
      ['resize', '-q', '-f', 'raw', name, String(next.rootDisk.sizeBytes)],
      spec.id,
    );
  }
  await files.writeFileAtomic(paths.specFile, JSON.stringify(next));
}
