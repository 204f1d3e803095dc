// RBD disks on QEMU's command line: the root disk and attached volumes as librbd blockdev nodes named by
// pool, image, config file and user — never a key — and a refusal when the host has no Ceph config.
import { describe, expect, it } from 'vitest';
import { DriverError, type InstanceSpec } from '../driver.js';
import { instancePaths } from './instance-files.js';
import { buildQemuArgs } from './qemu-args.js';
import { qemuImgDisk, rootQemuImgDisk } from './rbd-disks.js';
import { volumeNodeNames } from './volume-names.js';

const id = '8f1c2a4e-0b5d-4c1e-9a7f-2d3b4c5d6e7f';
const ceph = { confPath: '/etc/nuage/ceph,odd.conf', user: 'nuage' };
const spec: InstanceSpec = {
  id,
  name: 'vm1',
  vcpus: 1,
  memoryMiB: 256,
  rootDisk: { kind: 'rbd', pool: 'vms', image: `${id}_disk` },
  networkInterfaces: [],
};
const paths = instancePaths('/var/lib/nuage', id);
const volumeId = 'c0ffee00-0000-4000-8000-000000000001';

function valuesAfter(args: string[], flag: string): string[] {
  return args.flatMap((arg, index) => (arg === flag ? [args[index + 1] ?? ''] : []));
}

describe('RBD disks in QEMU arguments', () => {
  it('opens an RBD root and an RBD volume through librbd, as JSON blockdevs', () => {
    const volume = { volumeId, kind: 'rbd' as const, pool: 'volumes', image: `volume-${volumeId}` };
    const args = buildQemuArgs(spec, paths, { accelerator: 'tcg', tcgTranslationBlockMiB: 32, ceph }, [
      volume,
    ]);
    expect(valuesAfter(args, '-drive')).toEqual([]);
    const nodes = valuesAfter(args, '-blockdev').map((text) => JSON.parse(text) as Record<string, unknown>);
    const names = volumeNodeNames(volumeId);
    expect(nodes).toEqual([
      {
        driver: 'rbd',
        'node-name': 'drive-root-rbd',
        pool: 'vms',
        image: `${id}_disk`,
        conf: ceph.confPath,
        user: 'nuage',
        'read-only': false,
        discard: 'unmap',
      },
      { driver: 'raw', 'node-name': 'drive-root', file: 'drive-root-rbd', 'read-only': false },
      {
        driver: 'rbd',
        'node-name': names.fileNode,
        pool: 'volumes',
        image: `volume-${volumeId}`,
        conf: ceph.confPath,
        user: 'nuage',
        'read-only': false,
        discard: 'unmap',
      },
      { driver: 'raw', 'node-name': names.formatNode, file: names.fileNode, 'read-only': false },
    ]);
    expect(valuesAfter(args, '-device')).toEqual([
      'virtio-blk-pci,drive=drive-root,id=disk-root,bootindex=1',
      `virtio-blk-pci,drive=${names.formatNode},id=${names.deviceId},serial=${names.serial}`,
    ]);
    expect(args.join(' ')).not.toMatch(/key/);
  });

  it('opens a snapshot read-only and keeps file volumes as they were', () => {
    const snap = {
      volumeId,
      kind: 'rbd' as const,
      pool: 'volumes',
      image: 'v',
      snapshot: 's',
      readOnly: false,
    };
    const file = { volumeId: 'f', path: '/v/f.qcow2', format: 'qcow2' as const };
    const args = buildQemuArgs(spec, paths, { accelerator: 'tcg', tcgTranslationBlockMiB: 32, ceph }, [
      snap,
      file,
    ]);
    const blockdevs = valuesAfter(args, '-blockdev');
    expect(JSON.parse(blockdevs[2] ?? '{}')).toMatchObject({ snapshot: 's', 'read-only': true });
    expect(JSON.parse(blockdevs[3] ?? '{}')).toMatchObject({ driver: 'raw', 'read-only': true });
    expect(blockdevs[4]).toMatch(/^driver=file,.*filename=\/v\/f\.qcow2,read-only=off$/);
  });

  it('refuses RBD disks on a host without a Ceph config', () => {
    expect(() => buildQemuArgs(spec, paths, { accelerator: 'tcg', tcgTranslationBlockMiB: 32 })).toThrow(
      DriverError,
    );
    expect(() => qemuImgDisk({ kind: 'rbd', pool: 'p', image: 'i' }, undefined, id)).toThrow(
      /Ceph client config/,
    );
  });

  it('names disks for qemu-img by rbd: filename or file path', () => {
    expect(qemuImgDisk({ kind: 'rbd', pool: 'volumes', image: 'v' }, ceph, id)).toEqual({
      name: 'rbd:volumes/v:conf=/etc/nuage/ceph,odd.conf:id=nuage',
      format: 'raw',
    });
    expect(rootQemuImgDisk(spec.rootDisk, paths.disk, ceph, id).format).toBe('raw');
    expect(rootQemuImgDisk({ baseImagePath: '/b' }, paths.disk, ceph, id)).toEqual({
      name: paths.disk,
      format: 'qcow2',
    });
  });
});
