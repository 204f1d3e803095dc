// Volume unplug against a QMP stand-in: a guest that misses the first unplug request (still booting)
// gets it again, a repeat QEMU refuses as pending is waited out, and a guest that never answers fails.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QmpClient } from './qmp.js';
import { fakeQmpServer } from './qmp-test-support.js';
import { detachVolumeLive } from './volume-hotplug.js';
import { volumeNodeNames } from './volume-names.js';

const VOLUME = '0b0b0b0b-0000-4000-8000-000000000001';
const names = volumeNodeNames(VOLUME);

describe('detachVolumeLive', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof fakeQmpServer>> | undefined;
  let client: QmpClient | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'nuage-hotplug-test-'));
  });
  afterEach(async () => {
    client?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A guest that releases the device on the `answerOn`-th device_del (never when 0). */
  async function guest(answerOn: number) {
    let unplugs = 0;
    server = await fakeQmpServer(dir, (request, socket) => {
      if (request.execute === 'device_del' && ++unplugs > 1 && unplugs < answerOn) {
        const desc = `Device ${names.deviceId} is already in the process of unplug`;
        socket.write(`{"error": {"class": "GenericError", "desc": "${desc}"}, "id": "${request.id}"}\n`);
        return;
      }
      socket.write(`{"return": {}, "id": "${request.id}"}\n`);
      if (request.execute === 'device_del' && unplugs === answerOn) {
        const data = JSON.stringify({
          device: names.deviceId,
          path: `/machine/peripheral/${names.deviceId}`,
        });
        socket.write(
          `{"event": "DEVICE_DELETED", "data": ${data}, "timestamp": {"seconds": 1, "microseconds": 0}}\n`,
        );
      }
    });
    client = await QmpClient.connect({ socketPath: server.socketPath });
    return client;
  }
  const sent = () => (server?.received ?? []).map((r) => r.execute).filter((e) => e !== 'qmp_capabilities');

  it('asks again until a booting guest releases the device, then removes the nodes', async () => {
    await detachVolumeLive(await guest(3), VOLUME, 5_000, 50);
    expect(sent()).toEqual(['device_del', 'device_del', 'device_del', 'blockdev-del', 'blockdev-del']);
  });

  it('needs one request when the guest answers at once', async () => {
    await detachVolumeLive(await guest(1), VOLUME, 5_000, 50);
    expect(sent()).toEqual(['device_del', 'blockdev-del', 'blockdev-del']);
  });

  it('fails when the guest never releases the device, leaving the nodes', async () => {
    await expect(detachVolumeLive(await guest(0), VOLUME, 300, 50)).rejects.toMatchObject({
      errorClass: 'Timeout',
    });
    expect(sent().filter((e) => e === 'blockdev-del')).toEqual([]);
    expect(sent().length).toBeGreaterThan(2);
  });
});
