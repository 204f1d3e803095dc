// A small seeded PRNG (mulberry32) so that an injected-fault run can be replayed from its seed.

/** Returns floats in [0, 1), the same sequence for the same 32-bit seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface FaultRates {
  errorRate: number;
  maxLatencyMs?: number;
  failAfterRate?: number;
}

/** One call's draw: how long it waits, whether it fails, and whether the failure comes after it acted. */
export interface FaultDraw {
  latencyMs: number;
  fails: boolean;
  when: 'before' | 'after';
}

/**
 * Draws every random number of one call up front, in a fixed order, so the sequence of faults depends
 * only on the seed and the order of calls, never on how long the wrapped call takes. Waits the latency.
 * Shared by FaultyDriver and FaultyHostAgent.
 */
export async function drawFault(random: () => number, rates: FaultRates): Promise<FaultDraw> {
  const latencyMs = Math.floor(random() * (rates.maxLatencyMs ?? 0));
  const fails = random() < rates.errorRate;
  const when = random() < (rates.failAfterRate ?? 0) ? 'after' : 'before';
  if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
  return { latencyMs, fails, when };
}
