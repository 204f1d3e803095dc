import { describe, expect, it } from 'vitest';
import { capacityFilter, extraSpecsFilter, matchesSpec } from './filters.js';
import type { HostState, RequestSpec } from './host-state.js';
import { rankHosts, selectHosts } from './scheduler.js';
import { cpuWeigher, normalise, ramWeigher, weighHosts } from './weighers.js';

function host(name: string, overrides: Partial<HostState> = {}): HostState {
  return {
    name,
    availabilityZone: 'nova',
    enabled: true,
    vcpusTotal: 4,
    vcpusUsed: 0,
    memoryMiBTotal: 8192,
    memoryMiBUsed: 0,
    memoryMiBReserved: 512,
    diskGibTotal: 100,
    diskGibUsed: 0,
    cpuAllocationRatio: 4,
    ramAllocationRatio: 1,
    diskAllocationRatio: 1,
    capabilities: {},
    ...overrides,
  };
}

const small: RequestSpec = { vcpus: 1, memoryMiB: 1024, diskGib: 10 };

describe('filters', () => {
  it('counts vCPUs with the allocation ratio and RAM minus the reservation', () => {
    expect(capacityFilter(host('a', { vcpusUsed: 15 }), small)).toBeUndefined();
    expect(capacityFilter(host('a', { vcpusUsed: 16 }), small)).toMatch(/vCPUs/);
    expect(capacityFilter(host('a', { memoryMiBUsed: 6656 }), small)).toBeUndefined();
    expect(capacityFilter(host('a', { memoryMiBUsed: 6657 }), small)).toMatch(/RAM/);
    expect(capacityFilter(host('a', { diskGibUsed: 95 }), small)).toMatch(/disk/);
  });

  it('matches unscoped and capabilities: extra specs, ignoring other scopes', () => {
    const h = host('a', { capabilities: { cpu_arch: 'x86_64', gpus: '2' } });
    expect(
      extraSpecsFilter(h, { ...small, extraSpecs: { 'capabilities:cpu_arch': 'x86_64' } }),
    ).toBeUndefined();
    expect(
      extraSpecsFilter(h, { ...small, extraSpecs: { gpus: '>= 2', 'hw:cpu_policy': 'dedicated' } }),
    ).toBeUndefined();
    expect(
      extraSpecsFilter(h, { ...small, extraSpecs: { 'aggregate_instance_extra_specs:ssd': 'true' } }),
    ).toBeUndefined();
    expect(extraSpecsFilter(h, { ...small, extraSpecs: { cpu_arch: 'aarch64' } })).toMatch(/cpu_arch/);
    expect(extraSpecsFilter(h, { ...small, extraSpecs: { missing: 'x' } })).toMatch(/none/);
  });

  it('implements the extra-spec operators', () => {
    expect(matchesSpec('4', '= 2')).toBe(true);
    expect(matchesSpec('1', '= 2')).toBe(false);
    expect(matchesSpec('2', '== 2')).toBe(true);
    expect(matchesSpec('3', '!= 2')).toBe(true);
    expect(matchesSpec('3', '<= 2')).toBe(false);
    expect(matchesSpec('abc', 's== abc')).toBe(true);
    expect(matchesSpec('x86_64', '<in> 86')).toBe(true);
    expect(matchesSpec('b', '<or> a <or> b')).toBe(true);
    expect(matchesSpec('c', '<or> a <or> b')).toBe(false);
  });
});

describe('weighers', () => {
  it('normalises to [0, 1] and treats equal scores as 0', () => {
    expect(normalise([10, 20, 30])).toEqual([0, 0.5, 1]);
    expect(normalise([5, 5])).toEqual([0, 0]);
  });

  it('prefers most free RAM by default and ignores zero multipliers', () => {
    const hosts = [host('a', { memoryMiBUsed: 4096 }), host('b')];
    expect(weighHosts(hosts, small, [ramWeigher, cpuWeigher])).toEqual([0, 1]);
  });
});

describe('selectHosts', () => {
  it('picks the host with the most free RAM among those passing, and explains rejections', () => {
    const hosts = [
      host('busy', { memoryMiBUsed: 6000 }),
      host('free'),
      host('full', { memoryMiBUsed: 7680 }),
      host('off', { enabled: false }),
      host('elsewhere', { availabilityZone: 'az2' }),
    ];
    const { ranked, reasons } = rankHosts(hosts, { ...small, availabilityZone: 'nova' });
    expect(ranked.map((r) => r.host.name)).toEqual(['free', 'busy']);
    expect(Object.keys(reasons).sort()).toEqual(['elsewhere', 'full', 'off']);
    expect(selectHosts(hosts, { ...small, availabilityZone: 'nova' })).toEqual({ ok: true, hosts: ['free'] });
  });

  it('spreads several instances by consuming resources between picks', () => {
    const hosts = [host('a'), host('b', { memoryMiBUsed: 1024 })];
    expect(selectHosts(hosts, { ...small, numInstances: 3 })).toEqual({ ok: true, hosts: ['a', 'a', 'b'] });
  });

  it('fails all-or-nothing with the reasons when capacity runs out', () => {
    const result = selectHosts([host('a', { memoryMiBTotal: 2560 })], { ...small, numInstances: 3 });
    expect(result).toEqual({ ok: false, placed: ['a', 'a'], reasons: { a: expect.stringMatching(/RAM/) } });
  });

  it('skips ignored hosts and rejects silly instance counts', () => {
    expect(selectHosts([host('a'), host('b')], { ...small, ignoreHosts: ['a'] })).toEqual({
      ok: true,
      hosts: ['b'],
    });
    expect(() => selectHosts([host('a')], { ...small, numInstances: 0 })).toThrow(RangeError);
  });
});
