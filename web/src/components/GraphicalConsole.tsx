// The graphical console in the browser: noVNC over the console proxy's WebSocket.
import { Box, Button, Group, Text } from '@mantine/core';
import RFB from '@novnc/novnc';
import { useEffect, useRef, useState } from 'react';
import { consoleUrl, websocketOf } from '../api/compute';
import { useT } from '../i18n';
import { useSession } from '../session-context';

export default function GraphicalConsole({ serverId }: { serverId: string }) {
  const t = useT();
  const { session } = useSession();
  const host = useRef<HTMLDivElement>(null);
  const rfb = useRef<RFB>(undefined);
  const [state, setState] = useState('connecting');
  const [url, setUrl] = useState<string>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let closed = false;
    consoleUrl(session, serverId, 'vnc').then(
      (pageUrl) => {
        if (closed || !host.current) return;
        setUrl(pageUrl);
        const client = new RFB(host.current, websocketOf(pageUrl));
        client.scaleViewport = true;
        client.addEventListener('connect', () => setState('connected'));
        client.addEventListener('disconnect', () => setState('disconnected'));
        rfb.current = client;
      },
      (err: unknown) => {
        setError(err instanceof Error ? err.message : String(err));
        setState('disconnected');
      },
    );
    return () => {
      closed = true;
      rfb.current?.disconnect();
    };
  }, [serverId, session]);
  return (
    <Box>
      <Group mb="xs">
        <Text size="sm" role="status" data-console-state={state}>
          {t(state === 'connected' ? 'Connected' : state === 'connecting' ? 'Connecting…' : 'Disconnected')}
        </Text>
        <Button
          size="xs"
          variant="default"
          onClick={() => rfb.current?.sendCtrlAltDel()}
          disabled={state !== 'connected'}
        >
          {t('Send Ctrl+Alt+Del')}
        </Button>
        {url && (
          <Button size="xs" variant="default" component="a" href={url} target="_blank" rel="noreferrer">
            {t('Open in a new tab')}
          </Button>
        )}
        {error && (
          <Text size="sm" c="red" role="alert">
            {error}
          </Text>
        )}
      </Group>
      <div ref={host} aria-label={t('Graphical console')} style={{ height: 480, background: '#000' }} />
    </Box>
  );
}
