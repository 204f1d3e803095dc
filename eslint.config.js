// Lint rules: typescript-eslint's recommended set, the style guide's size limits, and the
// import boundaries of ARCHITECTURE.md (api/ never touches db/ or drivers; nobody reads process.env outside config/ and cli/).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'nuage-data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'max-lines': ['error', { max: 500, skipBlankLines: true, skipComments: true }],
      // The style guide's limit is 70 lines per function; the ratchet is at 100 (issue 18). A create*()
      // factory counts as one function, so factories are split along their operations.
      'max-lines-per-function': ['error', { max: 100, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Ratchet list: factories not yet split below 100 lines keep the old ceiling of 200. Remove a file
    // from this list once its functions are under 100; never add one.
    files: [
      'src/app.ts',
      'src/compute/compute-admin-test-support.ts',
      'src/compute/flavor-service.ts',
      'src/compute/flavor-store.ts',
      'src/compute/host-service.ts',
      'src/compute/host-store.ts',
      'src/compute/index.ts',
      'src/compute/server-actions.ts',
      'src/compute/server-lifecycle.ts',
      'src/compute/server-service.ts',
      'src/compute/server-store.ts',
      'src/compute/server-tasks.ts',
      'src/compute/server-volumes.ts',
      'src/compute/server-worker.ts',
      'src/db/migrations/2026-11-29-identity.ts',
      'src/identity/api/auth-routes.ts',
      'src/identity/assignment-lister.ts',
      'src/identity/assignment-service.ts',
      'src/identity/auth-service.ts',
      'src/identity/catalog-service.ts',
      'src/identity/catalog-store.ts',
      'src/identity/credential-store.ts',
      'src/identity/resource-service.ts',
      'src/identity/resource-store.ts',
      'src/identity/role-store.ts',
      'src/identity/token-service.ts',
      'src/identity/user-store.ts',
      'src/image/image-data.ts',
      'src/image/image-service.ts',
      'src/image/image-store.ts',
      'src/network/driver/linux/dnsmasq.ts',
      'src/network/floating-ip-service.ts',
      'src/network/network-store.ts',
      'src/network/port-allocator.ts',
      'src/network/port-service.ts',
      'src/network/router-service.ts',
      'src/network/security-group-service.ts',
      'src/network/subnet-pool-service.ts',
      'src/network/subnet-service.ts',
      'src/object-store/object-service.ts',
      'src/object-store/object-store-store.ts',
      'src/volume/attachment-store.ts',
      'src/volume/backend/file-backend.ts',
      'src/volume/backend/rbd-backend.ts',
      'src/volume/backup-store.ts',
      'src/volume/compute-adapter.ts',
      'src/volume/snapshot-store.ts',
      'src/volume/type-store.ts',
      'src/volume/volume-store.ts',
      'src/volume/volume-tasks.ts',
      'src/volume/volume-worker.ts',
    ],
    rules: {
      'max-lines-per-function': ['error', { max: 200, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/**/api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/db/**', '**/driver/**'],
              message: 'api/ talks to services only (ARCHITECTURE.md).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config/**', 'src/cli/**', 'src/main.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Configuration comes from src/config only.' },
      ],
    },
  },
);
