// The host-side ConfigDriveWriter: writes a server's config-2 ISO under
// `<dataDir>/compute/config-drives/<id>/` (outside `instances/`, which belongs to the driver: it copies
// the ISO into the instance directory at spawn) and removes it. Idempotent both ways.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigDriveWriter } from './collaborators.js';
import { writeConfigDriveIso, type ConfigDriveIsoOptions } from './config-drive/config-drive-iso.js';

export function createConfigDriveWriter(
  dataDir: string,
  options: ConfigDriveIsoOptions = {},
): ConfigDriveWriter {
  const dirOf = (serverId: string) => join(dataDir, 'compute', 'config-drives', serverId);
  return {
    async write(serverId, files) {
      const dir = dirOf(serverId);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const isoPath = join(dir, 'config-drive.iso');
      await writeConfigDriveIso(files, isoPath, options);
      return isoPath;
    },
    async remove(serverId) {
      await rm(dirOf(serverId), { recursive: true, force: true });
    },
  };
}
