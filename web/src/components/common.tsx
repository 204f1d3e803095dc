// Small shared pieces built on Mantine: page titles, the API's error shown as an alert, status badges,
// and a button that asks before it deletes.
import { Alert, Badge, Button, Group, Modal, Stack, Text, Title, type ButtonProps } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useT } from '../i18n';

export function PageTitle({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Group justify="space-between" mb="md">
      <Title order={1} size="h2">
        {title}
      </Title>
      <Group gap="xs">{children}</Group>
    </Group>
  );
}

export function ErrorAlert({ error }: { error: string | undefined }) {
  const t = useT();
  if (!error) return null;
  return (
    <Alert color="red" role="alert" title={t('The cloud refused')} mb="sm">
      {error}
    </Alert>
  );
}

const COLORS: Record<string, string> = {
  ACTIVE: 'green',
  'in-use': 'green',
  available: 'teal',
  active: 'green',
  BUILD: 'blue',
  creating: 'blue',
  SHUTOFF: 'gray',
  PAUSED: 'yellow',
  SUSPENDED: 'yellow',
  VERIFY_RESIZE: 'orange',
  ERROR: 'red',
  error: 'red',
  DOWN: 'gray',
  UP: 'green',
};

export function StatusBadge({ status }: { status: string | undefined }) {
  const t = useT();
  const value = status ?? '';
  return (
    // Filled shade 9 with white text: the light variants fail WCAG AA contrast; Mantine's green.9
    // (#2b8a3e) is still 4.36:1 under white, so green is darkened to 5.9:1.
    <Badge
      color={COLORS[value] === 'green' ? '#1f6f32' : `${COLORS[value] ?? 'gray'}.9`}
      variant="filled"
      data-status={value}
    >
      {t(value)}
    </Badge>
  );
}

export function ConfirmButton({
  label,
  question,
  onConfirm,
  ...props
}: { label: string; question: string; onConfirm(): Promise<unknown> | void } & ButtonProps) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  return (
    <>
      <Button color="red" variant="light" size="xs" {...props} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={label}>
        <Stack>
          <Text>{question}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              {t('Cancel')}
            </Button>
            <Button
              color="red"
              loading={busy}
              onClick={async () => {
                setBusy(true);
                try {
                  await onConfirm();
                } finally {
                  setBusy(false);
                  setOpen(false);
                }
              }}
            >
              {t('Confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** Saves a Blob as a file the browser downloads. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
