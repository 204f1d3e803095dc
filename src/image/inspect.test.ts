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

  it('refuses mismatches, backing files, data files and foreign extents', () => {
    expect(() => judge({ format: 'raw' }, '/x', 'qcow2', none, 1)).toThrow(/declared qcow2, detected raw/);
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
