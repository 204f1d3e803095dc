import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QmpClient, QmpError, type QmpEvent } from './qmp.js';
import { fakeQmpServer } from './qmp-test-support.js';

describe('QmpClient', () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof fakeQmpServer>> | undefined;
  let client: QmpClient | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'nuage-qmp-test-'));
  });
  afterEach(async () => {
    client?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('negotiates capabilities and returns typed replies matched by id', async () => {
    server = await fakeQmpServer(dir, (request, socket) => {
      // An event and an unrelated line arrive before the reply; both must be handled.
      socket.write('{"event": "RESUME", "timestamp": {"seconds": 1, "microseconds": 2}}\n');
      socket.write(`{"return": {"running": true, "status": "running"}, "id": "${request.id}"}\n`);
    });
    client = await QmpClient.connect({ socketPath: server.socketPath });
    const events: QmpEvent[] = [];
    client.onEvent((event) => events.push(event));
    const status = await client.execute({ execute: 'query-status' });
    expect(status).toEqual({ running: true, status: 'running' });
    expect(events.map((e) => e.event)).toEqual(['RESUME']);
    expect(server.received.map((r) => r.execute)).toEqual(['qmp_capabilities', 'query-status']);
  });

  it('sends arguments and turns error replies into QmpError with their class', async () => {
    server = await fakeQmpServer(dir, (request, socket) => {
      socket.write(
        `{"error": {"class": "DeviceNotFound", "desc": "Device 'x' not found"}, "id": "${request.id}"}\n`,
      );
    });
    client = await QmpClient.connect({ socketPath: server.socketPath });
    const failure = client.execute({ execute: 'device_del', arguments: { id: 'x' } });
    await expect(failure).rejects.toMatchObject({ name: 'QmpError', errorClass: 'DeviceNotFound' });
    expect(server.received[1]).toMatchObject({ execute: 'device_del', arguments: { id: 'x' } });
  });

  it('times out one command without closing the session', async () => {
    let answer = false;
    server = await fakeQmpServer(dir, (request, socket) => {
      if (answer) socket.write(`{"return": {}, "id": "${request.id}"}\n`);
    });
    client = await QmpClient.connect({ socketPath: server.socketPath });
    await expect(client.execute({ execute: 'stop' }, 50)).rejects.toMatchObject({ errorClass: 'Timeout' });
    answer = true;
    await expect(client.execute({ execute: 'cont' })).resolves.toEqual({});
  });

  it('waits for a matching event', async () => {
    server = await fakeQmpServer(dir, (request, socket) => {
      socket.write(`{"return": {}, "id": "${request.id}"}\n`);
      socket.write('{"event": "DEVICE_DELETED", "data": {"device": "other"}}\n');
      socket.write('{"event": "DEVICE_DELETED", "data": {"device": "vol-1"}}\n');
    });
    client = await QmpClient.connect({ socketPath: server.socketPath });
    const deleted = client.waitForEvent('DEVICE_DELETED', 1_000, (e) => e.data?.device === 'vol-1');
    await client.execute({ execute: 'device_del', arguments: { id: 'vol-1' } });
    await expect(deleted).resolves.toMatchObject({ data: { device: 'vol-1' } });
    await expect(client.waitForEvent('SHUTDOWN', 30)).rejects.toBeInstanceOf(QmpError);
  });

  it('rejects pending commands and notifies when the peer closes', async () => {
    server = await fakeQmpServer(dir, (_request, socket) => socket.destroy());
    client = await QmpClient.connect({ socketPath: server.socketPath });
    let closed = false;
    client.onClose(() => (closed = true));
    await expect(client.execute({ execute: 'quit' })).rejects.toMatchObject({ errorClass: 'Closed' });
    expect(closed).toBe(true);
    expect(client.isClosed).toBe(true);
    await expect(client.execute({ execute: 'cont' })).rejects.toMatchObject({ errorClass: 'Closed' });
  });

  it('fails to connect to a missing socket within the timeout', async () => {
    await expect(
      QmpClient.connect({ socketPath: path.join(dir, 'none.sock'), timeoutMs: 500 }),
    ).rejects.toBeInstanceOf(QmpError);
  });
});
