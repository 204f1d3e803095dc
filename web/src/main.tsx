// Entry of the web console: Mantine (themes), the language provider, then the app.
import '@mantine/core/styles.css';
import './contrast.css';
import { createTheme, localStorageColorSchemeManager, MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { I18nProvider } from './i18n';

// Shade 8 keeps white text on primary buttons above WCAG AA contrast.
const theme = createTheme({ primaryColor: 'blue', primaryShade: 8, defaultRadius: 'sm' });
// Only the theme choice is stored (never a token).
const colorSchemeManager = localStorageColorSchemeManager({ key: 'nuage-color-scheme' });

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto" colorSchemeManager={colorSchemeManager}>
      <I18nProvider>
        <App />
      </I18nProvider>
    </MantineProvider>
  </StrictMode>,
);
