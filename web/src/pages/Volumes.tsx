// Volumes: create (blank or from an image), attach/detach, extend, snapshot, backup and restore, delete.
import { Button, Group, Modal, NumberInput, Select, Stack, Table, Tabs, TextInput } from '@mantine/core';
import { useState } from 'react';
import { json } from '../api/client';
import { listServers, nova } from '../api/compute';
import { useLoad, useRunner } from '../api/hooks';
import { listImages } from '../api/network';
import type { Session } from '../api/session';
import { ConfirmButton, ErrorAlert, PageTitle, StatusBadge } from '../components/common';
import { useT } from '../i18n';
import { canWrite, useSession } from '../session-context';

interface Volume {
  id: string;
  name: string | null;
  size: number;
  status: string;
  bootable: string;
  attachments: { server_id: string; device: string }[];
}
interface Backup {
  id: string;
  name: string | null;
  size: number;
  status: string;
  volume_id: string;
}
interface Snapshot {
  id: string;
  name: string | null;
  size: number;
  status: string;
  volume_id: string;
}

const cinder = <T,>(session: Session, path: string, method = 'GET', body?: unknown) =>
  json<T>(session, 'block-storage', path, { method, body, volumeVersion: '3.42' });

type Dialog =
  { kind: 'create' } | { kind: 'attach' | 'extend' | 'snapshot' | 'backup'; volume: Volume } | undefined;

