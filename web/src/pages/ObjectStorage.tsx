// Object storage: containers (public/private), pseudo-folders, drag-and-drop upload of many files with
// per-file and total progress, download, delete, and temporary share links (TempURL) with an expiry.
import {
  Anchor,
  Badge,
  Box,
  Breadcrumbs,
  Button,
  Group,
  Modal,
  NumberInput,
  Paper,
  Progress,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import { call, endpoint, json } from '../api/client';
import { useLoad, useRunner } from '../api/hooks';
import type { Session } from '../api/session';
import { tempUrl, uploadObject } from '../api/swift-upload';
import { bytes, ConfirmButton, ErrorAlert, PageTitle, saveBlob } from '../components/common';
import { useT } from '../i18n';
import { go } from '../router';
import { canWrite, useSession } from '../session-context';

interface Container {
  name: string;
  count: number;
  bytes: number;
}
interface Entry {
  name?: string;
  subdir?: string;
  bytes?: number;
  last_modified?: string;
}
interface FileProgress {
  name: string;
  size: number;
  sent: number;
  error?: string;
  done: boolean;
}

function Containers() {
  const t = useT();
  const { session } = useSession();
  const runner = useRunner();
  const [name, setName] = useState('');
  const list = useLoad(() => json<Container[]>(session, 'object-store', '?format=json'), [session.token]);
  return (
    <>
      <PageTitle title={t('Object storage')} />
      <ErrorAlert error={list.error ?? runner.error} />
      {canWrite(session) && (
        <Group align="end" mb="md">
          <TextInput
            label={t('Container name')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <Button
            disabled={!name}
            loading={runner.busy}
            onClick={() =>
              void runner
                .run(() => call(session, 'object-store', `/${encodeURIComponent(name)}`, { method: 'PUT' }))
                .then(list.reload)
            }
          >
            {t('Create container')}
          </Button>
        </Group>
      )}
      <Table striped aria-label={t('Containers')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('Name')}</Table.Th>
            <Table.Th>{t('Objects')}</Table.Th>
            <Table.Th>{t('Size')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data ?? []).map((c) => (
            <Table.Tr key={c.name}>
              <Table.Td>
                <Anchor href={`#/storage/${encodeURIComponent(c.name)}`}>{c.name}</Anchor>
              </Table.Td>
              <Table.Td>{c.count}</Table.Td>
              <Table.Td>{bytes(c.bytes)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}

function Uploads({
  session,
  container,
  prefix,
  onDone,
}: {
  session: Session;
  container: string;
  prefix: string;
  onDone(): void;
}) {
  const t = useT();
  const [files, setFiles] = useState<FileProgress[]>([]);
  const [over, setOver] = useState(false);
  const start = async (list: File[]) => {
    const entries = list.map((f) => ({ name: f.name, size: f.size, sent: 0, done: false }));
    setFiles(entries);
    const update = (i: number, patch: Partial<FileProgress>) =>
      setFiles((old) => old.map((f, j) => (j === i ? { ...f, ...patch } : f)));
    // Three at a time: enough to fill the link, few enough to keep per-file progress meaningful.
    let next = 0;
    const worker = async () => {
      while (next < list.length) {
        const i = next++;
        const file = list[i] as File;
        try {
          await uploadObject(session, container, `${prefix}${file.name}`, file, (sent) =>
            update(i, { sent }),
          );
          update(i, { sent: file.size, done: true });
        } catch (err) {
          update(i, { error: err instanceof Error ? err.message : String(err) });
        }
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    onDone();
  };
  const total = files.reduce((s, f) => s + f.size, 0);
  const sent = files.reduce((s, f) => s + f.sent, 0);
  return (
    <Stack gap="xs" mb="md">
      <Paper
        withBorder
        p="lg"
        bg={over ? 'var(--mantine-color-blue-light)' : undefined}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void start([...e.dataTransfer.files]);
        }}
      >
        <Group>
          <Text size="sm">{t('Drop files here, or')}</Text>
          <input
            type="file"
            multiple
            aria-label={t('Choose files to upload')}
            onChange={(e) => void start([...(e.currentTarget.files ?? [])])}
          />
        </Group>
      </Paper>
      {files.length > 0 && (
        <Box>
          <Text size="sm">{t('Total: {sent} of {total}', { sent: bytes(sent), total: bytes(total) })}</Text>
          <Progress
            value={total ? (sent / total) * 100 : 0}
            aria-label={t('Total upload progress')}
            data-testid="total-progress"
          />
          {files.map((f) => (
            <Group key={f.name} gap="xs" wrap="nowrap">
              <Text size="xs" w={200} truncate>
                {f.name}
              </Text>
              <Progress
                style={{ flex: 1 }}
                value={f.size ? (f.sent / f.size) * 100 : 100}
                color={f.error ? 'red' : f.done ? 'green' : 'blue'}
                aria-label={t('Progress of {name}', { name: f.name })}
              />
              {f.error && (
                <Text size="xs" c="red" role="alert">
                  {f.error}
                </Text>
              )}
            </Group>
          ))}
        </Box>
      )}
    </Stack>
  );
}

function ShareLink({
  session,
  container,
  name,
  onClose,
}: {
  session: Session;
  container: string;
  name: string;
  onClose(): void;
}) {
  const t = useT();
  const runner = useRunner();
  const [hours, setHours] = useState<number | string>(24);
  const [url, setUrl] = useState<string>();
  return (
    <Modal opened onClose={onClose} title={t('Temporary link')}>
      <Stack>
        <ErrorAlert error={runner.error} />
        <NumberInput label={t('Valid for (hours)')} min={1} max={24 * 30} value={hours} onChange={setHours} />
        <Button
          loading={runner.busy}
          onClick={() =>
            void runner
              .run(() => tempUrl(session, container, name, Number(hours) * 3600))
              .then((u) => u && setUrl(u))
          }
        >
          {t('Create link')}
        </Button>
        {url && (
          <TextInput readOnly label={t('Link')} value={url} onFocus={(e) => e.currentTarget.select()} />
        )}
      </Stack>
    </Modal>
  );
}

function Objects({ container, path }: { container: string; path: string[] }) {
  const t = useT();
  const { session } = useSession();
  const runner = useRunner();
  const [sharing, setSharing] = useState<string>();
  const prefix = path.length ? `${path.join('/')}/` : '';
  const base = `/${encodeURIComponent(container)}`;
  const data = useLoad(async () => {
    const response = await call(session, 'object-store', base, { method: 'HEAD' });
    const entries = await json<Entry[]>(
      session,
      'object-store',
      `${base}?format=json&delimiter=/&prefix=${encodeURIComponent(prefix)}`,
    );
    return { entries, read: response.headers.get('x-container-read') ?? '' };
  }, [session.token, container, prefix]);
  const isPublic = (data.data?.read ?? '').includes('.r:*');
  const togglePublic = (value: boolean) =>
    runner
      .run(() =>
        call(session, 'object-store', base, {
          method: 'POST',
          headers: value ? { 'x-container-read': '.r:*,.rlistings' } : { 'x-remove-container-read': 'x' },
        }),
      )
      .then(data.reload);
  const download = (name: string) =>
    runner.run(async () => {
      const response = await call(
        session,
        'object-store',
        `${base}/${name.split('/').map(encodeURIComponent).join('/')}`,
      );
      saveBlob(await response.blob(), name.split('/').pop() ?? name);
    });
  return (
    <>
      <PageTitle title={container}>
        {canWrite(session) && (
          <Switch
            label={t('Public')}
            checked={isPublic}
            onChange={(e) => void togglePublic(e.currentTarget.checked)}
          />
        )}
        {isPublic && <Badge>{t('Public')}</Badge>}
      </PageTitle>
      <Breadcrumbs mb="sm">
        <Anchor href="#/storage">{t('Containers')}</Anchor>
        <Anchor href={`#/storage/${encodeURIComponent(container)}`}>{container}</Anchor>
        {path.map((p, i) => (
          <Anchor
            key={i}
            href={`#/storage/${[container, ...path.slice(0, i + 1)].map(encodeURIComponent).join('/')}`}
          >
            {p}
          </Anchor>
        ))}
      </Breadcrumbs>
      <ErrorAlert error={data.error ?? runner.error} />
      {canWrite(session) && (
        <Uploads session={session} container={container} prefix={prefix} onDone={data.reload} />
      )}
      <Table striped aria-label={t('Objects')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('Name')}</Table.Th>
            <Table.Th>{t('Size')}</Table.Th>
            <Table.Th>{t('Actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(data.data?.entries ?? []).map((e) =>
            e.subdir ? (
              <Table.Tr key={e.subdir}>
                <Table.Td>
                  <Anchor
                    onClick={() => go('storage', container, ...e.subdir!.replace(/\/$/, '').split('/'))}
                  >
                    📁 {e.subdir.slice(prefix.length)}
                  </Anchor>
                </Table.Td>
                <Table.Td>—</Table.Td>
                <Table.Td />
              </Table.Tr>
            ) : (
              <Table.Tr key={e.name} data-object={e.name}>
                <Table.Td>{e.name?.slice(prefix.length)}</Table.Td>
                <Table.Td>{bytes(e.bytes)}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <Button size="xs" variant="light" onClick={() => void download(e.name ?? '')}>
                      {t('Download')}
                    </Button>
                    {canWrite(session) && (
                      <>
                        <Button size="xs" variant="light" onClick={() => setSharing(e.name)}>
                          {t('Temporary link')}
                        </Button>
                        <ConfirmButton
                          label={t('Delete')}
                          question={t('Delete {name}?', { name: e.name ?? '' })}
                          onConfirm={() =>
                            runner
                              .run(() =>
                                call(
                                  session,
                                  'object-store',
                                  `${base}/${(e.name ?? '').split('/').map(encodeURIComponent).join('/')}?multipart-manifest=delete`,
                                  { method: 'DELETE' },
                                ),
                              )
                              .then(data.reload)
                          }
                        />
                      </>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ),
          )}
        </Table.Tbody>
      </Table>
      {canWrite(session) && (
        <Group mt="md">
          <ConfirmButton
            label={t('Delete container')}
            question={t('Delete container {name}? It must be empty.', { name: container })}
            onConfirm={() =>
              runner
                .run(() => call(session, 'object-store', base, { method: 'DELETE' }))
                .then((ok) => ok && go('storage'))
            }
          />
        </Group>
      )}
      {sharing && (
        <ShareLink
          session={session}
          container={container}
          name={sharing}
          onClose={() => setSharing(undefined)}
        />
      )}
      <Text size="xs" c="dimmed" mt="xs">
        {endpoint(session, 'object-store')}
      </Text>
    </>
  );
}

export default function ObjectStorage({ route }: { route: string[] }) {
  const [container, ...path] = route;
  return container ? <Objects container={container} path={path} /> : <Containers />;
}
