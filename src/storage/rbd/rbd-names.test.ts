// How RBD images are spelled for each tool, and the errors the client derives from exit statuses.
import { describe, expect, it } from 'vitest';
import { mergeExtents } from './rbd-client.js';
import { lastMessage, rbdErrorFromExit, RbdError } from './rbd-errors.js';
import { imageSpec, parseImageSpec, qemuRbdFilename, rbdBlockdevOptions } from './rbd-names.js';

const client = { confPath: '/etc/ceph/ceph.conf', user: 'nuage' };

describe('RBD names', () => {
  it('spells image specs for the rbd CLI and parses them back', () => {
    expect(imageSpec({ pool: 'vms', image: 'a_disk' })).toBe('vms/a_disk');
    expect(imageSpec({ pool: 'images', image: 'i', snapshot: 'snap' })).toBe('images/i@snap');
    expect(parseImageSpec('images/i@snap')).toEqual({ pool: 'images', image: 'i', snapshot: 'snap' });
    expect(parseImageSpec('volumes/volume-1')).toEqual({ pool: 'volumes', image: 'volume-1' });
    for (const bad of ['volumes', 'a/b/c', 'a/b@c@d', 'a/b:c', '/b']) {
      expect(() => parseImageSpec(bad)).toThrow(RbdError);
    }
  });

  it('builds the qemu-img filename with the user and config, escaping colons', () => {
    expect(qemuRbdFilename({ pool: 'vms', image: 'x' }, client)).toBe(
      'rbd:vms/x:conf=/etc/ceph/ceph.conf:id=nuage',
    );
    const odd = { confPath: '/a:b\\c/ceph.conf', user: 'nuage', keyringPath: '/k:r' };
    expect(qemuRbdFilename({ pool: 'vms', image: 'x', snapshot: 's' }, odd)).toBe(
      'rbd:vms/x@s:conf=/a\\:b\\\\c/ceph.conf:id=nuage:keyring=/k\\:r',
    );
  });

  it('builds blockdev options with no key, read-only for a snapshot', () => {
    const options = rbdBlockdevOptions({ pool: 'volumes', image: 'v' }, client, 'n1', false);
    expect(options).toEqual({
      driver: 'rbd',
      'node-name': 'n1',
      pool: 'volumes',
      image: 'v',
      conf: '/etc/ceph/ceph.conf',
      user: 'nuage',
      'read-only': false,
      discard: 'unmap',
    });
    const snap = rbdBlockdevOptions({ pool: 'volumes', image: 'v', snapshot: 's' }, client, 'n2', false);
    expect(snap).toMatchObject({ snapshot: 's', 'read-only': true });
    expect(JSON.stringify(snap)).not.toMatch(/key/);
  });
});

describe('RBD errors', () => {
  it('maps the exit status (an errno) to a code and keeps the tool own message', () => {
    const stderr =
      '2026-12-07T06:32:18 7f3e -1 librbd: rbd image t1 already exists\n\nrbd: create error: (17) File exists\n';
    const err = rbdErrorFromExit('rbd create', 17, stderr);
    expect(err).toMatchObject({ code: 'Exists', operation: 'rbd create' });
    expect(err.message).toBe('rbd create failed: rbd: create error: (17) File exists');
    expect(rbdErrorFromExit('rbd rm', 39, '').code).toBe('HasSnapshots');
    expect(rbdErrorFromExit('rbd snap rm', 16, '').code).toBe('Busy');
    expect(rbdErrorFromExit('rbd info', 2, '').code).toBe('NotFound');
    expect(rbdErrorFromExit('rbd info', 5, '').code).toBe('Failed');
    expect(rbdErrorFromExit('rbd info', null, '', { timedOut: true }).code).toBe('Timeout');
    expect(lastMessage('x\nqemu-img: Could not open\n')).toBe('qemu-img: Could not open');
  });

  it('merges touching and overlapping extents', () => {
    expect(
      mergeExtents([
        { offset: 8, length: 4 },
        { offset: 0, length: 4 },
        { offset: 4, length: 2 },
        { offset: 10, length: 6 },
        { offset: 20, length: 1 },
      ]),
    ).toEqual([
      { offset: 0, length: 6 },
      { offset: 8, length: 8 },
      { offset: 20, length: 1 },
    ]);
  });
});
