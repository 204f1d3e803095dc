// The boot saga: claim → ports → root volume → disk → config drive → spawn, each step with an undo.
// Completed step names are persisted in the server row (steps_done) together with the step's result, so that a
// restarted worker resumes after the last recorded step, and a failure or a delete undoes exactly the
// recorded steps in reverse. Every `run` and `undo` is idempotent.
import { randomBytes } from 'node:crypto';
import { unlockedGuest, type GuestLock } from './guest-lock.js';
import type { Injection, PendingInjections } from './injection.js';
import type { BootVolumes, ConfigDriveWriter, ImageSource, PortProvider } from './collaborators.js';
import { buildConfigDriveFiles } from './config-drive/metadata.js';
import { serverMetadataInput } from './config-drive/server-metadata-input.js';
import {
  isDriverError,
  type ComputeDriver,
  type InstanceSpec,
  type NetworkInterfaceSpec,
  type RootDisk,
} from './driver/driver.js';
import type { Server, TaskState } from './model.js';
import type { HostClaims } from './scheduler/claims.js';
import { configDriveFilesOf, type GuestRootDisk, type GuestSpec } from '../host/agent-contract.js';
import type { AgentDirectory } from '../host/agent-directory.js';
import type { ServerPatch } from './server-store.js';

export interface BootSagaDeps {
  driver: ComputeDriver;
  images: ImageSource;
  ports: PortProvider;
  configDrives: ConfigDriveWriter;
  /** This host's name (Nova's OS-EXT-SRV-ATTR:host); the scheduler chooses it once there are several. */
  hostName: string;
  /** The scheduler's transactional claims (scheduler/claims.ts); without it every server lands on hostName. */
  claims?: HostClaims;
  /** Root volumes (boot from volume); a volume-backed server fails its boot without them. */
  bootVolumes?: BootVolumes;
  /** What the request gave for the next spawn's config drive (injection.ts). */
  injections?: PendingInjections;
  /** The per-guest lock every driver call on a guest runs under (guest-lock.ts; none when absent). */
  guestLock?: GuestLock;
  /** The agent of each host (src/host): spawn and destroy go to the server's host through it. */
  agents?: AgentDirectory;
}

export interface BootStep {
  name: string;
  /** The task_state shown while this step runs. */
  taskState: TaskState;
  /** Performs the step; resolves what to record in the row with it. */
  run(server: Server): Promise<ServerPatch>;
  undo(server: Server): Promise<void>;
}

async function networkInterfaces(deps: BootSagaDeps, server: Server): Promise<NetworkInterfaceSpec[]> {
  const out: NetworkInterfaceSpec[] = [];
  for (const port of server.ports) {
    const plugged = await deps.ports.plug(port, server.id);
    if (plugged.kind === 'tap')
      out.push({
        kind: 'tap',
        tapName: plugged.tapName,
        ...(plugged.netns !== undefined && { netns: plugged.netns }),
        macAddress: port.macAddress,
      });
    else out.push({ kind: 'user', macAddress: port.macAddress, hostForwards: [] });
  }
  return out;
}

/** The drive's files; what the request gave for this spawn only (admin password, files) goes in too. */
function configDriveFiles(server: Server, injection: Injection | undefined) {
  const input = serverMetadataInput(server, randomBytes(512).toString('base64'));
  return buildConfigDriveFiles({
    ...input,
    ...(injection?.adminPass !== undefined && { adminPass: injection.adminPass }),
    ...(injection?.files !== undefined && { files: injection.files }),
  });
}

/**
 * The root disk: the root volume's file or RBD image (recorded by the root-volume step), else an overlay
 * on the image.
 */
