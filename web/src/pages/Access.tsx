// Access: key pairs (create and download, import), clouds.yaml and openrc downloads, EC2/S3 credentials,
// application credentials.
import { Button, Code, Group, Stack, Table, Tabs, Textarea, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { endpoint, json } from '../api/client';
import { nova } from '../api/compute';
import { useLoad, useRunner } from '../api/hooks';
import type { Session } from '../api/session';
import { ConfirmButton, ErrorAlert, PageTitle, saveBlob } from '../components/common';
import { useT } from '../i18n';
import { canWrite, useSession } from '../session-context';

function KeyPairs({ session }: { session: Session }) {
  const t = useT();
  const runner = useRunner();
  const [name, setName] = useState('');
  const [publicKey, setPublicKey] = useState('');
  const keys = useLoad(
    async () =>
      (
        await nova<{ keypairs: { keypair: { name: string; fingerprint: string; type?: string } }[] }>(
          session,
          '/os-keypairs',
        )
      ).keypairs,
    [session.token],
  );
  const create = () =>
    runner
      .run(async () => {
        const body = { keypair: { name, ...(publicKey ? { public_key: publicKey } : {}) } };
        const answer = await nova<{ keypair: { private_key?: string } }>(session, '/os-keypairs', {
          method: 'POST',
          body,
          microversion: '2.10',
        });
        if (answer.keypair.private_key)
          saveBlob(new Blob([answer.keypair.private_key], { type: 'application/x-pem-file' }), `${name}.pem`);
      })
      .then(keys.reload);
  return (
    <Stack>
      <ErrorAlert error={keys.error ?? runner.error} />
      {canWrite(session) && (
        <Group align="end">
          <TextInput
            label={t('Key pair name')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <Textarea
            label={t('Public key to import (empty: generate one)')}
            value={publicKey}
            onChange={(e) => setPublicKey(e.currentTarget.value)}
            w={360}
          />
          <Button disabled={!name} loading={runner.busy} onClick={() => void create()}>
            {publicKey ? t('Import key pair') : t('Create key pair')}
          </Button>
        </Group>
      )}
      <Table striped aria-label={t('Key pairs')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('Name')}</Table.Th>
            <Table.Th>{t('Fingerprint')}</Table.Th>
            {canWrite(session) && <Table.Th>{t('Actions')}</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(keys.data ?? []).map(({ keypair: k }) => (
            <Table.Tr key={k.name}>
              <Table.Td>{k.name}</Table.Td>
              <Table.Td>
                <Code>{k.fingerprint}</Code>
              </Table.Td>
              {canWrite(session) && (
                <Table.Td>
                  <ConfirmButton
                    label={t('Delete')}
                    question={t('Delete key pair {name}?', { name: k.name })}
                    onConfirm={() =>
                      runner
                        .run(() =>
                          nova(session, `/os-keypairs/${encodeURIComponent(k.name)}`, { method: 'DELETE' }),
                        )
                        .then(keys.reload)
                    }
                  />
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function Files({ session }: { session: Session }) {
  const t = useT();
  const auth = `${location.origin}/identity/v3`;
  const password = session.credentials.kind === 'password';
  const clouds = [
    'clouds:',
    '  nuage:',
    '    auth:',
    `      auth_url: ${auth}`,
    ...(password
      ? [
          `      username: ${session.userName}`,
          `      user_domain_name: ${session.domainName}`,
          `      project_id: ${session.project?.id ?? ''}`,
        ]
      : [
          `      application_credential_id: ${session.credentials.kind === 'application' ? session.credentials.id : ''}`,
        ]),
    `    region_name: ${session.region}`,
    `    auth_type: ${password ? 'password' : 'v3applicationcredential'}`,
    '    identity_api_version: 3',
    '',
  ].join('\n');
  const openrc = [
    `export OS_AUTH_URL=${auth}`,
    `export OS_USERNAME=${session.userName}`,
    `export OS_USER_DOMAIN_NAME=${session.domainName}`,
    `export OS_PROJECT_ID=${session.project?.id ?? ''}`,
    `export OS_REGION_NAME=${session.region}`,
    'export OS_IDENTITY_API_VERSION=3',
    'read -sr -p "Password: " OS_PASSWORD && export OS_PASSWORD',
    '',
  ].join('\n');
  return (
    <Stack>
      <Group>
        <Button onClick={() => saveBlob(new Blob([clouds], { type: 'text/yaml' }), 'clouds.yaml')}>
          {t('Download clouds.yaml')}
        </Button>
        <Button onClick={() => saveBlob(new Blob([openrc], { type: 'text/plain' }), 'openrc.sh')}>
          {t('Download openrc')}
        </Button>
      </Group>
      <Code block>{clouds}</Code>
    </Stack>
  );
}

function Ec2({ session }: { session: Session }) {
  const t = useT();
  const runner = useRunner();
  const path = `/users/${session.userId}/credentials/OS-EC2`;
  const list = useLoad(
    async () =>
      (
        await json<{ credentials: { access: string; secret: string; tenant_id: string }[] }>(
          session,
          'identity',
          path,
        )
      ).credentials,
    [session.token],
  );
  const s3 = session.catalog
    .find((c) => c.type === 's3')
    ?.endpoints.find((e) => e.interface === 'public')?.url;
  return (
    <Stack>
      <ErrorAlert error={list.error ?? runner.error} />
      {s3 && <TextInput readOnly label={t('S3 endpoint')} value={s3} />}
      {canWrite(session) && (
        <Button
          w={240}
          loading={runner.busy}
          onClick={() =>
            void runner
              .run(() =>
                json(session, 'identity', path, { method: 'POST', body: { tenant_id: session.project?.id } }),
              )
              .then(list.reload)
          }
        >
          {t('Create EC2 credentials')}
        </Button>
      )}
      <Table striped aria-label={t('EC2 credentials')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('Access key')}</Table.Th>
            <Table.Th>{t('Secret key')}</Table.Th>
            <Table.Th>{t('Actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data ?? []).map((c) => (
            <Table.Tr key={c.access}>
              <Table.Td>
                <Code>{c.access}</Code>
              </Table.Td>
              <Table.Td>
                <Code>{c.secret}</Code>
              </Table.Td>
              <Table.Td>
                <ConfirmButton
                  label={t('Delete')}
                  question={t('Delete these credentials?')}
                  onConfirm={() =>
                    runner
                      .run(() => json(session, 'identity', `${path}/${c.access}`, { method: 'DELETE' }))
                      .then(list.reload)
                  }
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function AppCredentials({ session }: { session: Session }) {
  const t = useT();
  const runner = useRunner();
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ id: string; secret: string }>();
  const path = `/users/${session.userId}/application_credentials`;
  const list = useLoad(
    async () =>
      (
        await json<{ application_credentials: { id: string; name: string; expires_at: string | null }[] }>(
          session,
          'identity',
          path,
        )
      ).application_credentials,
    [session.token],
  );
  return (
    <Stack>
      <ErrorAlert error={list.error ?? runner.error} />
      <Group align="end">
        <TextInput label={t('Name')} value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Button
          disabled={!name}
          loading={runner.busy}
          onClick={() =>
            void runner
              .run(() =>
                json<{ application_credential: { id: string; secret: string } }>(session, 'identity', path, {
                  method: 'POST',
                  body: { application_credential: { name } },
                }),
              )
              .then((r) => {
                if (r) setCreated(r.application_credential);
                list.reload();
              })
          }
        >
          {t('Create application credential')}
        </Button>
      </Group>
      {created && (
        <Code block>
          {t('Shown once — ID: {id} Secret: {secret}', { id: created.id, secret: created.secret })}
        </Code>
      )}
      <Table striped aria-label={t('Application credentials')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('Name')}</Table.Th>
            <Table.Th>{t('ID')}</Table.Th>
            <Table.Th>{t('Actions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data ?? []).map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td>{c.name}</Table.Td>
              <Table.Td>
                <Code>{c.id}</Code>
              </Table.Td>
              <Table.Td>
                <ConfirmButton
                  label={t('Delete')}
                  question={t('Delete {name}?', { name: c.name })}
                  onConfirm={() =>
                    runner
                      .run(() => json(session, 'identity', `${path}/${c.id}`, { method: 'DELETE' }))
                      .then(list.reload)
                  }
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

export default function Access() {
  const t = useT();
  const { session } = useSession();
  void endpoint;
  return (
    <>
      <PageTitle title={t('Access')} />
      <Tabs defaultValue="keys" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="keys">{t('Key pairs')}</Tabs.Tab>
          <Tabs.Tab value="files">{t('Configuration files')}</Tabs.Tab>
          <Tabs.Tab value="ec2">{t('EC2/S3 credentials')}</Tabs.Tab>
          <Tabs.Tab value="app">{t('Application credentials')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="keys" pt="md">
          <KeyPairs session={session} />
        </Tabs.Panel>
        <Tabs.Panel value="files" pt="md">
          <Title order={2} size="h4" mb="sm">
            {t('Configuration files')}
          </Title>
          <Files session={session} />
        </Tabs.Panel>
        <Tabs.Panel value="ec2" pt="md">
          <Ec2 session={session} />
        </Tabs.Panel>
        <Tabs.Panel value="app" pt="md">
          <AppCredentials session={session} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
