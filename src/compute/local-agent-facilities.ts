// The all-in-one host's facilities behind the HostAgent ids: the image cache, the network data plane's
// taps, config-drive ISOs, the volumes recorded for a server, and snapshot upload to the image service.
import type { TokenCipher } from '../common/crypto/token-cipher.js';
import type { DiskTarget } from './driver/driver.js';
import type { ConfigDriveWriter, ImageSnapshots, ImageSource, PortProvider } from './collaborators.js';
import type { ServerStore } from './server-store.js';
import type { Kysely } from 'kysely';
import { LocalHostAgent, type LocalHostFacilities } from '../host/local-agent.js';
import { createAgentDirectory, type AgentDirectory } from '../host/agent-directory.js';
import type { AgentCredentialTables } from '../host/agent-credential-store.js';
import type { ComputeDriver } from './driver/driver.js';
import type { VolumeAttacher } from './collaborators.js';
import type { ComputeTables } from './compute-tables.js';

export interface LocalFacilitiesDeps {
  images: ImageSource;
  ports: PortProvider;
  configDrives: ConfigDriveWriter;
  store: ServerStore;
  /** The volumes attached to a server (block storage), for hot-plug by id. */
  disksOf?: (serverId: string) => Promise<({ volumeId: string } & DiskTarget)[]>;
  snapshots?: ImageSnapshots;
  snapshotDir?: string;
}

export function localHostFacilities(deps: LocalFacilitiesDeps): LocalHostFacilities {
  return {
    baseImagePath: (imageId, projectId) => deps.images.baseImagePath(imageId, projectId),
    plugPort: (port, guestId) => deps.ports.plug({ ...port, created: false }, guestId),
    async unplugPort(portId, guestId) {
      const port = (await deps.store.get(guestId))?.ports.find((p) => p.portId === portId);
      if (port !== undefined) await deps.ports.unplug(port, guestId);
    },
    writeConfigDrive: (guestId, files) => deps.configDrives.write(guestId, files),
    removeConfigDrive: (guestId) => deps.configDrives.remove(guestId),
    async volumeTarget(guestId, volumeId) {
      const root = (await deps.store.get(guestId))?.rootVolume;
      if (root?.volumeId === volumeId) {
        if (root.rbd !== undefined) return { kind: 'rbd', ...root.rbd };
        if (root.path !== undefined && root.format !== undefined)
          return { path: root.path, format: root.format };
      }
      const disk = (await deps.disksOf?.(guestId))?.find((d) => d.volumeId === volumeId);
      if (disk === undefined) throw new Error(`volume ${volumeId} is not recorded for server ${guestId}`);
      return disk.kind === 'rbd'
        ? { kind: 'rbd', pool: disk.pool, image: disk.image }
        : { path: disk.path, format: disk.format };
    },
    snapshotDir: deps.snapshotDir ?? '.',
    async uploadSnapshot(imageId, path) {
      if (deps.snapshots === undefined) throw new Error('no image service for snapshots');
      await deps.snapshots.upload(imageId, path);
    },
  };
}

/**
 * The agent of each host: this process's own (over its driver) unless it is an API node only, and the
 * HTTP clients of remote agents (from agent_credentials, in `db`).
 */
export function createHostAgents(
  deps: Omit<LocalFacilitiesDeps, 'store' | 'disksOf'> & {
    db: Kysely<ComputeTables>;
    hostName: string;
    driver: ComputeDriver;
    volumes?: VolumeAttacher;
    agentSecrets?: TokenCipher;
  },
  store: ServerStore,
  withLocalAgent: boolean,
): AgentDirectory {
  const volumes = deps.volumes;
  const local = withLocalAgent
    ? new LocalHostAgent({
        host: deps.hostName,
        driver: deps.driver,
        facilities: localHostFacilities({
          ...deps,
          store,
          ...(volumes && { disksOf: (id: string) => volumes.disksOf(id) }),
        }),
      })
    : undefined;
  // The app's Database extends AgentCredentialTables; Kysely's type is invariant, hence the cast.
  return createAgentDirectory({
    db: deps.db as unknown as Kysely<AgentCredentialTables>,
    ...(local && { local }),
    ...(deps.agentSecrets && { secrets: deps.agentSecrets }),
  });
}
