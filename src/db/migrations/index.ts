// The ordered list of migrations. Names are ISO-dated so that their order is their history.
import type { Migration } from 'kysely';
import * as identity from './2026-11-29-identity.js';
import * as objectStore from './2026-11-29-object-store.js';

export const migrations: Record<string, Migration> = {
  '2026-11-29-identity': identity,
  '2026-11-29-object-store': objectStore,
};
