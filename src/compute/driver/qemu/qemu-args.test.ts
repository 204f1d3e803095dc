import { describe, expect, it } from 'vitest';
import type { InstanceSpec } from '../driver.js';
import { instancePaths } from './instance-files.js';
import { buildQemuArgs, escapeOptionValue } from './qemu-args.js';

const id = '8f1c2a4e-0b5d-4c1e-9a7f-2d3b4c5d6e7f';
const spec: InstanceSpec = {
  id,
  name: 'vm1',
  vcpus: 2,
  memoryMiB: 512,
  rootDisk: { baseImagePath: '/images/base.qcow2' },
  networkInterfaces: [
    { kind: 'tap', tapName: 'tap0123', macAddress: '52:54:00:00:00:01' },
    {
      kind: 'user',
      macAddress: '52:54:00:00:00:02',
      hostForwards: [{ protocol: 'tcp', hostAddress: '127.0.0.1', hostPort: 2222, guestPort: 22 }],
    },
  ],
  configDrive: { isoPath: '/tmp/cfg.iso' },
};

function valueAfter(args: string[], flag: string): string[] {
  return args.flatMap((arg, index) => (arg === flag ? [args[index + 1] ?? ''] : []));
}

describe('buildQemuArgs', () => {
  const paths = instancePaths('/var/lib/nuage', id);

  it('builds a TCG pc guest with SMBIOS, sandbox, console log and QMP', () => {
    const args = buildQemuArgs(spec, paths, { accelerator: 'tcg', tcgTranslationBlockMiB: 64 });
    expect(valueAfter(args, '-accel')).toEqual(['tcg,tb-size=64']);
    expect(valueAfter(args, '-cpu')).toEqual(['max']);
    expect(valueAfter(args, '-machine')).toEqual(['pc']);
    expect(valueAfter(args, '-uuid')).toEqual([id]);
    expect(valueAfter(args, '-smbios')[0]).toContain(`product=OpenStack Nova,serial=${id},uuid=${id}`);
    expect(valueAfter(args, '-sandbox')[0]).toBe(
      'on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny',
    );
    expect(args).toEqual(expect.arrayContaining(['-nodefaults', '-no-user-config', '-display', 'none']));
    expect(valueAfter(args, '-chardev')[0]).toContain(`logfile=/var/lib/nuage/instances/${id}/console.log`);
    expect(valueAfter(args, '-qmp')).toEqual([
      `unix:/var/lib/nuage/instances/${id}/qmp.sock,server=on,wait=off`,
    ]);
    expect(valueAfter(args, '-drive')[1]).toContain('disk.config,if=ide,media=cdrom');
  });

  it('uses KVM with the host CPU when asked', () => {
    const args = buildQemuArgs(spec, paths, { accelerator: 'kvm', tcgTranslationBlockMiB: 64 });
    expect(valueAfter(args, '-accel')).toEqual(['kvm']);
    expect(valueAfter(args, '-cpu')).toEqual(['host']);
  });

  it('adds tap and user-mode NICs with their MACs and forwards', () => {
    const args = buildQemuArgs(spec, paths, { accelerator: 'tcg', tcgTranslationBlockMiB: 64 });
    expect(valueAfter(args, '-netdev')).toEqual([
      'tap,id=net0,ifname=tap0123,script=no,downscript=no',
      'user,id=net1,restrict=on,hostfwd=tcp:127.0.0.1:2222-:22',
    ]);
    expect(valueAfter(args, '-device').filter((d) => d.startsWith('virtio-net-pci'))).toEqual([
      'virtio-net-pci,netdev=net0,mac=52:54:00:00:00:01,id=nic0',
      'virtio-net-pci,netdev=net1,mac=52:54:00:00:00:02,id=nic1',
    ]);
  });

  it('re-plugs attached volumes and escapes commas in paths', () => {
    const args = buildQemuArgs(
      spec,
      instancePaths('/data,x', id),
      { accelerator: 'tcg', tcgTranslationBlockMiB: 8 },
      [{ volumeId: 'vol-1', path: '/v/a,b.raw', format: 'raw' }],
    );
    expect(valueAfter(args, '-blockdev')[0]).toContain('filename=/v/a,,b.raw');
    expect(valueAfter(args, '-device').at(-1)).toMatch(
      /^virtio-blk-pci,drive=vol-[0-9a-f]{16}-fmt,id=vol-[0-9a-f]{16},serial=vol-1$/,
    );
    expect(valueAfter(args, '-qmp')[0]).toContain('/data,,x/instances/');
    expect(escapeOptionValue('a,b,,c')).toBe('a,,b,,,,c');
  });
});