function VolumeDialog({ dialog, onClose }: { dialog: Exclude<Dialog, undefined>; onClose(): void }) {
  const t = useT();
  const { session } = useSession();
  const runner = useRunner();
  const [name, setName] = useState('');
  const [size, setSize] = useState<number | string>(dialog.kind === 'extend' ? dialog.volume.size + 1 : 1);
  const [choice, setChoice] = useState<string | null>(null);
  const options = useLoad(async () => {
    if (dialog.kind === 'attach')
      return (await listServers(session)).map((s) => ({ value: s.id, label: s.name }));
    if (dialog.kind === 'create')
      return (await listImages(session, '&status=active')).map((i) => ({
        value: i.id,
        label: i.name ?? i.id,
      }));
    return [];
  }, [dialog.kind]);
  const submit = async () => {
    const ok = await runner.run(async () => {
      if (dialog.kind === 'create') {
        const volume: Record<string, unknown> = { name, size: Number(size) };
        if (choice) volume.imageRef = choice;
        return cinder(session, '/volumes', 'POST', { volume });
      }
      const v = dialog.volume;
      if (dialog.kind === 'attach')
        return nova(session, `/servers/${choice}/os-volume_attachments`, {
          method: 'POST',
          body: { volumeAttachment: { volumeId: v.id } },
        });
      if (dialog.kind === 'extend')
        return cinder(session, `/volumes/${v.id}/action`, 'POST', {
          'os-extend': { new_size: Number(size) },
        }).then(() => true);
      if (dialog.kind === 'snapshot')
        return cinder(session, '/snapshots', 'POST', { snapshot: { volume_id: v.id, name, force: true } });
      return cinder(session, '/backups', 'POST', { backup: { volume_id: v.id, name, force: true } });
    });
    if (ok !== undefined) onClose();
  };
  const titles = {
    create: t('Create volume'),
    attach: t('Attach'),
    extend: t('Extend'),
    snapshot: t('Create snapshot'),
    backup: t('Create backup'),
  };
  return (
    <Modal opened onClose={onClose} title={titles[dialog.kind]}>
      <Stack>
        <ErrorAlert error={runner.error ?? options.error} />
        {(dialog.kind === 'create' || dialog.kind === 'snapshot' || dialog.kind === 'backup') && (
          <TextInput label={t('Name')} value={name} onChange={(e) => setName(e.currentTarget.value)} />
        )}
        {(dialog.kind === 'create' || dialog.kind === 'extend') && (
          <NumberInput label={t('Size (GiB)')} min={1} value={size} onChange={setSize} />
        )}
        {dialog.kind === 'create' && (
          <Select
            label={t('Image (optional)')}
            clearable
            data={options.data ?? []}
            value={choice}
            onChange={setChoice}
          />
        )}
        {dialog.kind === 'attach' && (
          <Select label={t('Instance')} data={options.data ?? []} value={choice} onChange={setChoice} />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('Cancel')}
          </Button>
          <Button loading={runner.busy} onClick={() => void submit()}>
            {titles[dialog.kind]}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function VolumeList({ session, onDialog }: { session: Session; onDialog(d: Dialog): void }) {
  const t = useT();
  const runner = useRunner();
  const writer = canWrite(session);
  const volumes = useLoad(
    async () => (await cinder<{ volumes: Volume[] }>(session, '/volumes/detail')).volumes,
    [session.token],
    3_000,
  );
  const detach = (v: Volume) =>
    runner.run(() =>
      nova(session, `/servers/${v.attachments[0]?.server_id}/os-volume_attachments/${v.id}`, {
        method: 'DELETE',
      }),
    );
  return (
    <>
      <ErrorAlert error={volumes.error ?? runner.error} />
      <Table striped aria-label={t('Volumes')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('Name')}</Table.Th>
            <Table.Th>{t('Size (GiB)')}</Table.Th>
            <Table.Th>{t('Status')}</Table.Th>
            <Table.Th>{t('Attached to')}</Table.Th>
            {writer && <Table.Th>{t('Actions')}</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(volumes.data ?? []).map((v) => (
            <Table.Tr key={v.id} data-volume={v.name ?? v.id}>
              <Table.Td>{v.name || v.id}</Table.Td>
              <Table.Td>{v.size}</Table.Td>
              <Table.Td>
                <StatusBadge status={v.status} />
              </Table.Td>
              <Table.Td>
                {v.attachments.map((a) => `${a.server_id.slice(0, 8)} ${a.device}`).join(', ') || '—'}
              </Table.Td>
              {writer && (
                <Table.Td>
                  <Group gap={4}>
                    {v.status === 'available' && (
                      <Button
                        size="xs"
                        variant="light"
                        onClick={() => onDialog({ kind: 'attach', volume: v })}
                      >
                        {t('Attach')}
                      </Button>
                    )}
                    {v.status === 'in-use' && (
                      <Button size="xs" variant="light" onClick={() => void detach(v)}>
                        {t('Detach')}
                      </Button>
                    )}
                    <Button size="xs" variant="light" onClick={() => onDialog({ kind: 'extend', volume: v })}>
                      {t('Extend')}
                    </Button>
                    <Button
                      size="xs"
                      variant="light"
                      onClick={() => onDialog({ kind: 'snapshot', volume: v })}
                    >
                      {t('Snapshot')}
                    </Button>
                    <Button size="xs" variant="light" onClick={() => onDialog({ kind: 'backup', volume: v })}>
                      {t('Backup')}
                    </Button>
                    {v.status === 'available' && (
                      <ConfirmButton
                        label={t('Delete')}
                        question={t('Delete volume {name}?', { name: v.name || v.id })}
                        onConfirm={() => runner.run(() => cinder(session, `/volumes/${v.id}`, 'DELETE'))}
                      />
                    )}
                  </Group>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}

function Protections({ session, kind }: { session: Session; kind: 'snapshots' | 'backups' }) {
  const t = useT();
  const runner = useRunner();
  const list = useLoad(
    async () => (await cinder<Record<string, (Snapshot | Backup)[]>>(session, `/${kind}/detail`))[kind] ?? [],
    [session.token, kind],
    5_000,
  );
  return (
    <>
      <ErrorAlert error={list.error ?? runner.error} />
      <Table striped aria-label={kind === 'snapshots' ? t('Snapshots') : t('Backups')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('Name')}</Table.Th>
            <Table.Th>{t('Size (GiB)')}</Table.Th>
            <Table.Th>{t('Status')}</Table.Th>
            {canWrite(session) && <Table.Th>{t('Actions')}</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data ?? []).map((item) => (
            <Table.Tr key={item.id}>
              <Table.Td>{item.name || item.id}</Table.Td>
              <Table.Td>{item.size}</Table.Td>
              <Table.Td>
                <StatusBadge status={item.status} />
              </Table.Td>
              {canWrite(session) && (
                <Table.Td>
                  <Group gap={4}>
                    {kind === 'backups' && (
                      <Button
                        size="xs"
                        variant="light"
                        onClick={() =>
                          void runner.run(() =>
                            cinder(session, `/backups/${item.id}/restore`, 'POST', { restore: {} }),
                          )
                        }
                      >
                        {t('Restore')}
                      </Button>
                    )}
                    {kind === 'snapshots' && (
                      <Button
                        size="xs"
                        variant="light"
                        onClick={() =>
                          void runner.run(() =>
                            cinder(session, '/volumes', 'POST', {
                              volume: { size: item.size, snapshot_id: item.id },
                            }),
                          )
                        }
                      >
                        {t('Create volume')}
                      </Button>
                    )}
                    <ConfirmButton
                      label={t('Delete')}
                      question={t('Delete {name}?', { name: item.name || item.id })}
                      onConfirm={() => runner.run(() => cinder(session, `/${kind}/${item.id}`, 'DELETE'))}
                    />
                  </Group>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}

export default function Volumes() {
  const t = useT();
  const { session } = useSession();
  const [dialog, setDialog] = useState<Dialog>();
  return (
    <>
      <PageTitle title={t('Volumes')}>
        {canWrite(session) && (
          <Button onClick={() => setDialog({ kind: 'create' })}>{t('Create volume')}</Button>
        )}
      </PageTitle>
      <Tabs defaultValue="volumes" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="volumes">{t('Volumes')}</Tabs.Tab>
          <Tabs.Tab value="snapshots">{t('Snapshots')}</Tabs.Tab>
          <Tabs.Tab value="backups">{t('Backups')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="volumes" pt="md">
          <VolumeList session={session} onDialog={setDialog} />
        </Tabs.Panel>
        <Tabs.Panel value="snapshots" pt="md">
          <Protections session={session} kind="snapshots" />
        </Tabs.Panel>
        <Tabs.Panel value="backups" pt="md">
          <Protections session={session} kind="backups" />
        </Tabs.Panel>
      </Tabs>
      {dialog && <VolumeDialog dialog={dialog} onClose={() => setDialog(undefined)} />}
    </>
  );
}