async function rootDiskOf(deps: BootSagaDeps, server: Server): Promise<RootDisk> {
  const root = server.rootVolume;
  if (root) {
    if (root.rbd !== undefined) return { kind: 'rbd', ...root.rbd, volumeId: root.volumeId };
    if (root.path === undefined || root.format === undefined)
      throw new Error(`root volume ${root.volumeId} of server ${server.id} is not prepared`);
    return { kind: 'volume', volumeId: root.volumeId, path: root.path, format: root.format };
  }
  if (server.imageId === null) throw new Error(`server ${server.id} has neither an image nor a root volume`);
  return {
    baseImagePath: await deps.images.baseImagePath(server.imageId, server.projectId),
    ...(server.flavor.diskGib > 0 && { sizeBytes: server.flavor.diskGib * 1024 ** 3 }),
  };
}

/** Releases the root volume: on a failed boot a volume made for the server goes too; on delete, as asked. */
async function releaseRootVolume(deps: BootSagaDeps, server: Server): Promise<void> {
  const root = server.rootVolume;
  if (!root) return;
  if (!deps.bootVolumes) throw new Error('boot from volume is not configured on this host');
  const createdForServer = root.sourceType !== 'volume';
  const deleting = server.taskState === 'deleting';
  await deps.bootVolumes.release(
    server.id,
    root.volumeId,
    root.deleteOnTermination || (!deleting && createdForServer),
  );
}

export async function spawnSpec(deps: BootSagaDeps, server: Server): Promise<InstanceSpec> {
  const spec: InstanceSpec = {
    id: server.id,
    name: server.name,
    vcpus: server.flavor.vcpus,
    memoryMiB: server.flavor.ramMiB,
    rootDisk: await rootDiskOf(deps, server),
    networkInterfaces: await networkInterfaces(deps, server),
  };
  if (server.configDrive)
    spec.configDrive = {
      isoPath: await deps.configDrives.write(
        server.id,
        configDriveFiles(server, deps.injections?.get(server.id)),
      ),
    };
  return spec;
}

/** Deletes ports bound to the server that it neither recorded nor was given (a crash's leftovers). */
async function deleteUnrecordedPorts(deps: BootSagaDeps, server: Server): Promise<void> {
  const known = new Set(server.ports.map((p) => p.portId));
  for (const n of server.networks) if (n.kind === 'port') known.add(n.portId);
  for (const portId of await deps.ports.portsOfServer(server.id))
    if (!known.has(portId)) await deps.ports.deletePort(portId);
}

export function bootSteps(deps: BootSagaDeps): BootStep[] {
  const onGuest = deps.guestLock ?? unlockedGuest;
  return [
    {
      name: 'claim',
      taskState: 'scheduling',
      run: async (server) => ({ host: deps.claims ? await deps.claims.claim(server) : deps.hostName }),
      undo: async (server) => {
        if (deps.claims) await deps.claims.release(server.id);
      },
    },
    {
      name: 'ports',
      taskState: 'networking',
      run: async (server) => {
        const ports = [...server.ports];
        // A crash between creating a port and recording it leaves a port bound to this server that the
        // row does not list: delete those before creating the missing ones.
        await deleteUnrecordedPorts(deps, server);
        for (const requested of server.networks.slice(ports.length)) {
          ports.push(
            requested.kind === 'port'
              ? await deps.ports.bindPort(requested.portId, server.id)
              : await deps.ports.createPort({
                  projectId: server.projectId,
                  networkId: requested.networkId,
                  serverId: server.id,
                  ...(requested.fixedIp !== undefined && { fixedIp: requested.fixedIp }),
                  ...(requested.securityGroups !== undefined && {
                    securityGroupIds: requested.securityGroups.map((g) => g.id),
                  }),
                }),
          );
        }
        return { ports };
      },
      undo: async (server) => {
        for (const port of server.ports) {
          await deps.ports.unplug(port, server.id);
          if (port.created) await deps.ports.deletePort(port.portId);
          else await deps.ports.unbindPort(port.portId);
        }
        await deleteUnrecordedPorts(deps, server);
      },
    },
    {
      // Boot from volume: creates the root volume from its image or snapshot (or takes the given one),
      // attaches it to the server in the volume service and records its file. Undo releases it.
      name: 'root-volume',
      taskState: 'block_device_mapping',
      run: async (server) => {
        const root = server.rootVolume;
        if (!root) return {};
        if (!deps.bootVolumes) throw new Error('boot from volume is not configured on this host');
        const target = await deps.bootVolumes.prepareRoot(server, root);
        if (target.kind === 'rbd') {
          return { rootVolume: { ...root, rbd: { pool: target.pool, image: target.image } } };
        }
        return { rootVolume: { ...root, path: target.path, format: target.format } };
      },
      undo: (server) => releaseRootVolume(deps, server),
    },
    {
      // Materialises the image on this host (the image source caches it; nothing to undo per server).
      name: 'disk',
      taskState: 'block_device_mapping',
      run: async (server) => {
        if (server.imageId !== null) await deps.images.baseImagePath(server.imageId, server.projectId);
        return {};
      },
      undo: async () => undefined,
    },
    {
      name: 'spawn',
      taskState: 'spawning',
      run: (server) =>
        onGuest(server.id, () => (deps.agents ? spawnOnHost(deps, server) : spawn(deps, server))),
      undo: (server) =>
        onGuest(server.id, async () => {
          if (deps.agents && server.host !== null)
            await (await deps.agents.forHost(server.host)).destroyGuest(server.id);
          else await deps.driver.destroy(server.id);
          if (server.configDrive) await deps.configDrives.remove(server.id);
        }),
    },
  ];
}

