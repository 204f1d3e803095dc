// Disk hot-plug over QMP: blockdev-add (file, then format) + device_add virtio-blk-pci, and the
// reverse, waiting for the guest to release the device (DEVICE_DELETED) before removing the nodes.
import { setTimeout as sleep } from 'node:timers/promises';
import type { VolumeAttachment } from '../driver.js';
import { QmpError, type QmpClient } from './qmp.js';
import { volumeNodeNames } from './volume-names.js';

/** Plug the volume in; on failure remove whatever part of it was added, then rethrow. */
export async function attachVolumeLive(qmp: QmpClient, volume: VolumeAttachment): Promise<void> {
  const names = volumeNodeNames(volume.volumeId);
  const readOnly = volume.readOnly === true;
  const undo: (() => Promise<unknown>)[] = [];
  try {
    await qmp.execute({
      execute: 'blockdev-add',
      arguments: {
        driver: 'file',
        'node-name': names.fileNode,
        filename: volume.path,
        'read-only': readOnly,
      },
    });
    undo.push(() => qmp.execute({ execute: 'blockdev-del', arguments: { 'node-name': names.fileNode } }));
    await qmp.execute({
      execute: 'blockdev-add',
      arguments: {
        driver: volume.format,
        'node-name': names.formatNode,
        file: names.fileNode,
        'read-only': readOnly,
      },
    });
    undo.push(() => qmp.execute({ execute: 'blockdev-del', arguments: { 'node-name': names.formatNode } }));
    await qmp.execute({
      execute: 'device_add',
      arguments: {
        driver: 'virtio-blk-pci',
        id: names.deviceId,
        drive: names.formatNode,
        serial: names.serial,
      },
    });
  } catch (err) {
    for (const step of undo.reverse()) await step().catch(() => {});
    throw err;
  }
}

/**
 * How often an unanswered unplug request is sent again. A guest that is still booting (its ACPI
 * hot-plug handler not loaded yet) misses the first request; Nova's libvirt driver retries the detach
 * for the same reason (device_detach_attempts). QEMU refuses a repeat for 5 s after a request.
 */
const UNPLUG_RESEND_MS = 5_000;

/**
 * Unplug: device_del (sent again every UNPLUG_RESEND_MS), wait up to timeoutMs for DEVICE_DELETED, then
 * delete the nodes. A device that is already gone counts as unplugged, so a retry after a partial
 * detach completes it.
 */
export async function detachVolumeLive(
  qmp: QmpClient,
  volumeId: string,
  timeoutMs: number,
  resendMs = UNPLUG_RESEND_MS,
): Promise<void> {
  const names = volumeNodeNames(volumeId);
  const deleted = qmp.waitForEvent('DEVICE_DELETED', timeoutMs, (e) => e.data?.device === names.deviceId);
  deleted.catch(() => {}); // Observed below; avoid an unhandled rejection if device_del fails first.
  // Settled: the guest released the device, or the wait timed out (rethrown below).
  let gone = false;
  let settled = false;
  void deleted.then(
    () => (gone = settled = true),
    () => (settled = true),
  );
  for (let first = true; !settled; first = false) {
    if (!first) await Promise.race([deleted.catch(() => {}), sleep(resendMs, undefined, { ref: false })]);
    if (settled) break;
    if (await requestUnplug(qmp, names.deviceId, first)) gone = settled = true;
  }
  if (!gone) await deleted;
  for (const node of [names.formatNode, names.fileNode]) {
    await qmp.execute({ execute: 'blockdev-del', arguments: { 'node-name': node } }).catch((err: unknown) => {
      // Already deleted by an earlier, interrupted detach.
      if (!(err instanceof QmpError)) throw err;
    });
  }
}

/** device_del; true when the device no longer exists. A repeat QEMU refuses as pending is no error. */
async function requestUnplug(qmp: QmpClient, deviceId: string, first: boolean): Promise<boolean> {
  try {
    await qmp.execute({ execute: 'device_del', arguments: { id: deviceId } });
    return false;
  } catch (err) {
    if (err instanceof QmpError && err.errorClass === 'DeviceNotFound') return true;
    if (!first && err instanceof QmpError && /in the process of unplug/.test(err.message)) return false;
    throw err;
  }
}
