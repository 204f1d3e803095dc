// The QEMU command line for an instance: a pure function of the spec, the host paths and the
// accelerator, so it can be unit-tested and read in one place.
import type { InstanceSpec, NetworkInterfaceSpec, VolumeAttachment } from '../driver.js';
import type { Accelerator } from './accel.js';
import type { CephClientConfig } from '../../../storage/rbd/rbd-names.js';
import type { InstancePaths } from './instance-files.js';
import { rbdBlockdevArgs, requireCeph } from './rbd-disks.js';
import { volumeNodeNames } from './volume-names.js';

export interface QemuArgsOptions {
  accelerator: Accelerator;
  /** TCG translation-block cache; the 1 GiB default costs RSS for nothing on small guests. */
  tcgTranslationBlockMiB: number;
  /** This host's Ceph client (config file and user) for RBD disks; absent: RBD disks are refused. */
  ceph?: CephClientConfig;
}

/** QEMU option values separate keys with commas; a literal comma is written twice. */
export function escapeOptionValue(value: string): string {
  return value.replaceAll(',', ',,');
}

export function buildQemuArgs(
  spec: InstanceSpec,
  paths: InstancePaths,
  options: QemuArgsOptions,
  volumes: readonly VolumeAttachment[] = [],
): string[] {
  const kvm = options.accelerator === 'kvm';
  const args = [
    ...['-name', `guest=instance-${spec.id},debug-threads=on`, '-uuid', spec.id],
    ...['-machine', 'pc', '-cpu', kvm ? 'host' : 'max'],
    ...['-accel', kvm ? 'kvm' : `tcg,tb-size=${options.tcgTranslationBlockMiB}`],
    ...['-smp', String(spec.vcpus), '-m', String(spec.memoryMiB)],
    ...['-nodefaults', '-no-user-config', '-display', 'none', '-msg', 'timestamp=on'],
    ...['-sandbox', 'on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny'],
    ...['-smbios', `type=1,manufacturer=Nuage,product=OpenStack Nova,serial=${spec.id},uuid=${spec.id}`],
    ...['-chardev', consoleChardev(paths), '-serial', 'chardev:console0'],
    // A VGA card and a VNC server on a unix socket, for the graphical console (src/console/ proxies it).
    ...['-vga', 'std', '-vnc', `unix:${escapeOptionValue(paths.vncSocket)}`],
    ...['-qmp', `unix:${escapeOptionValue(paths.qmpSocket)},server=on,wait=off`],
    ...rootDiskArgs(spec, paths, options.ceph),
    ...['-device', 'virtio-blk-pci,drive=drive-root,id=disk-root,bootindex=1'],
  ];
  if (spec.configDrive !== undefined) {
    // On `pc` the config drive is an IDE CD-ROM (/dev/sr0); the cloud kernel has no ahci for q35 SATA.
    args.push(
      '-drive',
      `file=${escapeOptionValue(paths.configDrive)},if=ide,media=cdrom,format=raw,readonly=on`,
    );
  }
  spec.networkInterfaces.forEach((nic, index) => args.push(...nicArgs(nic, index)));
  for (const volume of volumes) args.push(...volumeArgs(volume, spec.id, options.ceph));
  return args;
}

/**
 * The root drive, named `drive-root`: the instance's qcow2 overlay, a volume's own file (boot from
 * volume), or an RBD image through librbd (then a blockdev node of that name).
 */
function rootDiskArgs(
  spec: InstanceSpec,
  paths: InstancePaths,
  ceph: CephClientConfig | undefined,
): string[] {
  const root = spec.rootDisk;
  if (root.kind === 'rbd') {
    const names = { protocolNode: 'drive-root-rbd', formatNode: 'drive-root' };
    return rbdBlockdevArgs(root, requireCeph(ceph, spec.id), names, false);
  }
  if (root.kind !== 'volume')
    return ['-drive', `file=${escapeOptionValue(paths.disk)},if=none,id=drive-root,format=qcow2`];
  return ['-drive', `file=${escapeOptionValue(root.path)},if=none,id=drive-root,format=${root.format}`];
}

function consoleChardev(paths: InstancePaths): string {
  const socket = escapeOptionValue(paths.consoleSocket);
  const log = escapeOptionValue(paths.consoleLog);
  return `socket,id=console0,path=${socket},server=on,wait=off,logfile=${log},logappend=on`;
}

function nicArgs(nic: NetworkInterfaceSpec, index: number): string[] {
  const id = `net${index}`;
  const device = ['-device', `virtio-net-pci,netdev=${id},mac=${nic.macAddress},id=nic${index}`];
  if (nic.kind === 'tap') {
    return ['-netdev', `tap,id=${id},ifname=${nic.tapName},script=no,downscript=no`, ...device];
  }
  const parts = [`user,id=${id}`, `restrict=${nic.restrict === false ? 'off' : 'on'}`];
  for (const fwd of nic.hostForwards) {
    parts.push(`hostfwd=${fwd.protocol}:${fwd.hostAddress}:${fwd.hostPort}-:${fwd.guestPort}`);
  }
  return ['-netdev', parts.join(','), ...device];
}

/** A volume attached before a (re)start comes back as the same nodes and device id as a hot-plug. */
function volumeArgs(
  volume: VolumeAttachment,
  instanceId: string,
  ceph: CephClientConfig | undefined,
): string[] {
  const names = volumeNodeNames(volume.volumeId);
  const device = `virtio-blk-pci,drive=${names.formatNode},id=${names.deviceId},serial=${names.serial}`;
  if (volume.kind === 'rbd') {
    const nodes = { protocolNode: names.fileNode, formatNode: names.formatNode };
    return [
      ...rbdBlockdevArgs(volume, requireCeph(ceph, instanceId), nodes, volume.readOnly === true),
      '-device',
      device,
    ];
  }
  const readOnly = volume.readOnly === true ? 'on' : 'off';
  const file = `driver=file,node-name=${names.fileNode},filename=${escapeOptionValue(volume.path)},read-only=${readOnly}`;
  const format = `driver=${volume.format},node-name=${names.formatNode},file=${names.fileNode},read-only=${readOnly}`;
  return ['-blockdev', file, '-blockdev', format, '-device', device];
}