async function spawn(deps: BootSagaDeps, server: Server): Promise<ServerPatch> {
  const spec = await spawnSpec(deps, server);
  try {
    const info = await deps.driver.spawn(spec);
    return { powerState: info.powerState };
  } catch (err) {
    // A spawn that completed before a crash left the guest behind: adopt it (idempotent re-run).
    if (!isDriverError(err, 'AlreadyExists')) throw err;
    return { powerState: (await deps.driver.status(server.id)).powerState };
  } finally {
    if (server.configDrive) await deps.configDrives.remove(server.id);
  }
}

/** The guest as the host agent takes it: ids and values, no paths of this process. */
export function guestSpecOf(deps: BootSagaDeps, server: Server): GuestSpec {
  const root = server.rootVolume;
  let rootDisk: GuestRootDisk;
  if (root?.rbd !== undefined) rootDisk = { kind: 'rbd', ...root.rbd, volumeId: root.volumeId };
  else if (root) rootDisk = { kind: 'volume', volumeId: root.volumeId, format: root.format ?? 'qcow2' };
  else if (server.imageId === null)
    throw new Error(`server ${server.id} has neither an image nor a root volume`);
  else
    rootDisk = {
      kind: 'image',
      imageId: server.imageId,
      projectId: server.projectId,
      ...(server.flavor.diskGib > 0 && { sizeBytes: server.flavor.diskGib * 1024 ** 3 }),
    };
  const spec: GuestSpec = {
    id: server.id,
    name: server.name,
    vcpus: server.flavor.vcpus,
    memoryMiB: server.flavor.ramMiB,
    rootDisk,
    ports: server.ports.map((p) => ({
      portId: p.portId,
      networkId: p.networkId,
      networkName: p.networkName,
      macAddress: p.macAddress,
      fixedIps: p.fixedIps,
    })),
  };
  if (server.configDrive) {
    const files = configDriveFiles(server, deps.injections?.get(server.id));
    spec.configDrive = { files: configDriveFilesOf(files) };
  }
  return spec;
}

/** Spawns on the server's host through its agent (local in all-in-one, HTTP for a remote host). */
async function spawnOnHost(deps: BootSagaDeps, server: Server): Promise<ServerPatch> {
  if (deps.agents === undefined || server.host === null) throw new Error(`server ${server.id} has no host`);
  const agent = await deps.agents.forHost(server.host);
  try {
    return { powerState: (await agent.spawnGuest(guestSpecOf(deps, server))).powerState };
  } catch (err) {
    // A spawn that completed before a crash left the guest behind: adopt it (idempotent re-run).
    if (!isDriverError(err, 'AlreadyExists')) throw err;
    return { powerState: (await agent.guestStatus(server.id)).powerState };
  }
}
