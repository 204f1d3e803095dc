// The fake driver's interactive consoles: a real unix socket per guest and kind, as QEMU's chardev
// sockets are, so that the console proxy, its tokens and the remote-consoles API are exercised end to end
// without QEMU. The serial socket replays the guest's console log, shows a login prompt and echoes what it
// is sent (a terminal's echo); the VNC socket sends the RFB version banner a VNC server opens with.
import { mkdir, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { ConsoleKind } from '../driver.js';

export const FAKE_LOGIN_PROMPT = 'nuage-fake login: ';
export const RFB_BANNER = 'RFB 003.008\n';

interface Listening {
  path: string;
  server: Server;
  clients: Set<Socket>;
}

export class FakeConsoles {
  /** Listening sockets by guest id, then kind. */
  private readonly guests = new Map<string, Map<ConsoleKind, Listening>>();

  /** `dir` holds the sockets; keep it short (a unix socket path has at most 107 bytes). */
  constructor(private readonly dir: string) {}

  /** The socket of `kind` for guest `id`, listening from now on; `log` is the console log so far. */
  async socketFor(id: string, kind: ConsoleKind, log: () => string[]): Promise<string> {
    const kinds = this.guests.get(id) ?? new Map<ConsoleKind, Listening>();
    this.guests.set(id, kinds);
    const existing = kinds.get(kind);
    if (existing !== undefined) return existing.path;
    const path = join(this.dir, `${id}.${kind}`);
    await mkdir(this.dir, { recursive: true });
    await rm(path, { force: true });
    const clients = new Set<Socket>();
    const server = createServer((client) => {
      clients.add(client);
      client.on('close', () => clients.delete(client));
      client.on('error', () => client.destroy());
      if (kind === 'vnc') {
        client.write(RFB_BANNER);
        return;
      }
      client.write([...log(), FAKE_LOGIN_PROMPT].join('\r\n'));
      client.on('data', (bytes) => client.write(bytes));
    });
    kinds.set(kind, { path, server, clients });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    return path;
  }

  /** Closes guest `id`'s sockets and their sessions (the guest is gone, as its QEMU would be). */
  async close(id: string): Promise<void> {
    const kinds = this.guests.get(id);
    if (kinds === undefined) return;
    this.guests.delete(id);
    for (const { path, server, clients } of kinds.values()) {
      for (const client of clients) client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(path, { force: true });
    }
  }

  async closeAll(): Promise<void> {
    for (const id of [...this.guests.keys()]) await this.close(id);
  }
}
