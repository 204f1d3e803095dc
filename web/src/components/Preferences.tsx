// Language and theme switches (the theme choice is the only thing kept in local storage).
import { Group, SegmentedControl, useMantineColorScheme } from '@mantine/core';
import { useI18n } from '../i18n';

export function Preferences() {
  const { language, setLanguage, t } = useI18n();
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  return (
    <Group gap="xs">
      <SegmentedControl
        size="xs"
        aria-label={t('Language')}
        value={language}
        onChange={(v) => setLanguage(v as 'en' | 'fr')}
        data={[
          { value: 'en', label: 'English' },
          { value: 'fr', label: 'Français' },
        ]}
      />
      <SegmentedControl
        size="xs"
        aria-label={t('Theme')}
        value={colorScheme}
        onChange={(v) => setColorScheme(v as 'light' | 'dark' | 'auto')}
        data={[
          { value: 'light', label: t('Light') },
          { value: 'dark', label: t('Dark') },
          { value: 'auto', label: t('Auto') },
        ]}
      />
    </Group>
  );
}
