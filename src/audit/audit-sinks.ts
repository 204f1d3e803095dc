// Where continuous audit export writes: a file (appended and fsynced, so an event counted as exported
// is on disk) or a syslog receiver over UDP or TCP (RFC 5424 messages; TCP frames them by octet count,
// RFC 6587). Node cannot write to the /dev/log datagram socket, hence a network receiver — on loopback,
// a local rsyslog/journald relay.
import { createSocket } from 'node:dgram';
import { open } from 'node:fs/promises';
import { connect } from 'node:net';
import { hostname } from 'node:os';

export type LineSink = (lines: string[]) => Promise<void>;

export function fileSink(path: string): LineSink {
  return async (lines) => {
    const handle = await open(path, 'a', 0o600);
    try {
      await handle.write(lines.map((l) => `${l}\n`).join(''));
      await handle.sync();
    } finally {
      await handle.close();
    }
  };
}

/** RFC 5424: facility security/authorization (10 = authpriv), severity informational (6). */
function syslogMessage(line: string): string {
  const pri = 10 * 8 + 6;
  return `<${pri}>1 ${new Date().toISOString()} ${hostname()} nuage - audit - ${line}`;
}

export function syslogSink(target: string): LineSink {
  const url = new URL(target);
  const port = Number(url.port);
  const host = url.hostname;
  if (url.protocol === 'udp:') {
    return async (lines) => {
      const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      try {
        for (const line of lines) {
          await new Promise<void>((resolve, reject) =>
            socket.send(Buffer.from(syslogMessage(line)), port, host, (err) =>
              err ? reject(err) : resolve(),
            ),
          );
        }
      } finally {
        socket.close();
      }
    };
  }
  return (lines) =>
    new Promise<void>((resolve, reject) => {
      const socket = connect({ host, port }, () => {
        const framed = lines.map((l) => {
          const msg = Buffer.from(syslogMessage(l));
          return `${msg.length} ${msg.toString()}`;
        });
        socket.end(framed.join(''), () => resolve());
      });
      socket.on('error', reject);
    });
}
