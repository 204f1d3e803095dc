// The console proxy (Nova's novncproxy and serialproxy in one): WebSocket upgrades on the API port at
// /console/websocket?token=… are checked (token, origin, server state) before the handshake, then relayed
// byte for byte to the guest's VNC or serial unix socket. Browsers' noVNC and xterm.js pages, and any
// client that `openstack console url show` feeds, use the same endpoint.
import type { IncomingMessage, Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ConsoleGrant, ConsoleTokens } from './console-tokens.js';

export const CONSOLE_WEBSOCKET_PATH = '/console/websocket';

/** Where a granted console lives now; a reason when the server cannot be reached (deleted, stopped). */
export type ConsoleTarget = { socketPath: string } | { refused: string };

export interface ConsoleProxyDeps {
  tokens: ConsoleTokens;
  targetOf(grant: ConsoleGrant): Promise<ConsoleTarget>;
  log: { info(o: object, msg: string): void; warn(o: object, msg: string): void };
  /** Sessions open at once, across all guests. */
  maxSessions?: number;
}

export interface ConsoleProxy {
  /** Sessions open now (for tests and shutdown). */
  sessions(): number;
  close(): void;
}

const MAX_FRAME_BYTES = 1024 * 1024;
// Above this much unsent data towards the browser the guest side is paused (a slow client must not make
// the proxy buffer a guest's whole output).
const HIGH_WATER_BYTES = 1024 * 1024;

function reject(socket: Duplex, status: number, reason: string): void {
  const text = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

/** A page of another site may not open a console (cross-site WebSocket hijacking), as Nova's proxy checks. */
function sameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function relay(ws: WebSocket, guest: Socket, onClose: () => void): void {
  guest.on('data', (chunk: Buffer) => {
    ws.send(chunk, { binary: true }, () => {
      if (guest.isPaused() && ws.bufferedAmount < HIGH_WATER_BYTES) guest.resume();
    });
    if (ws.bufferedAmount >= HIGH_WATER_BYTES) guest.pause();
  });
  guest.on('drain', () => ws.resume());
  ws.on('message', (data: RawData) => {
    const chunks = Array.isArray(data) ? data : [Buffer.from(data as Buffer)];
    for (const chunk of chunks) if (!guest.write(chunk)) ws.pause();
  });
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    guest.destroy();
    ws.close();
    onClose();
  };
  guest.on('close', finish);
  guest.on('error', finish);
  ws.on('close', finish);
  ws.on('error', finish);
}

export function attachConsoleProxy(server: Server, deps: ConsoleProxyDeps): ConsoleProxy {
  const maxSessions = deps.maxSessions ?? 64;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  let open = 0;

  async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://console.invalid');
    if (url.pathname !== CONSOLE_WEBSOCKET_PATH) return reject(socket, 404, 'Not Found');
    if (!sameOrigin(request)) return reject(socket, 403, 'Forbidden');
    const grant = deps.tokens.verify(url.searchParams.get('token') ?? '');
    if (grant === undefined) return reject(socket, 401, 'Unauthorized');
    if (open >= maxSessions) return reject(socket, 503, 'Service Unavailable');
    const target = await deps.targetOf(grant);
    if ('refused' in target) return reject(socket, 409, 'Conflict');
    const guest = connect(target.socketPath);
    guest.once('error', () => reject(socket, 502, 'Bad Gateway'));
    guest.once('connect', () => {
      guest.removeAllListeners('error');
      open += 1;
      wss.handleUpgrade(request, socket, head, (ws) => {
        deps.log.info(
          { event: 'console.opened', serverId: grant.serverId, kind: grant.kind },
          'console opened',
        );
        relay(ws, guest, () => {
          open -= 1;
          deps.log.info(
            { event: 'console.closed', serverId: grant.serverId, kind: grant.kind },
            'console closed',
          );
        });
      });
    });
  }

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    upgrade(request, socket, head).catch((err: unknown) => {
      deps.log.warn({ event: 'console.upgrade.failed', err }, 'console upgrade failed');
      reject(socket, 500, 'Internal Server Error');
    });
  };
  server.on('upgrade', onUpgrade);
  return {
    sessions: () => open,
    close() {
      server.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
