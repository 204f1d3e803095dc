// QEMU names for a volume's nodes and device, derived from the volume id alone so that attach, detach
// and a restart with attached volumes agree without a lookup table.
import { createHash } from 'node:crypto';

export interface VolumeNodeNames {
  fileNode: string;
  formatNode: string;
  deviceId: string;
  /** virtio-blk serial: the first 20 characters of the volume id, as Nova sets it. */
  serial: string;
}

export function volumeNodeNames(volumeId: string): VolumeNodeNames {
  // Node names are at most 31 characters and must start with a letter; a volume id may be longer.
  const hash = createHash('sha256').update(volumeId).digest('hex').slice(0, 16);
  const serial = volumeId.replace(/[^A-Za-z0-9-]/g, '').slice(0, 20);
  return { fileNode: `vol-${hash}-file`, formatNode: `vol-${hash}-fmt`, deviceId: `vol-${hash}`, serial };
}
