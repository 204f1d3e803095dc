// The serial console in the browser: xterm.js over the console proxy's WebSocket (a fresh console URL
// from os-remote-consoles each time it opens).
import '@xterm/xterm/css/xterm.css';
import { Box, Group, Text } from '@mantine/core';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'react';
import { consoleUrl, websocketOf } from '../api/compute';
import { useT } from '../i18n';
import { useSession } from '../session-context';

export default function SerialConsole({ serverId }: { serverId: string }) {
  const t = useT();
  const { session } = useSession();
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState('connecting');
  const [error, setError] = useState<string>();
  useEffect(() => {
    const terminal = new Terminal({
      convertEol: false,
      cursorBlink: true,
      rows: 24,
      cols: 80,
      screenReaderMode: true,
    });
    if (host.current) terminal.open(host.current);
    let socket: WebSocket | undefined;
    let closed = false;
    consoleUrl(session, serverId, 'serial').then(
      (url) => {
        if (closed) return;
        socket = new WebSocket(websocketOf(url));
        socket.binaryType = 'arraybuffer';
        socket.onopen = () => {
          setState('connected');
          // A carriage return makes the getty print its prompt again.
          socket?.send('\r');
          terminal.focus();
        };
        socket.onmessage = (event) =>
          terminal.write(
            typeof event.data === 'string' ? event.data : new Uint8Array(event.data as ArrayBuffer),
          );
        socket.onclose = () => setState('disconnected');
        terminal.onData((data) => socket?.readyState === WebSocket.OPEN && socket.send(data));
      },
      (err: unknown) => {
        setError(err instanceof Error ? err.message : String(err));
        setState('disconnected');
      },
    );
    return () => {
      closed = true;
      socket?.close();
      terminal.dispose();
    };
  }, [serverId, session]);
  return (
    <Box>
      <Group mb="xs">
        <Text size="sm" role="status" data-console-state={state}>
          {t(state === 'connected' ? 'Connected' : state === 'connecting' ? 'Connecting…' : 'Disconnected')}
        </Text>
        {error && (
          <Text size="sm" c="red" role="alert">
            {error}
          </Text>
        )}
      </Group>
      <div
        ref={host}
        aria-label={t('Serial console')}
        data-testid="serial-console"
        style={{ background: '#000', padding: 4 }}
      />
    </Box>
  );
}
