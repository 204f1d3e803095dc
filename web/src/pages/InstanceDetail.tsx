// One instance: its facts, the actions its state allows (for those who may act), console log, serial
// and graphical consoles.
import { Button, Code, Group, Modal, Select, Stack, Table, Tabs, Text, TextInput } from '@mantine/core';
import { lazy, Suspense, useState } from 'react';
import { addressesOf, nova, serverAction, type Flavor, type Server } from '../api/compute';
import { useLoad, useRunner } from '../api/hooks';
import { listImages } from '../api/network';
import { ConfirmButton, ErrorAlert, PageTitle, StatusBadge } from '../components/common';
import { useT } from '../i18n';
import { canWrite, useSession } from '../session-context';

const SerialConsole = lazy(() => import('../components/SerialConsole'));
const GraphicalConsole = lazy(() => import('../components/GraphicalConsole'));

type Dialog = 'resize' | 'snapshot' | 'rebuild' | undefined;

function ActionDialog({
  kind,
  server,
  onClose,
}: {
  kind: Exclude<Dialog, undefined>;
  server: Server;
  onClose(): void;
}) {
  const t = useT();
  const { session } = useSession();
  const runner = useRunner();
  const [value, setValue] = useState<string | null>(kind === 'snapshot' ? `${server.name}-snapshot` : null);
  const options = useLoad(async () => {
    if (kind === 'resize')
      return (await nova<{ flavors: Flavor[] }>(session, '/flavors/detail')).flavors.map((f) => ({
        value: f.id,
        label: f.name,
      }));
    if (kind === 'rebuild')
      return (await listImages(session, '&status=active')).map((i) => ({
        value: i.id,
        label: i.name ?? i.id,
      }));
    return [];
  }, [kind]);
  const titles = { resize: t('Resize'), snapshot: t('Create snapshot'), rebuild: t('Rebuild') };
  const submit = async () => {
    const body =
      kind === 'resize'
        ? { resize: { flavorRef: value } }
        : kind === 'rebuild'
          ? { rebuild: { imageRef: value } }
          : { createImage: { name: value } };
    if ((await runner.run(() => serverAction(session, server.id, body))) !== undefined || !runner.error)
      onClose();
  };
  return (
    <Modal opened onClose={onClose} title={titles[kind]}>
      <Stack>
        <ErrorAlert error={runner.error ?? options.error} />
        {kind === 'snapshot' ? (
          <TextInput
            label={t('Snapshot name')}
            value={value ?? ''}
            onChange={(e) => setValue(e.currentTarget.value)}
          />
        ) : (
          <Select
            label={kind === 'resize' ? t('Flavor') : t('Image')}
            data={options.data ?? []}
            value={value}
            onChange={setValue}
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('Cancel')}
          </Button>
          <Button loading={runner.busy} disabled={!value} onClick={() => void submit()}>
            {titles[kind]}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function Actions({ server, onGone }: { server: Server; onGone(): void }) {
  const t = useT();
  const { session } = useSession();
  const runner = useRunner();
  const [dialog, setDialog] = useState<Dialog>();
  const act = (body: Record<string, unknown>) =>
    void runner.run(() => serverAction(session, server.id, body));
  const s = server.status;
  const buttons: [string, boolean, () => void][] = [
    [t('Start'), s === 'SHUTOFF', () => act({ 'os-start': null })],
    [t('Stop'), s === 'ACTIVE', () => act({ 'os-stop': null })],
    [t('Reboot'), s === 'ACTIVE', () => act({ reboot: { type: 'SOFT' } })],
    [t('Pause'), s === 'ACTIVE', () => act({ pause: null })],
    [t('Unpause'), s === 'PAUSED', () => act({ unpause: null })],
    [t('Resize'), s === 'ACTIVE' || s === 'SHUTOFF', () => setDialog('resize')],
    [t('Confirm resize'), s === 'VERIFY_RESIZE', () => act({ confirmResize: null })],
    [t('Revert resize'), s === 'VERIFY_RESIZE', () => act({ revertResize: null })],
    [t('Create snapshot'), s === 'ACTIVE' || s === 'SHUTOFF', () => setDialog('snapshot')],
    [t('Rebuild'), s === 'ACTIVE' || s === 'SHUTOFF', () => setDialog('rebuild')],
  ];
  return (
    <>
      <ErrorAlert error={runner.error} />
      <Group gap="xs" mb="md">
        {buttons
          .filter(([, shown]) => shown)
          .map(([label, , onClick]) => (
            <Button key={label} size="xs" variant="light" onClick={onClick} loading={runner.busy}>
              {label}
            </Button>
          ))}
        <ConfirmButton
          label={t('Delete')}
          question={t('Delete instance {name}?', { name: server.name })}
          onConfirm={async () => {
            if (
              (await runner.run(() => nova(session, `/servers/${server.id}`, { method: 'DELETE' }))) !==
              undefined
            )
              onGone();
          }}
        />
      </Group>
      {dialog && <ActionDialog kind={dialog} server={server} onClose={() => setDialog(undefined)} />}
    </>
  );
}

function ConsoleLog({ id }: { id: string }) {
  const t = useT();
  const { session } = useSession();
  const log = useLoad(
    () =>
      serverAction(session, id, { 'os-getConsoleOutput': { length: 200 } }) as Promise<{ output: string }>,
    [id],
    5_000,
  );
  return (
    <>
      <ErrorAlert error={log.error} />
      <Code block aria-label={t('Console log')} style={{ maxHeight: 480, overflow: 'auto' }}>
        {log.data?.output ?? ''}
      </Code>
    </>
  );
}

export default function InstanceDetail({ id, onGone }: { id: string; onGone(): void }) {
  const t = useT();
  const { session } = useSession();
  const server = useLoad(
    () => nova<{ server: Server }>(session, `/servers/${id}`).then((r) => r.server),
    [id],
    2_000,
  );
  const s = server.data;
  const [tab, setTab] = useState<string | null>('overview');
  if (!s) return <ErrorAlert error={server.error} />;
  const running = s.status === 'ACTIVE';
  return (
    <>
      <PageTitle title={s.name}>
        <StatusBadge status={s.status} />
      </PageTitle>
      {canWrite(session) && <Actions server={s} onGone={onGone} />}
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="overview">{t('Overview')}</Tabs.Tab>
          <Tabs.Tab value="log">{t('Console log')}</Tabs.Tab>
          {canWrite(session) && running && <Tabs.Tab value="serial">{t('Serial console')}</Tabs.Tab>}
          {canWrite(session) && running && <Tabs.Tab value="vnc">{t('Graphical console')}</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="overview" pt="md">
          <Table>
            <Table.Tbody>
              {[
                [t('ID'), s.id],
                [t('Flavor'), s.flavor.original_name ?? ''],
                [t('Addresses'), addressesOf(s).join(', ')],
                [t('Key pair'), s.key_name ?? '—'],
                [
                  t('Volumes'),
                  (s['os-extended-volumes:volumes_attached'] ?? []).map((v) => v.id).join(', ') || '—',
                ],
                [t('Created'), new Date(s.created).toLocaleString()],
                [t('Fault'), s.fault?.message ?? '—'],
              ].map(([k, v]) => (
                <Table.Tr key={k}>
                  <Table.Th w={160}>{k}</Table.Th>
                  <Table.Td>
                    <Text size="sm">{v}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Tabs.Panel>
        <Tabs.Panel value="log" pt="md">
          <ConsoleLog id={s.id} />
        </Tabs.Panel>
        <Suspense fallback={<Text>{t('Loading…')}</Text>}>
          <Tabs.Panel value="serial" pt="md">
            <SerialConsole serverId={s.id} />
          </Tabs.Panel>
          <Tabs.Panel value="vnc" pt="md">
            <GraphicalConsole serverId={s.id} />
          </Tabs.Panel>
        </Suspense>
      </Tabs>
    </>
  );
}
