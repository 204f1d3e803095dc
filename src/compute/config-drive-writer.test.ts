// The config drive writer produces an ISO with genisoimage and removes it again.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createConfigDriveWriter } from './config-drive-writer.js';

describe('createConfigDriveWriter', () => {
  it('writes and removes a config-2 ISO', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nuage-cd-'));
    try {
      const writer = createConfigDriveWriter(dataDir);
      const id = '44444444-4444-4444-8444-444444444444';
      const iso = await writer.write(id, new Map([['openstack/latest/meta_data.json', '{"uuid":"x"}']]));
      expect(statSync(iso).size).toBeGreaterThan(0);
      await writer.remove(id);
      await writer.remove(id);
      expect(existsSync(iso)).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
