// French and English: English strings are the keys, French lives in fr.ts. The language follows the
// browser until the user switches it; missing French is a test failure (test/e2e/console-i18n.test.ts).
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { fr } from './fr';

export type Language = 'en' | 'fr';
export type Translate = (text: string, vars?: Record<string, string | number>) => string;

interface I18n {
  language: Language;
  setLanguage(language: Language): void;
  t: Translate;
}

function interpolate(text: string, vars?: Record<string, string | number>): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function translator(language: Language): Translate {
  return (text, vars) => interpolate(language === 'fr' ? (fr[text] ?? text) : text, vars);
}

const Context = createContext<I18n>({ language: 'en', setLanguage: () => undefined, t: translator('en') });

function browserLanguage(): Language {
  return navigator.languages.some((l) => l.toLowerCase().startsWith('fr')) &&
    !navigator.languages
      .slice(
        0,
        navigator.languages.findIndex((l) => l.toLowerCase().startsWith('fr')),
      )
      .some((l) => l.toLowerCase().startsWith('en'))
    ? 'fr'
    : 'en';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(browserLanguage);
  const value = useMemo<I18n>(
    () => ({
      language,
      setLanguage(next) {
        document.documentElement.lang = next;
        setLanguageState(next);
      },
      t: translator(language),
    }),
    [language],
  );
  document.documentElement.lang = language;
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  return useContext(Context);
}

export function useT(): Translate {
  return useContext(Context).t;
}
