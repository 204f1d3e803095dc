// Unit tests of the inspection verdict over qemu-img reports, and of the head/tail capture.
import { describe, expect, it } from 'vitest';
import { HEAD_BYTES, HeadTailCapture, TAIL_BYTES, judge } from './inspect.js';

const none = Buffer.alloc(0);

describe('judge', () => {
  it('accepts matching formats and reports the virtual size', () => {
    expect(judge({ format: 'qcow2', 'virtual-size': 1024 }, '/x', 'qcow2', none, 10)).toEqual({
      format: 'qcow2',
      virtualSizeBytes: 1024,
    });
    expect(judge({ format: 'raw', 'virtual-size': 10 }, '/x', 'iso', none, 10).format).toBe('raw');
  });

  it('refuses, in bare containers, mismatches, backing files, data files and foreign extents', () => {
    expect(() => judge({ format: 'raw' }, '/x', 'qcow2', none, 1)).toThrow(
      'Image disk_format qcow2 does not match stream data raw',
    );
    expect(() =>
      judge({ format: 'qcow2', 'backing-filename': '/etc/passwd' }, '/x', 'qcow2', none, 1),
    ).toThrow(/backing file/);
    const dataFile = { format: 'qcow2', 'format-specific': { data: { 'data-file': '/dev/sda' } } };
    expect(() => judge(dataFile, '/x', 'qcow2', none, 1)).toThrow(/data file/);
    const extents = {
      format: 'vmdk',
      'format-specific': {
        data: { 'create-type': 'monolithicSparse', extents: [{ filename: '/etc/shadow' }] },
      },
    };
    expect(() => judge(extents, '/x', 'vmdk', none, 1)).toThrow(/external extents/);
    expect(() => judge('not an object', '/x', 'raw', none, 1)).toThrow();
    const refusal = (() => {
      try {
        return judge({ format: 'raw' }, '/x', 'vhd', none, 1);
      } catch (err) {
        return err;
      }
    })();
    expect(refusal).toMatchObject({ status: 400 });
  });

  it('accepts data declared raw as raw bytes, whatever it looks like (Glance does)', () => {
    expect(judge({ format: 'qcow2', 'virtual-size': 1 << 30 }, '/x', 'raw', none, 4096)).toEqual({
      format: 'raw',
      virtualSizeBytes: 4096,
    });
    // ...but not when it would read other files.
    expect(() =>
      judge({ format: 'qcow2', 'backing-filename': '/etc/passwd' }, '/x', 'raw', none, 1),
    ).toThrow();
  });

  it('accepts other containers without verdict: mismatched or unsafe data gets no virtual size', () => {
    expect(judge({ format: 'raw' }, '/x', 'vhd', none, 2048, 'ami')).toEqual({
      format: 'raw',
      virtualSizeBytes: null,
    });
    const unsafe = { format: 'qcow2', 'backing-filename': '/etc/passwd' };
    expect(judge(unsafe, '/x', 'qcow2', none, 1, 'ovf').virtualSizeBytes).toBeNull();
    expect(
      judge({ format: 'qcow2', 'virtual-size': 7 }, '/x', 'qcow2', none, 1, 'ovf').virtualSizeBytes,
    ).toBe(7);
    // Raw data under the AWS formats Glance cannot inspect is theirs, but not a verified disk.
    expect(judge({ format: 'raw' }, '/x', 'aki', none, 9).virtualSizeBytes).toBeNull();
  });

  it('accepts a fixed VHD (raw to qemu) by its footer', () => {
    const tail = Buffer.alloc(512);
    tail.write('conectix', 0, 'latin1');
    expect(judge({ format: 'raw' }, '/x', 'vhd', tail, 4096).format).toBe('raw');
    expect(() => judge({ format: 'raw' }, '/x', 'vhd', Buffer.alloc(512), 4096)).toThrow();
  });
});

describe('HeadTailCapture', () => {
  it('keeps the first and last bytes of a long stream', () => {
    const capture = new HeadTailCapture();
    const chunk = 64 * 1024;
    const total = HEAD_BYTES + 4 * TAIL_BYTES;
    for (let at = 0; at < total; at += chunk) capture.push(Buffer.alloc(chunk, (at / chunk) % 251));
    expect(capture.headBuffer().length).toBe(HEAD_BYTES);
    const tail = capture.tailBuffer();
    expect(tail.length).toBe(TAIL_BYTES);
    expect(tail.at(-1)).toBe((total / chunk - 1) % 251);
  });
});
