// Instances: the live list (polled; faster while something is changing), launch, and the detail page
// with actions, console log and in-browser consoles.
import { Anchor, Button, Group, Table, Text } from '@mantine/core';
import { lazy, memo, Suspense, useState } from 'react';
import { addressesOf, listServers, type Server } from '../api/compute';
import { useLoad } from '../api/hooks';
import { ErrorAlert, PageTitle, StatusBadge } from '../components/common';
import { useT } from '../i18n';
import { go } from '../router';
import { canWrite, useSession } from '../session-context';

const LaunchForm = lazy(() => import('./LaunchForm'));
const InstanceDetail = lazy(() => import('./InstanceDetail'));

const TRANSITIONAL = new Set(['BUILD', 'REBOOT', 'HARD_REBOOT', 'RESIZE', 'REBUILD', 'MIGRATING']);

/** What a row shows: a poll that changes none of it re-renders nothing (500 rows every 2 s). */
function sameRow(a: { server: Server }, b: { server: Server }): boolean {
  const x = a.server;
  const y = b.server;
  return (
    x.id === y.id &&
    x.name === y.name &&
    x.status === y.status &&
    x['OS-EXT-STS:task_state'] === y['OS-EXT-STS:task_state'] &&
    x.flavor?.original_name === y.flavor?.original_name &&
    x.created === y.created &&
    addressesOf(x).join() === addressesOf(y).join()
  );
}

const Row = memo(function Row({ server }: { server: Server }) {
  const t = useT();
  const task = server['OS-EXT-STS:task_state'];
  return (
    <Table.Tr data-server={server.name}>
      <Table.Td>
        <Anchor href={`#/instances/${server.id}`}>{server.name}</Anchor>
      </Table.Td>
      <Table.Td>
        <StatusBadge status={server.status} />
        {task ? (
          <Text span size="xs" c="dimmed" ml={6}>
            {t(task)}
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td>{server.flavor?.original_name ?? '—'}</Table.Td>
      <Table.Td>{addressesOf(server).join(', ') || '—'}</Table.Td>
      <Table.Td>{new Date(server.created).toLocaleString()}</Table.Td>
    </Table.Tr>
  );
}, sameRow);

export function Instances({ route }: { route: string[] }) {
  const t = useT();
  const { session } = useSession();
  const [launching, setLaunching] = useState(false);
  const [fast, setFast] = useState(true);
  const servers = useLoad(
    async () => {
      const list = await listServers(session);
      setFast(list.some((s) => TRANSITIONAL.has(s.status) || s['OS-EXT-STS:task_state']));
      return list;
    },
    [session.token],
    fast ? 2_000 : 5_000,
  );
  if (route[0]) {
    return (
      <Suspense fallback={<Text>{t('Loading…')}</Text>}>
        <InstanceDetail id={route[0]} onGone={() => go('instances')} />
      </Suspense>
    );
  }
  const list = servers.data ?? [];
  return (
    <>
      <PageTitle title={t('Instances')}>
        {canWrite(session) && <Button onClick={() => setLaunching(true)}>{t('Launch instance')}</Button>}
      </PageTitle>
      <ErrorAlert error={servers.error} />
      <Table striped highlightOnHover aria-label={t('Instances')} data-loaded={servers.data !== undefined}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('Name')}</Table.Th>
            <Table.Th>{t('Status')}</Table.Th>
            <Table.Th>{t('Flavor')}</Table.Th>
            <Table.Th>{t('Addresses')}</Table.Th>
            <Table.Th>{t('Created')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.map((s) => (
            <Row key={s.id} server={s} />
          ))}
        </Table.Tbody>
      </Table>
      {servers.data !== undefined && list.length === 0 && (
        <Text c="dimmed" mt="md">
          {t('No instances yet.')}
        </Text>
      )}
      {launching && (
        <Suspense fallback={null}>
          <LaunchForm
            onClose={() => setLaunching(false)}
            onLaunched={() => {
              setLaunching(false);
              servers.reload();
            }}
          />
        </Suspense>
      )}
      <Group mt="sm">
        <Text size="xs" c="dimmed">
          {t('{count} instances', { count: list.length })}
        </Text>
      </Group>
    </>
  );
}
