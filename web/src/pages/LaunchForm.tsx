// Launch instances: image, flavor, networks, key pair, security groups, user data, boot from volume, count.
import {
  Button,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Select,
  Stack,
  Switch,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import { nova, type Flavor } from '../api/compute';
import { useLoad, useRunner } from '../api/hooks';
import { listImages, listNetworks, listSecurityGroups } from '../api/network';
import { ErrorAlert } from '../components/common';
import { useT } from '../i18n';
import { useSession } from '../session-context';

function base64Utf8(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

export default function LaunchForm({ onClose, onLaunched }: { onClose(): void; onLaunched(): void }) {
  const t = useT();
  const { session } = useSession();
  const runner = useRunner();
  const choices = useLoad(async () => {
    const [images, flavors, networks, keys, groups] = await Promise.all([
      listImages(session, '&status=active'),
      nova<{ flavors: Flavor[] }>(session, '/flavors/detail').then((r) => r.flavors),
      listNetworks(session),
      nova<{ keypairs: { keypair: { name: string } }[] }>(session, '/os-keypairs').then((r) => r.keypairs),
      listSecurityGroups(session),
    ]);
    return {
      images,
      flavors,
      networks: networks.filter((n) => !n['router:external'] || n.shared),
      keys,
      groups,
    };
  }, [session.token]);
  const [name, setName] = useState('');
  const [image, setImage] = useState<string | null>(null);
  const [flavor, setFlavor] = useState<string | null>(null);
  const [networks, setNetworks] = useState<string[]>([]);
  const [key, setKey] = useState<string | null>(null);
  const [groups, setGroups] = useState<string[]>([]);
  const [userData, setUserData] = useState('');
  const [fromVolume, setFromVolume] = useState(false);
  const [volumeSize, setVolumeSize] = useState<number | string>(1);
  const [count, setCount] = useState<number | string>(1);
  const data = choices.data;
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const server: Record<string, unknown> = {
      name,
      flavorRef: flavor,
      min_count: Number(count),
      max_count: Number(count),
      networks: networks.length > 0 ? networks.map((uuid) => ({ uuid })) : 'auto',
    };
    if (fromVolume) {
      server.block_device_mapping_v2 = [
        {
          boot_index: 0,
          uuid: image,
          source_type: 'image',
          destination_type: 'volume',
          volume_size: Number(volumeSize),
          delete_on_termination: true,
        },
      ];
    } else server.imageRef = image;
    if (key) server.key_name = key;
    if (groups.length > 0) server.security_groups = groups.map((g) => ({ name: g }));
    if (userData) server.user_data = base64Utf8(userData);
    const done = await runner.run(() => nova(session, '/servers', { method: 'POST', body: { server } }));
    if (done !== undefined) onLaunched();
  };
  return (
    <Modal opened onClose={onClose} title={t('Launch instance')} size="lg">
      <form onSubmit={submit}>
        <Stack>
          <ErrorAlert error={choices.error ?? runner.error} />
          <TextInput
            label={t('Name')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            required
            data-autofocus
          />
          <Select
            label={t('Image')}
            required
            searchable
            value={image}
            onChange={setImage}
            data={(data?.images ?? []).map((i) => ({ value: i.id, label: i.name ?? i.id }))}
          />
          <Select
            label={t('Flavor')}
            required
            value={flavor}
            onChange={setFlavor}
            data={(data?.flavors ?? []).map((f) => ({
              value: f.id,
              label: `${f.name} — ${t('{vcpus} vCPU, {ram} MiB RAM, {disk} GiB disk', { vcpus: f.vcpus, ram: f.ram, disk: f.disk })}`,
            }))}
          />
          <MultiSelect
            label={t('Networks')}
            value={networks}
            onChange={setNetworks}
            data={(data?.networks ?? []).map((n) => ({ value: n.id, label: n.name || n.id }))}
          />
          <Select
            label={t('Key pair')}
            clearable
            value={key}
            onChange={setKey}
            data={(data?.keys ?? []).map((k) => k.keypair.name)}
          />
          <MultiSelect
            label={t('Security groups')}
            value={groups}
            onChange={setGroups}
            data={[...new Set((data?.groups ?? []).map((g) => g.name))]}
          />
          <Textarea
            label={t('User data')}
            value={userData}
            onChange={(e) => setUserData(e.currentTarget.value)}
            autosize
            minRows={2}
          />
          <Group grow>
            <Switch
              label={t('Boot from a new volume')}
              checked={fromVolume}
              onChange={(e) => setFromVolume(e.currentTarget.checked)}
            />
            {fromVolume && (
              <NumberInput
                label={t('Volume size (GiB)')}
                min={1}
                value={volumeSize}
                onChange={setVolumeSize}
              />
            )}
          </Group>
          <NumberInput label={t('Count')} min={1} max={100} value={count} onChange={setCount} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('Cancel')}
            </Button>
            <Button type="submit" loading={runner.busy}>
              {t('Launch')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
