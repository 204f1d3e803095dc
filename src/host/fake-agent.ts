// An in-memory HostAgent for control-plane tests without QEMU: the local agent over a FakeDriver (honest
// power states and timing), with host facilities kept in memory, so that tests can see what the host was
// given: which images it fetched, which ports it plugged, the config drive's files, the snapshots taken.
import { FakeDriver, type FakeDriverOptions } from '../compute/driver/fake/fake-driver.js';
import type { DiskTarget } from '../compute/driver/driver.js';
import type { GuestPort, GuestVolume } from './agent-contract.js';
import { LocalHostAgent, type LocalHostFacilities } from './local-agent.js';

interface FakeHostState {
  imagesFetched: Set<string>;
  ports: Map<string, Map<string, GuestPort>>;
  configDrives: Map<string, ReadonlyMap<string, Uint8Array>>;
  volumes: Map<string, DiskTarget>;
  snapshots: { imageId: string; guestId: string }[];
}

function facilitiesOf(state: FakeHostState): LocalHostFacilities {
  return {
    baseImagePath: async (imageId) => {
      state.imagesFetched.add(imageId);
      return `fake:/images/${imageId}`;
    },
    plugPort: async (port, guestId) => {
      const ports = state.ports.get(guestId) ?? new Map<string, GuestPort>();
      ports.set(port.portId, port);
      state.ports.set(guestId, ports);
      return { kind: 'user' };
    },
    unplugPort: async (portId, guestId) => {
      state.ports.get(guestId)?.delete(portId);
    },
    writeConfigDrive: async (guestId, files) => {
      state.configDrives.set(guestId, files);
      return `fake:/config-drives/${guestId}.iso`;
    },
    removeConfigDrive: async () => undefined,
    volumeTarget: async (_guestId, volumeId) =>
      state.volumes.get(volumeId) ?? { kind: 'file', path: `fake:/volumes/${volumeId}`, format: 'qcow2' },
    snapshotDir: 'fake:/snapshots',
    uploadSnapshot: async () => undefined,
  };
}

export class FakeHostAgent extends LocalHostAgent {
  private readonly state: FakeHostState;
  readonly fakeDriver: FakeDriver;

  constructor(host: string, options: FakeDriverOptions = {}) {
    const state: FakeHostState = {
      imagesFetched: new Set(),
      ports: new Map(),
      configDrives: new Map(),
      volumes: new Map(),
      snapshots: [],
    };
    const driver = new FakeDriver(options);
    super({ host, driver, facilities: facilitiesOf(state) });
    this.state = state;
    this.fakeDriver = driver;
  }

  /** The fake keeps snapshots as records: the guest must exist; nothing is uploaded. */
  override async snapshotGuest(id: string, imageId: string): Promise<void> {
    await this.fakeDriver.status(id);
    this.state.snapshots.push({ imageId, guestId: id });
  }

  override async destroyGuest(id: string): Promise<void> {
    await super.destroyGuest(id);
    this.state.ports.delete(id);
    this.state.configDrives.delete(id);
  }

  override async attachVolume(id: string, volume: GuestVolume): Promise<void> {
    if (volume.kind === 'file' && !this.state.volumes.has(volume.volumeId)) {
      this.state.volumes.set(volume.volumeId, {
        kind: 'file',
        path: `fake:/volumes/${volume.volumeId}`,
        format: volume.format,
      });
    }
    return super.attachVolume(id, volume);
  }

  /** Images this host fetched for root disks. */
  imagesFetched(): string[] {
    return [...this.state.imagesFetched];
  }

  /** The ports plugged for a guest now. */
  portsOf(id: string): GuestPort[] {
    return [...(this.state.ports.get(id)?.values() ?? [])];
  }

  /** The config drive's files a guest was spawned with (path → UTF-8 text). */
  configDriveOf(id: string): Map<string, string> | undefined {
    const files = this.state.configDrives.get(id);
    if (files === undefined) return undefined;
    return new Map([...files].map(([path, bytes]) => [path, Buffer.from(bytes).toString('utf8')]));
  }

  snapshots(): readonly { imageId: string; guestId: string }[] {
    return this.state.snapshots;
  }

  /** The guest's hypervisor dies (kill -9, crash): the host reports it Shutdown from now on. */
  crash(id: string): void {
    this.fakeDriver.crash(id);
  }
}
