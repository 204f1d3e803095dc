// Cloud administration: hypervisors, all instances, flavors, public images, compute services.
import { Button, Group, NumberInput, Tabs, TextInput } from '@mantine/core';
import { useState } from 'react';
import { listServers, nova, type Flavor } from '../api/compute';
import { useRunner } from '../api/hooks';
import { listImages } from '../api/network';
import { bytes, ConfirmButton, ErrorAlert, PageTitle, StatusBadge } from '../components/common';
import { ResourceTable } from '../components/ResourceTable';
import { useT } from '../i18n';
import { useSession } from '../session-context';

interface Hypervisor {
  id: string;
  hypervisor_hostname: string;
  state: string;
  status: string;
  hypervisor_type?: string;
}
interface Service {
  id: string;
  binary: string;
  host: string;
  state: string;
  status: string;
}

function Flavors() {
  const t = useT();
  const { session } = useSession();
  const runner = useRunner();
  const [name, setName] = useState('');
  const [vcpus, setVcpus] = useState<number | string>(1);
  const [ram, setRam] = useState<number | string>(512);
  const [disk, setDisk] = useState<number | string>(1);
  const [version, setVersion] = useState(0);
  const create = () =>
    runner
      .run(() =>
        nova(session, '/flavors', {
          method: 'POST',
          body: { flavor: { name, vcpus: Number(vcpus), ram: Number(ram), disk: Number(disk) } },
        }),
      )
      .then(() => setVersion((v) => v + 1));
  return (
    <>
      <ErrorAlert error={runner.error} />
      <Group align="end" mb="md">
        <TextInput label={t('Name')} value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <NumberInput label={t('vCPUs')} min={1} value={vcpus} onChange={setVcpus} w={90} />
        <NumberInput label={t('RAM (MiB)')} min={64} value={ram} onChange={setRam} w={110} />
        <NumberInput label={t('Disk (GiB)')} min={0} value={disk} onChange={setDisk} w={100} />
        <Button disabled={!name} loading={runner.busy} onClick={() => void create()}>
          {t('Create flavor')}
        </Button>
      </Group>
      <ResourceTable
        label={t('Flavors')}
        deps={[session.token, version]}
        load={async () =>
          (await nova<{ flavors: Flavor[] }>(session, '/flavors/detail?is_public=None')).flavors
        }
        columns={[
          { label: t('Name'), value: (f: Flavor) => f.name },
          { label: t('vCPUs'), value: (f: Flavor) => f.vcpus },
          { label: t('RAM (MiB)'), value: (f: Flavor) => f.ram },
          { label: t('Disk (GiB)'), value: (f: Flavor) => f.disk },
          {
            label: t('Public'),
            value: (f: Flavor) => (f['os-flavor-access:is_public'] === false ? t('No') : t('Yes')),
          },
          {
            label: t('Actions'),
            value: (f: Flavor) => (
              <ConfirmButton
                label={t('Delete')}
                question={t('Delete flavor {name}?', { name: f.name })}
                onConfirm={() =>
                  runner
                    .run(() => nova(session, `/flavors/${encodeURIComponent(f.id)}`, { method: 'DELETE' }))
                    .then(() => setVersion((v) => v + 1))
                }
              />
            ),
          },
        ]}
      />
    </>
  );
}

export default function Admin() {
  const t = useT();
  const { session } = useSession();
  return (
    <>
      <PageTitle title={t('Administration')} />
      <Tabs defaultValue="hypervisors" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="hypervisors">{t('Hypervisors')}</Tabs.Tab>
          <Tabs.Tab value="instances">{t('All instances')}</Tabs.Tab>
          <Tabs.Tab value="flavors">{t('Flavors')}</Tabs.Tab>
          <Tabs.Tab value="images">{t('Public images')}</Tabs.Tab>
          <Tabs.Tab value="services">{t('Services')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="hypervisors" pt="md">
          <ResourceTable
            label={t('Hypervisors')}
            deps={[session.token]}
            load={async () =>
              (await nova<{ hypervisors: Hypervisor[] }>(session, '/os-hypervisors/detail')).hypervisors
            }
            columns={[
              { label: t('Host'), value: (h: Hypervisor) => h.hypervisor_hostname },
              { label: t('Type'), value: (h: Hypervisor) => h.hypervisor_type ?? '—' },
              { label: t('State'), value: (h: Hypervisor) => <StatusBadge status={h.state.toUpperCase()} /> },
              { label: t('Status'), value: (h: Hypervisor) => t(h.status) },
            ]}
          />
        </Tabs.Panel>
        <Tabs.Panel value="instances" pt="md">
          <ResourceTable
            label={t('All instances')}
            deps={[session.token]}
            pollMs={5_000}
            load={() => listServers(session, true)}
            columns={[
              { label: t('Name'), value: (s) => s.name },
              { label: t('Project'), value: (s) => s.tenant_id },
              { label: t('Status'), value: (s) => <StatusBadge status={s.status} /> },
            ]}
          />
        </Tabs.Panel>
        <Tabs.Panel value="flavors" pt="md">
          <Flavors />
        </Tabs.Panel>
        <Tabs.Panel value="images" pt="md">
          <ResourceTable
            label={t('Public images')}
            deps={[session.token]}
            load={() => listImages(session, '&visibility=public')}
            columns={[
              { label: t('Name'), value: (i) => i.name ?? i.id },
              { label: t('Status'), value: (i) => <StatusBadge status={i.status} /> },
              { label: t('Size'), value: (i) => bytes(i.size) },
            ]}
          />
        </Tabs.Panel>
        <Tabs.Panel value="services" pt="md">
          <ResourceTable
            label={t('Services')}
            deps={[session.token]}
            load={async () => (await nova<{ services: Service[] }>(session, '/os-services')).services}
            columns={[
              { label: t('Service'), value: (s: Service) => s.binary },
              { label: t('Host'), value: (s: Service) => s.host },
              { label: t('State'), value: (s: Service) => <StatusBadge status={s.state.toUpperCase()} /> },
              { label: t('Status'), value: (s: Service) => t(s.status) },
            ]}
          />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
