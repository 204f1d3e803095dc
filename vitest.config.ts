// Test tiers (STYLE.md 3.8): unit tests beside the code, integration against a real server on a
// loopback port, e2e through the real CLIs, fault tests that kill and restart the server.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts'], testTimeout: 20_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // RBD against a real Ceph cluster (scripts/ceph-rig.sh), which the global setup starts once.
        test: {
          name: 'ceph',
          include: ['test/ceph/**/*.test.ts'],
          globalSetup: ['test/support/ceph-global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          // One cluster and TCG guests on a small host: files one at a time keep timings honest.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/fault/**/*.test.ts', 'test/drivers/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
