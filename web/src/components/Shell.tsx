// The frame around every page: navigation (admin sections only for those the policy allows), project and
// region switchers, language and theme, logout.
import { AppShell, Burger, Button, Group, NavLink, ScrollArea, Select, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { lazy, Suspense, type ComponentType } from 'react';
import { useLoad } from '../api/hooks';
import { regionsOf } from '../api/session';
import { useT } from '../i18n';
import { go, useRoute } from '../router';
import { isCloudAdmin, isProjectAdmin, useSession } from '../session-context';
import { Preferences } from './Preferences';
import { Instances } from '../pages/Instances';

const Volumes = lazy(() => import('../pages/Volumes'));
const Images = lazy(() => import('../pages/Images'));
const Network = lazy(() => import('../pages/Network'));
const ObjectStorage = lazy(() => import('../pages/ObjectStorage'));
const Access = lazy(() => import('../pages/Access'));
const Identity = lazy(() => import('../pages/Identity'));
const Admin = lazy(() => import('../pages/Admin'));

interface Section {
  path: string;
  label: string;
  page: ComponentType<{ route: string[] }>;
  visible: boolean;
}

export function Shell() {
  const t = useT();
  const { session, switchProject, switchRegion, logout } = useSession();
  const [opened, { toggle }] = useDisclosure();
  const route = useRoute();
  const projects = useLoad(async () => {
    const response = await fetch('/identity/v3/auth/projects', {
      headers: { 'x-auth-token': session.token },
    });
    return ((await response.json()) as { projects: { id: string; name: string }[] }).projects;
  }, [session.token]);
  const sections: Section[] = [
    { path: 'instances', label: t('Instances'), page: Instances, visible: true },
    { path: 'volumes', label: t('Volumes'), page: Volumes, visible: true },
    { path: 'images', label: t('Images'), page: Images, visible: true },
    { path: 'network', label: t('Network'), page: Network, visible: true },
    { path: 'storage', label: t('Object storage'), page: ObjectStorage, visible: true },
    { path: 'access', label: t('Access'), page: Access, visible: true },
    { path: 'identity', label: t('Identity'), page: Identity, visible: isProjectAdmin(session) },
    { path: 'admin', label: t('Administration'), page: Admin, visible: isCloudAdmin(session) },
  ];
  const visible = sections.filter((s) => s.visible);
  const current = visible.find((s) => s.path === route[0]) ?? visible[0];
  const Page = current?.page ?? Instances;
  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('Menu')} />
            <Title order={2} size="h4">
              Nuage
            </Title>
            <Select
              aria-label={t('Project')}
              size="xs"
              w={180}
              value={session.project?.id ?? null}
              data={(projects.data ?? (session.project ? [session.project] : [])).map((p) => ({
                value: p.id,
                label: p.name,
              }))}
              onChange={(id) => id && id !== session.project?.id && void switchProject(id)}
              allowDeselect={false}
            />
            <Select
              aria-label={t('Region')}
              size="xs"
              w={130}
              value={session.region}
              data={regionsOf(session)}
              onChange={(r) => r && void switchRegion(r)}
              allowDeselect={false}
            />
          </Group>
          <Group wrap="nowrap" gap="sm">
            <Preferences />
            <Text size="sm" visibleFrom="md">
              {session.userName}
            </Text>
            <Button size="xs" variant="default" onClick={() => void logout()}>
              {t('Sign out')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label={t('Main navigation')}>
        <ScrollArea>
          {visible.map((s) => (
            <NavLink
              key={s.path}
              href={`#/${s.path}`}
              label={s.label}
              active={s === current}
              aria-current={s === current ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                go(s.path);
              }}
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<Text>{t('Loading…')}</Text>}>
          <Page key={`${session.project?.id}-${session.region}`} route={route.slice(1)} />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
