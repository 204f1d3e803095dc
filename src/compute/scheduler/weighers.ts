// Host weighers: each scores hosts, scores are normalised to [0, 1] across the candidates and summed
// with a multiplier, as in Nova's weights/__init__.py. The default spreads load by free RAM.
import { freeResources, type HostState, type RequestSpec } from './host-state.js';

export interface HostWeigher {
  name: string;
  /** Positive spreads (more of the raw score wins), negative stacks. */
  multiplier: number;
  score: (host: HostState, request: RequestSpec) => number;
}

export const ramWeigher: HostWeigher = {
  name: 'ram',
  multiplier: 1,
  score: (host) => freeResources(host).memoryMiB,
};

export const cpuWeigher: HostWeigher = {
  name: 'cpu',
  multiplier: 0,
  score: (host) => freeResources(host).vcpus,
};

export const DEFAULT_WEIGHERS: readonly HostWeigher[] = [ramWeigher];

/** Min–max normalisation: all-equal scores become 0. */
export function normalise(values: readonly number[]): number[] {
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (!Number.isFinite(min) || max === min) return values.map(() => 0);
  return values.map((value) => (value - min) / (max - min));
}

/** Total weight per host, in the input order. */
export function weighHosts(
  hosts: readonly HostState[],
  request: RequestSpec,
  weighers: readonly HostWeigher[],
): number[] {
  const totals = hosts.map(() => 0);
  for (const weigher of weighers) {
    if (weigher.multiplier === 0) continue;
    const scores = normalise(hosts.map((host) => weigher.score(host, request)));
    scores.forEach((score, index) => (totals[index] = (totals[index] ?? 0) + score * weigher.multiplier));
  }
  return totals;
}
