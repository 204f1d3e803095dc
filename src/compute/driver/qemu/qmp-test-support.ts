// A QMP server stand-in (QEMU's side of the socket) for the QMP client and hot-plug tests.
import net from 'node:net';
import path from 'node:path';

export type Responder = (request: Record<string, unknown>, socket: net.Socket) => void;

/** A QMP server stand-in on a unix socket: sends the greeting, answers capabilities, then `responder`. */
export async function fakeQmpServer(dir: string, responder: Responder) {
  const socketPath = path.join(dir, 'qmp.sock');
  const received: Record<string, unknown>[] = [];
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    // Split the greeting across writes to exercise the line framing.
    socket.write('{"QMP": {"version": {"qemu": {"major": 7, "minor": 2, "micro": 22}}, ');
    setTimeout(() => socket.write('"capabilities": ["oob"]}}\r\n'), 5);
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const request = JSON.parse(buffer.slice(0, newline)) as Record<string, unknown>;
        buffer = buffer.slice(newline + 1);
        received.push(request);
        if (request.execute === 'qmp_capabilities') socket.write(`{"return": {}, "id": "${request.id}"}\n`);
        else responder(request, socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    received,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
