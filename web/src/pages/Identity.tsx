// Identity for project and cloud admins: projects, users, groups, roles, and the project's quotas.
import { Button, Group, Tabs, TextInput } from '@mantine/core';
import { useState } from 'react';
import { json } from '../api/client';
import { nova } from '../api/compute';
import { useRunner } from '../api/hooks';
import { ErrorAlert, PageTitle } from '../components/common';
import { ResourceTable } from '../components/ResourceTable';
import { useT } from '../i18n';
import { isCloudAdmin, useSession } from '../session-context';

interface Named {
  id: string;
  name: string;
  enabled?: boolean;
  domain_id?: string;
  description?: string;
}

export default function Identity() {
  const t = useT();
  const { session } = useSession();
  const runner = useRunner();
  const [name, setName] = useState('');
  const [version, setVersion] = useState(0);
  const list = (kind: string) => async () =>
    (await json<Record<string, Named[]>>(session, 'identity', `/${kind}`))[kind] ?? [];
  const columns = [
    { label: t('Name'), value: (r: Named) => r.name },
    { label: t('ID'), value: (r: Named) => r.id },
    { label: t('Enabled'), value: (r: Named) => (r.enabled === false ? t('No') : t('Yes')) },
  ];
  const admin = isCloudAdmin(session);
  return (
    <>
      <PageTitle title={t('Identity')} />
      <ErrorAlert error={runner.error} />
      <Tabs defaultValue={admin ? 'projects' : 'quotas'} keepMounted={false}>
        <Tabs.List>
          {admin && <Tabs.Tab value="projects">{t('Projects')}</Tabs.Tab>}
          {admin && <Tabs.Tab value="users">{t('Users')}</Tabs.Tab>}
          {admin && <Tabs.Tab value="groups">{t('Groups')}</Tabs.Tab>}
          {admin && <Tabs.Tab value="roles">{t('Roles')}</Tabs.Tab>}
          <Tabs.Tab value="quotas">{t('Quotas')}</Tabs.Tab>
        </Tabs.List>
        {(['projects', 'users', 'groups', 'roles'] as const).map((kind) => (
          <Tabs.Panel key={kind} value={kind} pt="md">
            {kind !== 'roles' && (
              <Group align="end" mb="md">
                <TextInput label={t('Name')} value={name} onChange={(e) => setName(e.currentTarget.value)} />
                <Button
                  disabled={!name}
                  loading={runner.busy}
                  onClick={() =>
                    void runner
                      .run(() =>
                        json(session, 'identity', `/${kind}`, {
                          method: 'POST',
                          body: { [kind.slice(0, -1)]: { name, domain_id: 'default' } },
                        }),
                      )
                      .then(() => setVersion((v) => v + 1))
                  }
                >
                  {t('Create')}
                </Button>
              </Group>
            )}
            <ResourceTable
              label={t(kind[0]!.toUpperCase() + kind.slice(1))}
              load={list(kind)}
              columns={columns}
              deps={[session.token, kind, version]}
            />
          </Tabs.Panel>
        ))}
        <Tabs.Panel value="quotas" pt="md">
          <ResourceTable
            label={t('Quotas')}
            load={async () => {
              const q = (
                await nova<{ quota_set: Record<string, number | string> }>(
                  session,
                  `/os-quota-sets/${session.project?.id}`,
                )
              ).quota_set;
              return Object.entries(q).filter(([k]) => k !== 'id');
            }}
            columns={[
              { label: t('Resource'), value: (r: [string, number | string]) => r[0] },
              { label: t('Limit'), value: (r: [string, number | string]) => String(r[1]) },
            ]}
            deps={[session.token]}
          />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
