import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LifecycleTransition } from '../driver.js';
import { chooseAccelerator, probeKvm } from './accel.js';
import { GuestMonitor } from './guest-monitor.js';
import { isOurProcess } from './host-process.js';

/** A QMP endpoint that greets, accepts capabilities and lets the test push events. */
async function qmpStandIn(socketPath: string) {
  const clients: net.Socket[] = [];
  const server = net.createServer((socket) => {
    clients.push(socket);
    socket.write('{"QMP": {"version": {}, "capabilities": []}}\n');
    socket.on('data', (chunk) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        const { id } = JSON.parse(line) as { id: string };
        socket.write(`{"return": {}, "id": "${id}"}\n`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    push: (event: string) => clients.forEach((c) => c.write(`{"event": "${event}"}\n`)),
    close: () => {
      clients.forEach((c) => c.destroy());
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('GuestMonitor', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let server: Awaited<ReturnType<typeof qmpStandIn>>;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'nuage-monitor-test-'));
    server = await qmpStandIn(path.join(dir, 'qmp.sock'));
    // Stands in for QEMU: a process this test starts and kills.
    child = spawn('sleep', ['30'], { stdio: 'ignore' });
  });
  afterEach(async () => {
    child?.kill('SIGKILL');
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function monitor(transitions: LifecycleTransition[]): Promise<GuestMonitor> {
    return GuestMonitor.start({
      instanceId: 'i',
      pid: child?.pid ?? 0,
      qmpSocket: path.join(dir, 'qmp.sock'),
      pollIntervalMs: 20,
      commandTimeoutMs: 1_000,
      isSuspended: () => false,
      onTransition: (transition) => transitions.push(transition),
    });
  }

  it('reports pause/resume events and an exit after SHUTDOWN as stopped', async () => {
    const transitions: LifecycleTransition[] = [];
    const m = await monitor(transitions);
    server.push('STOP');
    server.push('RESUME');
    server.push('SHUTDOWN');
    await new Promise((resolve) => setTimeout(resolve, 50));
    child?.kill('SIGKILL');
    expect(await m.waitForExit(2_000)).toBe(true);
    expect(transitions).toEqual(['paused', 'resumed', 'stopped']);
  });

  it('reports an exit without SHUTDOWN as died, once', async () => {
    const transitions: LifecycleTransition[] = [];
    const m = await monitor(transitions);
    child?.kill('SIGKILL');
    expect(await m.waitForExit(2_000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(transitions).toEqual(['died']);
    expect(m.hasExited).toBe(true);
  });

  it('checks a pid against its command line before calling it ours', async () => {
    expect(await isOurProcess(child?.pid ?? 0, '30')).toBe(true);
    expect(await isOurProcess(child?.pid ?? 0, 'qemu')).toBe(false);
  });
});

describe('accelerator choice', () => {
  it('honours an explicit choice and rejects a QEMU that exits at once', async () => {
    expect(await chooseAccelerator('tcg', '/nonexistent')).toBe('tcg');
    expect(await probeKvm('/bin/false', 500)).toBe(false);
    expect(await probeKvm('/nonexistent/qemu', 500)).toBe(false);
  });

  it('accepts a QEMU that stays up, if /dev/kvm is usable at all', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'nuage-accel-test-'));
    const stub = path.join(dir, 'qemu-stub');
    await writeFile(stub, '#!/bin/sh\nexec sleep 5\n');
    await chmod(stub, 0o755);
    try {
      const usable = await probeKvm(stub, 200);
      const kvmNode = await import('node:fs/promises')
        .then((fs) => fs.access('/dev/kvm', fs.constants.R_OK | fs.constants.W_OK))
        .then(() => true)
        .catch(() => false);
      expect(usable).toBe(kvmNode);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
