// Login with Keystone: domain, user and password, or an application credential. Keystone's own message
// is shown when it refuses.
import {
  Alert,
  Button,
  Center,
  Paper,
  PasswordInput,
  SegmentedControl,
  Stack,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import type { Credentials } from '../api/session';
import { useRunner } from '../api/hooks';
import { Preferences } from '../components/Preferences';
import { useT } from '../i18n';

export function Login({ onLogin }: { onLogin(credentials: Credentials): Promise<void> }) {
  const t = useT();
  const runner = useRunner();
  const [kind, setKind] = useState<'password' | 'application'>('password');
  const [domain, setDomain] = useState('Default');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [id, setId] = useState('');
  const [secret, setSecret] = useState('');
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const credentials: Credentials =
      kind === 'password' ? { kind, domain, user, password } : { kind, id, secret };
    void runner.run(() => onLogin(credentials));
  };
  return (
    <Center mih="100vh" p="md">
      <Paper component="main" withBorder shadow="sm" p="xl" w={420}>
        <form onSubmit={submit} aria-labelledby="login-title">
          <Stack>
            <Title order={1} size="h2" id="login-title">
              {t('Sign in to Nuage')}
            </Title>
            <SegmentedControl
              aria-label={t('Authentication method')}
              value={kind}
              onChange={(v) => setKind(v as typeof kind)}
              data={[
                { value: 'password', label: t('Password') },
                { value: 'application', label: t('Application credential') },
              ]}
            />
            {kind === 'password' ? (
              <>
                <TextInput
                  label={t('Domain')}
                  value={domain}
                  onChange={(e) => setDomain(e.currentTarget.value)}
                  required
                />
                <TextInput
                  label={t('User name')}
                  value={user}
                  onChange={(e) => setUser(e.currentTarget.value)}
                  required
                  autoComplete="username"
                />
                <PasswordInput
                  label={t('Password')}
                  value={password}
                  onChange={(e) => setPassword(e.currentTarget.value)}
                  required
                  autoComplete="current-password"
                />
              </>
            ) : (
              <>
                <TextInput
                  label={t('Application credential ID')}
                  value={id}
                  onChange={(e) => setId(e.currentTarget.value)}
                  required
                />
                <PasswordInput
                  label={t('Secret')}
                  value={secret}
                  onChange={(e) => setSecret(e.currentTarget.value)}
                  required
                />
              </>
            )}
            {runner.error && (
              <Alert color="red" role="alert" title={t('Sign-in failed')}>
                {runner.error}
              </Alert>
            )}
            <Button type="submit" loading={runner.busy}>
              {t('Sign in')}
            </Button>
            <Preferences />
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
