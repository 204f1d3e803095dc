// The HostAgent of the host this process runs on: the contract's ids become this host's paths (the image
// cache, the volume backend's files, taps from the network data plane, config-drive ISOs) and the calls
// go to the in-process ComputeDriver. All-in-one `nuage up` uses it; `nuage agent` serves it over HTTP.
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import {
  isDriverError,
  type ComputeDriver,
  type DiskTarget,
  type InstanceSpec,
  type NetworkInterfaceSpec,
  type RootDisk,
} from '../compute/driver/driver.js';
import {
  configDriveMapOf,
  type ConsoleInfo,
  type GuestInfo,
  type GuestPort,
  type GuestRootDisk,
  type GuestSpec,
  type GuestVolume,
  type HostAgent,
  type PowerAction,
  type ResizeTarget,
  type StopOptions,
} from './agent-contract.js';

/** The host-local facilities behind the ids of the contract. */
export interface LocalHostFacilities {
  /** A base image file on this host for the image (fetched and cached on first use). */
  baseImagePath(imageId: string, projectId: string): Promise<string>;
  /** Makes the port's tap (or user-mode networking) for the guest. */
  plugPort(
    port: GuestPort,
    guestId: string,
  ): Promise<{ kind: 'tap'; tapName: string; netns?: string } | { kind: 'user' }>;
  unplugPort(portId: string, guestId: string): Promise<void>;
  /** Writes the config-drive ISO and resolves its path; removeConfigDrive deletes it. */
  writeConfigDrive(guestId: string, files: ReadonlyMap<string, Uint8Array>): Promise<string>;
  removeConfigDrive(guestId: string): Promise<void>;
  /** Where this host opens a volume of the guest (its root volume or an attached one), by id. */
  volumeTarget(guestId: string, volumeId: string): Promise<DiskTarget>;
  /** Where snapshots wait, and how their bytes reach the image service. */
  snapshotDir: string;
  uploadSnapshot(imageId: string, path: string): Promise<void>;
}

export interface LocalHostAgentOptions {
  host: string;
  driver: ComputeDriver;
  facilities: LocalHostFacilities;
}

export class LocalHostAgent implements HostAgent {
  readonly host: string;
  readonly driver: ComputeDriver;
  private readonly facilities: LocalHostFacilities;

  constructor(options: LocalHostAgentOptions) {
    this.host = options.host;
    this.driver = options.driver;
    this.facilities = options.facilities;
  }

  async spawnGuest(spec: GuestSpec): Promise<GuestInfo> {
    const instance = await this.instanceSpec(spec);
    try {
      return await this.driver.spawn(instance);
    } catch (err) {
      // The guest that exists keeps its taps; anything else failed before a guest ran: unplug.
      if (!isDriverError(err, 'AlreadyExists')) {
        for (const port of spec.ports) await this.facilities.unplugPort(port.portId, spec.id);
      }
      throw err;
    } finally {
      // The driver copied the ISO into the instance directory.
      if (spec.configDrive) await this.facilities.removeConfigDrive(spec.id);
    }
  }

  destroyGuest(id: string): Promise<void> {
    return this.driver.destroy(id);
  }

  async powerGuest(id: string, action: PowerAction, options?: StopOptions): Promise<void> {
    if (action === 'stop') return this.driver.stop(id, options ?? { soft: false, timeoutMs: 0 });
    return this.driver[action](id);
  }

  rebootGuest(id: string, kind: 'soft' | 'hard', timeoutMs?: number): Promise<void> {
    return this.driver.reboot(id, kind, timeoutMs);
  }

  resizeGuest(id: string, target: ResizeTarget): Promise<void> {
    return this.driver.resize(id, target);
  }

  confirmResize(id: string): Promise<void> {
    return this.driver.confirmResize(id);
  }

  revertResize(id: string): Promise<void> {
    return this.driver.revertResize(id);
  }

  async snapshotGuest(id: string, imageId: string): Promise<void> {
    const file = join(this.facilities.snapshotDir, `${imageId}.qcow2`);
    try {
      await this.driver.snapshot(id, file);
      await this.facilities.uploadSnapshot(imageId, file);
    } finally {
      await rm(file, { force: true });
    }
  }

  async attachVolume(id: string, volume: GuestVolume): Promise<void> {
    const readOnly = volume.readOnly === true && { readOnly: true };
    if (volume.kind === 'rbd') {
      return this.driver.attachVolume(id, {
        volumeId: volume.volumeId,
        kind: 'rbd',
        pool: volume.pool,
        image: volume.image,
        ...readOnly,
      });
    }
    const target = await this.facilities.volumeTarget(id, volume.volumeId);
    return this.driver.attachVolume(id, { volumeId: volume.volumeId, ...target, ...readOnly });
  }

  detachVolume(id: string, volumeId: string, timeoutMs?: number): Promise<void> {
    return this.driver.detachVolume(id, volumeId, timeoutMs);
  }

  async plugPort(id: string, port: GuestPort): Promise<void> {
    await this.facilities.plugPort(port, id);
  }

  unplugPort(id: string, portId: string): Promise<void> {
    return this.facilities.unplugPort(portId, id);
  }

  async consoleInfo(id: string, lengthLines?: number): Promise<ConsoleInfo> {
    const output = await this.driver.consoleOutput(id, lengthLines);
    const socket = this.driver.consoleSocket?.bind(this.driver);
    return {
      output,
      serial: socket !== undefined && (await socket(id, 'serial')) !== undefined,
      vnc: socket !== undefined && (await socket(id, 'vnc')) !== undefined,
    };
  }

  guestStatus(id: string): Promise<GuestInfo> {
    return this.driver.status(id);
  }

  listGuests(): Promise<GuestInfo[]> {
    return this.driver.list();
  }

  close(): Promise<void> {
    return this.driver.close();
  }

  private async instanceSpec(spec: GuestSpec): Promise<InstanceSpec> {
    const networkInterfaces: NetworkInterfaceSpec[] = [];
    for (const port of spec.ports) {
      const plugged = await this.facilities.plugPort(port, spec.id);
      networkInterfaces.push(
        plugged.kind === 'tap'
          ? {
              kind: 'tap',
              tapName: plugged.tapName,
              ...(plugged.netns !== undefined && { netns: plugged.netns }),
              macAddress: port.macAddress,
            }
          : { kind: 'user', macAddress: port.macAddress, hostForwards: [] },
      );
    }
    const instance: InstanceSpec = {
      id: spec.id,
      name: spec.name,
      vcpus: spec.vcpus,
      memoryMiB: spec.memoryMiB,
      rootDisk: await this.rootDisk(spec.id, spec.rootDisk),
      networkInterfaces,
    };
    if (spec.configDrive) {
      const files = configDriveMapOf(spec.configDrive.files);
      instance.configDrive = { isoPath: await this.facilities.writeConfigDrive(spec.id, files) };
    }
    return instance;
  }

  private async rootDisk(guestId: string, disk: GuestRootDisk): Promise<RootDisk> {
    if (disk.kind === 'rbd') return { ...disk };
    if (disk.kind === 'image') {
      return {
        baseImagePath: await this.facilities.baseImagePath(disk.imageId, disk.projectId),
        ...(disk.sizeBytes !== undefined && { sizeBytes: disk.sizeBytes }),
      };
    }
    const target = await this.facilities.volumeTarget(guestId, disk.volumeId);
    if (target.kind === 'rbd')
      return { kind: 'rbd', pool: target.pool, image: target.image, volumeId: disk.volumeId };
    return { kind: 'volume', volumeId: disk.volumeId, path: target.path, format: target.format };
  }
}
