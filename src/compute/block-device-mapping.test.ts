// block_device_mapping_v2 parsing: Nova's shapes from the CLI (`--volume`, `--boot-from-volume`) and
// its 400s for malformed or unsupported mappings.
import { describe, expect, it } from 'vitest';
import { isApiError } from '../common/errors/api-error.js';
import { bootSourceOf } from './block-device-mapping.js';

const VOL = '6f1c1c9e-3c1a-4d6b-9b8e-0c5b7d3a2e11';
const IMG = '0b4f7a1e-2d3c-4e5f-8a9b-1c2d3e4f5a6b';

function rejects(fn: () => unknown, status: number, message: RegExp | string): void {
  try {
    fn();
  } catch (err) {
    expect(isApiError(err)).toBe(true);
    if (!isApiError(err)) return;
    expect(err.status).toBe(status);
    expect(err.publicMessage).toMatch(message);
    return;
  }
  throw new Error('expected a rejection');
}

describe('bootSourceOf', () => {
  it('keeps imageRef alone and image→local boot_index 0 as an image boot', () => {
    expect(bootSourceOf(IMG, undefined, 1)).toEqual({ kind: 'image', imageId: IMG });
    const local = [{ source_type: 'image', destination_type: 'local', uuid: IMG, boot_index: 0 }];
    expect(bootSourceOf(IMG, local, 1)).toEqual({ kind: 'image', imageId: IMG });
    expect(bootSourceOf('', local, 1)).toEqual({ kind: 'image', imageId: IMG });
  });

  it('reads the CLI shapes of --volume and --image --boot-from-volume', () => {
    const volume = bootSourceOf(
      '',
      [{ uuid: VOL, boot_index: '0', source_type: 'volume', destination_type: 'volume' }],
      1,
    );
    expect(volume).toEqual({
      kind: 'volume',
      sourceType: 'volume',
      sourceId: VOL,
      sizeGib: undefined,
      deleteOnTermination: false,
      deviceName: '/dev/vda',
      diskBus: null,
      volumeType: null,
    });
    const image = bootSourceOf(
      undefined,
      [
        {
          uuid: IMG,
          boot_index: 0,
          source_type: 'image',
          destination_type: 'volume',
          volume_size: '2',
          delete_on_termination: 'True',
          device_name: 'vda',
          disk_bus: 'virtio',
        },
      ],
      1,
    );
    expect(image).toMatchObject({
      kind: 'volume',
      sourceType: 'image',
      sizeGib: 2,
      deleteOnTermination: true,
      deviceName: 'vda',
      diskBus: 'virtio',
    });
  });

  it("answers Nova's 400s", () => {
    rejects(() => bootSourceOf(undefined, undefined, 1), 400, 'Missing imageRef attribute');
    rejects(
      () => bootSourceOf('', [{ source_type: 'volume', boot_index: 0 }], 1),
      400,
      /Missing device UUID/,
    );
    rejects(
      () => bootSourceOf('', [{ source_type: 'blank', uuid: VOL, boot_index: 0 }], 1),
      400,
      /Invalid device UUID/,
    );
    rejects(() => bootSourceOf('', [{ source_type: 'floppy', uuid: VOL }], 1), 400, /source_type/);
    rejects(
      () => bootSourceOf('', [{ source_type: 'volume', destination_type: 'cloud', uuid: VOL }], 1),
      400,
      /destination_type/,
    );
    rejects(
      () => bootSourceOf('', [{ source_type: 'volume', uuid: VOL, boot_index: 'first' }], 1),
      400,
      /boot_index/,
    );
    rejects(
      () => bootSourceOf('', [{ source_type: 'volume', uuid: VOL, boot_index: 0, size: 1 }], 1),
      400,
      "Additional properties are not allowed ('size' was unexpected)",
    );
    rejects(
      () =>
        bootSourceOf(IMG, [{ source_type: 'image', destination_type: 'local', uuid: IMG, boot_index: 1 }], 1),
      400,
      'Block Device Mapping is Invalid: Mapping image to local is not supported.',
    );
    rejects(
      () => bootSourceOf('', [{ source_type: 'volume', uuid: VOL, boot_index: 1 }], 1),
      400,
      /Boot sequence for the instance and image\/block device mapping combination is not valid/,
    );
    rejects(
      () =>
        bootSourceOf('', [{ source_type: 'image', destination_type: 'volume', uuid: IMG, boot_index: 0 }], 1),
      400,
      "Images with destination_type 'volume' need to have a non-zero size specified",
    );
    rejects(
      () => bootSourceOf('', [{ source_type: 'volume', uuid: VOL, boot_index: 0, volume_size: -1 }], 1),
      400,
      /volume_size/,
    );
    rejects(
      () => bootSourceOf('', [{ source_type: 'volume', uuid: VOL, boot_index: 0 }], 2),
      400,
      /cannot be the root disk of more than one server/,
    );
    rejects(
      () =>
        bootSourceOf(
          '',
          [
            { source_type: 'volume', uuid: VOL, boot_index: 0 },
            { source_type: 'volume', uuid: IMG, boot_index: -1 },
          ],
          1,
        ),
      400,
      /only the boot device/,
    );
    rejects(() => bootSourceOf('', 'nope', 1), 400, /block_device_mapping_v2/);
  });
});
