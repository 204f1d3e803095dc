// What a host reports about itself when nothing is overridden: measured CPUs, RAM and disk, Nova's
// default allocation ratios and RAM reservation.
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { describeThisHost } from './host-registration.js';

describe('describeThisHost', () => {
  it('measures this machine, walking up to an existing directory for the disk', async () => {
    const report = await describeThisHost(
      { hostName: 'h', availabilityZone: 'nova', dataDir: '/nonexistent/nuage/data' },
      { now: () => new Date('2026-12-01T00:00:00.000Z') },
    );
    expect(report).toMatchObject({
      name: 'h',
      vcpus: availableParallelism(),
      memoryReservedMiB: 512,
      cpuAllocationRatio: 4,
      ramAllocationRatio: 1,
      diskAllocationRatio: 1,
      hypervisorType: 'QEMU',
      heartbeatAt: '2026-12-01T00:00:00.000Z',
    });
    expect(report.memoryMiB).toBeGreaterThan(0);
    expect(report.diskGib).toBeGreaterThan(0);
    expect(report.cpuInfo).toMatchObject({ topology: { cores: availableParallelism() } });
  });
});
