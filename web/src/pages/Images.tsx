// Images: upload from the browser (the file is streamed by the browser from disk, never read whole into
// memory; a progress bar follows the bytes sent), visibility, sharing with other projects, delete.
import {
  Button,
  FileInput,
  Group,
  Modal,
  Progress,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import { endpoint, json, upload } from '../api/client';
import { useLoad, useRunner } from '../api/hooks';
import { listImages, type Image } from '../api/network';
import type { Session } from '../api/session';
import { bytes, ConfirmButton, ErrorAlert, PageTitle, StatusBadge } from '../components/common';
import { useT } from '../i18n';
import { canWrite, isCloudAdmin, useSession } from '../session-context';

const PATCH = 'application/openstack-images-v2.1-json-patch';

function UploadDialog({ onClose }: { onClose(): void }) {
  const t = useT();
  const { session } = useSession();
  const runner = useRunner();
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [format, setFormat] = useState<string | null>('qcow2');
  const [sent, setSent] = useState(0);
  const submit = async () => {
    if (!file) return;
    const done = await runner.run(async () => {
      const image = await json<Image>(session, 'image', '/v2/images', {
        method: 'POST',
        body: { name: name || file.name, disk_format: format, container_format: 'bare' },
      });
      await upload(
        `${endpoint(session, 'image')}/v2/images/${image.id}/file`,
        'PUT',
        file,
        { 'x-auth-token': session.token, 'content-type': 'application/octet-stream' },
        setSent,
      );
      return image;
    });
    if (done) onClose();
  };
  const percent = file && file.size > 0 ? (sent / file.size) * 100 : 0;
  return (
    <Modal opened onClose={onClose} title={t('Upload image')}>
      <Stack>
        <ErrorAlert error={runner.error} />
        <FileInput label={t('File')} value={file} onChange={setFile} required />
        <TextInput label={t('Name')} value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Select
          label={t('Disk format')}
          value={format}
          onChange={setFormat}
          data={['qcow2', 'raw', 'iso', 'vmdk', 'vdi']}
        />
        {runner.busy && <Progress value={percent} aria-label={t('Upload progress')} animated />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('Cancel')}
          </Button>
          <Button loading={runner.busy} disabled={!file} onClick={() => void submit()}>
            {t('Upload')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function ShareDialog({ image, onClose }: { image: Image; onClose(): void }) {
  const t = useT();
  const { session } = useSession();
  const runner = useRunner();
  const [project, setProject] = useState('');
  const members = useLoad(
    async () =>
      (
        await json<{ members: { member_id: string; status: string }[] }>(
          session,
          'image',
          `/v2/images/${image.id}/members`,
        )
      ).members,
    [image.id],
  );
  const share = async () => {
    await runner.run(async () => {
      if (image.visibility !== 'shared')
        await json(session, 'image', `/v2/images/${image.id}`, {
          method: 'PATCH',
          body: [{ op: 'replace', path: '/visibility', value: 'shared' }],
          headers: { 'content-type': PATCH },
        });
      await json(session, 'image', `/v2/images/${image.id}/members`, {
        method: 'POST',
        body: { member: project },
      });
    });
    members.reload();
  };
  return (
    <Modal opened onClose={onClose} title={t('Share image')}>
      <Stack>
        <ErrorAlert error={runner.error ?? members.error} />
        {(members.data ?? []).map((m) => (
          <Text key={m.member_id} size="sm">
            {m.member_id} — {t(m.status)}
          </Text>
        ))}
        <TextInput
          label={t('Project ID')}
          value={project}
          onChange={(e) => setProject(e.currentTarget.value)}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('Close')}
          </Button>
          <Button loading={runner.busy} disabled={!project} onClick={() => void share()}>
            {t('Share')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function visibilities(session: Session): string[] {
  return isCloudAdmin(session)
    ? ['private', 'shared', 'community', 'public']
    : ['private', 'shared', 'community'];
}

export default function Images() {
  const t = useT();
  const { session } = useSession();
  const runner = useRunner();
  const [uploading, setUploading] = useState(false);
  const [sharing, setSharing] = useState<Image>();
  const images = useLoad(() => listImages(session), [session.token, uploading], 4_000);
  const mine = (i: Image) => i.owner === session.project?.id || isCloudAdmin(session);
  const setVisibility = (image: Image, value: string | null) =>
    value &&
    void runner
      .run(() =>
        json(session, 'image', `/v2/images/${image.id}`, {
          method: 'PATCH',
          body: [{ op: 'replace', path: '/visibility', value }],
          headers: { 'content-type': PATCH },
        }),
      )
      .then(images.reload);
  return (
    <>
      <PageTitle title={t('Images')}>
        {canWrite(session) && <Button onClick={() => setUploading(true)}>{t('Upload image')}</Button>}
      </PageTitle>
      <ErrorAlert error={images.error ?? runner.error} />
      <Table striped aria-label={t('Images')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('Name')}</Table.Th>
            <Table.Th>{t('Status')}</Table.Th>
            <Table.Th>{t('Visibility')}</Table.Th>
            <Table.Th>{t('Size')}</Table.Th>
            <Table.Th>{t('Format')}</Table.Th>
            {canWrite(session) && <Table.Th>{t('Actions')}</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(images.data ?? []).map((i) => (
            <Table.Tr key={i.id}>
              <Table.Td>{i.name ?? i.id}</Table.Td>
              <Table.Td>
                <StatusBadge status={i.status} />
              </Table.Td>
              <Table.Td>
                {canWrite(session) && mine(i) ? (
                  <Select
                    size="xs"
                    aria-label={t('Visibility of {name}', { name: i.name ?? i.id })}
                    value={i.visibility}
                    data={[...new Set([...visibilities(session), i.visibility])].map((v) => ({
                      value: v,
                      label: t(v),
                    }))}
                    onChange={(v) => setVisibility(i, v)}
                    allowDeselect={false}
                  />
                ) : (
                  t(i.visibility)
                )}
              </Table.Td>
              <Table.Td>{bytes(i.size)}</Table.Td>
              <Table.Td>{i.disk_format ?? '—'}</Table.Td>
              {canWrite(session) && (
                <Table.Td>
                  {mine(i) && (
                    <Group gap={4}>
                      <Button size="xs" variant="light" onClick={() => setSharing(i)}>
                        {t('Share')}
                      </Button>
                      <ConfirmButton
                        label={t('Delete')}
                        question={t('Delete image {name}?', { name: i.name ?? i.id })}
                        onConfirm={() =>
                          runner
                            .run(() => json(session, 'image', `/v2/images/${i.id}`, { method: 'DELETE' }))
                            .then(images.reload)
                        }
                      />
                    </Group>
                  )}
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {uploading && <UploadDialog onClose={() => setUploading(false)} />}
      {sharing && <ShareDialog image={sharing} onClose={() => setSharing(undefined)} />}
    </>
  );
}
