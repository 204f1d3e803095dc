// Network: networks with their subnets, routers, floating IPs, security groups with a rule editor, and a
// topology picture of the project's networks, routers and instances.
import { Button, Group, Modal, NumberInput, Select, Stack, Table, Tabs, TextInput } from '@mantine/core';
import { useState } from 'react';
import { listServers } from '../api/compute';
import { useLoad, useRunner } from '../api/hooks';
import {
  listNetworks,
  listSecurityGroups,
  listSubnets,
  neutron,
  type FloatingIp,
  type Port,
  type Router,
  type SecurityGroup,
} from '../api/network';
import { ConfirmButton, ErrorAlert, PageTitle, StatusBadge } from '../components/common';
import { Topology } from '../components/Topology';
import { useT } from '../i18n';
import { canWrite, useSession } from '../session-context';

function Networks() {
  const t = useT();
  const { session } = useSession();
  const runner = useRunner();
  const [name, setName] = useState('');
  const [cidr, setCidr] = useState('10.0.0.0/24');
  const data = useLoad(
    async () => ({ networks: await listNetworks(session), subnets: await listSubnets(session) }),
    [session.token],
    5_000,
  );
  const create = () =>
    runner
      .run(async () => {
        const { network } = await neutron<{ network: { id: string } }>(session, '/networks', 'POST', {
          network: { name },
        });
        await neutron(session, '/subnets', 'POST', {
          subnet: { network_id: network.id, name: `${name}-subnet`, cidr, ip_version: 4 },
        });
      })
      .then(data.reload);
  return (
    <>
      <ErrorAlert error={data.error ?? runner.error} />
      {canWrite(session) && (
        <Group align="end" mb="md">
          <TextInput
            label={t('Network name')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <TextInput label={t('Subnet CIDR')} value={cidr} onChange={(e) => setCidr(e.currentTarget.value)} />
          <Button onClick={() => void create()} loading={runner.busy} disabled={!name}>
            {t('Create network')}
          </Button>
        </Group>
      )}
      <Table striped aria-label={t('Networks')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('Name')}</Table.Th>
            <Table.Th>{t('Subnets')}</Table.Th>
            <Table.Th>{t('Status')}</Table.Th>
            <Table.Th>{t('External')}</Table.Th>
            {canWrite(session) && <Table.Th>{t('Actions')}</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(data.data?.networks ?? []).map((n) => (
            <Table.Tr key={n.id}>
              <Table.Td>{n.name || n.id}</Table.Td>
              <Table.Td>
                {(data.data?.subnets ?? [])
                  .filter((s) => s.network_id === n.id)
                  .map((s) => s.cidr)
                  .join(', ')}
              </Table.Td>
              <Table.Td>
                <StatusBadge status={n.status} />
              </Table.Td>
              <Table.Td>{n['router:external'] ? t('Yes') : t('No')}</Table.Td>
              {canWrite(session) && (
                <Table.Td>
                  {n.project_id === session.project?.id && (
                    <ConfirmButton
                      label={t('Delete')}
                      question={t('Delete network {name}?', { name: n.name || n.id })}
                      onConfirm={() =>
                        runner.run(() => neutron(session, `/networks/${n.id}`, 'DELETE')).then(data.reload)
                      }
                    />
                  )}
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}

function Routers() {
  const t = useT();
  const { session } = useSession();
  const runner = useRunner();
  const [name, setName] = useState('');
  const [subnet, setSubnet] = useState<string | null>(null);
  const [router, setRouter] = useState<string | null>(null);
  const data = useLoad(
    async () => ({
      routers: (await neutron<{ routers: Router[] }>(session, '/routers')).routers,
      networks: await listNetworks(session),
      subnets: await listSubnets(session),
    }),
    [session.token],
    5_000,
  );
  const external = data.data?.networks.find((n) => n['router:external']);
  const create = () =>
    runner
      .run(() =>
        neutron(session, '/routers', 'POST', {
          router: { name, ...(external ? { external_gateway_info: { network_id: external.id } } : {}) },
        }),
      )
      .then(data.reload);
  const addInterface = () =>
    runner
      .run(() => neutron(session, `/routers/${router}/add_router_interface`, 'PUT', { subnet_id: subnet }))
      .then(data.reload);
  return (
    <>
      <ErrorAlert error={data.error ?? runner.error} />
      {canWrite(session) && (
        <Stack mb="md">
          <Group align="end">
            <TextInput
              label={t('Router name')}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
            />
            <Button onClick={() => void create()} loading={runner.busy} disabled={!name}>
              {t('Create router')}
            </Button>
          </Group>
          <Group align="end">
            <Select
              label={t('Router')}
              value={router}
              onChange={setRouter}
              data={(data.data?.routers ?? []).map((r) => ({ value: r.id, label: r.name || r.id }))}
            />
            <Select
              label={t('Subnet')}
              value={subnet}
              onChange={setSubnet}
              data={(data.data?.subnets ?? []).map((s) => ({
                value: s.id,
                label: `${s.name || s.id} (${s.cidr})`,
              }))}
            />
            <Button onClick={() => void addInterface()} disabled={!router || !subnet} loading={runner.busy}>
              {t('Add interface')}
            </Button>
          </Group>
        </Stack>
      )}
      <Table striped aria-label={t('Routers')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('Name')}</Table.Th>
            <Table.Th>{t('Status')}</Table.Th>
            <Table.Th>{t('External gateway')}</Table.Th>
            {canWrite(session) && <Table.Th>{t('Actions')}</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(data.data?.routers ?? []).map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td>{r.name || r.id}</Table.Td>
              <Table.Td>
                <StatusBadge status={r.status} />
              </Table.Td>
              <Table.Td>{r.external_gateway_info ? t('Yes') : t('No')}</Table.Td>
              {canWrite(session) && (
                <Table.Td>
                  <ConfirmButton
                    label={t('Delete')}
                    question={t('Delete router {name}?', { name: r.name || r.id })}
                    onConfirm={() =>
                      runner
                        .run(async () => {
                          const ports = (
                            await neutron<{ ports: Port[] }>(session, `/ports?device_id=${r.id}`)
                          ).ports;
                          for (const p of ports.filter((p) => p.device_owner === 'network:router_interface'))
                            await neutron(session, `/routers/${r.id}/remove_router_interface`, 'PUT', {
                              port_id: p.id,
                            });
                          await neutron(session, `/routers/${r.id}`, 'DELETE');
                        })
                        .then(data.reload)
                    }
                  />
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}

function FloatingIps() {
  const t = useT();
  const { session } = useSession();
  const runner = useRunner();
  const [associating, setAssociating] = useState<FloatingIp>();
  const [port, setPort] = useState<string | null>(null);
  const data = useLoad(
    async () => {
      const [fips, networks, ports, servers] = await Promise.all([
        neutron<{ floatingips: FloatingIp[] }>(session, '/floatingips').then((r) => r.floatingips),
        listNetworks(session),
        neutron<{ ports: Port[] }>(session, '/ports?device_owner=compute:nova').then((r) => r.ports),
        listServers(session),
      ]);
      return { fips, networks, ports, servers };
    },
    [session.token],
    4_000,
  );
  const external = data.data?.networks.find((n) => n['router:external']);
  const portLabel = (p: Port) =>
    `${data.data?.servers.find((s) => s.id === p.device_id)?.name ?? p.device_id} ${p.fixed_ips[0]?.ip_address ?? ''}`;
  return (
    <>
      <ErrorAlert error={data.error ?? runner.error} />
      {canWrite(session) && (
        <Button
          mb="md"
          disabled={!external}
          loading={runner.busy}
          onClick={() =>
            void runner
              .run(() =>
                neutron(session, '/floatingips', 'POST', {
                  floatingip: { floating_network_id: external?.id },
                }),
              )
              .then(data.reload)
          }
        >
          {t('Allocate floating IP')}
        </Button>
      )}
      <Table striped aria-label={t('Floating IPs')}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('Address')}</Table.Th>
            <Table.Th>{t('Fixed address')}</Table.Th>
            <Table.Th>{t('Status')}</Table.Th>
            {canWrite(session) && <Table.Th>{t('Actions')}</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(data.data?.fips ?? []).map((f) => (
            <Table.Tr key={f.id} data-fip={f.floating_ip_address}>
              <Table.Td>{f.floating_ip_address}</Table.Td>
              <Table.Td>{f.fixed_ip_address ?? '—'}</Table.Td>
              <Table.Td>
                <StatusBadge status={f.status} />
              </Table.Td>
              {canWrite(session) && (
                <Table.Td>
                  <Group gap={4}>
                    {f.port_id ? (
                      <Button
                        size="xs"
                        variant="light"
                        onClick={() =>
                          void runner
                            .run(() =>
                              neutron(session, `/floatingips/${f.id}`, 'PUT', {
                                floatingip: { port_id: null },
                              }),
                            )
                            .then(data.reload)
                        }
                      >
                        {t('Disassociate')}
                      </Button>
                    ) : (
                      <Button size="xs" variant="light" onClick={() => setAssociating(f)}>
                        {t('Associate')}
                      </Button>
                    )}
                    <ConfirmButton
                      label={t('Release')}
                      question={t('Release {address}?', { address: f.floating_ip_address })}
                      onConfirm={() =>
                        runner.run(() => neutron(session, `/floatingips/${f.id}`, 'DELETE')).then(data.reload)
                      }
                    />
                  </Group>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {associating && (
        <Modal opened onClose={() => setAssociating(undefined)} title={t('Associate')}>
          <Stack>
            <Select
              label={t('Instance port')}
              value={port}
              onChange={setPort}
              data={(data.data?.ports ?? []).map((p) => ({ value: p.id, label: portLabel(p) }))}
            />
            <Button
              disabled={!port}
              loading={runner.busy}
              onClick={() =>
                void runner
                  .run(() =>
                    neutron(session, `/floatingips/${associating.id}`, 'PUT', {
                      floatingip: { port_id: port },
                    }),
                  )
                  .then(() => {
                    setAssociating(undefined);
                    data.reload();
                  })
              }
            >
              {t('Associate')}
            </Button>
          </Stack>
        </Modal>
      )}
    </>
  );
}

function RuleEditor({ group, onChanged }: { group: SecurityGroup; onChanged(): void }) {
  const t = useT();
  const { session } = useSession();
  const runner = useRunner();
  const [protocol, setProtocol] = useState<string | null>('tcp');
  const [port, setPort] = useState<number | string>(22);
  const [prefix, setPrefix] = useState('0.0.0.0/0');
  const add = () =>
    runner
      .run(() =>
        neutron(session, '/security-group-rules', 'POST', {
          security_group_rule: {
            security_group_id: group.id,
            direction: 'ingress',
            ethertype: 'IPv4',
            protocol: protocol === 'any' ? null : protocol,
            ...(protocol === 'tcp' || protocol === 'udp'
              ? { port_range_min: Number(port), port_range_max: Number(port) }
              : {}),
            remote_ip_prefix: prefix,
          },
        }),
      )
      .then(onChanged);
  return (
    <Stack gap="xs" mb="lg">
      <ErrorAlert error={runner.error} />
      <Table aria-label={t('Rules of {name}', { name: group.name })}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('Direction')}</Table.Th>
            <Table.Th>{t('Protocol')}</Table.Th>
            <Table.Th>{t('Ports')}</Table.Th>
            <Table.Th>{t('Remote')}</Table.Th>
            {canWrite(session) && <Table.Th>{t('Actions')}</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {group.security_group_rules.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td>{t(r.direction)}</Table.Td>
              <Table.Td>{r.protocol ?? t('any')}</Table.Td>
              <Table.Td>
                {r.port_range_min === null ? t('any') : `${r.port_range_min}-${r.port_range_max}`}
              </Table.Td>
              <Table.Td>{r.remote_ip_prefix ?? r.remote_group_id ?? t('any')}</Table.Td>
              {canWrite(session) && (
                <Table.Td>
                  <ConfirmButton
                    label={t('Delete')}
                    question={t('Delete this rule?')}
                    onConfirm={() =>
                      runner
                        .run(() => neutron(session, `/security-group-rules/${r.id}`, 'DELETE'))
                        .then(onChanged)
                    }
                  />
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {canWrite(session) && (
        <Group align="end">
          <Select
            label={t('Protocol')}
            value={protocol}
            onChange={setProtocol}
            // Picking the current protocol again keeps it (a deselect would silently mean "any").
            allowDeselect={false}
            data={['tcp', 'udp', 'icmp', 'any']}
            w={100}
          />
          <NumberInput label={t('Port')} value={port} onChange={setPort} min={1} max={65535} w={100} />
          <TextInput
            label={t('Remote CIDR')}
            value={prefix}
            onChange={(e) => setPrefix(e.currentTarget.value)}
          />
          <Button onClick={() => void add()} loading={runner.busy}>
            {t('Add rule')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function SecurityGroups() {
  const t = useT();
  const { session } = useSession();
  const runner = useRunner();
  const [name, setName] = useState('');
  const groups = useLoad(() => listSecurityGroups(session), [session.token]);
  return (
    <>
      <ErrorAlert error={groups.error ?? runner.error} />
      {canWrite(session) && (
        <Group align="end" mb="md">
          <TextInput label={t('Group name')} value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Button
            disabled={!name}
            onClick={() =>
              void runner
                .run(() => neutron(session, '/security-groups', 'POST', { security_group: { name } }))
                .then(groups.reload)
            }
          >
            {t('Create security group')}
          </Button>
        </Group>
      )}
      {(groups.data ?? []).map((g) => (
        <div key={g.id}>
          <Group justify="space-between">
            <strong>{g.name}</strong>
            {canWrite(session) && g.name !== 'default' && (
              <ConfirmButton
                label={t('Delete')}
                question={t('Delete security group {name}?', { name: g.name })}
                onConfirm={() =>
                  runner.run(() => neutron(session, `/security-groups/${g.id}`, 'DELETE')).then(groups.reload)
                }
              />
            )}
          </Group>
          <RuleEditor group={g} onChanged={groups.reload} />
        </div>
      ))}
    </>
  );
}

export default function Network() {
  const t = useT();
  return (
    <>
      <PageTitle title={t('Network')} />
      <Tabs defaultValue="networks" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="networks">{t('Networks')}</Tabs.Tab>
          <Tabs.Tab value="routers">{t('Routers')}</Tabs.Tab>
          <Tabs.Tab value="fips">{t('Floating IPs')}</Tabs.Tab>
          <Tabs.Tab value="groups">{t('Security groups')}</Tabs.Tab>
          <Tabs.Tab value="topology">{t('Topology')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="networks" pt="md">
          <Networks />
        </Tabs.Panel>
        <Tabs.Panel value="routers" pt="md">
          <Routers />
        </Tabs.Panel>
        <Tabs.Panel value="fips" pt="md">
          <FloatingIps />
        </Tabs.Panel>
        <Tabs.Panel value="groups" pt="md">
          <SecurityGroups />
        </Tabs.Panel>
        <Tabs.Panel value="topology" pt="md">
          <Topology />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
